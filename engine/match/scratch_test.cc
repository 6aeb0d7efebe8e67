// Per-thread scratch: one prototype sized for several databases, one clone
// per thread, and clones that go with their prototype.
#include "engine/match/scratch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/match/literal_matcher.h"

namespace moderation::match {
namespace {

std::unique_ptr<const LiteralDatabase> Compile(const std::vector<std::string>& literals) {
  auto db = LiteralDatabase::Compile(literals, DbCache(""));
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

int CountHits(const LiteralDatabase& db, hs_scratch_t* scratch, std::string_view text) {
  int hits = 0;
  absl::Status s = db.Scan(text, scratch, [&](uint32_t, size_t, size_t) { ++hits; });
  EXPECT_TRUE(s.ok()) << s;
  return hits;
}

TEST(ScratchPrototypeTest, OnePrototypeScansEveryDatabaseItWasSizedFor) {
  auto small = Compile({"abc"});
  std::vector<std::string> many;
  for (int i = 0; i < 2000; ++i) many.push_back("wort" + std::to_string(i) + "ende");
  auto large = Compile(many);
  ASSERT_TRUE(small && large);
  auto proto = ScratchPrototype::Create({small->db(), nullptr, large->db()});
  ASSERT_TRUE(proto.ok()) << proto.status();
  absl::StatusOr<hs_scratch_t*> scratch = proto->ForThisThread();
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  EXPECT_EQ(CountHits(*small, *scratch, "xabcx abc"), 2);
  EXPECT_EQ(CountHits(*large, *scratch, "wort7ende und wort1999ende"), 2);
}

// Counts Hyperscan scratch blocks (prototypes and clones) alive while
// installed.
class LiveScratch {
 public:
  LiveScratch() { hs_set_scratch_allocator(&Alloc, &Free); }
  ~LiveScratch() { hs_set_scratch_allocator(nullptr, nullptr); }
  static int live() { return live_; }

 private:
  static void* Alloc(size_t size) {
    ++live_;
    return malloc(size);
  }
  static void Free(void* p) {
    if (p != nullptr) --live_;
    free(p);
  }
  static inline std::atomic<int> live_ = 0;
};

TEST(ScratchPrototypeTest, AThreadMovingBetweenPrototypesReusesTheirClones) {
  auto db = Compile({"abc"});
  ASSERT_TRUE(db);
  auto in_use = ScratchPrototype::Create({db->db()});
  ASSERT_TRUE(in_use.ok());
  absl::StatusOr<hs_scratch_t*> first = in_use->ForThisThread();
  ASSERT_TRUE(first.ok());
  // Many one-off prototypes (sets compiled for a TestPost call, say), with
  // the one in use between them: coming back takes the same clone again,
  // it is never cloned anew.
  for (int i = 0; i < 20; ++i) {
    auto other = ScratchPrototype::Create({db->db()});
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(other->ForThisThread().ok());
    absl::StatusOr<hs_scratch_t*> again = in_use->ForThisThread();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *first) << "after " << i << " other prototypes";
    EXPECT_EQ(CountHits(*db, *again, "abc"), 1);
  }
  EXPECT_EQ(in_use->clone_count(), 1u);
}

TEST(ScratchPrototypeTest, ThreadsAtOnceGetTheirOwnClonesAndEndedThreadsPassThemOn) {
  auto db = Compile({"abc"});
  ASSERT_TRUE(db);
  auto proto = ScratchPrototype::Create({db->db()});
  ASSERT_TRUE(proto.ok());
  constexpr int kThreads = 4;
  std::vector<hs_scratch_t*> seen(kThreads);
  {
    // All four hold their clone at the same time.
    std::barrier all_hold(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        absl::StatusOr<hs_scratch_t*> scratch = proto->ForThisThread();
        seen[t] = scratch.ok() ? *scratch : nullptr;
        all_hold.arrive_and_wait();
      });
    }
    for (std::thread& t : threads) t.join();
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()) - seen.begin(), kThreads);
  EXPECT_NE(seen[0], nullptr);
  EXPECT_EQ(proto->clone_count(), size_t{kThreads});
  // Threads that come later, one after another, take the ended threads'
  // clones instead of cloning.
  for (int t = 0; t < 10; ++t) {
    std::thread([&] { ASSERT_TRUE(proto->ForThisThread().ok()); }).join();
  }
  EXPECT_EQ(proto->clone_count(), size_t{kThreads});
}

TEST(ScratchPrototypeTest, AReleasedPrototypeFreesTheClonesOfThreadsThatNeverComeBack) {
  auto db = Compile({"abc"});
  ASSERT_TRUE(db);
  LiveScratch scratch;
  const int before = LiveScratch::live();
  constexpr int kThreads = 3;
  std::mutex mu;
  std::condition_variable cv;
  int served = 0;
  bool finish = false;
  std::vector<std::thread> threads;
  {
    // A catalog's prototype; three serving threads take a clone each, then
    // stay idle (no request comes) while a reload releases the catalog.
    auto old_catalog = ScratchPrototype::Create({db->db()});
    ASSERT_TRUE(old_catalog.ok());
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        EXPECT_TRUE(old_catalog->ForThisThread().ok());
        std::unique_lock<std::mutex> lock(mu);
        ++served;
        cv.notify_all();
        cv.wait(lock, [&] { return finish; });
      });
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return served == kThreads; });
    EXPECT_EQ(LiveScratch::live(), before + 1 + kThreads);  // prototype and clones
  }
  // Before, each idle thread kept its clone until it served again.
  EXPECT_EQ(LiveScratch::live(), before);
  {
    std::lock_guard<std::mutex> lock(mu);
    finish = true;
  }
  cv.notify_all();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(LiveScratch::live(), before);
}

TEST(ScratchPrototypeTest, AnEmptyPrototypeHasNoScratch) {
  auto proto = ScratchPrototype::Create({nullptr});
  ASSERT_TRUE(proto.ok());
  absl::StatusOr<hs_scratch_t*> scratch = proto->ForThisThread();
  ASSERT_TRUE(scratch.ok());
  EXPECT_EQ(*scratch, nullptr);
}

}  // namespace
}  // namespace moderation::match
