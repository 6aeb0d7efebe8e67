#include "bench/loadgen/pacer.h"

#include <sys/prctl.h>
#include <time.h>

#include <cmath>

namespace moderation::bench {

void PaceOpenLoop(double rate, const Timeline& timeline,
                  const std::function<void(uint64_t, int64_t)>& send) {
  // The default 50 µs timer slack would make every wake-up late by up to
  // 50 µs, and that lag would be charged to the server.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  const double interval_ns = 1e9 / rate;
  for (uint64_t i = 0;; ++i) {
    const int64_t scheduled =
        timeline.start_ns + std::llround(static_cast<double>(i) * interval_ns);
    if (scheduled >= timeline.end_ns) return;
    if (NowNs() < scheduled) {
      // steady_clock is CLOCK_MONOTONIC on Linux.
      const timespec at{static_cast<time_t>(scheduled / 1'000'000'000),
                        static_cast<long>(scheduled % 1'000'000'000)};
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) != 0) {
      }
    }
    send(i, scheduled);
  }
}

}  // namespace moderation::bench
