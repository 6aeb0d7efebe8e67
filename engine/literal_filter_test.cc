// LiteralFilter may say yes to a literal it does not hold (a false positive
// costs the phrase join one binary search) but never no to one it holds.
#include "engine/literal_filter.h"

#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace moderation::internal {
namespace {

TEST(LiteralFilterTest, HoldsEveryLiteralItWasBuiltFrom) {
  std::mt19937 rng(77);
  for (int round = 0; round < 200; ++round) {
    std::vector<uint32_t> literals(rng() % 5000);
    const uint32_t alphabet = 1 + rng() % 200000;
    for (uint32_t& l : literals) l = rng() % alphabet;
    const LiteralFilter filter = LiteralFilter::Of(literals);
    for (uint32_t l : literals) ASSERT_TRUE(filter.MayContain(l)) << l << " round " << round;
  }
}

TEST(LiteralFilterTest, TheDefaultFilterMayContainEverything) {
  const LiteralFilter filter;
  for (uint32_t l : {0u, 1u, 63u, 64u, 100000u, 4294967295u}) EXPECT_TRUE(filter.MayContain(l));
}

struct SizeCase {
  size_t distinct;
  size_t bits;
};

TEST(LiteralFilterTest, HasAboutSixteenBitsPerDistinctLiteralWithinBounds) {
  for (const SizeCase& c : {SizeCase{0, 64}, SizeCase{1, 64}, SizeCase{4, 64}, SizeCase{5, 128},
                            SizeCase{100, 2048}, SizeCase{4096, 65536}, SizeCase{10000, 65536}}) {
    std::vector<uint32_t> literals;
    for (size_t i = 0; i < c.distinct; ++i) {
      literals.push_back(static_cast<uint32_t>(i));
      literals.push_back(static_cast<uint32_t>(i));  // repeats do not count
    }
    EXPECT_EQ(LiteralFilter::Of(literals).bit_count(), c.bits) << c.distinct;
  }
}

// The share, in per cent, of the ids in [0, limit) that are not in
// `literals` but that the filter built from them lets through.
double FalsePositivePercent(const std::vector<uint32_t>& literals, uint32_t limit) {
  const LiteralFilter filter = LiteralFilter::Of(literals);
  const std::set<uint32_t> held(literals.begin(), literals.end());
  size_t probes = 0, false_positives = 0;
  for (uint32_t l = 0; l < limit; ++l) {
    if (held.count(l)) continue;
    ++probes;
    if (filter.MayContain(l)) ++false_positives;
  }
  return 100.0 * static_cast<double>(false_positives) / static_cast<double>(probes);
}

// An @list's literal ids are consecutive; the hash must spread them, so a
// filter of consecutive ids rejects nearly all other ids (two bits per
// literal in a word, at 16 to 32 bits per literal: 1 to 2 % expected).
TEST(LiteralFilterTest, ConsecutiveIdsLeaveFewFalsePositives) {
  for (uint32_t count : {100u, 800u}) {
    std::vector<uint32_t> literals;
    for (uint32_t l = 5000; l < 5000 + count; ++l) literals.push_back(l);
    EXPECT_LT(FalsePositivePercent(literals, 200000), 3.0) << count << " ids";
  }
}

// A random sample of ids, as a phrase's many @lists give.
TEST(LiteralFilterTest, RandomIdsLeaveFewFalsePositives) {
  std::mt19937 rng(15);
  std::vector<uint32_t> literals(800);
  for (uint32_t& l : literals) l = rng() % 400000;
  EXPECT_LT(FalsePositivePercent(literals, 400000), 3.0);
}

}  // namespace
}  // namespace moderation::internal
