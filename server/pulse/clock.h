// The pulse's clock: where "now" comes from for windows, baselines and alerts.
//
// Why: the pulse reasons about minutes, hours and weeks. Tests and replays
// must be able to play a day in seconds, so the time source is injected
// (LevelDB's Env idea) instead of read from the system inside the pulse.
//
//   WallClock wall;                 // production
//   ManualClock manual(absl::FromUnixSeconds(1'800'000'000));
//   manual.Advance(absl::Minutes(5));
//   ReplayClock replay;             // now = newest post time seen (--pulse_clock=post_time)
//
// Thread-safety: Now() may be called from any thread; the setters of the
// test clocks are atomic.
#ifndef MODERATION_SERVER_PULSE_CLOCK_H_
#define MODERATION_SERVER_PULSE_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace moderation::server::pulse {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // A post's own creation time, if the client sent one. Only the replay
  // clock uses it (to move time forward); the others ignore it.
  virtual void ObservePostTime(absl::Time) {}
};

class WallClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// Time set by hand (unit tests and benchmarks).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(nanos_.load()); }
  void Set(absl::Time t) { nanos_.store(absl::ToUnixNanos(t)); }
  void Advance(absl::Duration d) { nanos_.fetch_add(absl::ToInt64Nanoseconds(d)); }

 private:
  std::atomic<int64_t> nanos_;
};

// Replays: "now" is the newest created_at of any post seen so far (it never
// goes back), so a recorded or generated stream can be played at any speed
// and the pulse sees the stream's own time. Before the first post, the Unix
// epoch: nothing has happened yet (the wall clock would put the pulse's
// evaluations ahead of a replayed past). Only for replays and tests: any client could move this
// clock forward by sending a post dated in the future, which is why moderationd enables it only
// with --pulse_clock=post_time.
class ReplayClock final : public Clock {
 public:
  absl::Time Now() const override {
    const int64_t n = nanos_.load(std::memory_order_relaxed);
    return absl::FromUnixNanos(n);
  }
  void ObservePostTime(absl::Time t) override {
    const int64_t n = absl::ToUnixNanos(t);
    int64_t seen = nanos_.load(std::memory_order_relaxed);
    while (n > seen && !nanos_.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
    }
  }

 private:
  std::atomic<int64_t> nanos_{0};
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_CLOCK_H_
