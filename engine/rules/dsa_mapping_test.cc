// The `dsa:` header: DSA statement categories per category, checked against
// the schema's vocabulary, with file:line:col for every problem.
#include "engine/rules/dsa_mapping.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/dsa_schema.h"
#include "engine/rules/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

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

std::vector<std::string> Problems(const std::string& yaml) {
  Diagnostics diagnostics;
  ParseRuleSet(yaml, "t.yaml", &diagnostics);
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics) out.push_back(d.ToString());
  return out;
}

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
    const std::vector<std::string> problems = Problems(yaml);
    ASSERT_FALSE(problems.empty()) << c.to;
    EXPECT_EQ(problems[0], c.want) << c.to;
  }
}

TEST(DsaMappingTest, ACategoryWithoutAMappingIsAnErrorAtTheRule) {
  EXPECT_THAT(Problems(RuleSet(kGood, "spam")),
              ElementsAre("t.yaml:11:15: category 'spam' has no DSA statement category: add it to "
                          "the header's dsa.categories"));
}

}  // namespace
}  // namespace moderation::rules
