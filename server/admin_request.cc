#include "server/admin_request.h"

#include "absl/strings/str_cat.h"
#include "server/proto_convert.h"

namespace moderation::server {

grpc::Status CheckRuleFiles(const RuleFiles& files) {
  if (files.empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "files: at least one rule file is required");
  }
  for (int i = 0; i < files.size(); ++i) {
    if (files[i].name().empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("files[", i, "].name: required"));
    }
  }
  return grpc::Status::OK;
}

std::vector<rules::SourceFile> SourceFiles(const RuleFiles& files) {
  std::vector<rules::SourceFile> out;
  out.reserve(files.size());
  for (const v1::RuleFile& file : files) out.push_back({file.name(), file.content()});
  return out;
}

void DiagnosticsToProto(const rules::Diagnostics& diagnostics,
                        google::protobuf::RepeatedPtrField<v1::Diagnostic>* out) {
  for (const rules::Diagnostic& d : diagnostics) DiagnosticToProto(d, out->Add());
}

}  // namespace moderation::server
