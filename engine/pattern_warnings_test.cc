// Warnings for patterns that cannot match as written, and that they are right:
// the flagged regex really never fires on the text it was written for.
#include "engine/pattern_warnings.h"

#include <string>
#include <vector>

#include "engine/catalog.h"
#include "engine/rules/loader.h"
#include "engine/testing/test_rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

rules::RuleSetSource Parse(const std::string& rules_yaml) {
  rules::Diagnostics problems;
  std::optional<rules::RuleSetSource> set =
      rules::ParseRuleSet("ruleset: t\nversion: \"1\"\nrules:\n" + rules_yaml, "t.yaml", &problems);
  EXPECT_TRUE(set.has_value()) << (problems.empty() ? "" : problems[0].ToString());
  return set.value_or(rules::RuleSetSource{});
}

std::vector<std::string> Warnings(const std::string& rules_yaml) {
  std::vector<std::string> out;
  for (const rules::Diagnostic& d : PatternWarnings({Parse(rules_yaml)})) {
    out.push_back(d.ToString());
  }
  return out;
}

constexpr char kSharpS[] =
    "  - id: r\n    category: insult\n    regex: 'heiße\\s+grüße'\n    action: flag\n";

TEST(PatternWarningsTest, SharpSInAFoldedRegexIsReportedAndReallyNeverMatches) {
  EXPECT_THAT(Warnings(kSharpS),
              ElementsAre("t.yaml:6:12: regex of rule 'r': 'ß' never occurs in the folded view "
                          "the regex scans (it becomes \"ss\"); write \"ss\", or use view: raw"));
  std::shared_ptr<const CompiledRuleSet> set =
      testing::CompileYaml("ruleset: t\nversion: \"1\"\nrules:\n" + std::string(kSharpS));
  ASSERT_NE(set, nullptr);
  EXPECT_THAT(testing::FiredRules(testing::Judge(*set, "heiße grüße")), IsEmpty());
}

TEST(PatternWarningsTest, AFullWidthLetterInAFoldedRegexIsReportedAndReallyNeverMatches) {
  const std::string rule =
      "  - id: r\n    category: spam\n    regex: 'ＳＡＬＥ'\n    action: flag\n";
  EXPECT_THAT(Warnings(rule),
              ElementsAre(HasSubstr("'Ｓ' never occurs in the folded view the regex scans (it "
                                    "becomes \"s\"); write \"s\""),
                          HasSubstr("'Ａ'"), HasSubstr("'Ｌ'"), HasSubstr("'Ｅ'")));
  std::shared_ptr<const CompiledRuleSet> set =
      testing::CompileYaml("ruleset: t\nversion: \"1\"\nrules:\n" + rule);
  ASSERT_NE(set, nullptr);
  EXPECT_THAT(testing::FiredRules(testing::Judge(*set, "ＳＡＬＥ")), IsEmpty());
}

// Regexes are case-insensitive: upper-case letters still match the folded
// view, so they get no warning.
TEST(PatternWarningsTest, UpperCaseLettersMatchAndAreNotReported) {
  const std::string rule =
      "  - id: r\n    category: insult\n    regex: 'ÄRGER'\n    action: flag\n";
  EXPECT_THAT(Warnings(rule), IsEmpty());
  std::shared_ptr<const CompiledRuleSet> set =
      testing::CompileYaml("ruleset: t\nversion: \"1\"\nrules:\n" + rule);
  ASSERT_NE(set, nullptr);
  EXPECT_THAT(testing::FiredRules(testing::Judge(*set, "so ein Ärger")), ElementsAre("r"));
}

TEST(PatternWarningsTest, ARawRegexAsciiCaseAndEscapesAreFine) {
  EXPECT_THAT(Warnings("  - id: r\n    category: insult\n    regex: 'heiße'\n    view: raw\n"
                       "    action: flag\n"
                       "  - id: s\n    category: insult\n    regex: 'ICH\\s+bring\\p{Lu}\\x{DF}'\n"
                       "    action: flag\n"),
              IsEmpty());
}

TEST(PatternWarningsTest, ANegatedClassMayExcludeCharactersThatNeverOccur) {
  EXPECT_THAT(Warnings("  - id: r\n    category: insult\n    regex: 'du([^a-zäöüß]|$)'\n"
                       "    action: flag\n"),
              IsEmpty());
  EXPECT_THAT(Warnings("  - id: r\n    category: insult\n    regex: '[^]ß]x[ß]'\n"
                       "    action: flag\n"),
              ElementsAre(HasSubstr("'ß' never occurs")));
}

TEST(PatternWarningsTest, EachCharacterIsReportedOncePerRegex) {
  EXPECT_EQ(
      Warnings("  - id: r\n    category: insult\n    regex: 'ß|ß|[ßẞ]'\n    action: flag\n").size(),
      2u);
}

TEST(PatternWarningsTest, TermsWithDigitsOrSymbolsSayWhatTheyAreMatchedAs) {
  EXPECT_THAT(
      Warnings("  - id: r\n    category: extremism\n    words: [Blödmann, H1tler, Nazi-Pack]\n"
               "    action: flag\n"),
      ElementsAre(HasSubstr("t.yaml:6:23: term 'H1tler' of rule 'r' is matched as 'hitier': the "
                            "normaliser reads 1 as letters or separators")));
}

