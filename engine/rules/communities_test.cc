#include "engine/rules/communities.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(ParseCommunitiesTest, ReadsDefaultCommunitiesAndReferences) {
  Diagnostics diagnostics;
  std::optional<CommunityMap> map = ParseCommunities(
      "default: [de, spam]\ncommunities:\n  news-de: [de, spam, pii]\n  gaming_en.1: [en]\n",
      "communities.yaml", &diagnostics);
  ASSERT_TRUE(map.has_value());
  EXPECT_EQ(map->default_sets, (std::vector<std::string>{"de", "spam"}));
  EXPECT_THAT(map->communities, ElementsAre(Pair("gaming_en.1", ElementsAre("en")),
                                            Pair("news-de", ElementsAre("de", "spam", "pii"))));
  ASSERT_EQ(map->references.size(), 6u);
  EXPECT_EQ(map->references[2].first, "de");
  EXPECT_EQ(map->references[2].second.line, 3);
  EXPECT_EQ(map->references[2].second.column, 13);
}

TEST(ParseCommunitiesTest, DefaultIsOptional) {
  Diagnostics diagnostics;
  std::optional<CommunityMap> map =
      ParseCommunities("communities:\n  a: [de]\n", "c.yaml", &diagnostics);
  ASSERT_TRUE(map.has_value());
  EXPECT_FALSE(map->default_sets.has_value());
}

struct BadCommunities {
  std::string name;
  std::string yaml;
  std::string message;
  int line;
  int column;
};

class BadCommunitiesTest : public ::testing::TestWithParam<BadCommunities> {};

TEST_P(BadCommunitiesTest, IsRejectedWithALocatedDiagnostic) {
  const BadCommunities& c = GetParam();
  Diagnostics diagnostics;
  EXPECT_EQ(ParseCommunities(c.yaml, "c.yaml", &diagnostics), std::nullopt);
  const std::string expected = absl::StrCat("c.yaml:", c.line, ":", c.column, ": ");
  std::string all;
  bool found = false;
  for (const Diagnostic& d : diagnostics) {
    const std::string text = d.ToString();
    absl::StrAppend(&all, text, "\n");
    found = found || (text.rfind(expected, 0) == 0 && text.find(c.message) != std::string::npos);
  }
  EXPECT_TRUE(found) << "expected " << expected << "..." << c.message << "\nin:\n" << all;
}

INSTANTIATE_TEST_SUITE_P(
    AllProblems, BadCommunitiesTest,
    ::testing::Values(
        BadCommunities{"UnknownKey", "defualt: [de]\n",
                       "unknown key 'defualt' in communities file (did you mean 'default'?)", 1, 1},
        BadCommunities{"DefaultMustBeAList", "default: de\n", "'default' must be a list", 1, 10},
        BadCommunities{"CommunityMustBeAList", "communities:\n  a: de\n", "'a' must be a list", 2,
                       6},
        BadCommunities{"CommunitiesMustBeAMapping", "communities: [a]\n",
                       "'communities' must be a mapping", 1, 14},
        BadCommunities{"EmptyDefault", "default: []\n", "must name at least one rule set", 1, 10},
        BadCommunities{"EmptyCommunity", "communities:\n  a: []\n",
                       "'a' must name at least one rule set", 2, 6},
        BadCommunities{"DuplicateCommunity", "communities:\n  a: [x]\n  a: [y]\n",
                       "duplicate community 'a' (first at line 2)", 3, 3},
        BadCommunities{"InvalidCommunityId", "communities:\n  news de: [x]\n",
                       "invalid community id 'news de'", 2, 3},
        BadCommunities{"EmptyCommunityId", "communities:\n  '': [x]\n", "invalid community id ''",
                       2, 3},
        BadCommunities{"NotAMapping", "- a\n", "'communities file' must be a mapping", 1, 1},
        BadCommunities{"NothingInside", "{}\n", "needs 'default' or 'communities'", 1, 1},
        BadCommunities{"SyntaxError", "default: [a\n", "YAML syntax error", 1, 10}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace moderation::rules
