// Per-thread scratch: one prototype sized for several databases, and the
// thread cache that keeps the clone of the prototype in use.
#include "engine/match/scratch.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
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

// Counts Hyperscan's scratch allocations (clones included) while installed.
class ScratchAllocations {
 public:
  ScratchAllocations() { hs_set_scratch_allocator(&Alloc, &free); }
  ~ScratchAllocations() { hs_set_scratch_allocator(nullptr, nullptr); }
  static int count() { return count_; }

 private:
  static void* Alloc(size_t size) {
    ++count_;
    return malloc(size);
  }
  static inline int count_ = 0;
};

TEST(ScratchPrototypeTest, TheCloneInUseSurvivesOtherPrototypesComingAndGoing) {
  auto db = Compile({"abc"});
  ASSERT_TRUE(db);
  auto in_use = ScratchPrototype::Create({db->db()});
  ASSERT_TRUE(in_use.ok());
  ASSERT_TRUE(in_use->ForThisThread().ok());
  ScratchAllocations allocations;
  // Many one-off prototypes (sets compiled for a TestPost call, say), with
  // the one in use between them: its clone is never evicted and re-cloned.
  for (int i = 0; i < 4 * kThreadCacheSize; ++i) {
    auto other = ScratchPrototype::Create({db->db()});
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(other->ForThisThread().ok());
    const int before = ScratchAllocations::count();
    ASSERT_TRUE(in_use->ForThisThread().ok());
    EXPECT_EQ(ScratchAllocations::count(), before)
        << "re-cloned after " << i << " other prototypes";
  }
}

// Counts Hyperscan scratch blocks alive while installed.
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
  static inline int live_ = 0;
};

TEST(ScratchPrototypeTest, AThreadFreesTheCloneOfAPrototypeThatIsGone) {
  auto db = Compile({"abc"});
  ASSERT_TRUE(db);
  LiveScratch scratch;
  // Earlier tests left clones of dead prototypes on this thread; a lookup
  // for a new prototype visits every entry and frees them first.
  auto settle = ScratchPrototype::Create({db->db()});
  ASSERT_TRUE(settle.ok() && settle->ForThisThread().ok());
  const int before = LiveScratch::live();
  {
    // A catalog's prototype, used on this thread, then released by a reload.
    auto old_catalog = ScratchPrototype::Create({db->db()});
    ASSERT_TRUE(old_catalog.ok());
    ASSERT_TRUE(old_catalog->ForThisThread().ok());
    EXPECT_EQ(LiveScratch::live(), before + 2);  // prototype and clone
  }
  auto current = ScratchPrototype::Create({db->db()});
  ASSERT_TRUE(current.ok());
  ASSERT_TRUE(current->ForThisThread().ok());
  // The old clone went with the first request after the reload; before, it
  // stayed until kThreadCacheSize other prototypes had pushed it out.
  EXPECT_EQ(LiveScratch::live(), before + 2);
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
