#include "bench/engine/latency.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace moderation::bench {

size_t LatencySamples(size_t post_bytes) {
  const size_t by_volume = (size_t{4} << 20) / std::max<size_t>(post_bytes, 1);
  return std::clamp<size_t>(by_volume, 1000, 20000);
}

namespace {

// Nearest rank: the smallest value with at least q of all values <= it.
double NearestRank(const std::vector<int64_t>& sorted, double q) {
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1]);
}

}  // namespace

void ReportLatency(benchmark::State& state, size_t samples, size_t pool,
                   absl::FunctionRef<void(size_t)> eval) {
  std::vector<int64_t> ns(samples);
  for (size_t i = 0; i < samples; ++i) {
    const auto start = std::chrono::steady_clock::now();
    eval(i);
    ns[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                 start)
                .count();
  }
  if (pool > 0 && samples >= 2 * pool) {
    std::vector<int64_t> fastest(pool, std::numeric_limits<int64_t>::max());
    for (size_t i = 0; i < samples; ++i) fastest[i % pool] = std::min(fastest[i % pool], ns[i]);
    std::sort(fastest.begin(), fastest.end());
    state.counters["min_p50_ns"] = NearestRank(fastest, 0.50);
    state.counters["min_p99_ns"] = NearestRank(fastest, 0.99);
    state.counters["min_repeats"] = static_cast<double>(samples / pool);
  }
  std::sort(ns.begin(), ns.end());
  state.counters["p50_ns"] = NearestRank(ns, 0.50);
  state.counters["p99_ns"] = NearestRank(ns, 0.99);
  state.counters["p999_ns"] = NearestRank(ns, 0.999);
}

}  // namespace moderation::bench
