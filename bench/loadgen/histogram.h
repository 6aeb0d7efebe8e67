// A latency histogram with 1 µs resolution, safe to record from any thread.
//
// Why: percentiles up to p99.9 must come from every sample, not a reservoir,
// and recording must cost a few nanoseconds on the load generator's gRPC
// threads. Buckets are log-linear, like HdrHistogram's: 1 µs wide up to
// 131,071 µs (131 ms), then 1024 buckets per power of two (0.1% relative
// error) up to 2^40 µs; the maximum is kept exactly. About 1.2 MiB.
//
//   LatencyHistogram h;
//   h.Record(/*ns=*/251'400);
//   int64_t p99 = h.PercentileUs(0.99);
//
// Thread-safety: Record() may run concurrently with itself (relaxed atomics);
// read the results once recording has stopped.
#ifndef MODERATION_BENCH_LOADGEN_HISTOGRAM_H_
#define MODERATION_BENCH_LOADGEN_HISTOGRAM_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace moderation::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  // Not copyable or movable: recording threads hold a pointer to it.
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  // Records one latency in nanoseconds (negative counts as 0).
  void Record(int64_t ns);

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  // The largest latency recorded, exact, in µs (0 when empty).
  double max_us() const {
    return static_cast<double>(max_ns_.load(std::memory_order_relaxed)) / 1e3;
  }
  double mean_us() const;

  // The smallest latency (whole µs) that at least fraction q (0..1) of the
  // samples do not exceed, never above the exact maximum; 0 when empty.
  int64_t PercentileUs(double q) const;

 private:
  static constexpr int kLinearBits = 17;  // 1 µs buckets below 2^17 µs
  static constexpr int kSubBits = 10;     // 2^10 buckets per power of two above
  static constexpr int kTopBits = 40;     // values from 2^40 µs on share the top bucket

  static size_t IndexOf(uint64_t us);
  static uint64_t HighestValueAt(size_t index);  // the bucket's largest µs value

  std::vector<std::atomic<uint64_t>> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
  std::atomic<int64_t> max_ns_{0};
};

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_LOADGEN_HISTOGRAM_H_
