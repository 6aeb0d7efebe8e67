// RuleAdminService.PreviewImpact: `modctl diff` over a sample, as a call.
#include <map>

#include "absl/strings/str_cat.h"
#include "engine/impact.h"
#include "engine/moderator.h"
#include "server/admin_request.h"
#include "server/admin_service.h"
#include "server/candidate_rules.h"
#include "server/proto_convert.h"
#include "server/status_mapping.h"

namespace moderation::server {
namespace {

// The most posts one preview judges: each is judged twice, and the call
// holds an admin thread while it runs.
constexpr int kMaxPreviewPosts = 10'000;

v1::ImpactGroup::Change ChangeToProto(ImpactGroup::Change change) {
  switch (change) {
    case ImpactGroup::Change::kNowFires:
      return v1::ImpactGroup::CHANGE_NOW_FIRES;
    case ImpactGroup::Change::kNoLongerFires:
      return v1::ImpactGroup::CHANGE_NO_LONGER_FIRES;
    case ImpactGroup::Change::kScoresOrThresholds:
      return v1::ImpactGroup::CHANGE_SCORES_OR_THRESHOLDS;
  }
  return v1::ImpactGroup::CHANGE_UNSPECIFIED;
}

void ReportToProto(const ImpactReport& report, v1::PreviewImpactResponse* out) {
  out->set_posts(static_cast<uint32_t>(report.posts()));
  out->set_changed(static_cast<uint32_t>(report.changed()));
  out->set_post_errors(static_cast<uint32_t>(report.errors()));
  for (Verdict from : {Verdict::kAllow, Verdict::kFlag, Verdict::kBlock}) {
    for (Verdict to : {Verdict::kAllow, Verdict::kFlag, Verdict::kBlock}) {
      if (from == to || report.Transitions(from, to) == 0) continue;
      v1::DecisionTransition* t = out->add_transitions();
      t->set_live(VerdictToProto(from));
      t->set_candidate(VerdictToProto(to));
      t->set_posts(static_cast<uint32_t>(report.Transitions(from, to)));
    }
  }
  for (const ImpactGroup& group : report.Groups()) {
    v1::ImpactGroup* g = out->add_groups();
    g->set_change(ChangeToProto(group.change));
    g->set_rule_id(group.rule_id);
    g->set_category(group.category);
    g->set_posts(static_cast<uint32_t>(group.posts));
    for (const ImpactExample& e : group.examples) {
      v1::ImpactExample* example = g->add_examples();
      example->set_post_id(e.post_id);
      example->set_community(e.community);
      example->set_text(e.text);
      example->set_live(VerdictToProto(e.old_verdict));
      example->set_candidate(VerdictToProto(e.new_verdict));
    }
  }
}

}  // namespace

grpc::ServerUnaryReactor* RuleAdminServiceImpl::PreviewImpact(
    grpc::CallbackServerContext* context, const v1::PreviewImpactRequest* request,
    v1::PreviewImpactResponse* response) {
  auto* reactor = context->DefaultReactor();
  grpc::Status status = Admit(context, "PreviewImpact");  // logs the caller or the refusal
  if (status.ok()) status = CheckRuleFiles(request->files());
  if (status.ok() && request->posts().empty()) {
    status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "posts: at least one is required");
  } else if (status.ok() && request->posts_size() > kMaxPreviewPosts) {
    status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("posts: at most ", kMaxPreviewPosts, " per call"));
  }
  std::vector<Post> posts;
  for (int i = 0; status.ok() && i < request->posts_size(); ++i) {
    absl::StatusOr<Post> post =
        PostFromProto(request->posts(i), {max_post_bytes_, /*require_community=*/true},
                      absl::StrCat("posts[", i, "]"));
    if (!post.ok()) status = ToGrpcStatus(post.status());
    if (post.ok()) posts.push_back(std::move(*post));
  }
  std::shared_ptr<const RuleCatalog> live = registry_->Current();
  if (status.ok() && live == nullptr) {
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "rules are not loaded yet");
  }
  if (!status.ok()) {
    reactor->Finish(status);
    return reactor;
  }
  RuleCatalog::Options options;
  options.compile = compile_options_;
  options.run_examples = false;
  const std::vector<rules::SourceFile> files = SourceFiles(request->files());
  ImpactReport::Options report_options;
  if (request->examples_per_group() > 0) {
    report_options.examples_per_group = request->examples_per_group();
  }
  ImpactReport report(report_options);
  std::map<std::string, CandidateRules> by_community;  // compiled once per community
  for (const Post& post : posts) {
    auto [it, added] = by_community.try_emplace(post.community);
    if (added) it->second = ApplyToCommunity(*live, post.community, files, options);
    const CandidateRules& candidate = it->second;
    if (!candidate.errors.empty()) {  // the files are broken: nothing to compare
      DiagnosticsToProto(candidate.errors, response->mutable_errors());
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    absl::StatusOr<Decision> before = Moderate(*live, post);
    absl::StatusOr<Decision> after = candidate.status.ok()
                                         ? Moderate(*candidate.catalog, post)
                                         : absl::StatusOr<Decision>(candidate.status);
    if (!before.ok() || !after.ok()) {
      report.AddError();
      continue;
    }
    report.Add(post, *before, *after);
  }
  ReportToProto(report, response);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace moderation::server
