#include "server/pulse/near_scan.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "engine/text/near_duplicate.h"

namespace moderation::server::pulse {
namespace {

struct Table {
  std::vector<uint64_t> fingerprints;
  std::vector<uint32_t> authors;
  std::vector<uint32_t> seconds;
};

// Entries 0 to 20 bits away from `fingerprint` (around the 10-bit radius),
// seconds on both sides of `oldest` (and at the top of the range), authors
// from a few, 0 among them. One entry in `related_one_in` is such a
// neighbour; the others are random (about 32 bits away).
Table RandomTable(std::mt19937_64& rng, uint32_t size, uint64_t fingerprint, uint32_t oldest,
                  uint32_t related_one_in = 1) {
  Table t;
  const uint32_t kAuthors[] = {0, 7, 8, 0xFFFFFFFFu};
  for (uint32_t i = 0; i < size; ++i) {
    uint64_t f = fingerprint;
    const int flips = static_cast<int>(rng() % 21);
    for (int k = 0; k < flips; ++k) f ^= uint64_t{1} << (rng() % 64);
    const bool related = rng() % related_one_in == 0 && rng() % 8 != 0;
    t.fingerprints.push_back(related ? f : rng());
    t.authors.push_back(kAuthors[rng() % 4]);
    const uint32_t r = static_cast<uint32_t>(rng() % 7);
    t.seconds.push_back(r == 0 ? 0xFFFFFFF0u : r < 4 ? oldest + r - 2 : oldest + 100 * r);
  }
  return t;
}

void ExpectSame(NearCounts a, NearCounts b, const char* variant, int round) {
  EXPECT_EQ(a.copies, b.copies) << variant << " round " << round;
  EXPECT_EQ(a.own, b.own) << variant << " round " << round;
}

// A scan of table t for `fingerprint` by `author` within `oldest`.
NearScan ScanOf(const Table& t, uint64_t fingerprint, uint32_t author, uint32_t oldest) {
  return NearScan{t.fingerprints.data(),
                  t.authors.data(),
                  t.seconds.data(),
                  static_cast<uint32_t>(t.fingerprints.size()),
                  fingerprint,
                  author,
                  oldest};
}

// Every variant this CPU has counts s as the scalar scan did.
void ExpectEveryVariantSame(const NearScan& s, NearCounts scalar, int round) {
  ExpectSame(CountNear(s), scalar, "best", round);
  if (HasAvx2()) ExpectSame(CountNearAvx2(s), scalar, "avx2", round);
  if (HasAvx512Popcount()) ExpectSame(CountNearAvx512(s), scalar, "avx512", round);
}

TEST(NearScanTest, EveryVariantCountsAsTheScalarOne) {
  std::mt19937_64 rng(3);
  int near_total = 0;
  for (int round = 0; round < 3000; ++round) {
    const uint32_t size = round < 100 ? static_cast<uint32_t>(round) : rng() % 513;
    const uint64_t fingerprint = rng();
    const uint32_t oldest = round % 5 == 0 ? 0 : static_cast<uint32_t>(rng() % 2'000'000'000);
    const Table t = RandomTable(rng, size, fingerprint, oldest);
    const uint32_t author = round % 3 == 0 ? 0 : round % 3 == 1 ? 7 : 0xFFFFFFFFu;
    const NearScan s = ScanOf(t, fingerprint, author, oldest);
    const NearCounts scalar = CountNearScalar(s);
    near_total += scalar.copies;
    ExpectEveryVariantSame(s, scalar, round);
    if (::testing::Test::HasFailure()) return;
  }
  // The tables were near the radius: many near, many not.
  EXPECT_GT(near_total, 100000);
}

// As in ordinary traffic, most groups of eight entries hold no near
// fingerprint (the vector variants skip their times and authors) and a
// few hold one or two.
TEST(NearScanTest, EveryVariantCountsAsTheScalarOneWhenFewAreNear) {
  std::mt19937_64 rng(5);
  int near_total = 0;
  int skipped_groups = 0;
  for (int round = 0; round < 3000; ++round) {
    const uint32_t size = rng() % 513;
    const uint64_t fingerprint = rng();
    const uint32_t oldest = round % 5 == 0 ? 0 : static_cast<uint32_t>(rng() % 2'000'000'000);
    const Table t = RandomTable(rng, size, fingerprint, oldest, /*related_one_in=*/40);
    const uint32_t author = round % 3 == 0 ? 0 : round % 3 == 1 ? 7 : 0xFFFFFFFFu;
    const NearScan s = ScanOf(t, fingerprint, author, oldest);
    const NearCounts scalar = CountNearScalar(s);
    near_total += scalar.copies;
    for (uint32_t g = 0; g + 8 <= size; g += 8) {
      const NearScan group{
          s.fingerprints + g, s.authors + g, s.seconds + g, 8, fingerprint, author, 0};
      skipped_groups += CountNearScalar(group).copies == 0;
    }
    ExpectEveryVariantSame(s, scalar, round);
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(near_total, 3000);
  EXPECT_GT(skipped_groups, 50000);
}

TEST(NearScanTest, TheScalarScanFollowsTheDefinition) {
  // Within the window, within kNearDuplicateBits, own only for a real author.
  const uint64_t f = 0x0123456789ABCDEFULL;
  const uint64_t fingerprints[] = {f, f ^ 0x3FF, f ^ 0x7FF, f, f, ~f};
  const uint32_t authors[] = {5, 5, 5, 6, 0, 5};
  const uint32_t seconds[] = {100, 100, 100, 99, 100, 100};
  NearScan s{fingerprints, authors, seconds, 6, f, 5, 100};
  NearCounts c = CountNearScalar(s);
  EXPECT_EQ(c.copies, 3);  // 0 bits, 10 bits, and author 0's copy; not 11 bits, too old, or far
  EXPECT_EQ(c.own, 2);
  s.author = 0;
  c = CountNearScalar(s);
  EXPECT_EQ(c.copies, 3);
  EXPECT_EQ(c.own, 0);
}

}  // namespace
}  // namespace moderation::server::pulse
