#include "server/grpc_server_options.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace moderation::server {

int MaxMessageBytes(int64_t max_post_bytes, int max_batch) {
  const int64_t batch = max_post_bytes * max_batch + (1 << 20);
  return static_cast<int>(std::min<int64_t>(std::max<int64_t>(batch, 4 << 20), 1 << 30));
}

void EnableHealthAndReflection() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
}

void ApplyServerOptions(grpc::ServerBuilder* builder, int threads, int max_message_bytes) {
  builder->SetMaxReceiveMessageSize(max_message_bytes);
  if (threads > 0) {
    grpc::ResourceQuota quota("moderationd");
    quota.SetMaxThreads(threads);
    builder->SetResourceQuota(quota);
  }
}

bool WriteFileAtomically(const std::string& path, const std::string& contents) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp);
    out << contents;
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  return !ec;
}

}  // namespace moderation::server
