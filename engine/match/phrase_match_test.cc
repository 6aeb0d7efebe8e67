#include "engine/match/phrase_match.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace moderation::match {
namespace {

// Hits from a word stream: each word is a slot number or -1, one byte apart
// per word so words never overlap.
std::vector<PhraseSlotHit> Words(const std::vector<int>& slots) {
  std::vector<PhraseSlotHit> hits;
  for (uint32_t w = 0; w < slots.size(); ++w) {
    if (slots[w] < 0) continue;
    hits.push_back({static_cast<uint32_t>(slots[w]), w * 10, w * 10 + 5, w, w});
  }
  return hits;
}

struct PhraseCase {
  const char* name;
  std::vector<int> words;
  bool ordered;
  int within;
  bool matches;
};

TEST(FindPhraseTest, HonoursOrderAndWindow) {
  // Slots: 0 = bring, 1 = dich, 2 = um.
  const PhraseCase kCases[] = {
      {"plain", {0, 1, 2}, false, 3, true},
      {"v2_order", {1, 0, -1, 2}, false, 3, true},
      {"three_words_between", {0, 1, -1, -1, -1, 2}, false, 3, true},
      {"four_words_between", {0, 1, -1, -1, -1, -1, 2}, false, 3, false},
      {"ordered_rejects_other_order", {1, 0, 2}, true, 3, false},
      {"ordered_accepts_order", {0, -1, 1, 2}, true, 3, true},
      {"missing_slot", {0, 1, -1}, false, 3, false},
      {"within_zero_needs_adjacency", {0, 1, -1, 2}, false, 0, false},
      {"within_zero_adjacent", {2, 0, 1}, false, 0, true},
  };
  for (const PhraseCase& c : kCases) {
    const PhraseShape shape{3, {}, c.ordered, c.within};
    std::vector<size_t> chosen;
    EXPECT_EQ(FindPhrase(shape, Words(c.words), &chosen), c.matches) << c.name;
    if (c.matches) {
      EXPECT_EQ(chosen.size(), 3u) << c.name;
    }
  }
}

TEST(FindPhraseTest, PicksTheRepeatedWordThatFitsTheWindow) {
  // "um ... (10 words) ... bring dich um": the late "um" fits.
  std::vector<int> words = {2};
  for (int i = 0; i < 10; ++i) words.push_back(-1);
  words.insert(words.end(), {0, 1, 2});
  std::vector<size_t> chosen;
  ASSERT_TRUE(FindPhrase({3, {}, false, 3}, Words(words), &chosen));
  for (size_t i : chosen) EXPECT_GE(Words(words)[i].first_word, 11u);
}

TEST(FindPhraseTest, OptionalSlotsAreTakenWhenTheyFitAndSkippedOtherwise) {
  // Slots: 0 = ich (optional), 1 = bring, 2 = um.
  const PhraseShape shape{3, {true, false, false}, false, 3};
  std::vector<size_t> chosen;
  ASSERT_TRUE(FindPhrase(shape, Words({0, 1, 2}), &chosen));
  EXPECT_EQ(chosen.size(), 3u);
  ASSERT_TRUE(FindPhrase(shape, Words({1, 2}), &chosen));
  EXPECT_EQ(chosen.size(), 2u);
}

TEST(FindPhraseTest, TwoSlotsCannotShareOneHit) {
  // One word found by both slots (e.g. "dich" in slot 1 and slot 2).
  std::vector<PhraseSlotHit> hits = {{0, 0, 5, 0, 0}, {1, 10, 14, 1, 1}, {2, 10, 14, 1, 1}};
  std::vector<size_t> chosen;
  EXPECT_FALSE(FindPhrase({3, {}, false, 3}, hits, &chosen));
}

TEST(FindPhraseTest, HitsInsideOneWordFillItOnce) {
  // "kopf-ab" in one skeleton word plus "dir" two words later.
  std::vector<PhraseSlotHit> hits = {{0, 0, 4, 0, 0}, {1, 4, 6, 0, 0}, {2, 20, 23, 2, 2}};
  std::vector<size_t> chosen;
  EXPECT_TRUE(FindPhrase({3, {}, false, 1}, hits, &chosen));
  EXPECT_FALSE(FindPhrase({3, {}, false, 0}, hits, &chosen));
}

TEST(FindPhraseTest, SlotTermsOfSeveralWordsFillTheirWords) {
  // "we know your face": slot 0 = "we know" (words 0-1), slot 1 = "your
  // face" (words 2-3). Adjacent, so within 0 matches; one word between them
  // needs within 1.
  const std::vector<PhraseSlotHit> adjacent = {{0, 0, 7, 0, 1}, {1, 8, 17, 2, 3}};
  const std::vector<PhraseSlotHit> one_between = {{0, 0, 7, 0, 1}, {1, 13, 22, 3, 4}};
  struct Case {
    const char* name;
    const std::vector<PhraseSlotHit>& hits;
    int within;
    bool ordered;
    bool matches;
  };
  const Case kCases[] = {
      {"adjacent_within_0", adjacent, 0, false, true},
      {"adjacent_within_0_ordered", adjacent, 0, true, true},
      {"one_between_within_0", one_between, 0, false, false},
      {"one_between_within_1", one_between, 1, true, true},
  };
  for (const Case& c : kCases) {
    std::vector<size_t> chosen;
    EXPECT_EQ(FindPhrase({2, {}, c.ordered, c.within}, c.hits, &chosen), c.matches) << c.name;
  }
}

TEST(FindPhraseTest, ManyCandidatesStayBounded) {
  std::vector<PhraseSlotHit> hits;
  for (uint32_t w = 0; w < 400; ++w) hits.push_back({w % 4, w * 10, w * 10 + 5, w, w});
  std::vector<size_t> chosen;
  // Slot 4 never occurs: the search must give up quickly, not explore 100^4.
  EXPECT_FALSE(FindPhrase({5, {}, false, 3}, hits, &chosen));
}

}  // namespace
}  // namespace moderation::match
