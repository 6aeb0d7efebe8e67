// What a load run measured: the timeline, latencies, errors and pacing.
//
// Why: every driver (unary, batch, stream; closed and open loop) reports the
// same way. Only requests *scheduled* inside the measured window count, so
// the warm-up is left out and, in open loop, a request that was sent late
// or waited in a queue is charged from its scheduled time (no coordinated
// omission).
//
//   RunStats stats(Timeline::Start(warmup, seconds));
//   stats.RecordAnswer(scheduled_ns, NowNs(), /*posts=*/1);
//
// Thread-safety: all Record* methods may be called from any thread; read the
// results after the run.
#ifndef MODERATION_BENCH_LOADGEN_RUN_STATS_H_
#define MODERATION_BENCH_LOADGEN_RUN_STATS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "bench/loadgen/histogram.h"

namespace moderation::bench {

// Monotonic time in nanoseconds (steady_clock).
inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Warm-up from start_ns, measurement from measure_ns, nothing is scheduled
// from end_ns on.
struct Timeline {
  int64_t start_ns = 0;
  int64_t measure_ns = 0;
  int64_t end_ns = 0;

  static Timeline Start(double warmup_seconds, double seconds);
  bool Measured(int64_t scheduled_ns) const {
    return scheduled_ns >= measure_ns && scheduled_ns < end_ns;
  }
  double measured_seconds() const { return static_cast<double>(end_ns - measure_ns) / 1e9; }
};

class RunStats {
 public:
  // late_ns: a request sent more than this after its scheduled time is late.
  RunStats(Timeline timeline, int64_t late_ns) : timeline_(timeline), late_ns_(late_ns) {}

  const Timeline& timeline() const { return timeline_; }

  // A request of `posts` posts scheduled at scheduled_ns was answered at
  // answered_ns (latency = answered - scheduled).
  void RecordAnswer(int64_t scheduled_ns, int64_t answered_ns, int posts);
  // Of the posts answered, `posts` were not allowed (FLAG or BLOCK).
  void RecordNotAllowed(int64_t scheduled_ns, int posts);
  // A request failed; `code` names why ("UNAVAILABLE", "NO_ANSWER", ...).
  void RecordError(int64_t scheduled_ns, const std::string& code);
  // Open loop: the request was handed to gRPC at sent_ns.
  void RecordSend(int64_t scheduled_ns, int64_t sent_ns);
  // Open loop: the outstanding cap was reached, so the request was not sent.
  void RecordDrop(int64_t scheduled_ns);

  // Measured results.
  const LatencyHistogram& latency() const { return latency_; }
  uint64_t answered() const { return answered_.load(); }
  uint64_t answered_posts() const { return answered_posts_.load(); }
  uint64_t not_allowed() const { return not_allowed_.load(); }
  uint64_t late() const { return late_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  int64_t max_send_lag_ns() const { return max_send_lag_ns_.load(); }
  uint64_t failed() const;
  std::map<std::string, uint64_t> errors() const;

 private:
  const Timeline timeline_;
  const int64_t late_ns_;
  LatencyHistogram latency_;
  std::atomic<uint64_t> answered_{0};
  std::atomic<uint64_t> answered_posts_{0};
  std::atomic<uint64_t> not_allowed_{0};
  std::atomic<uint64_t> late_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<int64_t> max_send_lag_ns_{0};

  mutable std::mutex mu_;                   // errors are rare: a lock is fine
  std::map<std::string, uint64_t> errors_;  // guarded by mu_; requests by code
};

// The gRPC status code's name ("UNAVAILABLE").
std::string StatusCodeName(int code);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_LOADGEN_RUN_STATS_H_
