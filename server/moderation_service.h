// moderation.v1.ModerationService on the gRPC callback API.
//
// Why: this is the product's hot path. Handlers only translate (see
// proto_convert.h), take the active rules snapshot from the registry, call
// the engine, record metrics and the audit log, and answer. They never block
// on I/O: the engine judges a post in microseconds, so evaluation runs inline
// on the callback thread. A batch also borrows the idle workers of a
// BatchPool (batch_pool.h), if any, to judge its posts in parallel; it waits
// for them at most the time of one post, and judges alone when none is idle.
// Whoever judges a batch's posts, the answers are in request order, every
// post is judged by the rules active when the call arrived, and the pulse,
// audit and decision logs see the posts in request order (post_turns.h).
//
// Limits: at most max_in_flight posts are judged at once (beyond that,
// RESOURCE_EXHAUSTED); a call whose deadline has passed gets
// DEADLINE_EXCEEDED (a batch stops taking posts once its deadline passes or
// it is cancelled); batches above max_batch get INVALID_ARGUMENT. A bad post
// in a batch or a stream is reported for that post alone. A stream
// reads ahead at most kStreamWindow messages beyond the answers it has
// written (windowed_stream.h), so a client that does not read its answers
// cannot grow server memory.
//
// Thread-safety: gRPC calls the handlers concurrently; the service holds no
// mutable state except atomic counters.
#ifndef MODERATION_SERVER_MODERATION_SERVICE_H_
#define MODERATION_SERVER_MODERATION_SERVICE_H_

#include <atomic>

#include "moderation/v1/moderation.grpc.pb.h"
#include "server/audit_log.h"
#include "server/batch_pool.h"
#include "server/community_labels.h"
#include "server/decision_log.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/post_turns.h"
#include "server/proto_convert.h"
#include "server/pulse/pulse.h"
#include "server/rule_registry.h"

namespace moderation::server {

struct ModerationLimits {
  int64_t max_post_bytes = 65536;
  int max_batch = 100;
  int max_in_flight = 4096;
  // --unknown_community=reject: NOT_FOUND for a community communities.yaml
  // does not list, instead of judging it with the default sets.
  bool reject_unknown_community = false;
};

class ModerationServiceImpl final : public v1::ModerationService::CallbackService {
 public:
  // audit, decisions and pulse may be null (no audit log, no decision log,
  // --pulse=false); batch_pool too (a batch is then judged on its call's
  // thread alone). All pointers must outlive the service.
  ModerationServiceImpl(const RuleRegistry* registry, Metrics* metrics, AuditLog* audit,
                        Logger* logger, ModerationLimits limits, DecisionLog* decisions = nullptr,
                        pulse::Pulse* pulse = nullptr, BatchPool* batch_pool = nullptr,
                        const CommunityLabels* community_labels = nullptr);

  grpc::ServerUnaryReactor* Moderate(grpc::CallbackServerContext* context,
                                     const v1::ModerateRequest* request,
                                     v1::ModerateResponse* response) override;
  grpc::ServerUnaryReactor* ModerateBatch(grpc::CallbackServerContext* context,
                                          const v1::ModerateBatchRequest* request,
                                          v1::ModerateBatchResponse* response) override;
  grpc::ServerBidiReactor<v1::ModerateRequest, v1::ModerateStreamResponse>* ModerateStream(
      grpc::CallbackServerContext* context) override;

  // Judges one request on the rules active now (Moderate, ModerateStream;
  // a batch's posts go through JudgeWith on the batch's snapshot). `path`
  // is where the post sits in the call's message (kPostPath, or
  // "requests[3].post" in a batch): an error about a field names it by that path, in the message
  // and as its field path (field_error.h); a failure that is no field's
  // fault (no rules, an engine error) names none. request_id is the call's
  // x-request-id ("" if none), for the audit log.
  absl::Status Judge(const v1::ModerateRequest& request, const std::string& path,
                     v1::ModerateResponse* response, std::string_view request_id = "");
  // The post's path in a ModerateRequest (Moderate and ModerateStream).
  static constexpr char kPostPath[] = "post";  // short: no allocation (SSO)

  // Graceful shutdown: from now on new calls (and new streams) get
  // UNAVAILABLE; calls and streams already under way keep being served.
  void BeginDrain() { draining_.store(true); }
  bool draining() const { return draining_.load(); }
  // True when no call of this service is under way: every unary call and
  // stream that reached a handler has been finished *and* gRPC has sent its
  // status (the reactor's OnDone ran). Counting only the posts being judged
  // is not enough: an answer still being written would be cut off by the
  // server's final Shutdown ("Cancelling all calls"). gRPC's own
  // Shutdown(deadline) waits for idle client connections as well, which can
  // take the whole grace period; this tells main when the work ends.
  bool Drained() const { return open_calls_.load() == 0 && open_streams_.load() == 0; }
  std::atomic<int>& open_streams() { return open_streams_; }
  // Unary calls (Moderate, ModerateBatch) from handler entry to OnDone.
  std::atomic<int>& open_calls() { return open_calls_; }

  Metrics* metrics() const { return metrics_; }
  int max_in_flight() const { return limits_.max_in_flight; }
  std::atomic<int>& in_flight() { return in_flight_; }

 private:
  // Judge on a given catalog snapshot. `turn` keeps the post's pulse
  // observation and records in its batch's request order (a PostTurn
  // without turns outside a batch).
  absl::Status JudgeWith(const RuleCatalog& catalog, const v1::ModerateRequest& request,
                         const std::string& path, v1::ModerateResponse* response,
                         std::string_view request_id, PostTurn& turn);
  // Every post of a batch, on `catalog`: a decision each, or an entry in
  // response->errors. On this thread and the pool's idle workers. Not OK
  // only if the call was cancelled or its deadline passed before every
  // post was taken.
  absl::Status JudgeBatch(const grpc::CallbackServerContext& context, const RuleCatalog& catalog,
                          const v1::ModerateBatchRequest& request,
                          v1::ModerateBatchResponse* response, std::string_view request_id);
  void Audit(const Post& post, const Decision& decision, std::string_view request_id);
  // UNAVAILABLE saying why there are no rules yet (cold start, failed load).
  absl::Status NotLoaded() const;

  const RuleRegistry* const registry_;
  Metrics* const metrics_;
  AuditLog* const audit_;
  DecisionLog* const decisions_;
  Logger* const logger_;
  pulse::Pulse* const pulse_;
  const CommunityLabels* const community_labels_;  // null: only communities.yaml's
  BatchPool* const batch_pool_;
  const ModerationLimits limits_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> open_streams_{0};
  std::atomic<int> open_calls_{0};
  std::atomic<bool> draining_{false};
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_MODERATION_SERVICE_H_
