// Short phrase words found by word lookup (CompileOptions::
// short_phrase_word_lookup) are an optimisation only: with it on and off,
// every text must give the same decision, rules and spans. The texts put the
// short words alone, inside longer words, at the text's edges, and typed
// spaced, dotted or hyphenated (soft word edges inside a skeleton word).
#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "engine/testing/test_rules.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using testing::CompileYaml;
using testing::FiredRules;
using testing::Judge;
using testing::SpanTexts;

constexpr char kRules[] = R"(ruleset: short
version: "1"
rules:
  - id: threat
    category: threat
    phrases:
      - slots: ["er|sie|du", "stech|sticht|stecht", "ab"]
        within: 3
      - slots: ["ne|eine", "Ratte|Zecke"]
        ordered: true
        within: 1
      - slots: ["ich", {words: "um", not_followed_by: ["@digits"]}, "bring|bringe"]
        within: 2
      - slots: ["nicht|einfach", "Ratte"]
        within: 2
      - slots: ["wir|ihr", "da|dort"]
        ordered: true
        within: 1
    action: flag
  - id: insult
    category: insult
    words: [Ratte]
    score: 1
)";

const char* const kPieces[] = {
    "er",    "sie",        "du",      "ab",          "ne",    "um",     "ich",       "eine",
    "Ratte", "Zecke",      "stech",   "sticht",      "bring", "aber",   "Lehrer",    "dabei",
    "Neffe", "Summe",      "e r",     "e.r",         "e-r",   "a b",    "a.b",       "n e",
    "i c h", "u-m",        "abstech", "erab",        "8",     "Uhr",    "dich",      "heute",
    "noch",  "er,",        "ab!",     "\"ne\"",      "Ab-",   "-ab",    "ER",        "Äb",
    "nicht", "vernichten", "einfach", "Einfachheit", "deine", "keiner", "n i c h t", "ei-ne",
    "wir",   "ihr",        "da",      "dort",        "wirr",  "Oda",    "i.h.r",     "d a"};

TEST(ShortPhraseWordsTest, LookupAndScanGiveTheSameDecisions) {
  auto with_lookup = CompileYaml(kRules);
  CompileOptions options;
  options.short_phrase_word_lookup = false;
  auto with_scan = CompileYaml(kRules, options);
  ASSERT_NE(with_lookup, nullptr);
  ASSERT_NE(with_scan, nullptr);
  std::mt19937 rng(4242);
  size_t fired = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const int words = 1 + static_cast<int>(rng() % 9);
    for (int w = 0; w < words; ++w) {
      if (w > 0) text += " ";
      text += kPieces[rng() % std::size(kPieces)];
    }
    const Decision a = Judge(*with_lookup, text);
    const Decision b = Judge(*with_scan, text);
    ASSERT_EQ(FiredRules(a), FiredRules(b)) << text;
    ASSERT_EQ(SpanTexts(a), SpanTexts(b)) << text;
    ASSERT_EQ(a.verdict, b.verdict) << text;
    ASSERT_EQ(a.score, b.score) << text;
    if (!FiredRules(a).empty()) ++fired;
  }
  EXPECT_GT(fired, 200u);  // the phrases do fire: the comparison means something
}

struct ShortCase {
  const char* text;
  bool fires;
};

TEST(ShortPhraseWordsTest, ShortWordsMatchAsWholeWordsOnly) {
  auto set = CompileYaml(kRules);
  ASSERT_NE(set, nullptr);
  for (const ShortCase& c :
       {ShortCase{"er sticht dich ab", true}, ShortCase{"e r sticht dich a b", true},
        ShortCase{"Lehrer sticht Kuchen aber", false}, ShortCase{"ich bring dich um", true},
        ShortCase{"ich bring dich um 8", false}, ShortCase{"Summe bringt nichts", false},
        ShortCase{"so ne Ratte", true}, ShortCase{"Neffe Ratte", false},
        // a phrase of short words only: its anchor is looked up too
        ShortCase{"ihr da", true}, ShortCase{"i h r d.a", true}, ShortCase{"wirr Oda", false},
        ShortCase{"ihre Daten", false}}) {
    const std::vector<std::string> rules = FiredRules(Judge(*set, c.text));
    const bool threat = std::find(rules.begin(), rules.end(), "threat") != rules.end();
    EXPECT_EQ(threat, c.fires) << c.text;
  }
}

}  // namespace
}  // namespace moderation
