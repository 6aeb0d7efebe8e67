// Per-post latency percentiles, measured apart from Google Benchmark's loop.
//
// Why: Google Benchmark reports the mean time per iteration; tail latency
// needs the time of every single post. Reading the clock inside the
// benchmark loop would add its own cost to the mean, so after the loop a
// second, separate loop evaluates a fixed number of posts from the same pool,
// times each with steady_clock and sets p50_ns / p99_ns / p999_ns counters on
// the same benchmark run.
//
// On a shared host a single call's time is the post's cost plus whatever
// the machine did meanwhile (preemption, another process's cache traffic),
// so p99_ns over single calls is mostly the machine's tail, not the
// engine's (BENCHMARKS.md, "Where the engine's p99 comes from"). The loop visits the pool's posts
// in turn, so every post is timed samples / pool times; min_p50_ns and min_p99_ns are the
// percentiles over the posts of each post's fastest time: what the slow posts cost when nothing
// else gets in the way. Noise only ever adds time, so the minimum of a post's repeats converges on
// its own cost from above.
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
//   if (LooksLikeFinalRun(watch, min_time))
//     ReportLatency(state, LatencySamples(bytes), posts.size(), eval);  // eval(k): post k % size
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
// counters p50_ns, p99_ns and p999_ns (nearest-rank percentiles of all
// calls). eval(i) must judge post i % pool of a pool of `pool` posts; when
// every post was timed at least twice (samples >= 2 * pool) it also sets
// min_p50_ns and min_p99_ns (nearest-rank percentiles over the posts of
// each post's fastest call) and min_repeats (samples / pool, rounded down).
void ReportLatency(benchmark::State& state, size_t samples, size_t pool,
                   absl::FunctionRef<void(size_t)> eval);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_ENGINE_LATENCY_H_
