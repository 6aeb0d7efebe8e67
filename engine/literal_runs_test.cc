// LiteralRunsOf must keep exactly the ids it was given, and AnyLiteralInRuns
// must answer as a plain "is any of these ids in the set" would.
#include "engine/literal_runs.h"

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::internal {
namespace {

using ::testing::ElementsAre;

TEST(LiteralRunsTest, JoinsConsecutiveIdsAndDropsRepeats) {
  EXPECT_THAT(LiteralRunsOf({7, 3, 4, 5, 9, 4, 10}),
              ElementsAre(LiteralRun{3, 5}, LiteralRun{7, 7}, LiteralRun{9, 10}));
  EXPECT_THAT(LiteralRunsOf({}), ElementsAre());
  EXPECT_THAT(LiteralRunsOf({0, 4294967295u}),
              ElementsAre(LiteralRun{0, 0}, LiteralRun{4294967295u, 4294967295u}));
}

struct InRunsCase {
  std::vector<uint32_t> set;
  std::vector<uint32_t> field;
  bool any;
};

TEST(LiteralRunsTest, FindsAFieldLiteralInsideARunOrAtItsEdges) {
  const InRunsCase kCases[] = {
      {{10, 11, 12, 20}, {5, 9, 13, 19, 21}, false},  // around every run, never in
      {{10, 11, 12, 20}, {12}, true},                 // last id of a run
      {{10, 11, 12, 20}, {10}, true},                 // first id
      {{10, 11, 12, 20}, {1, 2, 20}, true},           // a one-id run, after misses
      {{10, 11, 12, 20}, {}, false},
      {{}, {1, 2, 3}, false},
      {{4294967295u}, {4294967294u, 4294967295u}, true},
  };
  for (const InRunsCase& c : kCases) {
    EXPECT_EQ(AnyLiteralInRuns(LiteralRunsOf(c.set), c.field), c.any)
        << ::testing::PrintToString(c.set) << " vs " << ::testing::PrintToString(c.field);
  }
}

// Random sets of clustered ids (as @lists give) against random fields,
// compared with a std::set lookup of every field literal.
TEST(LiteralRunsTest, AgreesWithAPlainLookupOnRandomSets) {
  std::mt19937 rng(15);
  for (int round = 0; round < 2000; ++round) {
    const uint32_t alphabet = 1 + rng() % 3000;
    std::vector<uint32_t> set;
    for (size_t clusters = rng() % 12; clusters > 0; --clusters) {
      const uint32_t start = rng() % alphabet;
      for (uint32_t n = rng() % 40; n > 0; --n) set.push_back(std::min(start + n, alphabet));
    }
    std::vector<uint32_t> field(rng() % 60);
    for (uint32_t& l : field) l = rng() % (alphabet + 1);
    std::sort(field.begin(), field.end());
    field.erase(std::unique(field.begin(), field.end()), field.end());
    const std::set<uint32_t> held(set.begin(), set.end());
    const bool expected =
        std::any_of(field.begin(), field.end(), [&](uint32_t l) { return held.count(l) > 0; });
    ASSERT_EQ(AnyLiteralInRuns(LiteralRunsOf(set), field), expected) << "round " << round;
  }
}

}  // namespace
}  // namespace moderation::internal
