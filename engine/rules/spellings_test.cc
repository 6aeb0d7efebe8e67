// `spellings:`: parsing, the spellings a term gets, and their application to
// a file's word terms and phrase words (engine/rules/spellings.h). Matching
// of posts with widened rules is tested in engine/rule_language_test.cc.
#include "engine/rules/spellings.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

using internal::kMaxSpellingsPerTerm;
using internal::SpellingsOf;
using internal::SpellingTable;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

SpellingTable Table() {
  SpellingTable t;
  t.words = {{"ich", {"i", "isch"}}, {"weiss", {"woiss"}}, {"dich", {"di"}}};
  t.prefixes = {{"auf", {"uff"}}, {"ver", {"va"}}};
  t.suffixes = {{"st", {"sch"}}, {"en", {"a"}}};
  return t;
}

struct SpellingCase {
  std::string name;
  std::string term;
  MatchMode mode;
  std::vector<std::string> spellings;  // the term itself first
};

void PrintTo(const SpellingCase& c, std::ostream* os) { *os << c.name; }

class SpellingsOfTest : public ::testing::TestWithParam<SpellingCase> {};

TEST_P(SpellingsOfTest, GivesTheTermAndItsSpellings) {
  const SpellingCase& c = GetParam();
  EXPECT_EQ(SpellingsOf(Table(), c.term, c.mode), c.spellings);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SpellingsOfTest,
    ::testing::Values(
        SpellingCase{
            "AWordWithoutSpellingsStaysAlone", "Blödmann", MatchMode::kCompound, {"Blödmann"}},
        SpellingCase{"WholeWordsOnly", "Ichsucht", MatchMode::kWord, {"Ichsucht"}},
        // "i" alone is too short for a term; "ich weiß" spelled with it is not.
        SpellingCase{
            "ASpellingTooShortForTheModeIsSkipped", "ich", MatchMode::kWord, {"ich", "isch"}},
        SpellingCase{"EveryWordOfATermFirstWordSlowest",
                     "Ich weiß",
                     MatchMode::kWord,
                     {"Ich weiß", "ich woiss", "i weiss", "i woiss", "isch weiss", "isch woiss"}},
        SpellingCase{"WordThenPrefixThenSuffix",
                     "verdreschen",
                     MatchMode::kWord,
                     {"verdreschen", "vadreschen", "verdrescha", "vadrescha"}},
        SpellingCase{"APrefixNeedsThreeLettersAfterIt", "vera", MatchMode::kWord, {"vera"}},
        SpellingCase{"ASuffixNeedsThreeLettersBeforeIt", "best", MatchMode::kWord, {"best"}},
        SpellingCase{"NoSuffixAtTheOpenEndOfAPrefixTerm",
                     "aufhängen",
                     MatchMode::kPrefix,
                     {"aufhängen", "uffhängen"}},
        SpellingCase{"NoPrefixAtTheOpenStartOfASuffixTerm",
                     "wohnst",
                     MatchMode::kSuffix,
                     {"wohnst", "wohnsch"}},
        SpellingCase{"InnerWordsKeepBothEdgesOfAPrefixTerm",
                     "dich aufhängen",
                     MatchMode::kPrefix,
                     {"dich aufhängen", "dich uffhängen", "di aufhängen", "di uffhängen"}}),
    [](const auto& info) { return info.param.name; });

TEST(SpellingsOfTest, AtMostTheCapPerTerm) {
  SpellingTable t;
  t.words = {{"aaa", {"bbb", "ccc", "ddd"}}};
  // Four words with four spellings each: 256 combinations.
  const std::vector<std::string> s = SpellingsOf(t, "aaa aaa aaa aaa", MatchMode::kWord);
  EXPECT_EQ(s.size(), kMaxSpellingsPerTerm);
  EXPECT_EQ(s[0], "aaa aaa aaa aaa");
  EXPECT_EQ(s[1], "aaa aaa aaa bbb");
}

constexpr char kFile[] = R"(ruleset: t
version: "1"
spellings:
  ich: [i, ick, isch]
  "auf*": ["uff*"]
  "*st": ["*sch"]
rules:
  - id: t.threat
    category: threat
    action: block
    words: ["ich weiß wo du wohnst"]
    phrases:
      - slots: ["ich", "aufhäng*", "dich"]
)";

TEST(ApplySpellingsTest, WidensWordTermsAndPhraseWordsWithTheirLocation) {
  Diagnostics diagnostics;
  const std::optional<RuleSetSource> set = ParseRuleSet(kFile, "t.yaml", &diagnostics);
  ASSERT_TRUE(set.has_value()) << (diagnostics.empty() ? "" : diagnostics[0].ToString());
  const Rule& rule = set->rules.at(0);
  std::vector<std::string> words;
  for (const Term& t : rule.terms) {
    words.push_back(t.text);
    EXPECT_EQ(t.location.line, 11) << t.text;
  }
  EXPECT_THAT(words, ElementsAre("ich weiß wo du wohnst", "ich weiss wo du wohnsch",
                                 "i weiss wo du wohnst", "i weiss wo du wohnsch",
                                 "ick weiss wo du wohnst", "ick weiss wo du wohnsch",
                                 "isch weiss wo du wohnst", "isch weiss wo du wohnsch"));
  std::vector<std::string> first_slot, second_slot;
  for (const Term& t : rule.phrases.at(0).slots.at(0).terms) first_slot.push_back(t.text);
  for (const Term& t : rule.phrases.at(0).slots.at(1).terms) {
    second_slot.push_back(t.text);
    EXPECT_EQ(t.mode, MatchMode::kPrefix);
  }
  EXPECT_THAT(first_slot, UnorderedElementsAre("ich", "ick", "isch"));
  EXPECT_THAT(second_slot, UnorderedElementsAre("aufhäng", "uffhäng"));
}

struct BadSpelling {
  std::string name;
  std::string entry;  // one line under "spellings:", indented by 2
  std::string message;
  int column;
};

void PrintTo(const BadSpelling& c, std::ostream* os) { *os << c.name; }

class BadSpellingTest : public ::testing::TestWithParam<BadSpelling> {};

TEST_P(BadSpellingTest, IsReportedAtItsLine) {
  const BadSpelling& c = GetParam();
  const std::string yaml = absl::StrCat(
      "ruleset: t\nversion: \"1\"\nspellings:\n  ", c.entry,
      "\nrules:\n  - id: r\n    category: insult\n    score: 5\n    words: [Dummbatz]\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(ParseRuleSet(yaml, "t.yaml", &diagnostics).has_value());
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics[0].message, HasSubstr(c.message));
  EXPECT_EQ(diagnostics[0].location.line, 4);
  EXPECT_EQ(diagnostics[0].location.column, c.column);
}

INSTANTIATE_TEST_SUITE_P(
    Spellings, BadSpellingTest,
    ::testing::Values(BadSpelling{"KindsMustAgree", "\"auf*\": [uff]", "must have its '*' where",
                                  12},
                      BadSpelling{"OneWordOnly", "ich: [\"i bin\"]", "is not a spelling", 9},
                      BadSpelling{"NoStarInside", "\"a*b\": [c]", "is not a spelling", 3},
                      BadSpelling{"ValuesAreAList", "ich: i", "must be a list of strings", 8}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace moderation::rules
