// What this binary is: its version, build type and the library versions it
// was built with, for `moderationd --version` and the moderation_build_info
// metric.
//
// Why: an operator comparing replicas, or filing a bug, needs to know which
// code runs, not what a package name suggests. The version is `git describe`
// of the source tree at build time (server/version.cmake); the library
// versions are what the binary reports at run time (Hyperscan, gRPC) or what
// was installed when it was configured (RE2 has no run-time version call;
// protobuf's headers).
//
//   std::cout << VersionText();
//   const BuildInfo& info = GetBuildInfo();  // info.version == "b3499dd-dirty"
//
// Thread-safety: immutable; safe from any thread.
#ifndef MODERATION_SERVER_BUILD_INFO_H_
#define MODERATION_SERVER_BUILD_INFO_H_

#include <string>

namespace moderation::server {

struct BuildInfo {
  std::string version;     // git describe at build time
  std::string build_type;  // CMAKE_BUILD_TYPE ("RelWithDebInfo", ...)
  std::string hyperscan;   // hs_version()
  std::string re2;         // the libre2-dev package version at configure time
  std::string grpc;        // grpc::Version()
  std::string protobuf;    // the protobuf headers' version
};

const BuildInfo& GetBuildInfo();

// Several lines for --version: "moderationd <version> (<build type>)", then
// one line per library.
std::string VersionText();

}  // namespace moderation::server

#endif  // MODERATION_SERVER_BUILD_INFO_H_
