// LoadSources: the checks across files, whatever the files' origin.
#include "engine/rules/sources.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string RuleFile(const std::string& set_id, const std::string& rule_id) {
  return absl::StrCat("ruleset: ", set_id, "\nversion: \"1\"\nrules:\n  - id: ", rule_id,
                      "\n    category: insult\n    words: [Dummbatz]\n    score: 3\n");
}

std::vector<std::string> Messages(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics) out.push_back(d.ToString());
  return out;
}

TEST(LoadSourcesTest, KeepsEachSetWithItsFileText) {
  const std::vector<SourceFile> files = {{"de.yaml", RuleFile("de", "de.a")},
                                         {"spam.yaml", RuleFile("spam", "spam.a")}};
  Diagnostics diagnostics;
  std::optional<LoadedSources> loaded = LoadSources(files, &diagnostics);
  ASSERT_TRUE(loaded.has_value()) << ::testing::PrintToString(Messages(diagnostics));
  ASSERT_EQ(loaded->sets.size(), 2u);
  ASSERT_EQ(loaded->set_files.size(), 2u);
  EXPECT_EQ(loaded->sets[1].id, "spam");
  EXPECT_EQ(loaded->set_files[1].name, "spam.yaml");
  EXPECT_EQ(loaded->set_files[1].content, files[1].content);
  EXPECT_FALSE(loaded->has_communities_file);
}

TEST(LoadSourcesTest, AnIdenticalCopyOfAFileGivesExactlyOneMessage) {
  const std::string text = RuleFile("de", "de.insult");
  Diagnostics diagnostics;
  EXPECT_EQ(LoadSources({{"a.yaml", text}, {"b.yaml", text}}, &diagnostics), std::nullopt);
  EXPECT_THAT(Messages(diagnostics),
              ElementsAre("b.yaml:1:10: rule set 'de' is also defined at a.yaml:1"));
}

TEST(LoadSourcesTest, ReadsTheCommunitiesFileByItsBaseName) {
  Diagnostics diagnostics;
  std::optional<LoadedSources> loaded =
      LoadSources({{"/etc/rules/de.yaml", RuleFile("de", "de.a")},
                   {"/etc/rules/communities.yml", "communities:\n  news: [de]\n"}},
                  &diagnostics);
  ASSERT_TRUE(loaded.has_value()) << ::testing::PrintToString(Messages(diagnostics));
  ASSERT_TRUE(loaded->communities.has_value());
  EXPECT_EQ(loaded->communities->communities.at("news"), std::vector<std::string>{"de"});
  EXPECT_EQ(loaded->sets.size(), 1u);
}

TEST(LoadSourcesTest, RejectsTwoCommunitiesFiles) {
  Diagnostics diagnostics;
  EXPECT_EQ(LoadSources({{"de.yaml", RuleFile("de", "de.a")},
                         {"communities.yaml", "default: [de]\n"},
                         {"x/communities.yml", "default: [de]\n"}},
                        &diagnostics),
            std::nullopt);
  EXPECT_THAT(Messages(diagnostics),
              ElementsAre("x/communities.yml: conflicts with communities.yaml: keep one"));
}

TEST(LoadSourcesTest, ReportsAnUnknownSetOnlyWhenNoRuleFileFailed) {
  Diagnostics typo;
  EXPECT_EQ(
      LoadSources({{"de.yaml", RuleFile("de", "de.a")}, {"communities.yaml", "default: [dee]\n"}},
                  &typo),
      std::nullopt);
  EXPECT_THAT(Messages(typo),
              ElementsAre(HasSubstr("unknown rule set 'dee' (did you mean 'de'?)")));

  Diagnostics broken;
  EXPECT_EQ(
      LoadSources({{"de.yaml", "ruleset: [de"}, {"communities.yaml", "default: [de]\n"}}, &broken),
      std::nullopt);
  ASSERT_FALSE(broken.empty());
  for (const Diagnostic& d : broken) EXPECT_EQ(d.location.file, "de.yaml") << d.ToString();
}

}  // namespace
}  // namespace moderation::rules
