// A small, fixed set of worker threads that help a caller finish one job,
// when they are idle.
//
// Why: a ModerateBatch call used to judge its posts one after another on the
// gRPC thread that received it, leaving the other cores idle while a batch
// was the only work. The pool lends its idle workers to such a caller: the
// caller and the workers it got run the same job (each takes posts from a
// shared counter) until nothing is left. Workers are never queued for: a
// caller gets the workers that are idle at that moment, possibly none, and
// then does the job alone, as before. There is no queue and no thread per
// request, so memory and threads stay bounded whatever the load.
//
//   BatchPool pool(BatchPool::WorkersForThisMachine());
//   pool.Run(/*max_helpers=*/n - 1, [&] { while (claim a post) judge it; });
//
// Run returns when the caller's own run of the job and every helper's have
// returned. A helper that had not started when the caller finished is
// called off instead of waited for; one that did start is waited for, which
// costs the caller at most the rest of one unit of the job (a post), since
// the job is shared work that ends for everyone at once.
//
// Thread-safety: Run may be called from many threads at once; each call
// gets distinct workers. The job must be safe to run on several threads at
// once. Destroy the pool only when no Run is under way (the server's calls
// have ended); the destructor joins the workers.
#ifndef MODERATION_SERVER_BATCH_POOL_H_
#define MODERATION_SERVER_BATCH_POOL_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"

namespace moderation::server {

class BatchPool {
 public:
  // `workers` threads (0: none; Run then always runs the job alone).
  explicit BatchPool(int workers);
  ~BatchPool();
  BatchPool(const BatchPool&) = delete;
  BatchPool& operator=(const BatchPool&) = delete;

  // Runs `job` on this thread and on up to `max_helpers` idle workers, and
  // returns when all those runs have returned. Returns how many workers
  // ran the job (for tests and metrics).
  int Run(int max_helpers, absl::FunctionRef<void()> job);

  int size() const { return static_cast<int>(slots_.size()); }
  // Workers idle right now (a moment's view; for tests).
  int idle() const;

  // One less than the CPUs this process may run on (its affinity mask, not
  // the machine's core count: a server pinned to one CPU gains nothing from
  // helpers), so that a caller and its helpers fill the CPUs.
  static int WorkersForThisMachine();

 private:
  // A worker's state. The caller that takes an idle worker hands it a job
  // (kIdle -> kOffered); the worker starts it (kOffered -> kRunning) unless
  // the caller called it off first (kOffered -> kIdle), and says when it is
  // done (kRunning -> kDone); the caller then makes it idle again.
  enum State : int { kIdle, kOffered, kRunning, kDone, kStop };
  struct Slot {
    std::atomic<int> state{kIdle};
    absl::FunctionRef<void()>* job = nullptr;  // set before kOffered
    std::thread thread;
  };

  void WorkerLoop(Slot* slot);
  // Takes up to `n` idle workers off the idle list.
  std::vector<Slot*> TakeIdle(int n);
  void GiveBack(Slot* slot);

  std::vector<std::unique_ptr<Slot>> slots_;
  mutable std::mutex mu_;
  std::vector<Slot*> idle_;  // guarded by mu_
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_BATCH_POOL_H_
