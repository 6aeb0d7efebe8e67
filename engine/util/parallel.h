// ForEachOnCores: runs fn(0) .. fn(count - 1), spread over at most one thread
// per core (the calling thread is one of them), and returns when all ran.
//
// Why: a rule load parses files, compiles sets and lays out combinations of
// sets that do not depend on each other, and each of them takes hundreds of
// milliseconds with the default rules; one shared helper keeps the three
// loops alike (work handed out by a shared counter, so a long item does not
// hold up the others).
//
// fn must not throw (the engine does not use exceptions across modules; a
// throw on a helper thread would end the process), and what the calls write
// must be theirs alone: fn(i) typically fills slot i of a vector sized
// before the call.
//
// Thread-safety: fn is called concurrently from several threads.
#ifndef MODERATION_ENGINE_UTIL_PARALLEL_H_
#define MODERATION_ENGINE_UTIL_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace moderation::util {

template <typename Fn>
void ForEachOnCores(size_t count, const Fn& fn) {
  std::atomic<size_t> next{0};
  const auto worker = [&] {
    for (size_t i = next++; i < count; i = next++) fn(i);
  };
  const size_t threads = std::min<size_t>(count, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // no thread to be had (a process or cgroup limit): fewer do it all
    }
  }
  worker();
  for (std::thread& t : pool) t.join();
}

}  // namespace moderation::util

#endif  // MODERATION_ENGINE_UTIL_PARALLEL_H_
