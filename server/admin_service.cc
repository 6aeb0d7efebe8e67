#include "server/admin_service.h"

#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "engine/example_runner.h"
#include "engine/rules/sources.h"
#include "server/admin_request.h"
#include "server/candidate_rules.h"
#include "server/proto_convert.h"
#include "server/request_id.h"
#include "server/status_mapping.h"

namespace moderation::server {
namespace {

// Unix seconds as a Timestamp; 0 (never) leaves it unset.
void SetTimestamp(double unix_seconds, google::protobuf::Timestamp* out) {
  if (unix_seconds <= 0) return;
  const double whole = std::floor(unix_seconds);
  out->set_seconds(static_cast<int64_t>(whole));
  out->set_nanos(std::min(999'999'999, static_cast<int32_t>((unix_seconds - whole) * 1e9)));
}

v1::CommunityState StateToProto(CommunityState::Kind kind) {
  switch (kind) {
    case CommunityState::Kind::kCurrent:
      return v1::COMMUNITY_STATE_CURRENT;
    case CommunityState::Kind::kPrevious:
      return v1::COMMUNITY_STATE_PREVIOUS;
    case CommunityState::Kind::kLastGood:
      return v1::COMMUNITY_STATE_LAST_GOOD;
    case CommunityState::Kind::kUnavailable:
      return v1::COMMUNITY_STATE_UNAVAILABLE;
  }
  return v1::COMMUNITY_STATE_UNSPECIFIED;
}

// Every community of the catalog with its state; unavailable ones carry
// only their problem.
void ActiveToProto(const RuleCatalog* catalog, double loaded_unix_seconds,
                   google::protobuf::RepeatedPtrField<v1::ActiveRuleSet>* out) {
  if (catalog == nullptr) return;
  for (const auto& [community, state] : catalog->states()) {
    v1::ActiveRuleSet* active = out->Add();
    auto set = catalog->communities().find(community);
    if (set != catalog->communities().end()) {
      ActiveRuleSetToProto(community, *set->second, loaded_unix_seconds, active);
    } else {
      active->set_community(community);
    }
    active->set_state(StateToProto(state.kind));
    active->set_problem(state.problem);
  }
}

void ExampleToProto(const ExampleResult& r, v1::ExampleResult* out) {
  out->set_rule_id(r.rule_id);
  out->set_expect_match(r.expect_match);
  out->set_text(r.text);
  out->set_passed(r.passed);
  out->set_detail(r.detail);
  DiagnosticToProto(rules::Diagnostic{r.location, ""}, out->mutable_location());
}

RuleCatalog::Options CandidateOptions(const CompileOptions& compile, bool run_examples) {
  RuleCatalog::Options options;
  options.compile = compile;
  options.run_examples = run_examples;
  return options;
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

grpc::Status RuleAdminServiceImpl::Admit(grpc::CallbackServerContext* context,
                                         std::string_view rpc) {
  const std::string request_id = EchoRequestId(context);
  std::string caller;
  const grpc::Status status = auth_->Check(*context, &caller);
  nlohmann::json fields = {{"rpc", rpc}, {"peer", context->peer()}};
  if (!request_id.empty()) fields["request_id"] = request_id;
  if (status.ok()) {
    fields["caller"] = caller;
    logger_->Info("admin_call", std::move(fields));
  } else {
    fields["error"] = status.error_message();
    logger_->Warning("admin_call_denied", std::move(fields));
  }
  return status;
}

grpc::ServerUnaryReactor* RuleAdminServiceImpl::ListRuleSets(grpc::CallbackServerContext* context,
                                                             const v1::ListRuleSetsRequest*,
                                                             v1::ListRuleSetsResponse* response) {
  auto* reactor = context->DefaultReactor();
  if (grpc::Status auth = Admit(context, "ListRuleSets"); !auth.ok()) {
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
  if (grpc::Status auth = Admit(context, "ReloadRules"); !auth.ok()) {
    reactor->Finish(auth);
    return reactor;
  }
  // Compiling blocks this callback thread for as long as a load takes
  // (seconds for large sets). Acceptable for a rare, authenticated admin call;
  // requests keep being served on the other threads from the old snapshot.
  ReloadOutcome outcome = registry_->Reload("admin");
  if (outcome.closed) {
    // Shutdown came while this call waited for its turn: nothing was loaded.
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down"));
    return reactor;
  }
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
  grpc::Status status = Admit(context, "ValidateRules");
  if (status.ok()) status = CheckRuleFiles(request->files());
  if (!status.ok()) {
    reactor->Finish(status);
    return reactor;
  }
  CandidateRules candidate = LoadCandidate(
      SourceFiles(request->files()), CandidateOptions(compile_options_, /*run_examples=*/true));
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
  grpc::Status status = Admit(context, "TestPost");
  const bool live = !request->community().empty();
  // Against a live community, no files means "the live rules as they are".
  if (status.ok() && !(live && request->files().empty())) status = CheckRuleFiles(request->files());
  // The post is checked before the (slow) compile: a bad request fails fast.
  absl::StatusOr<Post> post = absl::InvalidArgumentError("post: required");
  if (status.ok() && request->has_post()) {
    post = PostFromProto(request->post(), {max_post_bytes_, /*require_community=*/false}, "post");
  }
  if (status.ok() && !post.ok()) status = ToGrpcStatus(post.status());
  std::shared_ptr<const RuleCatalog> current = registry_->Current();
  if (status.ok() && live && current == nullptr) {
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "rules are not loaded yet");
  }
  if (!status.ok()) {
    reactor->Finish(status);
    return reactor;
  }
  // Examples are not run: the moderator asks about one post, perhaps while
  // the rule's examples are still being written.
  const RuleCatalog::Options options = CandidateOptions(compile_options_, /*run_examples=*/false);
  CandidateRules candidate = live ? ApplyToCommunity(*current, request->community(),
                                                     SourceFiles(request->files()), options)
                                  : LoadCandidate(SourceFiles(request->files()), options);
  if (!candidate.status.ok() || !candidate.errors.empty()) {
    DiagnosticsToProto(candidate.errors, response->mutable_errors());
    reactor->Finish(ToGrpcStatus(candidate.status));
    return reactor;
  }
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set =
      candidate.catalog->ForCommunity(live ? "" : post->community);
  absl::StatusOr<Decision> decision =
      set.ok() ? (*set)->Evaluate(*post) : absl::StatusOr<Decision>(set.status());
  if (!decision.ok()) {
    reactor->Finish(ToGrpcStatus(decision.status()));
    return reactor;
  }
  // The redacted text is included: the moderator asked about their own text.
  DecisionToProto(*post, *decision, /*include_redacted=*/true, response->mutable_response());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace moderation::server
