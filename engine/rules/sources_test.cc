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

// ParseCache: a file is taken from the cache only with the very same name and
// bytes, and only after a clean parse.
TEST(ParseCacheTest, ServesOnlyTheSameBytesUnderTheSameName) {
  const std::string text = OneRuleFile("de", "de.a");
  ParseCache cache;
  Diagnostics diagnostics;
  const std::optional<RuleSetSource> first = cache.Parse({"de.yaml", text}, &diagnostics);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(cache.misses(), 1u);
  const std::optional<RuleSetSource> again = cache.Parse({"de.yaml", text}, &diagnostics);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(again->content_hash, first->content_hash);
  ASSERT_EQ(again->rules.size(), 1u);
  EXPECT_EQ(again->rules[0].id, "de.a");
  // One byte more (a comment), or another name: parsed.
  const std::optional<RuleSetSource> edited = cache.Parse({"de.yaml", text + "#\n"}, &diagnostics);
  ASSERT_TRUE(edited.has_value());
  EXPECT_NE(edited->content_hash, first->content_hash);
  const std::optional<RuleSetSource> renamed = cache.Parse({"other.yaml", text}, &diagnostics);
  ASSERT_TRUE(renamed.has_value());
  EXPECT_EQ(renamed->location.file, "other.yaml");
  EXPECT_EQ(cache.misses(), 3u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_TRUE(diagnostics.empty()) << ::testing::PrintToString(Messages(diagnostics));
}

TEST(ParseCacheTest, ABrokenFileIsParsedAndReportedEveryTime) {
  const std::string good = OneRuleFile("de", "de.a");
  const std::string broken = good + "    scroe: 3\n";
  ParseCache cache;
  Diagnostics diagnostics;
  ASSERT_TRUE(cache.Parse({"de.yaml", good}, &diagnostics).has_value());
  for (int attempt = 0; attempt < 2; ++attempt) {
    Diagnostics problems;
    EXPECT_FALSE(cache.Parse({"de.yaml", broken}, &problems).has_value());
    EXPECT_THAT(Messages(problems), ElementsAre(HasSubstr("unknown key 'scroe'")));
  }
  // The good bytes again: parsed (the broken parse replaced the entry).
  const size_t misses = cache.misses();
  EXPECT_TRUE(cache.Parse({"de.yaml", good}, &diagnostics).has_value());
  EXPECT_EQ(cache.misses(), misses + 1);
}

TEST(ParseCacheTest, LoadSourcesForgetsFilesThatAreGone) {
  const std::vector<SourceFile> both = {{"de.yaml", OneRuleFile("de", "de.a")},
                                        {"spam.yaml", OneRuleFile("spam", "spam.a")}};
  ParseCache cache;
  Diagnostics diagnostics;
  LoadSourcesPartial(both, &diagnostics, &cache);
  LoadSourcesPartial({both[0]}, &diagnostics, &cache);  // spam.yaml removed
  EXPECT_EQ(cache.hits(), 1u);
  const LoadedSources again = LoadSourcesPartial(both, &diagnostics, &cache);
  EXPECT_EQ(cache.hits(), 2u) << "de.yaml is remembered";
  EXPECT_EQ(cache.misses(), 3u) << "spam.yaml was forgotten, so parsed again";
  ASSERT_EQ(again.sets.size(), 2u);
  EXPECT_EQ(again.sets[1].id, "spam");
  EXPECT_TRUE(diagnostics.empty()) << ::testing::PrintToString(Messages(diagnostics));
}

}  // namespace
}  // namespace moderation::rules
