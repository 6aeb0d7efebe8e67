#include "server/metrics.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/process_metrics.h"

namespace moderation::server {
namespace {

// Upper bounds of the latency buckets, 1 µs .. 1 s: the engine answers in
// microseconds, an RPC under load in milliseconds, and anything near a second
// is an outage, so finer buckets above 1 s would only cost series.
constexpr std::array<double, 19> kLatencyBuckets = {
    1e-6,   2.5e-6, 5e-6, 1e-5,   2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3,
    2.5e-3, 5e-3,   1e-2, 2.5e-2, 5e-2,   0.1,  0.25, 0.5,    1};
// The same bounds as Go's strconv formats them (as Prometheus' own clients
// do), so le values match series from other exporters.
constexpr std::array<std::string_view, kLatencyBuckets.size()> kLatencyBucketLabels = {
    "1e-06",   "2.5e-06", "5e-06", "1e-05",  "2.5e-05", "5e-05", "0.0001",
    "0.00025", "0.0005",  "0.001", "0.0025", "0.005",   "0.01",  "0.025",
    "0.05",    "0.1",     "0.25",  "0.5",    "1"};
static_assert(kLatencyBucketLabels.back() == "1", "one label per bucket bound");

constexpr std::string_view kOther = "other";

// gRPC code names as go-grpc-middleware writes them (Go's codes.Code
// String()), indexed by grpc::StatusCode, so grpc_code matches what stock
// gRPC dashboards and alerts expect.
constexpr std::array<std::string_view, 17> kCodeNames = {
    "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
    "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
    "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
    "DataLoss", "Unauthenticated"};

constexpr std::string_view kService = "moderation.v1.ModerationService";

std::string_view GrpcType(std::string_view method) {
  return method.size() >= 6 && method.substr(method.size() - 6) == "Stream" ? "bidi_stream"
                                                                            : "unary";
}

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, res.ptr);
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, res.ptr);
}

// Shortest text that parses back to the same double, in a form Go's
// strconv.ParseFloat (and so Prometheus) accepts.
void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, res.ptr);
  }
}

// Length of the valid UTF-8 sequence at the start of s, or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Appends v as the inside of a quoted label value: the exposition format
// escapes backslash, double quote and newline, and the scraper rejects
// invalid UTF-8, so each invalid byte becomes U+FFFD.
void AppendLabelValue(std::string& out, std::string_view v) {
  while (!v.empty()) {
    const size_t len = Utf8SequenceLength(v);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      v.remove_prefix(1);
      continue;
    }
    if (len == 1) {
      switch (v[0]) {
        case '\\':
          out += "\\\\";
          break;
        case '"':
          out += "\\\"";
          break;
        case '\n':
          out += "\\n";
          break;
        default:
          out += v[0];
      }
    } else {
      out.append(v.data(), len);
    }
    v.remove_prefix(len);
  }
}

void AppendHeader(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// `labels` is the rendered label list without braces, possibly empty.
void AppendSampleStart(std::string& out, std::string_view name, std::string_view labels) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out += ' ';
}

struct Counter {
  std::atomic<uint64_t> value{0};
};

// A histogram with the fixed latency buckets. Buckets are stored
// non-cumulative and summed at render time, so +Inf always equals _count.
class Histogram {
 public:
  void Observe(double seconds) {
    if (!(seconds >= 0)) seconds = 0;  // negative or NaN: a clock glitch
    const size_t i = std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds) -
                     kLatencyBuckets.begin();
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(seconds, std::memory_order_relaxed);
  }

  void Render(std::string& out, std::string_view name, std::string_view labels) const {
    const std::string sep = labels.empty() ? "" : ",";
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kLatencyBuckets.size(); ++i) {
      cumulative += counts_[i].load(std::memory_order_relaxed);
      out.append(name).append("_bucket{").append(labels).append(sep).append("le=\"");
      out.append(i < kLatencyBuckets.size() ? kLatencyBucketLabels[i] : "+Inf").append("\"} ");
      AppendUint(out, cumulative);
      out += '\n';
    }
    AppendSampleStart(out, std::string(name) + "_sum", labels);
    AppendDouble(out, sum_.load(std::memory_order_relaxed));
    out += '\n';
    AppendSampleStart(out, std::string(name) + "_count", labels);
    AppendUint(out, cumulative);
    out += '\n';
  }

 private:
  // counts_[i] counts observations in (bucket[i-1], bucket[i]]; the last
  // slot counts those above the largest bound.
  std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> counts_{};
  std::atomic<double> sum_{0};
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Series of one metric keyed by label values, bounded at kMaxLabelValues.
// The key is the rendered label list (e.g. `rpc="Moderate",code="OK"`): it is
// unique per label set and is exactly what rendering needs.
template <typename Series>
class Family {
 public:
  // `bounded[i]` says label i may come from clients and so becomes "other"
  // once the family is full; the remaining labels have few values and keep
  // theirs (e.g. decisions of an unknown community still split by decision).
  Family(std::vector<std::string_view> label_names, std::vector<bool> bounded)
      : label_names_(std::move(label_names)), bounded_(std::move(bounded)) {}

