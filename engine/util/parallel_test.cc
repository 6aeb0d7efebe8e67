#include "engine/util/parallel.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace moderation::util {
namespace {

TEST(ForEachOnCoresTest, CallsEveryIndexExactlyOnce) {
  for (size_t count : {0u, 1u, 2u, 3u, 17u, 1000u}) {
    std::vector<std::atomic<int>> calls(count);
    ForEachOnCores(count, [&](size_t i) { ++calls[i]; });
    for (size_t i = 0; i < count; ++i) EXPECT_EQ(calls[i].load(), 1) << i << " of " << count;
  }
}

TEST(ForEachOnCoresTest, UsesNoMoreThreadsThanCoresAndTheCallerIsOne) {
  std::mutex mu;
  std::set<std::thread::id> threads;
  ForEachOnCores(64, [&](size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // let the helpers take some
    std::lock_guard<std::mutex> lock(mu);
    threads.insert(std::this_thread::get_id());
  });
  EXPECT_GE(threads.size(), 1u);
  EXPECT_LE(threads.size(), std::max(1u, std::thread::hardware_concurrency()));
  // One item never starts a thread: it runs on the caller.
  std::thread::id ran_on;
  ForEachOnCores(1, [&](size_t) { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace moderation::util
