#include "server/moderation_service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/moderator.h"
#include "server/field_error.h"
#include "server/inflight.h"
#include "server/post_turns.h"
#include "server/pulse/activity_source.h"
#include "server/request_id.h"
#include "server/status_mapping.h"

namespace moderation::server {
namespace {

// How answers and metrics name the `default:` sets of communities.yaml.
constexpr std::string_view kDefaultCommunity = "default";

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool DeadlinePassed(const grpc::CallbackServerContext& context) {
  return context.deadline() <= std::chrono::system_clock::now();
}

// A unary reactor that keeps the call counted in open_calls() until gRPC is
// done with it (OnDone: the status is on the wire, or the call was
// cancelled), so a drain never ends while an answer is still being sent.
// The pulse's activity source, observing only in the post's turn
// (post_turns.h): in a batch, counts follow request order; outside one,
// the turn never waits.
class OrderedActivitySource final : public ActivitySource {
 public:
  OrderedActivitySource(ActivitySource* inner, PostTurn* turn) : inner_(inner), turn_(turn) {}
  Activity Observe(const Post& post, uint64_t fingerprint) override {
    const PostTurn::Held held = turn_->Observe();
    return inner_->Observe(post, fingerprint);
  }

 private:
  ActivitySource* const inner_;
  PostTurn* const turn_;
};

class CountedUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit CountedUnaryReactor(std::atomic<int>* open_calls) : open_calls_(open_calls) {
    open_calls_->fetch_add(1);
  }
  void OnDone() override {
    std::atomic<int>* open_calls = open_calls_;
    delete this;               // the callback API's idiom: the reactor owns itself
    open_calls->fetch_sub(1);  // last: the drain may end the server now
  }

 private:
  std::atomic<int>* const open_calls_;
};

}  // namespace

ModerationServiceImpl::ModerationServiceImpl(const RuleRegistry* registry, Metrics* metrics,
                                             AuditLog* audit, Logger* logger,
                                             ModerationLimits limits, DecisionLog* decisions,
                                             pulse::Pulse* pulse, BatchPool* batch_pool,
                                             const CommunityLabels* community_labels)
    : registry_(registry),
      metrics_(metrics),
      audit_(audit),
      decisions_(decisions),
      logger_(logger),
      pulse_(pulse),
      community_labels_(community_labels),
      batch_pool_(batch_pool),
      limits_(limits) {}

absl::Status ModerationServiceImpl::NotLoaded() const {
  const std::string why = registry_->NotLoadedReason();
  return absl::UnavailableError(absl::StrCat("no rules to judge with yet (",
                                             why.empty() ? "loading" : why,
                                             "); retry shortly or on another replica"));
}

absl::Status ModerationServiceImpl::Judge(const v1::ModerateRequest& request,
                                          const std::string& path, v1::ModerateResponse* response,
                                          std::string_view request_id) {
  // One snapshot per post: a reload meanwhile does not affect this post.
  std::shared_ptr<const RuleCatalog> catalog = registry_->Current();
  if (catalog == nullptr) return NotLoaded();
  PostTurn alone(nullptr, 0);  // no batch: nothing to wait for
  return JudgeWith(*catalog, request, path, response, request_id, alone);
}

