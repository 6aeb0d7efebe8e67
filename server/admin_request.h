// Request checks and conversions shared by the RuleAdminService handlers
// (admin_service.cc, admin_preview.cc).
//
// Thread-safety: pure functions.
#ifndef MODERATION_SERVER_ADMIN_REQUEST_H_
#define MODERATION_SERVER_ADMIN_REQUEST_H_

#include <grpcpp/grpcpp.h>

#include <vector>

#include "absl/status/status.h"
#include "engine/rules/diagnostic.h"
#include "engine/rules/sources.h"
#include "moderation/v1/rule_admin.pb.h"

namespace moderation::server {

using RuleFiles = google::protobuf::RepeatedPtrField<v1::RuleFile>;

// INVALID_ARGUMENT for requests that carry no files or unnamed ones (a
// diagnostic without a file name would be useless).
grpc::Status CheckRuleFiles(const RuleFiles& files);

// The request's files for the loader.
std::vector<rules::SourceFile> SourceFiles(const RuleFiles& files);

void DiagnosticsToProto(const rules::Diagnostics& diagnostics,
                        google::protobuf::RepeatedPtrField<v1::Diagnostic>* out);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_ADMIN_REQUEST_H_
