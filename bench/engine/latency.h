// Per-post latency percentiles, measured apart from Google Benchmark's loop.
//
// Why: Google Benchmark reports the mean time per iteration; tail latency
// needs the time of every single post. Reading the clock inside the
// benchmark loop would add its own cost to the mean, so after the loop a
// second, separate loop evaluates a fixed number of posts from the same pool,
// times each with steady_clock and sets p50_ns / p99_ns / p999_ns counters on
// the same benchmark run.
//
// Google Benchmark (1.7.1) calls a benchmark function several times while it
// grows the iteration count, and keeps only the last call's counters; the
// last call is the one whose loop ran for at least --benchmark_min_time.
// Further repetitions make one call each with that same iteration count. So
// the percentile loop runs only after a loop that ran for at least half of
// min_time (LooksLikeFinalRun): the short early calls skip it, and a
// repetition would have to run twice as fast as the first to miss it. (An
// early call that ran long enough runs it needlessly: that costs time, never
// correctness.)
//
//   Stopwatch watch;
//   for (auto _ : state) { ... }
//   if (LooksLikeFinalRun(watch, min_time)) ReportLatency(state, LatencySamples(bytes), eval);
//
// Thread-safety: functions on the caller's state only.
#ifndef MODERATION_BENCH_ENGINE_LATENCY_H_
#define MODERATION_BENCH_ENGINE_LATENCY_H_

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"

namespace moderation::bench {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// True if the benchmark loop that ran since `watch` started is long enough
// to be the run Google Benchmark reports.
inline bool LooksLikeFinalRun(const Stopwatch& watch, double min_time) {
  return watch.Seconds() >= 0.5 * min_time;
}

// How many posts to time: enough for a p999 (at least 1,000), about 4 MiB of
// text, at most 20,000.
size_t LatencySamples(size_t post_bytes);

// Calls eval(i) for i in [0, samples), timing each call, and sets the
// counters p50_ns, p99_ns and p999_ns (nearest-rank percentiles).
void ReportLatency(benchmark::State& state, size_t samples, absl::FunctionRef<void(size_t)> eval);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_ENGINE_LATENCY_H_
