// Load with ModerateStream: posts flow on long-lived bidirectional streams.
//
// Why: a stream is how a busy platform would feed the service, and it is
// its cheapest path (no per-call setup). Closed loop keeps a window of W
// unanswered posts on each stream; open loop sends posts at a fixed rate,
// spread round-robin over the streams. Answers are matched to posts by
// post_id (the server may answer out of order); each post's latency runs
// from its scheduled send to its answer, so time spent queued in the client
// counts.
//
//   StreamDriver driver(stubs, &pool, &stats, /*drain_ns=*/10'000'000'000);
//   driver.RunClosed(/*streams=*/1, /*window=*/256);
//
// Thread-safety: call one Run* at a time, from one thread.
#ifndef MODERATION_BENCH_LOADGEN_STREAM_DRIVER_H_
#define MODERATION_BENCH_LOADGEN_STREAM_DRIVER_H_

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "bench/loadgen/request_pool.h"
#include "bench/loadgen/run_stats.h"
#include "moderation/v1/moderation.grpc.pb.h"

namespace moderation::bench {

class StreamDriver {
 public:
  // stubs: one per channel, streams are spread over them; all pointers must
  // outlive the driver. drain_ns: how long streams get after the run to
  // deliver their last answers before they are cancelled.
  StreamDriver(std::vector<v1::ModerationService::Stub*> stubs, const RequestPool* pool,
               RunStats* stats, int64_t drain_ns)
      : stubs_(std::move(stubs)), pool_(pool), stats_(stats), drain_ns_(drain_ns) {}

  void RunClosed(int streams, int window);
  // At most max_outstanding posts unanswered over all streams; beyond that
  // a post is dropped (counted).
  void RunOpen(double rate, int streams, int max_outstanding);

  // How the streams ended: status code name -> streams (after a run).
  const std::map<std::string, int>& stream_status() const { return stream_status_; }

 private:
  const std::vector<v1::ModerationService::Stub*> stubs_;
  const RequestPool* const pool_;
  RunStats* const stats_;
  const int64_t drain_ns_;
  std::atomic<int> outstanding_{0};     // unanswered posts over all streams
  std::atomic<uint64_t> next_post_{0};  // round-robin over the pool
  std::map<std::string, int> stream_status_;
};

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_LOADGEN_STREAM_DRIVER_H_