  Series& Get(std::initializer_list<std::string_view> values) {
    thread_local std::string key;
    thread_local std::string overflow_key;
    BuildKey(values, /*overflow=*/false, key);
    {
      std::shared_lock lock(mu_);
      if (auto it = series_.find(std::string_view(key)); it != series_.end()) return *it->second;
      if (series_.size() >= kMaxLabelValues) {
        BuildKey(values, /*overflow=*/true, overflow_key);
        if (auto it = series_.find(std::string_view(overflow_key)); it != series_.end()) {
          return *it->second;
        }
      }
    }
    std::unique_lock lock(mu_);
    if (auto it = series_.find(std::string_view(key)); it != series_.end()) return *it->second;
    // Overflow series may push the family slightly past the limit; there are
    // at most as many as there are values of the unbounded labels.
    if (series_.size() >= kMaxLabelValues) BuildKey(values, /*overflow=*/true, key);
    auto [it, inserted] = series_.try_emplace(key);
    if (inserted) it->second = std::make_unique<Series>();
    return *it->second;
  }

  // Calls fn(labels, series) for every series, in label order.
  template <typename Fn>
  void ForEach(Fn fn) const {
    std::vector<std::pair<std::string_view, const Series*>> sorted;
    {
      std::shared_lock lock(mu_);
      sorted.reserve(series_.size());
      // Keys and series are never freed while in use: a retired one waits
      // kRetiredGrace (RetireFirstLabel), so both outlive the lock.
      for (const auto& [k, s] : series_) sorted.emplace_back(k, s.get());
    }
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [k, s] : sorted) fn(k, *s);
  }

  // Drops the series whose first label is `value` from the exposition. A
  // caller of Get may still hold one (it increments right after the
  // lookup) and a render may still read its key, so the series are kept
  // for kRetiredGrace before they are freed.
  void RetireFirstLabel(std::string_view value) {
    std::string prefix(label_names_[0]);
    prefix += "=\"";
    AppendLabelValue(prefix, value);
    prefix += '"';
    const auto now = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    retired_.erase(std::remove_if(retired_.begin(), retired_.end(),
                                  [&](const Retired& r) { return now - r.at > kRetiredGrace; }),
                   retired_.end());
    for (auto it = series_.begin(); it != series_.end();) {
      const std::string& key = it->first;
      const bool match = key.size() >= prefix.size() &&
                         key.compare(0, prefix.size(), prefix) == 0 &&
                         (key.size() == prefix.size() || key[prefix.size()] == ',');
      if (!match) {
        ++it;
        continue;
      }
      auto next = std::next(it);
      retired_.push_back({now, series_.extract(it)});
      it = next;
    }
  }

 private:
  static constexpr std::chrono::seconds kRetiredGrace{60};
  using Map = std::unordered_map<std::string, std::unique_ptr<Series>, StringHash, std::equal_to<>>;
  struct Retired {
    std::chrono::steady_clock::time_point at;
    typename Map::node_type node;  // the key and the series, freed together
  };

  void BuildKey(std::initializer_list<std::string_view> values, bool overflow,
                std::string& key) const {
    key.clear();
    size_t i = 0;
    for (std::string_view v : values) {
      if (i > 0) key += ',';
      key.append(label_names_[i]).append("=\"");
      AppendLabelValue(key, overflow && bounded_[i] ? kOther : v);
      key += '"';
      ++i;
    }
  }

  // Constant after construction.
  const std::vector<std::string_view> label_names_;
  const std::vector<bool> bounded_;

  // Readers look series up; the writer lock is taken only to insert one
  // or to retire some.
  mutable std::shared_mutex mu_;
  Map series_;                    // guarded by mu_
  std::vector<Retired> retired_;  // guarded by mu_
};

}  // namespace