// A word in another script is read as Latin look-alikes and separators, so
// the warning says how to match it as written: a raw-view regex. That regex
// really matches the word, and the term really matches its look-alike.
TEST(PatternWarningsTest, AWordInAnotherScriptGetsTheRawRegexAdvice) {
  EXPECT_THAT(
      Warnings("  - id: r\n    category: insult\n    words: [дурак]\n    action: flag\n"),
      ElementsAre(HasSubstr("t.yaml:6:13: term 'дурак' of rule 'r' is matched as 'upak': the "
                            "normaliser reads д у р а к as letters or separators; word lists "
                            "match Latin letters")));
  EXPECT_THAT(
      Warnings("  - id: r\n    category: insult\n    words: [дурак]\n    action: flag\n"),
      ElementsAre(HasSubstr("write a regex with view: raw, e.g. '(?:^|\\PL)дурак(?:\\PL|$)'")));
  std::shared_ptr<const CompiledRuleSet> set = testing::CompileYaml(
      "ruleset: t\nversion: \"1\"\nrules:\n"
      "  - id: term\n    category: insult\n    words: [дурак]\n    action: flag\n"
      "  - id: raw\n    category: insult\n    regex: '(?:^|\\PL)дурак(?:\\PL|$)'\n    view: raw\n"
      "    action: flag\n");
  ASSERT_NE(set, nullptr);
  EXPECT_THAT(testing::FiredRules(testing::Judge(*set, "ты ДУРАК!")),
              ::testing::UnorderedElementsAre("term", "raw"));
  EXPECT_THAT(testing::FiredRules(testing::Judge(*set, "upak")), ElementsAre("term"));
}

// RE2's \b knows only ASCII letters: next to an umlaut it is no word edge,
// so the branch after it never matches at a word start. Every regex of a
// rule is checked (its own, its veto's, its near contexts'), and only a
// letter right at the edge counts.
TEST(PatternWarningsTest, AWordEdgeNextToANonAsciiLetterIsReported) {
  struct Case {
    std::string regex;
    std::vector<std::string> letters;  // reported, in order; empty: no warning
  };
  const std::vector<Case> cases = {
      {"\\büberleg\\w*", {"'\\b' before 'ü'"}},
      {"\\b(?:ärger|wut|öde)", {"'\\b' before 'ä'", "'\\b' before 'ö'"}},
      {"(?i)\\b(?:(?:über)|zu)", {"'\\b' before 'ü'"}},
      {"\\b(?i)über", {"'\\b' before 'ü'"}},
      {"schö\\b", {"'\\b' after 'ö'"}},
      {"blöd\\b", {}},                  // 'd' is ASCII
      {"\\bblöd", {}},                  // so is 'b'
      {"[äöü]\\b", {}},                 // a class: not a letter written at the edge
      {"\\\\büber", {}},                // a backslash, then "büber"
      {"\\b(?:wut|zorn)\\s+über", {}},  // the umlaut is not at the edge
      {"(?:^|\\PL)über", {}},           // the advice itself
  };
  for (const Case& c : cases) {
    const std::vector<std::string> warnings = Warnings(
        "  - id: r\n    category: insult\n    regex: '" + c.regex + "'\n    action: flag\n");
    ASSERT_EQ(warnings.size(), c.letters.size()) << c.regex;
    for (size_t i = 0; i < c.letters.size(); ++i) {
      EXPECT_THAT(warnings[i], HasSubstr("regex of rule 'r': " + c.letters[i])) << c.regex;
      EXPECT_THAT(warnings[i], HasSubstr("never marks a word edge")) << c.regex;
    }
  }
}

TEST(PatternWarningsTest, AWordEdgeBeforeAnUmlautReallyNeverMatchesAtAWordStart) {
  const std::string rules =
      "  - id: r\n    category: insult\n    regex: '\\büberleg\\w*'\n    action: flag\n"
      "    unless: { regex: '\\b(?:ähm|zitat)' }\n"
      "    near:\n      - { regex: '\\bdu|schö\\b' }\n";
  EXPECT_THAT(Warnings(rules),
              ElementsAre(HasSubstr("t.yaml:6:12: regex of rule 'r': '\\b' before 'ü'"),
                          HasSubstr("unless regex of rule 'r': '\\b' before 'ä'"),
                          HasSubstr("near regex of rule 'r': '\\b' after 'ö'")));
  std::shared_ptr<const CompiledRuleSet> set = testing::CompileYaml(
      "ruleset: t\nversion: \"1\"\nrules:\n  - id: r\n    category: insult\n"
      "    regex: '\\büberleg\\w*'\n    action: flag\n");
  ASSERT_NE(set, nullptr);
  EXPECT_THAT(testing::FiredRules(testing::Judge(*set, "du solltest überlegen")), IsEmpty());
  EXPECT_THAT(testing::FiredRules(testing::Judge(*set, "xüberlegen")), ElementsAre("r"));
}

TEST(PatternWarningsTest, ValidateShowsTheWarningsThroughTheCatalog) {
  rules::Diagnostics problems;
  RuleCatalog::Details details;
  auto catalog = RuleCatalog::LoadFiles(
      {{"t.yaml", "ruleset: t\nversion: \"1\"\nrules:\n" + std::string(kSharpS)}},
      RuleCatalog::Options{}, &problems, &details);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  ASSERT_EQ((*catalog)->warnings().size(), 1u);
  EXPECT_THAT((*catalog)->warnings()[0].message, HasSubstr("'ß' never occurs"));
  EXPECT_EQ(details.warnings.size(), 1u);
}

}  // namespace
}  // namespace moderation
