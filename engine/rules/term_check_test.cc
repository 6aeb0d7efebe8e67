// Every bad term of a file in one pass, and syntax errors where they start.
#include "engine/rules/term_check.h"

#include <string>
#include <vector>

#include "engine/rules/loader.h"
#include "engine/testing/rule_problems.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

using ::moderation::testing::Messages;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Problems(const std::string& yaml) {
  Diagnostics diagnostics;
  EXPECT_EQ(ParseRuleSet(yaml, "t.yaml", &diagnostics), std::nullopt);
  return Messages(diagnostics);
}

TEST(TermCheckTest, EveryBadTermOfAListIsReportedOnceEvenWhenTwoRulesUseIt) {
  EXPECT_THAT(Problems("ruleset: t\nversion: \"1\"\n"
                       "lists:\n  l: [Depp, x, Du, \"!!\", Trottel, ab]\n"
                       "rules:\n"
                       "  - {id: a, category: insult, words: [\"@l\", y], score: 3}\n"
                       "  - {id: b, category: insult, words: [\"@l\"], score: 3}\n"),
              ElementsAre(HasSubstr("t.yaml:4:13: term 'x' is too short after normalisation"),
                          HasSubstr("t.yaml:4:16: term 'Du' is too short after normalisation"),
                          "t.yaml:4:20: term '!!' has no letters after normalisation",
                          HasSubstr("t.yaml:4:35: term 'ab' is too short"),
                          HasSubstr("t.yaml:6:45: term 'y' is too short")));
}

TEST(TermCheckTest, BadTermsAreReportedAlongsideTheFilesOtherErrors) {
  EXPECT_THAT(Problems("ruleset: t\nversion: \"1\"\nrules:\n"
                       "  - id: a\n    category: insult\n    words: [x, Depp, \"a*b\", \"\", Du]\n"
                       "    scroe: 3\n    score: 3\n"),
              ElementsAre(HasSubstr("6:13: term 'x' is too short"),
                          HasSubstr("6:22: '*' is only allowed at the start or end"),
                          HasSubstr("6:29: empty term"), HasSubstr("6:33: term 'Du' is too short"),
                          HasSubstr("7:5: unknown key 'scroe'")));
}

// A term in another script loses its letters to the skeleton; the error
// says so and names the raw-view regex that matches the word as written.
// Latin letters with diacritics and emoji get no such advice.
TEST(TermCheckTest, ATermInAnotherScriptIsToldToUseARawRegex) {
  const std::vector<std::string> problems = Problems(
      "ruleset: t\nversion: \"1\"\nrules:\n"
      "  - {id: a, category: insult, words: [\"كلب\", блядь, \"!!\"], score: 3}\n");
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_THAT(problems[0], HasSubstr("term 'كلب' has no letters after normalisation; word lists "
                                     "match Latin letters"));
  EXPECT_THAT(problems[0], HasSubstr("view: raw, e.g. '(?:^|\\PL)كلب(?:\\PL|$)'"));
  EXPECT_THAT(problems[1], HasSubstr("term 'блядь' is too short after normalisation"));
  EXPECT_THAT(problems[1], HasSubstr("; word lists match Latin letters"));
  EXPECT_EQ(problems[2], "t.yaml:4:53: term '!!' has no letters after normalisation");
  EXPECT_EQ(internal::ForeignScriptAdvice("Blödmann"), "");
  EXPECT_EQ(internal::ForeignScriptAdvice("şerefsiz"), "");
  EXPECT_EQ(internal::ForeignScriptAdvice("Ｓale 🖕"), "");
  EXPECT_NE(internal::ForeignScriptAdvice("ζώον"), "");
}

TEST(TermCheckTest, ShortWholeWordsAndAllowEntriesNeedTwoLetters) {
  Diagnostics diagnostics;
  EXPECT_TRUE(ParseRuleSet("ruleset: t\nversion: \"1\"\nallow: [Ei]\nrules:\n"
                           "  - {id: a, category: insult, words: [Du], match: word, score: 3}\n",
                           "t.yaml", &diagnostics)
                  .has_value());
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_THAT(Problems("ruleset: t\nversion: \"1\"\nallow: [E]\nrules:\n"
                       "  - {id: a, category: insult, words: [Depp], score: 3}\n"),
              ElementsAre(HasSubstr("3:9: allow entry 'E' is too short")));
}

// A number on its own in a term of several words leaves no letters on the
// word stream: "6 Millionen" would match "Millionen" alone. Numbers inside a
// word are leetspeak and stay ("Id1ot", "14/88").
TEST(TermCheckTest, ALoneNumberInATermOfSeveralWordsIsAnError) {
  EXPECT_THAT(Problems("ruleset: t\nversion: \"1\"\nrules:\n"
                       "  - {id: a, category: hate, words: [\"6 Millionen\", \"Id1ot\", "
                       "\"14/88 Gruss\", \"um 8.30 Uhr\"], score: 3}\n"),
              ElementsAre(HasSubstr("4:37: term '6 Millionen': '6' is a number on its own"),
                          HasSubstr("4:76: term 'um 8.30 Uhr': '8.30' is a number on its own")));
}

// A bracket that is never closed: the parser notices lines later ("missing
// comma"); the problem starts at the bracket.
TEST(YamlSyntaxTest, AnUnclosedBracketIsReportedWhereItOpens) {
  EXPECT_THAT(Problems("ruleset: t\nversion: \"1\"\nrules:\n  - id: a\n    category: insult\n"
                       "    words: [Dummbatz, Trottel\n    score: 3\n  - id: b\n"
                       "    category: insult\n    words: [Depp]\n    score: 3\n"),
              ElementsAre("t.yaml:6:12: YAML syntax error: this '[' is not closed (the parser "
                          "stopped at line 8: missing comma in flow sequence)"));
  EXPECT_THAT(Problems("ruleset: t\nversion: \"1\"\nrules:\n  - id: a\n    category: insult\n"
                       "    condition: {links_at_least: 2\n    score: 3\n"),
              ElementsAre(HasSubstr("t.yaml:6:16: YAML syntax error: this '{' is not closed")));
}

TEST(YamlSyntaxTest, AnUnclosedQuoteIsReportedWhereItOpens) {
  EXPECT_THAT(Problems("ruleset: t\nversion: \"1\"\nrules:\n  - id: a\n    category: insult\n"
                       "    words: [\"Dummbatz, Trottel]\n    score: 3\n"),
              ElementsAre(HasSubstr("t.yaml:6:13: YAML syntax error")));
}

}  // namespace
}  // namespace moderation::rules
