#include "server/admin_service.h"

#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "engine/example_runner.h"
#include "engine/rules/sources.h"
#include "server/proto_convert.h"

namespace moderation::server {
namespace {

using RuleFiles = google::protobuf::RepeatedPtrField<v1::RuleFile>;

grpc::Status ToGrpc(const absl::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

// Unix seconds as a Timestamp; 0 (never) leaves it unset.
void SetTimestamp(double unix_seconds, google::protobuf::Timestamp* out) {
  if (unix_seconds <= 0) return;
  const double whole = std::floor(unix_seconds);
  out->set_seconds(static_cast<int64_t>(whole));
  out->set_nanos(std::min(999'999'999, static_cast<int32_t>((unix_seconds - whole) * 1e9)));
}

void ActiveToProto(const RuleCatalog* catalog, double loaded_unix_seconds,
                   google::protobuf::RepeatedPtrField<v1::ActiveRuleSet>* out) {
  if (catalog == nullptr) return;
  for (const auto& [community, set] : catalog->communities()) {
    ActiveRuleSetToProto(community, *set, loaded_unix_seconds, out->Add());
  }
}

void DiagnosticsToProto(const rules::Diagnostics& diagnostics,
                        google::protobuf::RepeatedPtrField<v1::Diagnostic>* out) {
  for (const rules::Diagnostic& d : diagnostics) DiagnosticToProto(d, out->Add());
}

void ExampleToProto(const ExampleResult& r, v1::ExampleResult* out) {
  out->set_rule_id(r.rule_id);
  out->set_expect_match(r.expect_match);
  out->set_text(r.text);
  out->set_passed(r.passed);
  out->set_detail(r.detail);
  DiagnosticToProto(rules::Diagnostic{r.location, ""}, out->mutable_location());
}

// INVALID_ARGUMENT for requests that carry no files or unnamed ones (a
// diagnostic without a file name would be useless).
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

// Candidate rule files loaded the way the server loads its directory
// (RuleCatalog::LoadFiles), without touching the active rules.
struct Candidate {
  rules::Diagnostics errors;
  RuleCatalog::Details details;
  std::shared_ptr<const RuleCatalog> catalog;  // null if there were errors
};

Candidate LoadCandidate(const RuleFiles& files, const CompileOptions& compile, bool run_examples) {
  Candidate out;
  RuleCatalog::Options options;
  options.compile = compile;
  options.run_examples = run_examples;
  absl::StatusOr<std::shared_ptr<const RuleCatalog>> catalog =
      RuleCatalog::LoadFiles(SourceFiles(files), options, &out.errors, &out.details);
  if (catalog.ok()) {
    out.catalog = *catalog;
  } else if (out.errors.empty()) {
    out.errors.push_back({{}, std::string(catalog.status().message())});
  }
  return out;
}

}  // namespace

RuleAdminServiceImpl::RuleAdminServiceImpl(RuleRegistry* registry, const AdminAuthenticator* auth,
                                           CompileOptions compile_options, int64_t max_post_bytes,
                                           Logger* logger)
    : registry_(registry),
      auth_(auth),
      compile_options_(std::move(compile_options)),
      max_post_bytes_(max_post_bytes),
      logger_(logger) {}

grpc::ServerUnaryReactor* RuleAdminServiceImpl::ListRuleSets(grpc::CallbackServerContext* context,
                                                             const v1::ListRuleSetsRequest*,
                                                             v1::ListRuleSetsResponse* response) {
  auto* reactor = context->DefaultReactor();
  if (grpc::Status auth = auth_->Check(*context); !auth.ok()) {
    logger_->Warning("admin_call_denied", {{"rpc", "ListRuleSets"}, {"peer", context->peer()}});
    reactor->Finish(auth);
    return reactor;
  }
  RegistryStatus status = registry_->Status();
  ActiveToProto(status.active.get(), status.active_loaded_unix_seconds, response->mutable_active());
  response->set_rules_path(status.rules_path);
  SetTimestamp(status.last_attempt_unix_seconds, response->mutable_last_attempt());
  response->set_last_attempt_ok(status.last_attempt_ok);
  DiagnosticsToProto(status.last_errors, response->mutable_last_errors());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* RuleAdminServiceImpl::ReloadRules(grpc::CallbackServerContext* context,
                                                            const v1::ReloadRulesRequest*,
                                                            v1::ReloadRulesResponse* response) {
  auto* reactor = context->DefaultReactor();
  if (grpc::Status auth = auth_->Check(*context); !auth.ok()) {
    logger_->Warning("admin_call_denied", {{"rpc", "ReloadRules"}, {"peer", context->peer()}});
    reactor->Finish(auth);
    return reactor;
  }
  // Compiling blocks this callback thread for as long as a load takes
  // (seconds for large sets). Acceptable for a rare, authenticated admin call;
  // requests keep being served on the other threads from the old snapshot.
  ReloadOutcome outcome = registry_->Reload("admin");
  response->set_ok(outcome.ok);
  DiagnosticsToProto(outcome.errors, response->mutable_errors());
  // A concurrent reload may have published a newer catalog meanwhile; the
  // load time is only known for the one the registry reports as active.
  RegistryStatus status = registry_->Status();
  const double loaded = status.active == outcome.active ? status.active_loaded_unix_seconds : 0;
  ActiveToProto(outcome.active.get(), loaded, response->mutable_active());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* RuleAdminServiceImpl::ValidateRules(
    grpc::CallbackServerContext* context, const v1::ValidateRulesRequest* request,
    v1::ValidateRulesResponse* response) {
  auto* reactor = context->DefaultReactor();
  grpc::Status status = auth_->Check(*context);
  if (!status.ok()) {
    logger_->Warning("admin_call_denied", {{"rpc", "ValidateRules"}, {"peer", context->peer()}});
  }
  if (status.ok()) status = CheckRuleFiles(request->files());
  if (!status.ok()) {
    reactor->Finish(status);
    return reactor;
  }
  Candidate candidate = LoadCandidate(request->files(), compile_options_, /*run_examples=*/true);
  for (const ExampleResult& r : candidate.details.examples) {
    ExampleToProto(r, response->add_examples());
  }
  response->set_valid(candidate.errors.empty());
  DiagnosticsToProto(candidate.errors, response->mutable_errors());
  DiagnosticsToProto(candidate.details.warnings, response->mutable_warnings());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* RuleAdminServiceImpl::TestPost(grpc::CallbackServerContext* context,
                                                         const v1::TestPostRequest* request,
                                                         v1::TestPostResponse* response) {
  auto* reactor = context->DefaultReactor();
  grpc::Status status = auth_->Check(*context);
  if (!status.ok()) {
    logger_->Warning("admin_call_denied", {{"rpc", "TestPost"}, {"peer", context->peer()}});
  }
  if (status.ok()) status = CheckRuleFiles(request->files());
  // The post is checked before the (slow) compile: a bad request fails fast.
  absl::StatusOr<Post> post = absl::InvalidArgumentError("post: required");
  if (status.ok() && request->has_post()) {
    post = PostFromProto(request->post(), {max_post_bytes_, /*require_community=*/false}, "post");
  }
  if (status.ok() && !post.ok()) status = ToGrpc(post.status());
  if (!status.ok()) {
    reactor->Finish(status);
    return reactor;
  }
  // Examples are not run: the moderator asks about one post, perhaps while
  // the rule's examples are still being written.
  Candidate candidate = LoadCandidate(request->files(), compile_options_, /*run_examples=*/false);
  if (!candidate.errors.empty()) {
    DiagnosticsToProto(candidate.errors, response->mutable_errors());
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set =
      candidate.catalog->ForCommunity(post->community);
  absl::StatusOr<Decision> decision =
      set.ok() ? (*set)->Evaluate(*post) : absl::StatusOr<Decision>(set.status());
  if (!decision.ok()) {
    reactor->Finish(ToGrpc(decision.status()));
    return reactor;
  }
  // The redacted text is included: the moderator asked about their own text.
  DecisionToProto(*post, *decision, /*include_redacted=*/true, response->mutable_response());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace moderation::server
