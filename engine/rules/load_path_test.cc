#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/loader.h"
#include "engine/testing/rule_problems.h"
#include "engine/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

namespace fs = std::filesystem;
using ::moderation::testing::Messages;
using ::moderation::testing::OneRuleFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A fresh directory under the test temp dir, removed after each test.
class LoadRulesPathTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(fs::path(dir_) / name, std::ios::binary) << text;
  }
  std::string Path(const std::string& name) const { return (fs::path(dir_) / name).string(); }

  moderation::testing::TempDir temp_{"rules"};
  const std::string dir_ = temp_.path();
};

TEST_F(LoadRulesPathTest, LoadsEveryRuleFileSortedByNameAndTheCommunities) {
  Write("b.yml", OneRuleFile("spam", "spam.links"));
  Write("a.yaml", OneRuleFile("de", "de.insult"));
  Write("notes.txt", "not a rule file");
  Write("communities.yaml", "default: [de]\ncommunities:\n  news: [de, spam]\n");
  Diagnostics diagnostics;
  std::optional<LoadedSources> loaded = LoadRulesPath(dir_, &diagnostics);
  ASSERT_TRUE(loaded.has_value()) << ::testing::PrintToString(Messages(diagnostics));
  ASSERT_EQ(loaded->sets.size(), 2u);
  EXPECT_EQ(loaded->sets[0].id, "de");
  EXPECT_EQ(loaded->sets[0].location.file, Path("a.yaml"));
  EXPECT_EQ(loaded->sets[1].id, "spam");
  ASSERT_TRUE(loaded->communities.has_value());
  EXPECT_EQ(loaded->communities->communities.at("news"), (std::vector<std::string>{"de", "spam"}));
}

TEST_F(LoadRulesPathTest, LeavesCommunitiesUnsetWithoutACommunitiesFile) {
  Write("a.yaml", OneRuleFile("de", "de.insult"));
  Diagnostics diagnostics;
  std::optional<LoadedSources> loaded = LoadRulesPath(dir_, &diagnostics);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_FALSE(loaded->communities.has_value());
}

TEST_F(LoadRulesPathTest, LoadsASingleFile) {
  Write("a.yaml", OneRuleFile("de", "de.insult"));
  Diagnostics diagnostics;
  std::optional<LoadedSources> loaded = LoadRulesPath(Path("a.yaml"), &diagnostics);
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->sets.size(), 1u);
  EXPECT_EQ(loaded->sets[0].id, "de");
}

// One file of a set in several files brings the rest of its set: the set
// the server would load from the directory.
TEST_F(LoadRulesPathTest, ASingleFileOfASetComesWithItsMainFileAndParts) {
  Write("de.yaml", OneRuleFile("de", "de.insult"));
  Write("de.more.yaml",
        "part_of: de\nrules:\n  - id: de.more\n    category: insult\n"
        "    words: [Depp]\n    score: 3\n");
  Write("de.most.yaml",
        "part_of: de\nrules:\n  - id: de.most\n    category: insult\n"
        "    words: [Trottel]\n    score: 3\n");
  Write("en.yaml", OneRuleFile("en", "en.insult"));
  Write("en.more.yaml", "part_of: en\nrules: []\n");
  for (const std::string name : {"de.yaml", "de.more.yaml"}) {
    Diagnostics diagnostics;
    std::optional<LoadedSources> loaded = LoadRulesPath(Path(name), &diagnostics);
    ASSERT_TRUE(loaded.has_value()) << name << ::testing::PrintToString(Messages(diagnostics));
    ASSERT_EQ(loaded->sets.size(), 1u) << name;
    std::vector<std::string> ids;
    for (const Rule& rule : loaded->sets[0].rules) ids.push_back(rule.id);
    EXPECT_THAT(ids, ElementsAre("de.insult", "de.more", "de.most")) << name;
  }
}

