#include "bench/engine/latency.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace moderation::bench {

size_t LatencySamples(size_t post_bytes) {
  const size_t by_volume = (size_t{4} << 20) / std::max<size_t>(post_bytes, 1);
  return std::clamp<size_t>(by_volume, 1000, 20000);
}

void ReportLatency(benchmark::State& state, size_t samples, absl::FunctionRef<void(size_t)> eval) {
  std::vector<int64_t> ns(samples);
  for (size_t i = 0; i < samples; ++i) {
    const auto start = std::chrono::steady_clock::now();
    eval(i);
    ns[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                 start)
                .count();
  }
  std::sort(ns.begin(), ns.end());
  // Nearest rank: the smallest sample with at least q of all samples <= it.
  auto at = [&](double q) {
    const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(ns.size())));
    return static_cast<double>(ns[std::clamp<size_t>(rank, 1, ns.size()) - 1]);
  };
  state.counters["p50_ns"] = at(0.50);
  state.counters["p99_ns"] = at(0.99);
  state.counters["p999_ns"] = at(0.999);
}

}  // namespace moderation::bench
