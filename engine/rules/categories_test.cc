// The category vocabulary: built-in names, header extensions, typos.
#include "engine/rules/categories.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/loader.h"
#include "engine/testing/rule_problems.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

using ::moderation::testing::ParseProblems;
using ::testing::ElementsAre;

std::string RuleSet(const std::string& header, const std::string& category) {
  return absl::StrCat("ruleset: t\nversion: \"1\"\n", header,
                      "rules:\n  - id: r\n    category: ", category,
                      "\n    words: [Dummbatz]\n    score: 3\n");
}

TEST(CategoriesTest, EveryBuiltInCategoryLoads) {
  for (std::string_view category : internal::BuiltInCategories()) {
    EXPECT_THAT(ParseProblems(RuleSet("", std::string(category))), ElementsAre()) << category;
  }
  EXPECT_EQ(internal::BuiltInCategories().size(), 11u);
}

TEST(CategoriesTest, ATypoIsReportedAtTheValueWithTheClosestCategory) {
  EXPECT_THAT(ParseProblems(RuleSet("", "insutl")),
              ElementsAre("t.yaml:5:15: unknown category 'insutl' (did you mean 'insult'?)"));
  EXPECT_THAT(ParseProblems(RuleSet("", "harmwish")),
              ElementsAre("t.yaml:5:15: unknown category 'harmwish' (did you mean 'harm_wish'?)"));
}

TEST(CategoriesTest, ANewCategoryWithoutAHintSaysWhereToDeclareIt) {
  EXPECT_THAT(ParseProblems(RuleSet("", "gambling")),
              ElementsAre("t.yaml:5:15: unknown category 'gambling'; add it to the rule set's "
                          "'categories:' if it is new"));
}

TEST(CategoriesTest, TheHeaderExtendsTheVocabularyForItsSet) {
  Diagnostics diagnostics;
  std::optional<RuleSetSource> set =
      ParseRuleSet(RuleSet("categories: [gambling]\n", "gambling"), "t.yaml", &diagnostics);
  ASSERT_TRUE(set.has_value()) << diagnostics[0].ToString();
  EXPECT_EQ(set->extra_categories, std::vector<std::string>{"gambling"});
  EXPECT_EQ(set->rules[0].category, "gambling");
  // A typo of an extension is caught too.
  EXPECT_THAT(ParseProblems(RuleSet("categories: [gambling]\n", "gamblign")),
              ElementsAre("t.yaml:6:15: unknown category 'gamblign' (did you mean 'gambling'?)"));
}

TEST(CategoriesTest, BadHeaderEntriesAreReportedWhereTheyAreWritten) {
  EXPECT_THAT(ParseProblems(RuleSet("categories: [Gambling, spam, odds, odds]\n", "insult")),
              ElementsAre("t.yaml:3:14: invalid category 'Gambling': use lower-case letters, "
                          "digits and '_'",
                          "t.yaml:3:24: category 'spam' is built in: remove it here",
                          "t.yaml:3:36: category 'odds' is listed twice"));
}

}  // namespace
}  // namespace moderation::rules
