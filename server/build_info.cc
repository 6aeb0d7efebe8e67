#include "server/build_info.h"

#include <google/protobuf/stubs/common.h>
#include <grpcpp/grpcpp.h>
#include <hs/hs.h>

#include "absl/strings/str_cat.h"
#include "server/version.h"

namespace moderation::server {

const BuildInfo& GetBuildInfo() {
  static const BuildInfo* const info = [] {
    auto* i = new BuildInfo;
    i->version = MODERATION_GIT_DESCRIBE;
    i->build_type = MODERATION_BUILD_TYPE;
    // "5.4.0 2023-01-01": the release, without the build date.
    const std::string hs = hs_version();
    i->hyperscan = hs.substr(0, hs.find(' '));
    i->re2 = MODERATION_RE2_VERSION;
    i->grpc = grpc::Version();
    i->protobuf = google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION);
    return i;
  }();
  return *info;
}

std::string VersionText() {
  const BuildInfo& i = GetBuildInfo();
  return absl::StrCat("moderationd ", i.version, " (", i.build_type, " build)\n", "  Hyperscan ",
                      i.hyperscan, "\n", "  RE2 ", i.re2, "\n", "  gRPC ", i.grpc, "\n",
                      "  protobuf ", i.protobuf, "\n");
}

}  // namespace moderation::server
