// Service metrics in the Prometheus text exposition format.
//
// Why: ops teams watch throughput, latency, decisions, rule hits and reloads
// in Prometheus (DESIGN §6). The registry is hand-written rather than a
// dependency: Debian 12 packages no Prometheus C++ client, and the series we
// need are few. Label values that come from clients (community, rule id) are
// bounded: after kMaxLabelValues distinct values per family, further ones are
// counted under "other", so a client cannot blow up memory or the scrape.
//
// Series (all prefixed "moderation_"):
//   requests_total{rpc,code}                      counter
//   decisions_total{community,decision}           counter
//   rule_hits_total{rule}                         counter (enforced and shadow)
//   engine_latency_seconds                        histogram (1 µs .. 1 s)
//   rpc_latency_seconds{rpc}                      histogram (1 µs .. 1 s)
//   in_flight_requests                            gauge
//   open_streams                                  gauge
//   ruleset_info{community,ruleset,version,hash}  gauge = 1 for active sets
//   reloads_total{result="success"|"failure"}     counter
//   last_reload_timestamp_seconds{result}         gauge
//   last_reload_success                           gauge (1 / 0)
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

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moderation::server {

inline constexpr size_t kMaxLabelValues = 1000;

struct RuleSetInfoLabels {
  std::string community;  // "" = default
  std::string ruleset;
  std::string version;
  std::string hash;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One finished RPC (a stream counts once, when it ends). code is the
  // numeric grpc::StatusCode.
  void RecordRequest(std::string_view rpc, int code, double seconds);
  void RecordDecision(std::string_view community, std::string_view decision);
  void RecordRuleHit(std::string_view rule_id);
  void RecordEngineLatency(double seconds);
  void AddInFlight(int delta);
  void AddOpenStreams(int delta);
  // Replaces the ruleset_info series (after every successful load).
  void SetRuleSets(const std::vector<RuleSetInfoLabels>& active);
  // A reload attempt at unix time `unix_seconds`.
  void RecordReload(bool success, double unix_seconds);

  // The whole exposition, ending in a newline; valid for `promtool check
  // metrics`.
  std::string RenderPrometheus() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_METRICS_H_
