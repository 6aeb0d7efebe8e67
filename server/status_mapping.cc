#include "server/status_mapping.h"

#include <string>

#include "server/field_error.h"

namespace moderation::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

void ToPostError(const absl::Status& status, v1::PostError* out) {
  out->set_code(static_cast<int>(status.code()));
  out->set_message(std::string(status.message()));
  out->set_field(FieldPathOf(status));
}

}  // namespace moderation::server
