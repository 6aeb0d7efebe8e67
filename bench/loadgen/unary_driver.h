// Load with unary calls: Moderate, or ModerateBatch of N posts per call.
//
// Why: the two loop disciplines answer different questions. Closed loop (a
// fixed number of calls in flight, each reissued when it completes) finds
// the maximum throughput; open loop (calls at a fixed rate, each timed from
// its scheduled send) shows the latency users see at a given load. Calls
// use gRPC's callback API, so thousands can be outstanding without a thread
// each.
//
//   UnaryDriver driver(stubs, &pool, &stats, {.batch = 0, .timeout_ns = 10'000'000'000});
//   driver.RunOpen(/*rate=*/2000, /*max_outstanding=*/10000);
//
// Thread-safety: call one Run* at a time, from one thread; completions run on
// gRPC's threads and report to the RunStats.
#ifndef MODERATION_BENCH_LOADGEN_UNARY_DRIVER_H_
#define MODERATION_BENCH_LOADGEN_UNARY_DRIVER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "bench/loadgen/request_pool.h"
#include "bench/loadgen/run_stats.h"
#include "moderation/v1/moderation.grpc.pb.h"

namespace moderation::bench {

struct UnaryOptions {
  int batch = 0;           // 0: Moderate; N > 0: ModerateBatch with N posts (pool built with N)
  int64_t timeout_ns = 0;  // per-call deadline after the send; 0 = none
};

class UnaryDriver {
 public:
  // stubs: one per channel, used round-robin; all pointers must outlive the driver.
  UnaryDriver(std::vector<v1::ModerationService::Stub*> stubs, const RequestPool* pool,
              RunStats* stats, UnaryOptions options)
      : stubs_(std::move(stubs)), pool_(pool), stats_(stats), options_(options) {}

  // Keeps `concurrency` calls in flight until the timeline ends; returns when
  // every call has completed.
  void RunClosed(int concurrency);
  // Sends `rate` calls per second on schedule; when max_outstanding calls
  // are already in flight, the call is dropped (counted) instead. Returns when
  // every call sent has completed.
  void RunOpen(double rate, int max_outstanding);

 private:
  // One call slot, reused for call after call.
  struct Call {
    std::optional<grpc::ClientContext> context;  // fresh for every call
    v1::ModerateResponse response;
    v1::ModerateBatchResponse batch_response;
    const v1::ModerateRequest* request = nullptr;
    int64_t scheduled_ns = 0;
  };

  void Start(Call* call, uint64_t index, int64_t scheduled_ns);
  void OnDone(Call* call, const grpc::Status& status);
  void Release(Call* call);
  void MakeCalls(int n);
  void WaitIdle();

  const std::vector<v1::ModerationService::Stub*> stubs_;
  const RequestPool* const pool_;
  RunStats* const stats_;
  const UnaryOptions options_;

  std::vector<std::unique_ptr<Call>> calls_;  // set before a run starts
  bool reissue_ = false;                      // closed loop; set before a run starts
  std::atomic<uint64_t> next_index_{0};

  std::mutex mu_;
  std::condition_variable idle_;
  std::vector<Call*> free_;  // guarded by mu_
  int busy_ = 0;             // guarded by mu_
};

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_LOADGEN_UNARY_DRIVER_H_
