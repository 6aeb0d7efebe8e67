// Service metrics in the Prometheus text exposition format.
//
// Why: ops teams watch throughput, latency, decisions, rule hits and reloads
// in Prometheus (DESIGN §6). The registry is hand-written rather than a
// dependency: Debian 12 packages no Prometheus C++ client, and the series we
// need are few. Label values that come from clients (community, rule id) are
// bounded: after kMaxLabelValues distinct values per family, further ones are
// counted under "other", so a client cannot blow up memory or the scrape.
//
// gRPC series, named and labelled as go-grpc-middleware's Prometheus
// interceptors name them (grpc_type, grpc_service, grpc_method, grpc_code
// with Go's code names such as "InvalidArgument"), so stock gRPC dashboards
// and alerts work:
//   grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code}
//                                                 counter; a stream counts once, when it ends
//   grpc_server_handling_seconds{grpc_type,grpc_service,grpc_method}
//                                                 histogram (1 µs .. 1 s)
//   grpc_server_msg_received_total{...}, grpc_server_msg_sent_total{...}
//                                                 counters; a stream's posts count as they pass
// The standard process_* series (process_metrics.h). Ours, prefixed
// "moderation_":
//   decisions_total{community,category,decision}  counter; category = the
//                                                 strongest enforced hit's category, "" for a post
//                                                 no enforced rule hit (issue 12). Bounded:
//                                                 communities are those of communities.yaml and
//                                                 the N busiest others (community_labels.h; the
//                                                 rest count as "default"), categories those of
//                                                 the rules, and the family caps at
//                                                 kMaxLabelValues series (then "other")
//   rule_hits_total{rule,category}                counter (enforced and shadow)
//   community_rule_hits_total{community,rule,mode}  counter; mode "enforce" or
//                                                 "shadow" (issue 12); bounded like decisions_total
//   engine_latency_seconds                        histogram (1 µs .. 1 s)
//   in_flight_posts, max_in_flight_posts          gauges: saturation = in_flight / max
//   open_streams                                  gauge
//   ready                                         gauge (1 / 0), as /readyz
//   ruleset_rules{ruleset}, ruleset_compile_seconds{ruleset}
//                                                 gauges per compiled set
//   ruleset_info{community,ruleset,version,hash}  gauge = 1 for active sets
//   reloads_total{result="success"|"failure"}     counter
//   last_reload_timestamp_seconds{result}         gauge
//   last_reload_success                           gauge (1 / 0)
//   build_info{version,build_type,hyperscan,re2,grpc,protobuf}  gauge = 1
//
//   Metrics m;
//   m.RecordRequest("Moderate", 0, 0.00012);
//   std::string text = m.RenderPrometheus();
//
// Thread-safety: all methods may be called concurrently. Recording is
// lock-free for label values already seen (a reader lock finds the series;
// updates are atomic).
#ifndef MODERATION_SERVER_METRICS_H_
#define MODERATION_SERVER_METRICS_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/build_info.h"

namespace moderation::server {

inline constexpr size_t kMaxLabelValues = 1000;

struct RuleSetInfoLabels {
  std::string community;  // "" = default
  std::string ruleset;
  std::string version;
  std::string hash;
  size_t rule_count = 0;
  double compile_seconds = 0;
};

// Appends v as the inside of a quoted label value (escaped, invalid UTF-8
// replaced), as the exposition format needs.
void AppendPrometheusLabelValue(std::string& out, std::string_view v);

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One finished call of a moderation.v1.ModerationService method (a
  // stream counts once, when it ends). Methods ending in "Stream" are
  // bidi_stream, the others unary (one message each way). code is the
  // numeric grpc::StatusCode.
  void RecordRequest(std::string_view method, int code, double seconds);
  // One post received on a stream, and its answer sent.
  void RecordStreamPost(std::string_view method);
  void RecordDecision(std::string_view community, std::string_view category,
                      std::string_view decision);
  void RecordRuleHit(std::string_view rule_id, std::string_view category = "");
  // A rule that fired in a community; shadow = the rule runs in shadow mode.
  void RecordCommunityRuleHit(std::string_view community, std::string_view rule_id, bool shadow);
  // Drops a community's decisions_total and community_rule_hits_total
  // series (it lost its label: community_labels.h); recording it again
  // starts them again from 0.
  void ForgetCommunity(std::string_view community);
  void RecordEngineLatency(double seconds);
  void AddInFlight(int delta);
  void SetMaxInFlight(int max_in_flight);
  void AddOpenStreams(int delta);
  void SetReady(bool ready);
  // Replaces the ruleset_info series (after every successful load).
  void SetRuleSets(const std::vector<RuleSetInfoLabels>& active);
  // A reload attempt at unix time `unix_seconds`.
  void RecordReload(bool success, double unix_seconds);
  // moderation_build_info{version,build_type,hyperscan,re2,grpc,protobuf} 1;
  // rendered once set.
  void SetBuildInfo(const BuildInfo& info);

  // Appends more families to every exposition (e.g. the community pulse's
  // gauges). The collector runs on the scraping thread and must be
  // thread-safe; what it appends must be valid exposition text (use
  // AppendPrometheusLabelValue for label values).
  void AddCollector(std::function<void(std::string*)> collector);

  // The whole exposition, ending in a newline; valid for `promtool check
  // metrics`.
  std::string RenderPrometheus() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_METRICS_H_