absl::Status ModerationServiceImpl::JudgeWith(const RuleCatalog& catalog,
                                              const v1::ModerateRequest& request,
                                              const std::string& path,
                                              v1::ModerateResponse* response,
                                              std::string_view request_id, PostTurn& turn) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<Post> post =
      PostFromProto(request.post(), {limits_.max_post_bytes, /*require_community=*/true}, path);
  if (!post.ok()) return post.status();
  const bool listed = catalog.communities().count(post->community) > 0;
  if (!listed && limits_.reject_unknown_community) {
    return FieldError(absl::StatusCode::kNotFound, absl::StrCat(path, ".community"),
                      absl::StrCat("\"", post->community,
                                   "\" is not in communities.yaml (--unknown_community=reject)"));
  }
  // Only an unknown community is the client's field to fix. Rules that are
  // unavailable for it, or a failure while judging (HS_NOMEM, say), blame
  // no field and keep the engine's code.
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set =
      catalog.ForCommunity(post->community);
  if (absl::IsNotFound(set.status())) {
    return FieldError(set.status().code(), absl::StrCat(path, ".community"),
                      set.status().message());
  }
  if (!set.ok()) return set.status();
  std::optional<absl::Time> post_time;
  if (request.post().has_created_at()) {
    post_time = absl::FromUnixSeconds(request.post().created_at().seconds()) +
                absl::Nanoseconds(request.post().created_at().nanos());
  }
  // The pulse counts the post's near-duplicates and its author's rate for
  // the multi-posting conditions, before the rules are tested; in a batch,
  // in request order (post_turns.h).
  std::optional<pulse::PulseActivitySource> activity;
  std::optional<OrderedActivitySource> ordered;
  if (pulse_ != nullptr) ordered.emplace(&activity.emplace(pulse_, post_time), &turn);
  ActivitySource* source = ordered.has_value() ? &*ordered : nullptr;
  absl::StatusOr<Decision> decision = (*set)->Evaluate(*post, source);
  if (!decision.ok()) return decision.status();
  metrics_->RecordEngineLatency(static_cast<double>(decision->evaluation_ns) * 1e-9);
  // The metrics' community: its own name if communities.yaml lists it or it
  // is among the busiest others (community_labels.h), else "default".
  const bool own_label = community_labels_ != nullptr
                             ? community_labels_->HasOwnLabel(post->community, listed)
                             : listed;
  const std::string_view judged_community =
      own_label ? std::string_view(post->community) : kDefaultCommunity;
  pulse::PulseEvent event = pulse::PulseEventFrom(*post, *decision);
  metrics_->RecordDecision(judged_community, event.category, VerdictName(decision->verdict));
  for (const RuleHit& hit : decision->hits) {
    metrics_->RecordRuleHit(hit.rule_id, hit.category);
    metrics_->RecordCommunityRuleHit(judged_community, hit.rule_id, /*shadow=*/false);
  }
  for (const RuleHit& hit : decision->shadow_hits) {
    metrics_->RecordRuleHit(hit.rule_id, hit.category);
    metrics_->RecordCommunityRuleHit(judged_community, hit.rule_id, /*shadow=*/true);
  }
  const absl::Time decided = absl::Now();
  const absl::Duration to_decision = absl::FromChrono(std::chrono::steady_clock::now() - start);
  {
    // The pulse's record, the audit log and the decision log see a batch's
    // posts in request order.
    const PostTurn::Held held = turn.Record();
    if (pulse_ != nullptr) {
      // The pulse counts under the community the client named (bounded by
      // the pulse itself), with the request's thread, target and language
      // fields.
      const v1::Post& proto = request.post();
      event.thread_id = proto.thread_id();
      event.target_author_id = proto.target_author_id();
      event.language = proto.language();  // the topics' stop words
      event.created_at = post_time;
      event.copies_another = activity->CopiesAnother();
      event.observed = activity->observed_post();
      pulse_->Record(event);
    }
    if (decision->verdict != Verdict::kAllow) Audit(*post, *decision, request_id);
    if (decisions_ != nullptr) {
      DecisionContext context{decided, to_decision, judged_community, request_id};
      if (post_time.has_value()) context.post_time = *post_time;
      decisions_->Record(*post, *decision, context);
    }
  }
  DecisionToProto(*post, *decision, request.include_redacted(), response);
  StatementOfReasonsToProto(*post, *decision, decided, response);
  response->set_judged_community(std::string(judged_community));
  response->set_community_defaulted(!listed);
  return absl::OkStatus();
}

absl::Status ModerationServiceImpl::JudgeBatch(const grpc::CallbackServerContext& context,
                                               const RuleCatalog& catalog,
                                               const v1::ModerateBatchRequest& request,
                                               v1::ModerateBatchResponse* response,
                                               std::string_view request_id) {
  const int n = request.requests_size();
  // Every answer has its place before any thread writes one: responses[i]
  // answers requests[i], whoever judged it.
  for (int i = 0; i < n; ++i) response->add_responses();
  std::vector<absl::Status> statuses(static_cast<size_t>(n));
  PostTurns turns;
  std::atomic<int> next{0};
  std::atomic<bool> stopped{false};
  // Run by this thread and by the pool's idle workers alike: take the next
  // post until none is left, or the call is over.
  auto judge_posts = [&] {
    for (;;) {
      if (stopped.load(std::memory_order_relaxed)) return;
      if (context.IsCancelled() || DeadlinePassed(context)) {
        stopped.store(true, std::memory_order_relaxed);
        return;
      }
      const int i = next.fetch_add(1);
      if (i >= n) return;
      PostTurn turn(&turns, i);
      statuses[static_cast<size_t>(i)] =
          JudgeWith(catalog, request.requests(i), absl::StrCat("requests[", i, "].post"),
                    response->mutable_responses(i), request_id, turn);
    }
  };
  if (batch_pool_ != nullptr && n > 1) {
    batch_pool_->Run(n - 1, judge_posts);
  } else {
    judge_posts();
  }
  if (next.load() < n) {
    // Posts were left unjudged: the client is gone or has given up.
    const int judged = std::min(next.load(), n);
    if (DeadlinePassed(context)) {
      return absl::DeadlineExceededError(absl::StrCat(
          "the call's deadline passed while the batch was judged (", judged, " of ", n, " posts)"));
    }
    return absl::CancelledError(absl::StrCat("the call was cancelled while the batch was judged (",
                                             judged, " of ", n, " posts)"));
  }
  for (int i = 0; i < n; ++i) {
    const absl::Status& status = statuses[static_cast<size_t>(i)];
    if (status.ok()) continue;
    response->mutable_responses(i)->Clear();  // keeps its place
    v1::BatchPostError* error = response->add_errors();
    error->set_index(i);
    error->set_post_id(request.requests(i).post().post_id());
    ToPostError(status, error->mutable_error());
  }
  return absl::OkStatus();
}

