#include "bench/loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace moderation::bench {
namespace {

constexpr uint64_t kLinearEnd = uint64_t{1} << 17;
constexpr uint64_t kSubBuckets = uint64_t{1} << 10;

}  // namespace

LatencyHistogram::LatencyHistogram()
    : buckets_(kLinearEnd + static_cast<size_t>(kTopBits - kLinearBits) * kSubBuckets) {
  static_assert(kLinearEnd == uint64_t{1} << kLinearBits && kSubBuckets == uint64_t{1} << kSubBits);
}

size_t LatencyHistogram::IndexOf(uint64_t us) {
  if (us < kLinearEnd) return static_cast<size_t>(us);
  us = std::min(us, (uint64_t{1} << kTopBits) - 1);
  const int octave = std::bit_width(us) - 1;  // kLinearBits .. kTopBits - 1
  const uint64_t sub = (us >> (octave - kSubBits)) - kSubBuckets;
  return static_cast<size_t>(kLinearEnd +
                             static_cast<uint64_t>(octave - kLinearBits) * kSubBuckets + sub);
}

uint64_t LatencyHistogram::HighestValueAt(size_t index) {
  if (index < kLinearEnd) return index;
  const uint64_t k = index - kLinearEnd;
  const int shift = static_cast<int>(k / kSubBuckets) + kLinearBits - kSubBits;
  const uint64_t lowest = (kSubBuckets + k % kSubBuckets) << shift;
  return lowest + (uint64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(int64_t ns) {
  ns = std::max<int64_t>(ns, 0);
  buckets_[IndexOf(static_cast<uint64_t>(ns) / 1000)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
  int64_t max = max_ns_.load(std::memory_order_relaxed);
  while (ns > max && !max_ns_.compare_exchange_weak(max, ns, std::memory_order_relaxed)) {
  }
}

double LatencyHistogram::mean_us() const {
  const uint64_t n = count();
  return n == 0 ? 0
                : static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e3 /
                      static_cast<double>(n);
}

int64_t LatencyHistogram::PercentileUs(double q) const {
  const uint64_t n = count();
  if (n == 0) return 0;
  const double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(n));
  const uint64_t rank = std::clamp<uint64_t>(static_cast<uint64_t>(wanted), 1, n);
  const auto max_us = static_cast<uint64_t>(max_ns_.load(std::memory_order_relaxed) / 1000);
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= rank) return static_cast<int64_t>(std::min(HighestValueAt(i), max_us));
  }
  return static_cast<int64_t>(max_us);
}

}  // namespace moderation::bench
