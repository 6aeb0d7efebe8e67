// Split words end to end ("du Arsch loch"): a rule's word term typed as
// chunks with whitespace between them fires, with the span over the chunks;
// innocent word pairs, other separators, short terms and phrases do not.
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

constexpr char kRules[] = R"(ruleset: split
version: "1"
rules:
  - id: de.insult
    category: insult
    words: [Arschloch, Hurensohn, Wichser, Miststück, Penis]
    action: flag
  - id: en.insult
    category: insult
    words: [asshole, dickhead]
    match: word
    action: flag
  - id: de.verb
    category: insult
    words: [verpiss]
    match: inflected
    action: flag
)";

struct SplitCase {
  const char* text;
  const char* rule;  // "" when nothing may fire
  const char* span = "";
};

TEST(SplitWordsTest, WordTermsTypedAsChunksFireWithTheChunksAsSpan) {
  auto set = CompileYaml(kRules);
  ASSERT_NE(set, nullptr);
  const SplitCase cases[] = {
      {"du Arsch loch", "de.insult", "Arsch loch"},
      {"du Hurens ohn!", "de.insult", "Hurens ohn"},
      {"du Wich ser", "de.insult", "Wich ser"},
      {"you ass hole", "en.insult", "ass hole"},
      {"you dick head", "en.insult", "dick head"},
      {"du 4rsch l0ch", "de.insult", "4rsch l0ch"},
      {"du Аrsch lоch", "de.insult", "Аrsch lоch"},  // Cyrillic А and о
      {"du Arsch\u00A0loch", "de.insult", "Arsch\u00A0loch"},
      {"du Arsch\u2002loch", "de.insult", "Arsch\u2002loch"},  // en space
      {"du Arsch \u200B loch", "de.insult", "Arsch \u200B loch"},
      {"ihr Huren söhne", "de.insult", "Huren söhne"},
      {"du Mist stück", "de.insult", "Mist stück"},
      {"ver pisst euch", "de.verb", "ver pisst"},
      {"du Hu rens ohn", "de.insult", "Hu rens ohn"},
  };
  for (const SplitCase& c : cases) {
    const Decision d = Judge(*set, c.text);
    EXPECT_EQ(FiredRules(d), std::vector<std::string>{c.rule}) << c.text;
    EXPECT_EQ(SpanTexts(d), std::vector<std::string>{c.span}) << c.text;
  }
}

TEST(SplitWordsTest, InnocentPairsOtherSeparatorsAndShortTermsDoNotFire) {
  auto set = CompileYaml(kRules);
  ASSERT_NE(set, nullptr);
  const char* const texts[] = {
      "Arsch lochfrei",            // the joined word is longer than the term
      "Arsch, loch",               // punctuation between
      "Arsch\nloch",               // a line break between
      "Ar sch lo ch",              // four chunks
      "Der Pen is on the table",   // penis has 5 letters
      "a glass hole in the roof",  // the term starts inside a chunk
      "Überver pisst",             // inflected: the word starts before the term
  };
  for (const char* text : texts) EXPECT_TRUE(FiredRules(Judge(*set, text)).empty()) << text;
}

TEST(SplitWordsTest, AnAllowedWordTypedSplitStillProtectsWhatIsInsideIt) {
  auto set = CompileYaml(R"(ruleset: allow
version: "1"
allow: [Schlampenfest]
rules:
  - id: r
    category: insult
    words: ["*Schlampe*"]
    action: flag
)");
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(FiredRules(Judge(*set, "das Schlampen fest im Dorf")).empty());
  EXPECT_EQ(FiredRules(Judge(*set, "das Schlampen nest im Dorf")), std::vector<std::string>{"r"});
}

TEST(SplitWordsTest, SplitWordsCanBeSwitchedOff) {
  CompileOptions options;
  options.split_words = false;
  auto set = CompileYaml(kRules, options);
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(FiredRules(Judge(*set, "du Arsch loch")).empty());
  EXPECT_EQ(FiredRules(Judge(*set, "du Arschloch")), std::vector<std::string>{"de.insult"});
}

TEST(SplitWordsTest, ARuleCanKeepItsTermsFromMatchingSplit) {
  auto set = CompileYaml(R"(ruleset: slurs
version: "1"
rules:
  - id: r
    category: hate
    words: [wetback]
    split_words: false
    action: flag
)");
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(FiredRules(Judge(*set, "the wet back porch")).empty());
  EXPECT_EQ(FiredRules(Judge(*set, "wetbacks")), std::vector<std::string>{"r"});
  const rules::Diagnostics problems = testing::CompileProblems(R"(ruleset: x
version: "1"
rules:
  - id: r
    category: hate
    regex: 'x'
    split_words: false
    action: flag
)");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("'split_words' applies only to 'words'"), std::string::npos);
}

// The reference: a text with one whitespace gap between two chunks deleted
// is judged the ordinary way. The split scan must fire exactly when that
// reference fires on a term that spans the deleted gap, for every gap of
// random texts built from chunks of the terms and of innocent words.
TEST(SplitWordsTest, AgreesWithJudgingTheTextWithTheGapDeleted) {
  auto set = CompileYaml(kRules);
  CompileOptions off;
  off.split_words = false;
  auto plain = CompileYaml(kRules, off);
  ASSERT_NE(set, nullptr);
  ASSERT_NE(plain, nullptr);
  const std::vector<std::string> chunks = {"Arsch", "loch", "Hurens", "ohn",  "Wich", "ser",
                                           "du",    "ass",  "hole",   "dick", "head", "die",
                                           "Tür",   "Mist", "stück",  "Haus", "ist",  "zu"};
  std::mt19937 rng(7);
  int split_words = 0;
  for (int round = 0; round < 400; ++round) {
    const std::string a = chunks[rng() % chunks.size()], b = chunks[rng() % chunks.size()];
    const std::string text = "x " + a + " " + b + " y";
    const std::string glued = "x " + a + b + " y";
    const bool split = !FiredRules(Judge(*set, text)).empty();
    const bool apart = !FiredRules(Judge(*plain, text)).empty();
    // The reference fires on the glued word but not on the chunks apart: the
    // term spans the gap (if it fired apart, a term lies inside one chunk).
    const bool reference = !FiredRules(Judge(*plain, glued)).empty();
    if (apart) {
      EXPECT_TRUE(split) << text;
    } else {
      EXPECT_EQ(split, reference) << text << " / " << glued;
      split_words += split ? 1 : 0;
    }
  }
  EXPECT_GT(split_words, 5);  // the pairs did form terms
}

}  // namespace
}  // namespace moderation
