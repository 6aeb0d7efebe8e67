#include "server/batch_pool.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <string>

namespace moderation::server {

BatchPool::BatchPool(int workers) {
  for (int i = 0; i < workers; ++i) slots_.push_back(std::make_unique<Slot>());
  for (auto& slot : slots_) {
    slot->thread = std::thread([this, s = slot.get()] { WorkerLoop(s); });
    // Named so that top -H and profiles tell the helpers apart.
    pthread_setname_np(slot->thread.native_handle(), "batch-worker");
    idle_.push_back(slot.get());
  }
}

BatchPool::~BatchPool() {
  for (auto& slot : slots_) {
    slot->state.store(kStop);
    slot->state.notify_all();
  }
  for (auto& slot : slots_) slot->thread.join();
}

int BatchPool::WorkersForThisMachine() {
  cpu_set_t set;
  int cpus = 0;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = CPU_COUNT(&set);
  if (cpus <= 0) cpus = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(0, cpus - 1);
}

int BatchPool::idle() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(idle_.size());
}

std::vector<BatchPool::Slot*> BatchPool::TakeIdle(int n) {
  std::vector<Slot*> taken;
  if (n <= 0 || slots_.empty()) return taken;
  std::lock_guard lock(mu_);
  while (static_cast<int>(taken.size()) < n && !idle_.empty()) {
    taken.push_back(idle_.back());
    idle_.pop_back();
  }
  return taken;
}

void BatchPool::GiveBack(Slot* slot) {
  std::lock_guard lock(mu_);
  idle_.push_back(slot);
}

int BatchPool::Run(int max_helpers, absl::FunctionRef<void()> job) {
  const std::vector<Slot*> helpers = TakeIdle(max_helpers);
  for (Slot* slot : helpers) {
    slot->job = &job;
    slot->state.store(kOffered);  // release: the worker sees `job`
    slot->state.notify_one();
  }
  job();
  int ran = 0;
  for (Slot* slot : helpers) {
    int expected = kOffered;
    if (!slot->state.compare_exchange_strong(expected, kIdle)) {
      // It started: wait for it to finish its share.
      int state = slot->state.load();
      while (state == kRunning) {
        slot->state.wait(kRunning);
        state = slot->state.load();
      }
      slot->state.store(kIdle);
      ++ran;
    }
    slot->job = nullptr;
    GiveBack(slot);
  }
  return ran;
}

void BatchPool::WorkerLoop(Slot* slot) {
  for (;;) {
    int state = slot->state.load();  // acquire: pairs with Run's store
    if (state == kStop) return;
    if (state != kOffered) {
      slot->state.wait(state);
      continue;
    }
    if (!slot->state.compare_exchange_strong(state, kRunning)) continue;  // called off
    (*slot->job)();
    slot->state.store(kDone);
    slot->state.notify_all();
  }
}

}  // namespace moderation::server
