// BatchPool: the caller always runs the job; idle workers join it, busy ones
// are not waited for; max_helpers holds; many callers at once all finish;
// the default size follows the CPU affinity. PostTurns: a batch's posts pass
// their turns in index order whatever thread judges them, failed posts
// included.
#include "server/batch_pool.h"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/post_turns.h"

namespace moderation::server {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Waits (up to 10 s) until `value` reaches `target`; false on timeout.
bool AwaitCount(const std::atomic<int>& value, int target) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (value.load() < target) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

TEST(BatchPoolTest, WithoutWorkersTheCallerRunsTheJobAlone) {
  BatchPool pool(0);
  std::vector<std::thread::id> ran;
  EXPECT_EQ(pool.Run(5, [&] { ran.push_back(std::this_thread::get_id()); }), 0);
  ASSERT_EQ(ran.size(), 1u);
  EXPECT_EQ(ran[0], std::this_thread::get_id());
}

TEST(BatchPoolTest, IdleWorkersJoinTheCallersJob) {
  BatchPool pool(3);
  std::atomic<int> inside{0};
  std::mutex mu;
  std::set<std::thread::id> threads;
  // Every run stays until all four are inside: the caller cannot finish
  // first, so every offered worker starts.
  const int helpers = pool.Run(3, [&] {
    {
      std::lock_guard lock(mu);
      threads.insert(std::this_thread::get_id());
    }
    ++inside;
    EXPECT_TRUE(AwaitCount(inside, 4));
  });
  EXPECT_EQ(helpers, 3);
  EXPECT_EQ(threads.size(), 4u);
  EXPECT_TRUE(threads.count(std::this_thread::get_id()));
  EXPECT_EQ(pool.idle(), 3);
}

TEST(BatchPoolTest, MaxHelpersBoundsTheWorkersTaken) {
  BatchPool pool(3);
  std::atomic<int> inside{0};
  const int helpers = pool.Run(1, [&] {
    ++inside;
    EXPECT_TRUE(AwaitCount(inside, 2));
  });
  EXPECT_EQ(helpers, 1);
  EXPECT_EQ(inside.load(), 2);
  EXPECT_EQ(pool.idle(), 3);
}

TEST(BatchPoolTest, ACallerFindingEveryWorkerBusyRunsAloneWithoutWaiting) {
  BatchPool pool(1);
  std::atomic<int> inside{0};
  std::atomic<bool> release{false};
  std::thread first([&] {
    pool.Run(1, [&] {
      ++inside;
      while (!release.load()) std::this_thread::sleep_for(milliseconds(1));
    });
  });
  ASSERT_TRUE(AwaitCount(inside, 2));  // the first caller and the only worker
  EXPECT_EQ(pool.idle(), 0);
  int ran = 0;
  EXPECT_EQ(pool.Run(1, [&] { ++ran; }), 0);  // returns while the other job still runs
  EXPECT_EQ(ran, 1);
  release = true;
  first.join();
  EXPECT_EQ(pool.idle(), 1);
}

TEST(BatchPoolTest, ManyCallersAtOnceEachDoEveryUnitOnce) {
  BatchPool pool(2);
  constexpr int kCallers = 8, kRuns = 100, kUnits = 20;
  std::atomic<int> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&] {
      for (int r = 0; r < kRuns; ++r) {
        std::atomic<int> next{0};
        std::vector<std::atomic<int>> done(kUnits);
        pool.Run(kUnits - 1, [&] {
          for (int i = next.fetch_add(1); i < kUnits; i = next.fetch_add(1)) {
            ++done[static_cast<size_t>(i)];
            ++total;
          }
        });
        for (const auto& d : done) ASSERT_EQ(d.load(), 1);
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(total.load(), kCallers * kRuns * kUnits);
  EXPECT_EQ(pool.idle(), 2);
}

TEST(BatchPoolTest, TheDefaultSizeFollowsTheCpusThisProcessMayUse) {
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
  EXPECT_EQ(BatchPool::WorkersForThisMachine(), CPU_COUNT(&all) - 1);
  int first = 0;
  while (!CPU_ISSET(first, &all)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  EXPECT_EQ(BatchPool::WorkersForThisMachine(), 0) << "pinned to one CPU: no helpers";
  ASSERT_EQ(sched_setaffinity(0, sizeof(all), &all), 0);
}

TEST(PostTurnsTest, PostsPassTheirTurnsInIndexOrderAndFailedOnesDoNotHoldUpTheRest) {
  BatchPool pool(3);
  constexpr int kPosts = 400;
  PostTurns turns;
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<int> observed, recorded;
  auto fails_early = [](int i) { return i % 7 == 3; };  // takes no turn itself
  auto fails_late = [](int i) { return i % 11 == 5; };  // observes, does not record
  pool.Run(3, [&] {
    for (int i = next.fetch_add(1); i < kPosts; i = next.fetch_add(1)) {
      PostTurn turn(&turns, i);
      // Uneven work before the turn, as posts of different lengths.
      std::this_thread::sleep_for(std::chrono::microseconds((i * 37) % 200));
      if (fails_early(i)) continue;
      {
        const PostTurn::Held held = turn.Observe();
        std::lock_guard lock(mu);
        observed.push_back(i);
      }
      if (fails_late(i)) continue;
      const PostTurn::Held held = turn.Record();
      std::lock_guard lock(mu);
      recorded.push_back(i);
    }
  });
  std::vector<int> want_observed, want_recorded;
  for (int i = 0; i < kPosts; ++i) {
    if (fails_early(i)) continue;
    want_observed.push_back(i);
    if (!fails_late(i)) want_recorded.push_back(i);
  }
  EXPECT_EQ(observed, want_observed);
  EXPECT_EQ(recorded, want_recorded);
}

}  // namespace
}  // namespace moderation::server
