// moderation.v1.CommunityPulseService: the read-only gRPC face of the
// community pulse (server/pulse/pulse.h).
//
// Why: community managers' tools read the pulse (GetPulse,
// ListCommunities) and follow crisis alerts live (WatchAlerts). Handlers
// only check the credential, ask the pulse and translate (pulse_proto.h).
//
// Credentials: the admin credential (admin_auth.h), or the pulse reader
// token when one is configured (a bearer token that opens these read-only
// calls and nothing else). Denied calls get UNAUTHENTICATED or
// PERMISSION_DENIED as for the admin API.
//
// WatchAlerts: each stream subscribes to the AlertHub, first sends the
// alerts open at its start, then every change, in order. A stream's queue
// holds at most kMaxQueuedAlerts; a client that falls further behind gets
// RESOURCE_EXHAUSTED. A stream may see the end of an alert that closed
// while it was starting without having seen it open.
//
// Thread-safety: gRPC calls the handlers concurrently; the pulse, the hub
// and the authenticators are thread-safe, and each stream guards its queue
// with its own mutex.
#ifndef MODERATION_SERVER_PULSE_SERVICE_H_
#define MODERATION_SERVER_PULSE_SERVICE_H_

#include <memory>

#include "moderation/v1/pulse.grpc.pb.h"
#include "server/admin_auth.h"
#include "server/log.h"
#include "server/pulse/alert_hub.h"
#include "server/pulse/pulse.h"

namespace moderation::server {

inline constexpr size_t kMaxQueuedAlerts = 1000;

class CommunityPulseServiceImpl final : public v1::CommunityPulseService::CallbackService {
 public:
  // reader may be null (no reader token). All pointers must outlive the
  // service and its streams.
  CommunityPulseServiceImpl(pulse::Pulse* pulse, pulse::AlertHub* hub,
                            const AdminAuthenticator* admin, const AdminAuthenticator* reader,
                            Logger* logger);

  grpc::ServerUnaryReactor* GetPulse(grpc::CallbackServerContext* context,
                                     const v1::GetPulseRequest* request,
                                     v1::GetPulseResponse* response) override;
  grpc::ServerUnaryReactor* ListCommunities(grpc::CallbackServerContext* context,
                                            const v1::ListCommunitiesRequest* request,
                                            v1::ListCommunitiesResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchAlertsResponse>* WatchAlerts(
      grpc::CallbackServerContext* context, const v1::WatchAlertsRequest* request) override;

 private:
  // The admin credential or the reader token; logs denials.
  grpc::Status Admit(grpc::CallbackServerContext* context, std::string_view rpc) const;

  pulse::Pulse* const pulse_;
  pulse::AlertHub* const hub_;
  const AdminAuthenticator* const admin_;
  const AdminAuthenticator* const reader_;
  Logger* const logger_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PULSE_SERVICE_H_
