// LoadSources: the checks across files, whatever the files' origin.
#include "engine/rules/sources.h"

#include <string>
#include <vector>

#include "engine/testing/rule_problems.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

using ::moderation::testing::Messages;
using ::moderation::testing::OneRuleFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(LoadSourcesTest, KeepsEachSetWithItsFileText) {
  const std::vector<SourceFile> files = {{"de.yaml", OneRuleFile("de", "de.a")},
                                         {"spam.yaml", OneRuleFile("spam", "spam.a")}};
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
  const std::string text = OneRuleFile("de", "de.insult");
  Diagnostics diagnostics;
  EXPECT_EQ(LoadSources({{"a.yaml", text}, {"b.yaml", text}}, &diagnostics), std::nullopt);
  EXPECT_THAT(Messages(diagnostics),
              ElementsAre("b.yaml:1:10: rule set 'de' is also defined at a.yaml:1"));
}

TEST(LoadSourcesTest, ReadsTheCommunitiesFileByItsBaseName) {
  Diagnostics diagnostics;
  std::optional<LoadedSources> loaded =
      LoadSources({{"/etc/rules/de.yaml", OneRuleFile("de", "de.a")},
                   {"/etc/rules/communities.yml", "communities:\n  news: [de]\n"}},
                  &diagnostics);
  ASSERT_TRUE(loaded.has_value()) << ::testing::PrintToString(Messages(diagnostics));
  ASSERT_TRUE(loaded->communities.has_value());
  EXPECT_EQ(loaded->communities->communities.at("news"), std::vector<std::string>{"de"});
  EXPECT_EQ(loaded->sets.size(), 1u);
}

TEST(LoadSourcesTest, RejectsTwoCommunitiesFiles) {
  Diagnostics diagnostics;
  EXPECT_EQ(LoadSources({{"de.yaml", OneRuleFile("de", "de.a")},
                         {"communities.yaml", "default: [de]\n"},
                         {"x/communities.yml", "default: [de]\n"}},
                        &diagnostics),
            std::nullopt);
  EXPECT_THAT(Messages(diagnostics),
              ElementsAre("x/communities.yml: conflicts with communities.yaml: keep one"));
}

TEST(LoadSourcesTest, ReportsAnUnknownSetOnlyWhenNoRuleFileFailed) {
  Diagnostics typo;
  EXPECT_EQ(LoadSources(
                {{"de.yaml", OneRuleFile("de", "de.a")}, {"communities.yaml", "default: [dee]\n"}},
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