struct Metrics::Impl {
  Family<Counter> handled{{"grpc_type", "grpc_service", "grpc_method", "grpc_code"},
                          {false, false, true, false}};
  Family<Histogram> handling{{"grpc_type", "grpc_service", "grpc_method"}, {false, false, true}};
  Family<Counter> msg_received{{"grpc_type", "grpc_service", "grpc_method"}, {false, false, true}};
  Family<Counter> msg_sent{{"grpc_type", "grpc_service", "grpc_method"}, {false, false, true}};
  Family<Counter> decisions{{"community", "category", "decision"}, {true, true, false}};
  Family<Counter> rule_hits{{"rule", "category"}, {true, false}};
  Family<Counter> community_rule_hits{{"community", "rule", "mode"}, {true, true, false}};
  Histogram engine_latency;
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> max_in_flight{0};
  std::atomic<int64_t> open_streams{0};
  std::atomic<int64_t> ready{0};

  std::atomic<uint64_t> reload_successes{0};
  std::atomic<uint64_t> reload_failures{0};
  // Written before the matching counter is incremented (release), so a
  // renderer that sees a non-zero counter also sees the timestamp.
  std::atomic<double> last_success_time{0};
  std::atomic<double> last_failure_time{0};
  std::atomic<int> last_reload_success{0};

  std::mutex collectors_mu;
  std::vector<std::function<void(std::string*)>> collectors;  // guarded by collectors_mu

  std::mutex build_info_mu;
  std::string build_info_labels;  // guarded by build_info_mu; "" = not set

