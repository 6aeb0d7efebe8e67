#include "engine/match/literal_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "engine/match/scratch.h"
#include "engine/testing/temp_dir.h"

namespace moderation::match {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

struct Hit {
  uint32_t id;
  size_t begin;
  size_t end;
  friend bool operator==(const Hit&, const Hit&) = default;
  friend bool operator<(const Hit& a, const Hit& b) {
    return std::tie(a.end, a.begin, a.id) < std::tie(b.end, b.begin, b.id);
  }
};

void PrintTo(const Hit& h, std::ostream* os) {
  *os << "{id " << h.id << " [" << h.begin << ", " << h.end << ")}";
}

std::unique_ptr<const LiteralDatabase> CompileOrDie(const std::vector<std::string>& literals,
                                                    const DbCache& cache) {
  auto db = LiteralDatabase::Compile(literals, cache);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

// Scans text with fresh scratch. Hits are sorted (Hyperscan orders by end but
// not within one end); the test of the order itself is separate.
std::vector<Hit> ScanAll(const LiteralDatabase& db, std::string_view text) {
  absl::StatusOr<ScratchPrototype> proto = ScratchPrototype::Create({db.db()});
  EXPECT_TRUE(proto.ok()) << proto.status();
  absl::StatusOr<hs_scratch_t*> scratch = proto->ForThisThread();
  EXPECT_TRUE(scratch.ok()) << scratch.status();
  std::vector<Hit> hits;
  absl::Status s = db.Scan(text, *scratch, [&](uint32_t id, size_t begin, size_t end) {
    hits.push_back({id, begin, end});
  });
  EXPECT_TRUE(s.ok()) << s;
  std::sort(hits.begin(), hits.end());
  return hits;
}

using ::moderation::testing::TempDir;

struct ScanCase {
  const char* name;
  std::vector<std::string> literals;
  std::string text;
  std::vector<Hit> hits;  // sorted by (end, begin, id)
};

TEST(LiteralDatabaseTest, ReportsEveryOccurrenceWithItsByteRange) {
  const ScanCase kCases[] = {
      {"single word", {"dumbatz"}, "du dumbatz", {{0, 3, 10}}},
      {"overlapping occurrences of one literal", {"aa"}, "aaaa", {{0, 0, 2}, {0, 1, 3}, {0, 2, 4}}},
      {"literals overlapping each other",
       {"he", "she", "hers", "his"},
       "ushers",
       {{1, 1, 4}, {0, 2, 4}, {2, 2, 6}}},
      {"a literal inside another", {"biodman", "bio"}, "biodman", {{1, 0, 3}, {0, 0, 7}}},
      {"duplicates are reported under each id",
       {"arsch", "x", "arsch"},
       "du arsch",
       {{0, 3, 8}, {2, 3, 8}}},
      {"no occurrence", {"idiot", "dumbatz"}, "hallo welt", {}},
      {"matching is case-sensitive (the skeleton is lower case)", {"idiot"}, "IDIOT", {}},
      {"multi-word literal", {"ich bring dich um"}, "na ich bring dich um ja", {{0, 3, 20}}},
  };
  for (const ScanCase& c : kCases) {
    SCOPED_TRACE(c.name);
    auto db = CompileOrDie(c.literals, DbCache(""));
    ASSERT_NE(db, nullptr);
    EXPECT_THAT(ScanAll(*db, c.text), ElementsAreArray(c.hits));
  }
}

TEST(LiteralDatabaseTest, ReportsMatchesOrderedByEnd) {
  auto db = CompileOrDie({"abcdef", "b", "cd", "f"}, DbCache(""));
  ASSERT_NE(db, nullptr);
  absl::StatusOr<ScratchPrototype> proto = ScratchPrototype::Create({db->db()});
  ASSERT_TRUE(proto.ok());
  absl::StatusOr<hs_scratch_t*> scratch = proto->ForThisThread();
  ASSERT_TRUE(scratch.ok());
  std::vector<size_t> ends;
  ASSERT_TRUE(db->Scan("abcdef", *scratch, [&](uint32_t, size_t, size_t end) {
                  ends.push_back(end);
                }).ok());
  EXPECT_THAT(ends, ElementsAre(2, 4, 6, 6));
}

TEST(LiteralDatabaseTest, EmptyListNeverMatches) {
  auto db = CompileOrDie({}, DbCache(""));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->db(), nullptr);
  // No database means no scratch is needed either.
  bool called = false;
  EXPECT_TRUE(
      db->Scan("anything at all", nullptr, [&](uint32_t, size_t, size_t) { called = true; }).ok());
  EXPECT_FALSE(called);
}

TEST(LiteralDatabaseTest, EmptyLiteralIsRejected) {
  auto db = LiteralDatabase::Compile({"idiot", ""}, DbCache(""));
  EXPECT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LiteralDatabaseTest, ScanWithoutScratchFailsInsteadOfCrashing) {
  auto db = CompileOrDie({"idiot"}, DbCache(""));
  ASSERT_NE(db, nullptr);
  bool called = false;
  absl::Status s = db->Scan("du idiot", nullptr, [&](uint32_t, size_t, size_t) { called = true; });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_FALSE(called);
}

TEST(LiteralDatabaseTest, FindsTheRightOnesAmongFiveThousandLiterals) {
  constexpr int kCount = 5000;
  std::vector<std::string> literals;
  for (int i = 0; i < kCount; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "kw%05dz", i);
    literals.push_back(buf);
  }
  auto db = CompileOrDie(literals, DbCache(""));
  ASSERT_NE(db, nullptr);
  EXPECT_GT(db->build_info().bytes, 0u);
  // "kw5000z" and the unterminated "kw00017" are not in the list.
  const std::string text = "xxx kw00017z, kw04999z kw02500z kw5000z kw00017";
  EXPECT_THAT(ScanAll(*db, text),
              ElementsAre(Hit{17, 4, 12}, Hit{4999, 14, 22}, Hit{2500, 23, 31}));
}

