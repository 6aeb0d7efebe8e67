#include "bench/loadgen/run_stats.h"

#include <cmath>

#include "absl/status/status.h"

namespace moderation::bench {

Timeline Timeline::Start(double warmup_seconds, double seconds) {
  Timeline t;
  t.start_ns = NowNs();
  t.measure_ns = t.start_ns + std::llround(warmup_seconds * 1e9);
  t.end_ns = t.measure_ns + std::llround(seconds * 1e9);
  return t;
}

void RunStats::RecordAnswer(int64_t scheduled_ns, int64_t answered_ns, int posts) {
  if (!timeline_.Measured(scheduled_ns)) return;
  latency_.Record(answered_ns - scheduled_ns);
  answered_.fetch_add(1, std::memory_order_relaxed);
  answered_posts_.fetch_add(static_cast<uint64_t>(posts), std::memory_order_relaxed);
}

void RunStats::RecordNotAllowed(int64_t scheduled_ns, int posts) {
  if (posts > 0 && timeline_.Measured(scheduled_ns)) {
    not_allowed_.fetch_add(static_cast<uint64_t>(posts), std::memory_order_relaxed);
  }
}

void RunStats::RecordError(int64_t scheduled_ns, const std::string& code) {
  if (!timeline_.Measured(scheduled_ns)) return;
  std::lock_guard<std::mutex> lock(mu_);
  ++errors_[code];
}

void RunStats::RecordSend(int64_t scheduled_ns, int64_t sent_ns) {
  if (!timeline_.Measured(scheduled_ns)) return;
  const int64_t lag = sent_ns - scheduled_ns;
  if (lag > late_ns_) late_.fetch_add(1, std::memory_order_relaxed);
  int64_t max = max_send_lag_ns_.load(std::memory_order_relaxed);
  while (lag > max &&
         !max_send_lag_ns_.compare_exchange_weak(max, lag, std::memory_order_relaxed)) {
  }
}

void RunStats::RecordDrop(int64_t scheduled_ns) {
  if (timeline_.Measured(scheduled_ns)) dropped_.fetch_add(1, std::memory_order_relaxed);
}

uint64_t RunStats::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t n = 0;
  for (const auto& [code, count] : errors_) n += count;
  return n;
}

std::map<std::string, uint64_t> RunStats::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

std::string StatusCodeName(int code) {
  // absl and gRPC status codes are the same numbers.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace moderation::bench
