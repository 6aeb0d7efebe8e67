// Open-loop pacing: requests at fixed intervals, whatever the answers do.
//
// Why: a closed-loop client waits for answers, so when the server stalls it
// stops sending and the stall hides in a few slow samples (coordinated
// omission). An open-loop client keeps the schedule; each request carries its
// scheduled time, and latency is measured from it even if the request had
// to be sent late.
//
//   PaceOpenLoop(2000, timeline, [&](uint64_t i, int64_t scheduled_ns) { Send(i, scheduled_ns); });
//
// Thread-safety: runs `send` on the calling thread only.
#ifndef MODERATION_BENCH_LOADGEN_PACER_H_
#define MODERATION_BENCH_LOADGEN_PACER_H_

#include <cstdint>
#include <functional>

#include "bench/loadgen/run_stats.h"

namespace moderation::bench {

// Calls send(i, timeline.start_ns + i / rate) for i = 0, 1, ... at those
// times (or at once, if already past) until timeline.end_ns. Warm-up
// requests are paced too.
void PaceOpenLoop(double rate, const Timeline& timeline,
                  const std::function<void(uint64_t, int64_t)>& send);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_LOADGEN_PACER_H_