TEST(LiteralDatabaseTest, SecondCompileLoadsFromTheCacheAndFindsTheSameMatches) {
  TempDir dir("literal_matcher_test");
  ASSERT_FALSE(dir.path().empty());
  const DbCache cache(dir.path());
  const std::vector<std::string> literals = {"dumbatz", "biodman", "arsch", "idiot"};
  const std::string text = "du biodman, du dumbatz, idiot";

  auto first = CompileOrDie(literals, cache);
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->build_info().from_cache);
  auto second = CompileOrDie(literals, cache);
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(second->build_info().from_cache);

  const std::vector<Hit> expected = {{1, 3, 10}, {0, 15, 22}, {3, 24, 29}};
  EXPECT_THAT(ScanAll(*first, text), ElementsAreArray(expected));
  EXPECT_THAT(ScanAll(*second, text), ElementsAreArray(expected));
}

TEST(LiteralDatabaseTest, DifferentListIsNotServedFromTheCache) {
  TempDir dir("literal_matcher_test");
  ASSERT_FALSE(dir.path().empty());
  const DbCache cache(dir.path());
  auto first = CompileOrDie({"dumbatz", "biodman"}, cache);
  ASSERT_NE(first, nullptr);
  // Same literals, other order: other ids, so it must not reuse the entry.
  auto reordered = CompileOrDie({"biodman", "dumbatz"}, cache);
  ASSERT_NE(reordered, nullptr);
  EXPECT_FALSE(reordered->build_info().from_cache);
  EXPECT_THAT(ScanAll(*reordered, "biodman"), ElementsAre(Hit{0, 0, 7}));
}

TEST(LiteralDatabaseTest, DisabledCacheNeverReportsACacheLoad) {
  for (int i = 0; i < 2; ++i) {
    auto db = CompileOrDie({"idiot"}, DbCache(""));
    ASSERT_NE(db, nullptr);
    EXPECT_FALSE(db->build_info().from_cache) << "compile " << i;
  }
}

}  // namespace
}  // namespace moderation::match
