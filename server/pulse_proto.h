// Community pulse values (server/pulse/snapshot.h, alert.h) as protobuf
// (proto/moderation/v1/pulse.proto).
//
// Why: keeps CommunityPulseService's handlers thin: they ask the pulse and
// translate with these.
//
// Thread-safety: pure functions.
#ifndef MODERATION_SERVER_PULSE_PROTO_H_
#define MODERATION_SERVER_PULSE_PROTO_H_

#include "moderation/v1/pulse.pb.h"
#include "server/pulse/alert.h"
#include "server/pulse/snapshot.h"

namespace moderation::server {

void AlertToProto(const pulse::Alert& alert, v1::PulseAlert* out);
// window: PULSE_WINDOW_UNSPECIFIED = all three.
void SnapshotToProto(const pulse::CommunitySnapshot& snapshot, v1::PulseWindow window,
                     absl::Time as_of, v1::GetPulseResponse* out);
void SummaryToProto(const pulse::CommunitySummary& summary, v1::CommunitySummary* out);
v1::MoodIndex MoodIndexFromName(const std::string& index);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PULSE_PROTO_H_
