// The `dsa:` header: DSA statement categories per category, checked against
// the schema's vocabulary, with file:line:col for every problem.
#include "engine/rules/dsa_mapping.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/dsa_schema.h"
#include "engine/rules/loader.h"
#include "engine/testing/rule_problems.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

using ::moderation::testing::ParseProblems;
using ::testing::ElementsAre;

// Line 3 is `dsa:`; the rule's category is on the last line but two.
std::string RuleSet(const std::string& dsa, const std::string& category = "insult") {
  return absl::StrCat("ruleset: t\nversion: \"1\"\n", dsa,
                      "rules:\n  - id: r\n    category: ", category,
                      "\n    words: [Dummbatz]\n    score: 3\n    legal_ground: \"StGB §185\"\n");
}

constexpr char kGood[] =
    "dsa:\n"
    "  terms_ground: \"Netiquette 2\"\n"
    "  territorial_scope: [DE, AT]\n"
    "  categories:\n"
    "    insult: STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH\n"
    "    threat: STATEMENT_CATEGORY_VIOLENCE\n";

TEST(DsaMappingTest, EveryRuleGetsTheDsaCategoryTermsAndTerritoryOfItsCategory) {
  Diagnostics diagnostics;
  std::optional<RuleSetSource> set = ParseRuleSet(RuleSet(kGood), "t.yaml", &diagnostics);
  ASSERT_TRUE(set.has_value()) << diagnostics[0].ToString();
  const Rule& rule = set->rules[0];
  EXPECT_EQ(rule.dsa_category, "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH");
  EXPECT_EQ(rule.dsa_terms_ground, "Netiquette 2");
  EXPECT_EQ(rule.dsa_territorial_scope, (std::vector<std::string>{"DE", "AT"}));
}

TEST(DsaMappingTest, AFileWithoutTheHeaderIsValidAndItsRulesCarryNoDsaCategory) {
  Diagnostics diagnostics;
  std::optional<RuleSetSource> set = ParseRuleSet(RuleSet(""), "t.yaml", &diagnostics);
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->rules[0].dsa_category, "");
}

TEST(DsaMappingTest, EuAndEeaStandForTheirMemberStates) {
  Diagnostics diagnostics;
  std::string yaml = RuleSet(kGood);
  yaml.replace(yaml.find("[DE, AT]"), 8, "[EU]");
  std::optional<RuleSetSource> set = ParseRuleSet(yaml, "t.yaml", &diagnostics);
  ASSERT_TRUE(set.has_value()) << diagnostics[0].ToString();
  EXPECT_EQ(set->rules[0].dsa_territorial_scope.size(), 27u);
  yaml.replace(yaml.find("[EU]"), 4, "[EEA]");
  set = ParseRuleSet(yaml, "t.yaml", &diagnostics);
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->rules[0].dsa_territorial_scope.size(), DsaTerritories().size());
}

TEST(DsaMappingTest, UnknownValuesAreErrorsAtTheirFileLineAndColumn) {
  struct Case {
    std::string from, to, want;
  };
  const std::vector<Case> cases = {
      {"STATEMENT_CATEGORY_VIOLENCE", "STATEMENT_CATEGORY_VIOLENT",
       "t.yaml:8:13: unknown DSA statement category 'STATEMENT_CATEGORY_VIOLENT' (did you mean "
       "'STATEMENT_CATEGORY_VIOLENCE'?)"},
      {"[DE, AT]", "[DE, US]",
       "t.yaml:5:27: unknown EU/EEA country code 'US' (did you mean 'ES'?)"},
      {"    threat:", "    threet:",
       "t.yaml:8:5: unknown category 'threet' (did you mean 'threat'?)"},
      {"  terms_ground:", "  terms_grond:",
       "t.yaml:4:3: unknown key 'terms_grond' in dsa (did you mean 'terms_ground'?)"},
  };
  for (const Case& c : cases) {
    std::string yaml = RuleSet(kGood);
    yaml.replace(yaml.find(c.from), c.from.size(), c.to);
    const std::vector<std::string> problems = ParseProblems(yaml);
    ASSERT_FALSE(problems.empty()) << c.to;
    EXPECT_EQ(problems[0], c.want) << c.to;
  }
}

TEST(DsaMappingTest, ACategoryWithoutAMappingIsAnErrorAtTheRule) {
  EXPECT_THAT(ParseProblems(RuleSet(kGood, "spam")),
              ElementsAre("t.yaml:11:15: category 'spam' has no DSA statement category: add it to "
                          "the header's dsa.categories (or give the rule a dsa_category)"));
}

TEST(DsaMappingTest, ARulesOwnDsaCategoryOverridesItsCategorysMapping) {
  // Two spam rules: the scam one states its own category.
  const std::string two_rules =
      "rules:\n  - id: scam\n    category: spam\n    words: [Vorkasse]\n    score: 3\n"
      "    dsa_category: STATEMENT_CATEGORY_SCAMS_AND_FRAUD\n"
      "  - id: farm\n    category: spam\n    words: [Linkfarm]\n    score: 3\n";
  const std::string header =
      std::string(kGood) + "    spam: STATEMENT_CATEGORY_OTHER_VIOLATION_TC\n";
  Diagnostics diagnostics;
  std::optional<RuleSetSource> set = ParseRuleSet(
      absl::StrCat("ruleset: t\nversion: \"1\"\n", header, two_rules), "t.yaml", &diagnostics);
  ASSERT_TRUE(set.has_value()) << diagnostics[0].ToString();
  EXPECT_EQ(set->rules[0].dsa_category, "STATEMENT_CATEGORY_SCAMS_AND_FRAUD");
  EXPECT_EQ(set->rules[0].dsa_terms_ground, "Netiquette 2");
  EXPECT_EQ(set->rules[0].dsa_territorial_scope, (std::vector<std::string>{"DE", "AT"}));
  EXPECT_EQ(set->rules[1].dsa_category, "STATEMENT_CATEGORY_OTHER_VIOLATION_TC");

  // Every spam rule with its own category: the header need not map spam.
  const std::string one_rule = two_rules.substr(0, two_rules.find("  - id: farm"));
  EXPECT_THAT(ParseProblems(absl::StrCat("ruleset: t\nversion: \"1\"\n", kGood, one_rule)),
              ElementsAre());

  struct Case {
    std::string yaml, want;
  };
  const std::vector<Case> cases = {
      // An unknown value, at its line and column, with a hint.
      {absl::StrCat("ruleset: t\nversion: \"1\"\n", kGood,
                    "rules:\n  - id: scam\n    category: spam\n    words: [Vorkasse]\n"
                    "    score: 3\n    dsa_category: STATEMENT_CATEGORY_SCAMS_AND_FRAUDS\n"),
       "t.yaml:14:19: unknown DSA statement category 'STATEMENT_CATEGORY_SCAMS_AND_FRAUDS' (did "
       "you mean "
       "'STATEMENT_CATEGORY_SCAMS_AND_FRAUD'?)"},
      // No header: no terms ground or territory to go with it.
      {"ruleset: t\nversion: \"1\"\nrules:\n  - id: scam\n    category: spam\n"
       "    words: [Vorkasse]\n    score: 3\n    dsa_category: "
       "STATEMENT_CATEGORY_SCAMS_AND_FRAUD\n",
       "t.yaml:4:5: rule 'scam' has a dsa_category, which needs the file's `dsa:` header "
       "(terms_ground, territorial_scope)"},
  };
  for (const Case& c : cases) EXPECT_THAT(ParseProblems(c.yaml), ElementsAre(c.want)) << c.yaml;
}

}  // namespace
}  // namespace moderation::rules
