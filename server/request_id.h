// The x-request-id of a call, echoed to the client and written to the logs.
//
// Why: a platform traces one post through its own services with a request
// id; when it sends one as `x-request-id` metadata, the answer carries it
// back in the response's initial metadata, and every log line and audit
// record about the call names it. Calls without one get none (no cost).
//
//   const std::string request_id = EchoRequestId(context);  // "" if none
//
// Thread-safety: call from the RPC's handler, before its first write.
#ifndef MODERATION_SERVER_REQUEST_ID_H_
#define MODERATION_SERVER_REQUEST_ID_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <string_view>

namespace moderation::server {

inline constexpr std::string_view kRequestIdHeader = "x-request-id";
// Longer ids are cut: they end up in every log line about the call.
inline constexpr size_t kMaxRequestIdBytes = 128;

// The client's x-request-id ("" if none), also added to the response's
// initial metadata.
inline std::string EchoRequestId(grpc::ServerContextBase* context) {
  const auto& metadata = context->client_metadata();
  const auto it = metadata.find(grpc::string_ref(kRequestIdHeader.data(), kRequestIdHeader.size()));
  if (it == metadata.end()) return "";
  std::string id(it->second.data(), std::min(it->second.size(), kMaxRequestIdBytes));
  context->AddInitialMetadata(std::string(kRequestIdHeader), id);
  return id;
}

}  // namespace moderation::server

#endif  // MODERATION_SERVER_REQUEST_ID_H_