void ModerationServiceImpl::Audit(const Post& post, const Decision& decision,
                                  std::string_view request_id) {
  if (audit_ == nullptr) return;
  AuditRecord record;
  record.request_id = std::string(request_id);
  record.unix_seconds =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  record.post_id = post.id;
  record.community = post.community;
  record.author_id = post.author.id;
  record.decision = VerdictName(decision.verdict);
  record.score = decision.score;
  for (const RuleHit& hit : decision.hits) record.rule_ids.push_back(hit.rule_id);
  record.ruleset_id = decision.ruleset_id;
  record.ruleset_version = decision.ruleset_version;
  record.ruleset_hash = decision.ruleset_hash;
  for (const Field& field : post.fields) {
    if (field.name == "title") record.title = field.text;
    if (field.name == "body") record.body = field.text;
    if (field.name == "author_display_name") record.author_display_name = field.text;
  }
  audit_->Record(record);
}

grpc::ServerUnaryReactor* ModerationServiceImpl::Moderate(grpc::CallbackServerContext* context,
                                                          const v1::ModerateRequest* request,
                                                          v1::ModerateResponse* response) {
  const auto start = std::chrono::steady_clock::now();
  grpc::ServerUnaryReactor* reactor = new CountedUnaryReactor(&open_calls_);
  const std::string request_id = EchoRequestId(context);
  absl::Status status;
  if (draining()) {
    status = absl::UnavailableError("server is shutting down; retry on another replica");
  } else if (DeadlinePassed(*context)) {
    status = absl::DeadlineExceededError("the call's deadline passed before the post was judged");
  } else if (InFlightSlots slots(this, 1); !slots.ok()) {
    status = slots.status();
  } else {
    status = Judge(*request, kPostPath, response, request_id);
  }
  metrics_->RecordRequest("Moderate", static_cast<int>(status.code()), SecondsSince(start));
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* ModerationServiceImpl::ModerateBatch(
    grpc::CallbackServerContext* context, const v1::ModerateBatchRequest* request,
    v1::ModerateBatchResponse* response) {
  const auto start = std::chrono::steady_clock::now();
  grpc::ServerUnaryReactor* reactor = new CountedUnaryReactor(&open_calls_);
  const std::string request_id = EchoRequestId(context);
  const int n = request->requests_size();
  // One snapshot for the whole batch: every post is judged by the rules
  // that were active when the call arrived, even if a reload happens meanwhile.
  const std::shared_ptr<const RuleCatalog> catalog = registry_->Current();
  absl::Status status;
  if (draining()) {
    status = absl::UnavailableError("server is shutting down; retry on another replica");
  } else if (n == 0) {
    status = absl::InvalidArgumentError("requests: at least one post is required");
  } else if (n > limits_.max_batch) {
    status = absl::InvalidArgumentError(absl::StrCat("requests: ", n, " posts, over the limit of ",
                                                     limits_.max_batch, " (--max_batch)"));
  } else if (DeadlinePassed(*context)) {
    status = absl::DeadlineExceededError("the call's deadline passed before the posts were judged");
  } else if (catalog == nullptr) {
    status = NotLoaded();
  } else if (InFlightSlots slots(this, n); !slots.ok()) {
    status = slots.status();
  } else {
    status = JudgeBatch(*context, *catalog, *request, response, request_id);
  }
  metrics_->RecordRequest("ModerateBatch", static_cast<int>(status.code()), SecondsSince(start));
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace moderation::server