TEST_F(LoadRulesPathTest, RejectsTheSameRuleSetIdInTwoFilesNamingBoth) {
  Write("a.yaml", OneRuleFile("de", "de.one"));
  Write("b.yaml", OneRuleFile("de", "de.two"));
  Diagnostics diagnostics;
  EXPECT_EQ(LoadRulesPath(dir_, &diagnostics), std::nullopt);
  EXPECT_THAT(Messages(diagnostics),
              ElementsAre(absl::StrCat(Path("b.yaml"), ":1:10: rule set 'de' is also defined at ",
                                       Path("a.yaml"), ":1")));
}

TEST_F(LoadRulesPathTest, RejectsTheSameRuleIdInTwoFilesNamingBoth) {
  Write("a.yaml", OneRuleFile("de", "shared.rule"));
  Write("b.yaml", OneRuleFile("en", "shared.rule"));
  Diagnostics diagnostics;
  EXPECT_EQ(LoadRulesPath(dir_, &diagnostics), std::nullopt);
  EXPECT_THAT(
      Messages(diagnostics),
      ElementsAre(absl::StrCat(Path("b.yaml"), ":4:5: rule id 'shared.rule' is also defined at ",
                               Path("a.yaml"), ":4")));
}

TEST_F(LoadRulesPathTest, RejectsACommunityNamingAnUnknownRuleSet) {
  Write("a.yaml", OneRuleFile("spam", "spam.links"));
  Write("communities.yml", "default: [spam]\ncommunities:\n  news: [spma]\n");
  Diagnostics diagnostics;
  EXPECT_EQ(LoadRulesPath(dir_, &diagnostics), std::nullopt);
  EXPECT_THAT(Messages(diagnostics),
              ElementsAre(absl::StrCat(Path("communities.yml"),
                                       ":3:10: unknown rule set 'spma' (did you mean 'spam'?)")));
}

TEST_F(LoadRulesPathTest, RejectsAnUnknownDefaultRuleSet) {
  Write("a.yaml", OneRuleFile("spam", "spam.links"));
  Write("communities.yaml", "default: [de]\n");
  Diagnostics diagnostics;
  EXPECT_EQ(LoadRulesPath(dir_, &diagnostics), std::nullopt);
  EXPECT_THAT(Messages(diagnostics), ElementsAre(HasSubstr(":1:11: unknown rule set 'de'")));
}

TEST_F(LoadRulesPathTest, RejectsAMissingPath) {
  Diagnostics diagnostics;
  EXPECT_EQ(LoadRulesPath(Path("nope"), &diagnostics), std::nullopt);
  EXPECT_THAT(Messages(diagnostics),
              ElementsAre(absl::StrCat(Path("nope"),
                                       ": cannot read rules path: no such file or "
                                       "directory")));
}

TEST_F(LoadRulesPathTest, RejectsADirectoryWithoutRuleFiles) {
  Write("communities.yaml", "default: [de]\n");
  Diagnostics diagnostics;
  EXPECT_EQ(LoadRulesPath(dir_, &diagnostics), std::nullopt);
  EXPECT_THAT(Messages(diagnostics), ElementsAre(HasSubstr("no rule files")));
}

TEST_F(LoadRulesPathTest, ReportsProblemsOfEveryFile) {
  Write("a.yaml", "ruleset: a\nversion: \"1\"\nrulez: []\n");
  Write("b.yaml", "ruleset: b\n");
  Diagnostics diagnostics;
  EXPECT_EQ(LoadRulesPath(dir_, &diagnostics), std::nullopt);
  EXPECT_THAT(Messages(diagnostics),
              ElementsAre(HasSubstr("a.yaml:1:1: missing required key 'rules'"),
                          HasSubstr("a.yaml:3:1: unknown key 'rulez'"),
                          HasSubstr("b.yaml:1:1: missing required key 'version'"),
                          HasSubstr("b.yaml:1:1: missing required key 'rules'")));
}

}  // namespace
}  // namespace moderation::rules
