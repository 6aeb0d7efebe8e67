// The fast NearDuplicateHasher (every variant) against a plain reference of the same
// definition: every shingle hashed, one in two (then one in four) kept by
// its hash, 64 counters, a bit set where more than half the kept shingles
// have it. The reference is the first implementation, kept here so that
// any faster counting must give the same fingerprint on thousands of
// random texts and on every real text of tests/data and the realistic
// corpus. Golden values pin the reference itself.
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/testing/text_corpora.h"
#include "engine/text/near_duplicate.h"
#include "engine/text/normalizer.h"
#include "gtest/gtest.h"

namespace moderation::text {
namespace {

uint64_t ReferenceMix(uint64_t x) {
  x *= 0x9E3779B97F4A7C15ULL;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 32;
  return x;
}

// The fingerprint of fields added in order, by the definition.
uint64_t ReferenceFingerprint(const std::vector<std::string_view>& fields) {
  std::array<uint64_t, 64> counts{};
  uint64_t shingles = 0;
  uint64_t bytes = 0;
  for (std::string_view field : fields) {
    const size_t n = std::min<size_t>(field.size(), 2048);
    bytes += n;
    for (size_t i = 4; i < n; ++i) {
      uint64_t window = 0;
      for (size_t j = i - 4; j <= i; ++j) window = (window << 8) | static_cast<uint8_t>(field[j]);
      const uint64_t h = ReferenceMix(window);
      const bool kept = i < 256 ? (h >> 63) == 0 : (h >> 62) == 0;
      if (!kept) continue;
      ++shingles;
      for (int b = 0; b < 64; ++b) counts[b] += (h >> b) & 1;
    }
  }
  if (bytes < 32 || shingles == 0) return 0;
  uint64_t fp = 0;
  for (int b = 0; b < 64; ++b) {
    if (2 * counts[b] > shingles) fp |= uint64_t{1} << b;
  }
  return fp == 0 ? 1 : fp;
}

uint64_t FastWith(NearDuplicateHasher::Variant variant,
                  const std::vector<std::string_view>& fields) {
  NearDuplicateHasher h(variant);
  for (std::string_view f : fields) h.Add(f);
  return h.Finish();
}

// The best variant this CPU runs (AVX-512 where it has it); the AVX2 one
// (scalar on a CPU without AVX2) and the scalar one must agree, so they
// are checked here too.
uint64_t Fast(const std::vector<std::string_view>& fields) {
  const uint64_t best = FastWith(NearDuplicateHasher::Variant::kBest, fields);
  EXPECT_EQ(best, FastWith(NearDuplicateHasher::Variant::kAvx2, fields));
  EXPECT_EQ(best, FastWith(NearDuplicateHasher::Variant::kScalar, fields));
  return best;
}

std::string Skeleton(std::string_view text) {
  NormalizedText n;
  EXPECT_TRUE(Normalize(text, &n).ok()) << text;
  return n.skeleton.text;
}

TEST(NearDuplicateEquivalenceTest, GoldenValuesOfTheReference) {
  const std::string a = Skeleton(
      "Alle zusammen jetzt: schreibt dem Bürgermeister, dass die Umgehungsstraße gestoppt "
      "werden muss, bevor der Stadtrat am Donnerstag abstimmt!");
  std::string b;
  for (int i = 0; i < 60; ++i) b += "Satz Nummer " + std::to_string(i) + " des langen Aufrufs. ";
  EXPECT_EQ(ReferenceFingerprint({a}), uint64_t{6461779411149715490u});
  EXPECT_EQ(ReferenceFingerprint({Skeleton(b)}), uint64_t{3746339468222493226u});
  EXPECT_EQ(ReferenceFingerprint({Skeleton("Stoppt die Straße"), a}),
            uint64_t{6459457105152899106u});
}

TEST(NearDuplicateEquivalenceTest, RealTextsFingerprintAsTheReference) {
  const std::vector<std::string> texts = ::moderation::testing::TextCorpusLines();
  ASSERT_GT(texts.size(), 1500u);
  size_t nonzero = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string s = Skeleton(texts[i]);
    ASSERT_EQ(Fast({s}), ReferenceFingerprint({s})) << texts[i];
    nonzero += Fast({s}) != 0;
    // The raw text too (not only skeletons reach the hasher in tests), and
    // two fields: the next text as a title.
    ASSERT_EQ(Fast({texts[i]}), ReferenceFingerprint({texts[i]})) << texts[i];
    const std::string& next = texts[(i + 1) % texts.size()];
    ASSERT_EQ(Fast({next, s}), ReferenceFingerprint({next, s})) << texts[i];
  }
  EXPECT_GT(nonzero, texts.size() / 2);
}

TEST(NearDuplicateEquivalenceTest, RandomTextsFingerprintAsTheReference) {
  std::mt19937_64 rng(12);
  const std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz      .,!?0123456789";
  for (int t = 0; t < 4000; ++t) {
    // Lengths around every boundary: 32 bytes, 256, 2048 (the field cap),
    // and the hasher's internal blocks.
    const size_t len = t < 3000 ? rng() % 700 : rng() % 5000;
    std::string text(len, ' ');
    const bool bytes = t % 3 == 0;  // any byte, or letters and spaces
    for (char& c : text) {
      c = bytes ? static_cast<char>(rng() & 0xFF) : kAlphabet[rng() % kAlphabet.size()];
    }
    ASSERT_EQ(Fast({text}), ReferenceFingerprint({text}))
        << "text " << t << ", " << len << " bytes";
    // Split into up to four fields at random points.
    std::vector<std::string_view> fields;
    std::string_view rest = text;
    for (int f = 0; f < 3 && !rest.empty(); ++f) {
      const size_t cut = rng() % (rest.size() + 1);
      fields.push_back(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
    fields.push_back(rest);
    ASSERT_EQ(Fast(fields), ReferenceFingerprint(fields)) << "text " << t << " in fields";
  }
}

TEST(NearDuplicateEquivalenceTest, ManyFieldsBeyondEveryCounterWidth) {
  // 40 fields of 2 KiB: about 23,000 kept shingles, beyond 8- and 16-bit
  // counters.
  std::mt19937_64 rng(5);
  std::vector<std::string> storage(40, std::string(3000, ' '));
  for (std::string& s : storage) {
    for (char& c : s) c = static_cast<char>('a' + rng() % 6);
  }
  const std::vector<std::string_view> fields(storage.begin(), storage.end());
  EXPECT_EQ(Fast(fields), ReferenceFingerprint(fields));
  // A text of one repeated byte: every shingle the same, all kept or none.
  const std::string same(3000, 'x');
  EXPECT_EQ(Fast({same}), ReferenceFingerprint({same}));
  const std::vector<std::string_view> many_same(30, same);
  EXPECT_EQ(Fast(many_same), ReferenceFingerprint(many_same));
}

}  // namespace
}  // namespace moderation::text