  std::mutex ruleset_mu;
  std::vector<std::string> ruleset_labels;  // guarded by ruleset_mu; sorted, unique
  // ruleset label -> (rules, compile seconds); guarded by ruleset_mu.
  std::vector<std::pair<std::string, std::pair<size_t, double>>> ruleset_sizes;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::RecordRequest(std::string_view method, int code, double seconds) {
  char buf[16];
  std::string_view code_name;
  if (code >= 0 && static_cast<size_t>(code) < kCodeNames.size()) {
    code_name = kCodeNames[code];
  } else {
    auto res = std::to_chars(buf, buf + sizeof(buf), code);
    code_name = std::string_view(buf, res.ptr - buf);
  }
  const std::string_view type = GrpcType(method);
  impl_->handled.Get({type, kService, method, code_name})
      .value.fetch_add(1, std::memory_order_relaxed);
  impl_->handling.Get({type, kService, method}).Observe(seconds);
  if (type == "unary") {
    impl_->msg_received.Get({type, kService, method}).value.fetch_add(1, std::memory_order_relaxed);
    if (code == 0) {
      impl_->msg_sent.Get({type, kService, method}).value.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void Metrics::RecordStreamPost(std::string_view method) {
  const std::string_view type = GrpcType(method);
  impl_->msg_received.Get({type, kService, method}).value.fetch_add(1, std::memory_order_relaxed);
  impl_->msg_sent.Get({type, kService, method}).value.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::RecordDecision(std::string_view community, std::string_view category,
                             std::string_view decision) {
  impl_->decisions.Get({community, category, decision})
      .value.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::AddCollector(std::function<void(std::string*)> collector) {
  std::lock_guard lock(impl_->collectors_mu);
  impl_->collectors.push_back(std::move(collector));
}

void AppendPrometheusLabelValue(std::string& out, std::string_view v) { AppendLabelValue(out, v); }

void Metrics::RecordRuleHit(std::string_view rule_id, std::string_view category) {
  impl_->rule_hits.Get({rule_id, category}).value.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::RecordCommunityRuleHit(std::string_view community, std::string_view rule_id,
                                     bool shadow) {
  impl_->community_rule_hits.Get({community, rule_id, shadow ? "shadow" : "enforce"})
      .value.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::ForgetCommunity(std::string_view community) {
  impl_->decisions.RetireFirstLabel(community);
  impl_->community_rule_hits.RetireFirstLabel(community);
}

void Metrics::RecordEngineLatency(double seconds) { impl_->engine_latency.Observe(seconds); }

void Metrics::AddInFlight(int delta) {
  impl_->in_flight.fetch_add(delta, std::memory_order_relaxed);
}

void Metrics::SetMaxInFlight(int max_in_flight) {
  impl_->max_in_flight.store(max_in_flight, std::memory_order_relaxed);
}

void Metrics::AddOpenStreams(int delta) {
  impl_->open_streams.fetch_add(delta, std::memory_order_relaxed);
}

void Metrics::SetReady(bool ready) { impl_->ready.store(ready ? 1 : 0, std::memory_order_relaxed); }

void Metrics::SetRuleSets(const std::vector<RuleSetInfoLabels>& active) {
  std::vector<std::string> labels;
  labels.reserve(active.size());
  for (const RuleSetInfoLabels& r : active) {
    std::string l = "community=\"";
    AppendLabelValue(l, r.community);
    l += "\",ruleset=\"";
    AppendLabelValue(l, r.ruleset);
    l += "\",version=\"";
    AppendLabelValue(l, r.version);
    l += "\",hash=\"";
    AppendLabelValue(l, r.hash);
    l += '"';
    labels.push_back(std::move(l));
  }
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  // Communities share compiled sets: one size per distinct set.
  std::vector<std::pair<std::string, std::pair<size_t, double>>> sizes;
  for (const RuleSetInfoLabels& r : active) {
    std::string l = "ruleset=\"";
    AppendLabelValue(l, r.ruleset);
    l += '"';
    sizes.push_back({std::move(l), {r.rule_count, r.compile_seconds}});
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              sizes.end());
  std::lock_guard lock(impl_->ruleset_mu);
  impl_->ruleset_labels.swap(labels);
  impl_->ruleset_sizes.swap(sizes);
}

void Metrics::RecordReload(bool success, double unix_seconds) {
  if (success) {
    impl_->last_success_time.store(unix_seconds, std::memory_order_relaxed);
    impl_->reload_successes.fetch_add(1, std::memory_order_release);
  } else {
    impl_->last_failure_time.store(unix_seconds, std::memory_order_relaxed);
    impl_->reload_failures.fetch_add(1, std::memory_order_release);
  }
  impl_->last_reload_success.store(success ? 1 : 0, std::memory_order_relaxed);
}

void Metrics::SetBuildInfo(const BuildInfo& info) {
  std::string labels;
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"version", &info.version},     {"build_type", &info.build_type},
      {"hyperscan", &info.hyperscan}, {"re2", &info.re2},
      {"grpc", &info.grpc},           {"protobuf", &info.protobuf}};
  for (const auto& [name, value] : fields) {
    if (!labels.empty()) labels += ',';
    labels.append(name).append("=\"");
    AppendLabelValue(labels, *value);
    labels += '"';
  }
  std::lock_guard lock(impl_->build_info_mu);
  impl_->build_info_labels = std::move(labels);
}

std::string Metrics::RenderPrometheus() const {
  std::string out;
  out.reserve(8192);
  auto render_counters = [&out](const Family<Counter>& f, std::string_view name) {
    f.ForEach([&](std::string_view labels, const Counter& c) {
      AppendSampleStart(out, name, labels);
      AppendUint(out, c.value.load(std::memory_order_relaxed));
      out += '\n';
    });
  };
  auto render_gauge = [&out](std::string_view name, std::string_view help, int64_t v) {
    AppendHeader(out, name, "gauge", help);
    AppendSampleStart(out, name, "");
    AppendInt(out, v);
    out += '\n';
  };

  AppendHeader(out, "grpc_server_handled_total", "counter",
               "Finished RPCs by method and gRPC status code; a stream counts once, when it "
               "ends.");
  render_counters(impl_->handled, "grpc_server_handled_total");
  AppendHeader(out, "grpc_server_handling_seconds", "histogram",
               "Time from receiving an RPC to its status, by method.");
  impl_->handling.ForEach([&](std::string_view labels, const Histogram& h) {
    h.Render(out, "grpc_server_handling_seconds", labels);
  });
  AppendHeader(out, "grpc_server_msg_received_total", "counter",
               "Messages received by method: a stream's posts count as they arrive.");
  render_counters(impl_->msg_received, "grpc_server_msg_received_total");
  AppendHeader(out, "grpc_server_msg_sent_total", "counter",
               "Messages sent by method: a stream's answers count as they are queued.");
  render_counters(impl_->msg_sent, "grpc_server_msg_sent_total");

  AppendHeader(out, "moderation_decisions_total", "counter",
               "Moderation decisions by community, category of the strongest enforced hit (\"\" "
               "if none) and decision.");
  render_counters(impl_->decisions, "moderation_decisions_total");

  AppendHeader(out, "moderation_rule_hits_total", "counter",
               "Rule matches by rule id, enforced and shadow.");
  render_counters(impl_->rule_hits, "moderation_rule_hits_total");

  AppendHeader(out, "moderation_community_rule_hits_total", "counter",
               "Rule matches by community, rule id and mode (enforce or shadow).");
  render_counters(impl_->community_rule_hits, "moderation_community_rule_hits_total");

  AppendHeader(out, "moderation_engine_latency_seconds", "histogram",
               "Time the engine spent evaluating one post.");
  impl_->engine_latency.Render(out, "moderation_engine_latency_seconds", "");

  render_gauge("moderation_in_flight_posts",
               "Posts being judged now (unary, batch and stream); admission counts these.",
               impl_->in_flight.load(std::memory_order_relaxed));
  render_gauge("moderation_max_in_flight_posts",
               "--max_in_flight: beyond it calls get RESOURCE_EXHAUSTED.",
               impl_->max_in_flight.load(std::memory_order_relaxed));
  render_gauge("moderation_ready",
               "1 when rules are loaded and the server is not shutting down (as /readyz).",
               impl_->ready.load(std::memory_order_relaxed));
  render_gauge("moderation_open_streams", "Moderation streams open now.",
               impl_->open_streams.load(std::memory_order_relaxed));

  AppendHeader(out, "moderation_ruleset_info", "gauge",
               "Active rule sets; always 1, the labels carry the information.");
  {
    std::lock_guard lock(impl_->ruleset_mu);
    for (const std::string& labels : impl_->ruleset_labels) {
      AppendSampleStart(out, "moderation_ruleset_info", labels);
      out += "1\n";
    }
    AppendHeader(out, "moderation_ruleset_rules", "gauge", "Rules in each active compiled set.");
    for (const auto& [labels, size] : impl_->ruleset_sizes) {
      AppendSampleStart(out, "moderation_ruleset_rules", labels);
      AppendUint(out, size.first);
      out += '\n';
    }
    AppendHeader(out, "moderation_ruleset_compile_seconds", "gauge",
                 "Time the active compiled set took to build (small when loaded from the cache).");
    for (const auto& [labels, size] : impl_->ruleset_sizes) {
      AppendSampleStart(out, "moderation_ruleset_compile_seconds", labels);
      AppendDouble(out, size.second);
      out += '\n';
    }
  }

  const uint64_t successes = impl_->reload_successes.load(std::memory_order_acquire);
  const uint64_t failures = impl_->reload_failures.load(std::memory_order_acquire);
  AppendHeader(out, "moderation_reloads_total", "counter", "Rule reload attempts by result.");
  out += "moderation_reloads_total{result=\"failure\"} ";
  AppendUint(out, failures);
  out += "\nmoderation_reloads_total{result=\"success\"} ";
  AppendUint(out, successes);
  out += '\n';

  // Only results that have happened get a timestamp: 0 would read as 1970.
  AppendHeader(out, "moderation_last_reload_timestamp_seconds", "gauge",
               "Unix time of the last reload attempt with each result.");
  if (failures > 0) {
    out += "moderation_last_reload_timestamp_seconds{result=\"failure\"} ";
    AppendDouble(out, impl_->last_failure_time.load(std::memory_order_relaxed));
    out += '\n';
  }
  if (successes > 0) {
    out += "moderation_last_reload_timestamp_seconds{result=\"success\"} ";
    AppendDouble(out, impl_->last_success_time.load(std::memory_order_relaxed));
    out += '\n';
  }

  {
    std::lock_guard lock(impl_->build_info_mu);
    if (!impl_->build_info_labels.empty()) {
      AppendHeader(out, "moderation_build_info", "gauge",
                   "Always 1; the labels say which build runs (git describe, build type, "
                   "library versions).");
      AppendSampleStart(out, "moderation_build_info", impl_->build_info_labels);
      out += "1\n";
    }
  }

  render_gauge("moderation_last_reload_success",
               "1 if the last reload attempt succeeded, 0 if it failed or none happened yet.",
               impl_->last_reload_success.load(std::memory_order_relaxed));
  {
    std::lock_guard lock(impl_->collectors_mu);
    for (const auto& collector : impl_->collectors) collector(&out);
  }
  AppendProcessMetrics(ReadProcessStats(), &out);
  return out;
}

}  // namespace moderation::server
