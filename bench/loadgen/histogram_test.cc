#include "bench/loadgen/histogram.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace moderation::bench {
namespace {

TEST(LatencyHistogramTest, EmptyHistogramReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.PercentileUs(0.99), 0);
  EXPECT_EQ(h.max_us(), 0);
  EXPECT_EQ(h.mean_us(), 0);
}

TEST(LatencyHistogramTest, PercentilesBelow131MillisecondsAreExactToTheMicrosecond) {
  LatencyHistogram h;
  for (int us = 1; us <= 1000; ++us) h.Record(int64_t{us} * 1000 + 999);  // 1.999 µs .. 1000.999 µs
  EXPECT_EQ(h.count(), 1000u);
  struct Case {
    double q;
    int64_t us;
  };
  for (const Case& c : {Case{0.0, 1}, Case{0.5, 500}, Case{0.9, 900}, Case{0.99, 990},
                        Case{0.999, 999}, Case{1.0, 1000}}) {
    EXPECT_EQ(h.PercentileUs(c.q), c.us) << "q=" << c.q;
  }
  EXPECT_DOUBLE_EQ(h.max_us(), 1000.999);
  EXPECT_NEAR(h.mean_us(), 501.499, 1e-9);
}

TEST(LatencyHistogramTest, LongLatenciesKeepAThousandthRelativePrecisionAndTheExactMax) {
  LatencyHistogram h;
  h.Record(10);                         // 0 µs
  h.Record(int64_t{2'500'000} * 1000);  // 2.5 s
  h.Record(int64_t{7'777'777} * 1000);  // 7.78 s
  EXPECT_EQ(h.PercentileUs(0.1), 0);
  EXPECT_NEAR(static_cast<double>(h.PercentileUs(0.5)), 2'500'000, 2'500);
  EXPECT_GE(h.PercentileUs(0.5), 2'500'000);
  EXPECT_EQ(h.PercentileUs(1.0), 7'777'777);  // clamped to the exact max
  EXPECT_DOUBLE_EQ(h.max_us(), 7'777'777);
}

TEST(LatencyHistogramTest, ConcurrentRecordersLoseNoSamples) {
  LatencyHistogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < 100'000; ++i) h.Record((i % 500 + t) * 1000);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(h.count(), 400'000u);
  EXPECT_EQ(h.max_us(), 502);
}

}  // namespace
}  // namespace moderation::bench
