// The one place where an absl::Status becomes a gRPC answer.
//
// Why: the engine and the server's own checks speak absl::Status, whose codes
// are gRPC's codes, number for number. Every handler converts through these
// two functions, so a code or a message is never translated in two ways: a
// call's status (ToGrpcStatus), and the per-post error that ModerateBatch and
// ModerateStream put beside the answers (ToPostError).
//
//   reactor->Finish(ToGrpcStatus(status));
//   if (!status.ok()) ToPostError(status, response->add_errors()->mutable_error());
//
// Thread-safety: pure functions.
#ifndef MODERATION_SERVER_STATUS_MAPPING_H_
#define MODERATION_SERVER_STATUS_MAPPING_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "moderation/v1/moderation.pb.h"

namespace moderation::server {

// The same code and message as a gRPC status; OK stays OK.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The same code and message as a per-post error, with the blamed field's
// path (field_error.h) in `field`, empty when no field is to blame.
void ToPostError(const absl::Status& status, v1::PostError* out);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_STATUS_MAPPING_H_
