// JoinPhraseWords and JoinPhraseWordsIndexed are optimisations only: for
// every word list and every occurrence list they must give the pairs
// JoinPhraseWordsPlain gives, in the same order (the phrase search's result
// depends on it).
#include "engine/phrase_words.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace moderation::internal {
namespace {

std::vector<PhraseWord> Words(std::vector<uint32_t> literals) {
  std::vector<PhraseWord> words;
  for (size_t i = 0; i < literals.size(); ++i) {
    // The slot tells equal literals apart, so an order change would show.
    words.push_back({literals[i], static_cast<uint16_t>(i)});
  }
  std::stable_sort(words.begin(), words.end(),
                   [](const PhraseWord& a, const PhraseWord& b) { return a.literal < b.literal; });
  return words;
}

std::vector<Occurrence> Occurrences(const std::vector<uint32_t>& literals) {
  std::vector<Occurrence> out;
  for (size_t i = 0; i < literals.size(); ++i) {
    out.push_back({literals[i], static_cast<uint32_t>(4 * i), static_cast<uint32_t>(4 * i + 3)});
  }
  return out;
}

std::vector<WordMatch> Fast(const std::vector<PhraseWord>& words,
                            const std::vector<Occurrence>& occurrences) {
  std::vector<uint32_t> literals;
  for (const PhraseWord& w : words) literals.push_back(w.literal);
  std::vector<WordMatch> out = {{9, 9}};  // stale output must not leak in
  JoinPhraseWords(words, LiteralFilter::Of(literals), occurrences, &out);
  return out;
}

std::vector<WordMatch> Indexed(const std::vector<PhraseWord>& words,
                               const std::vector<Occurrence>& occurrences) {
  // An index left from another field must not leak in either.
  OccurrenceIndex index;
  index.Build(Occurrences({7, 7, 3, 1, 2, 0, 4294967295u}));
  index.Build(occurrences);
  std::vector<WordMatch> out = {{9, 9}};
  JoinPhraseWordsIndexed(words, occurrences, index, &out);
  return out;
}

std::vector<WordMatch> Plain(const std::vector<PhraseWord>& words,
                             const std::vector<Occurrence>& occurrences) {
  std::vector<WordMatch> out = {{9, 9}};
  JoinPhraseWordsPlain(words, occurrences, &out);
  return out;
}

TEST(PhraseWordsTest, PlainJoinGivesPairsInOccurrenceThenWordOrder) {
  // Words 10 (slot 0), 20 (slots 1 and 2), 30 (slot 3); text: 20 5 10 20.
  const std::vector<PhraseWord> words = Words({10, 20, 20, 30});
  const std::vector<Occurrence> occurrences = Occurrences({20, 5, 10, 20});
  const std::vector<WordMatch> expected = {{0, 1}, {0, 2}, {2, 0}, {3, 1}, {3, 2}};
  EXPECT_EQ(Plain(words, occurrences), expected);
  EXPECT_EQ(Fast(words, occurrences), expected);
  EXPECT_EQ(Indexed(words, occurrences), expected);
}

TEST(PhraseWordsTest, FastEqualsPlainOnTable) {
  const struct {
    std::vector<uint32_t> words;
    std::vector<uint32_t> occurrences;
  } kCases[] = {
      {{}, {}},
      {{1, 2, 3}, {}},
      {{}, {1, 2, 3}},
      {{1}, {1, 1, 1, 1}},              // words side smaller
      {{1, 1, 1, 1}, {1}},              // occurrence side smaller
      {{1, 2, 3, 4, 5, 6}, {6, 1, 6}},  // first and last word
      {{5, 5, 7}, {7, 5, 9, 5, 7, 0}},  // equal sizes
      {{0, 4294967295u}, {4294967295u, 0, 0}},
      {{3, 1, 2, 3, 1}, {2, 3, 9, 8, 1}},
  };
  for (const auto& c : kCases) {
    const std::vector<PhraseWord> words = Words(c.words);
    const std::vector<Occurrence> occurrences = Occurrences(c.occurrences);
    EXPECT_EQ(Fast(words, occurrences), Plain(words, occurrences))
        << c.words.size() << " words, " << c.occurrences.size() << " occurrences";
    EXPECT_EQ(Indexed(words, occurrences), Plain(words, occurrences))
        << c.words.size() << " words, " << c.occurrences.size() << " occurrences";
  }
}

// Every word list of up to 4 literals from {0, 1, 2} against every
// occurrence list of up to 4 literals from {0, 1, 2, 3}: duplicates on either
// side, misses.
TEST(PhraseWordsTest, FastEqualsPlainExhaustivelyOnSmallLists) {
  auto lists = [](size_t alphabet, size_t max_length) {
    std::vector<std::vector<uint32_t>> out = {{}};
    for (size_t from = 0; from < out.size(); ++from) {
      if (out[from].size() == max_length) continue;
      for (uint32_t l = 0; l < alphabet; ++l) {
        std::vector<uint32_t> next = out[from];
        next.push_back(l);
        out.push_back(next);
      }
    }
    return out;
  };
  size_t cases = 0;
  for (const std::vector<uint32_t>& w : lists(3, 4)) {
    const std::vector<PhraseWord> words = Words(w);
    for (const std::vector<uint32_t>& o : lists(4, 4)) {
      const std::vector<Occurrence> occurrences = Occurrences(o);
      ASSERT_EQ(Fast(words, occurrences), Plain(words, occurrences))
          << w.size() << " words, " << o.size() << " occurrences";
      ASSERT_EQ(Indexed(words, occurrences), Plain(words, occurrences))
          << w.size() << " words, " << o.size() << " occurrences";
      ++cases;
    }
  }
  EXPECT_EQ(cases, 121u * 341u);
}

// Larger random lists, the sizes of real phrases and posts.
TEST(PhraseWordsTest, FastEqualsPlainOnRandomLists) {
  std::mt19937 rng(15);
  for (int round = 0; round < 2000; ++round) {
    // Up to 2,000 literal ids: filter bits shared by several literals.
    const uint32_t alphabet = 1 + rng() % 2000;
    std::vector<uint32_t> w(rng() % 120), o(rng() % 200);
    for (uint32_t& l : w) l = rng() % alphabet;
    for (uint32_t& l : o) l = rng() % alphabet;
    const std::vector<PhraseWord> words = Words(w);
    const std::vector<Occurrence> occurrences = Occurrences(o);
    ASSERT_EQ(Fast(words, occurrences), Plain(words, occurrences)) << "round " << round;
    ASSERT_EQ(Indexed(words, occurrences), Plain(words, occurrences)) << "round " << round;
  }
}

// Hundreds of occurrences of a few literals (long chains, colliding slots)
// and literal ids that differ only in high bits.
TEST(PhraseWordsTest, IndexedEqualsPlainOnCollidingLiterals) {
  std::mt19937 rng(16);
  for (int round = 0; round < 300; ++round) {
    const uint32_t stride = round % 2 == 0 ? 1u << 20 : 64;
    std::vector<uint32_t> w(1 + rng() % 40), o(rng() % 600);
    for (uint32_t& l : w) l = (rng() % 12) * stride;
    for (uint32_t& l : o) l = (rng() % 16) * stride;
    const std::vector<PhraseWord> words = Words(w);
    const std::vector<Occurrence> occurrences = Occurrences(o);
    ASSERT_EQ(Indexed(words, occurrences), Plain(words, occurrences)) << "round " << round;
  }
}

// The default rules' big phrases: more words than the filter has bits (a
// dense filter, so many occurrences pass it without being a word), literal
// ids far above the filter's size.
TEST(PhraseWordsTest, FastEqualsPlainOnBigPhrasesWithAliasedFilterBits) {
  std::mt19937 rng(1504);
  for (int round = 0; round < 300; ++round) {
    const uint32_t alphabet = 1 + rng() % (8 * LiteralFilter::kMaxBits);
    std::vector<uint32_t> w(rng() % 3000), o(rng() % 700);
    for (uint32_t& l : w) l = rng() % alphabet;
    // Half the occurrences are near a word's id without being it.
    for (size_t i = 0; i < o.size(); ++i) {
      o[i] = (i % 2 == 0 || w.empty())
                 ? rng() % alphabet
                 : w[rng() % w.size()] + LiteralFilter::kMaxBits * (1 + rng() % 3);
    }
    const std::vector<PhraseWord> words = Words(w);
    const std::vector<Occurrence> occurrences = Occurrences(o);
    ASSERT_EQ(Fast(words, occurrences), Plain(words, occurrences)) << "round " << round;
  }
}

}  // namespace
}  // namespace moderation::internal
