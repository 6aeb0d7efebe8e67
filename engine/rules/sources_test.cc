// LoadSources: the checks across files, whatever the files' origin.
#include "engine/rules/sources.h"

#include <string>
#include <vector>

#include "engine/rules/loader.h"
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
  EXPECT_EQ(loaded->set_files[1][0].name, "spam.yaml");
  EXPECT_EQ(loaded->set_files[1][0].content, files[1].content);
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

// The files are parsed on several threads; what comes out must not show it:
// sets and messages in the order of the files, whichever finished first.
TEST(LoadSourcesTest, SetsAndMessagesKeepTheFilesOrderHoweverTheyAreParsed) {
  std::vector<SourceFile> files;
  std::vector<std::string> good_ids, broken_files;
  for (int i = 0; i < 12; ++i) {
    const std::string id = "s" + std::to_string(i);
    const std::string name = id + ".yaml";
    if (i % 3 == 1) {
      files.push_back({name, "ruleset: " + id + "\nrules: [\n"});  // broken YAML
      broken_files.push_back(name);
    } else {
      files.push_back({name, OneRuleFile(id, id + ".rule")});
      good_ids.push_back(id);
    }
  }
  for (int round = 0; round < 20; ++round) {
    Diagnostics diagnostics;
    LoadedSources loaded = LoadSourcesPartial(files, &diagnostics);
    std::vector<std::string> ids, reported;
    for (const RuleSetSource& set : loaded.sets) ids.push_back(set.id);
    for (const Diagnostic& d : diagnostics) {
      if (reported.empty() || reported.back() != d.location.file) {
        reported.push_back(d.location.file);
      }
    }
    EXPECT_EQ(ids, good_ids);
    EXPECT_EQ(reported, broken_files) << ::testing::PrintToString(Messages(diagnostics));
  }
}

// ParseCache: a file is taken from the cache only with the very same name and
// bytes, and only after a clean parse.
TEST(ParseCacheTest, ServesOnlyTheSameBytesUnderTheSameName) {
  const std::string text = OneRuleFile("de", "de.a");
  ParseCache cache;
  Diagnostics diagnostics;
  const std::optional<RuleSetSource> first = cache.Parse({"de.yaml", text}, {}, &diagnostics);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(cache.misses(), 1u);
  const std::optional<RuleSetSource> again = cache.Parse({"de.yaml", text}, {}, &diagnostics);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(again->content_hash, first->content_hash);
  ASSERT_EQ(again->rules.size(), 1u);
  EXPECT_EQ(again->rules[0].id, "de.a");
  // One byte more (a comment), or another name: parsed.
  const std::optional<RuleSetSource> edited =
      cache.Parse({"de.yaml", text + "#\n"}, {}, &diagnostics);
  ASSERT_TRUE(edited.has_value());
  EXPECT_NE(edited->content_hash, first->content_hash);
  const std::optional<RuleSetSource> renamed = cache.Parse({"other.yaml", text}, {}, &diagnostics);
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
  ASSERT_TRUE(cache.Parse({"de.yaml", good}, {}, &diagnostics).has_value());
  for (int attempt = 0; attempt < 2; ++attempt) {
    Diagnostics problems;
    EXPECT_FALSE(cache.Parse({"de.yaml", broken}, {}, &problems).has_value());
    EXPECT_THAT(Messages(problems), ElementsAre(HasSubstr("unknown key 'scroe'")));
  }
  // The good bytes again: parsed (the broken parse replaced the entry).
  const size_t misses = cache.misses();
  EXPECT_TRUE(cache.Parse({"de.yaml", good}, {}, &diagnostics).has_value());
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

// Rule sets in several files: a main file (`ruleset:`) and parts (`part_of:`).
const char kMainWithList[] =
    "ruleset: de\nversion: \"1\"\nlists:\n  insults: [Dummbatz]\n"
    "spellings:\n  Depp: [Dep]\n"
    "rules:\n  - id: de.a\n    category: insult\n    words: [Trottel]\n    score: 3\n";
const char kPart[] =
    "# more German rules\npart_of: de\nrules:\n"
    "  - id: de.b\n    category: insult\n    words: [\"@insults\", Depp]\n    score: 3\n";

std::vector<std::string> TermTexts(const Rule& rule) {
  std::vector<std::string> out;
  for (const Term& term : rule.terms) out.push_back(term.text);
  return out;
}

TEST(RuleSetPartsTest, APartAddsRulesThatUseTheMainFilesListsAndSpellings) {
  const std::vector<SourceFile> files = {{"de.more.yaml", kPart}, {"de.yaml", kMainWithList}};
  Diagnostics diagnostics;
  std::optional<LoadedSources> loaded = LoadSources(files, &diagnostics);
  ASSERT_TRUE(loaded.has_value()) << ::testing::PrintToString(Messages(diagnostics));
  ASSERT_EQ(loaded->sets.size(), 1u);
  const RuleSetSource& de = loaded->sets[0];
  ASSERT_EQ(de.rules.size(), 2u);
  EXPECT_EQ(de.rules[0].id, "de.a");
  EXPECT_EQ(de.rules[1].id, "de.b");
  EXPECT_EQ(de.rules[1].location.file, "de.more.yaml");
  EXPECT_EQ(de.rules[1].location.line, 4);
  EXPECT_THAT(TermTexts(de.rules[1]), ::testing::IsSupersetOf({"Dummbatz", "Depp", "dep"}));
  ASSERT_EQ(loaded->set_files.size(), 1u);
  ASSERT_EQ(loaded->set_files[0].size(), 2u);
  EXPECT_EQ(loaded->set_files[0][0].name, "de.yaml");
  EXPECT_EQ(loaded->set_files[0][1].name, "de.more.yaml");
}

TEST(RuleSetPartsTest, TheContentHashCoversEveryPartAndAloneStaysTheMainFiles) {
  Diagnostics diagnostics;
  const std::optional<RuleSetSource> alone = ParseRuleSet(kMainWithList, "de.yaml", &diagnostics);
  const SourceFile main{"de.yaml", kMainWithList};
  const SourceFile part{"de.more.yaml", kPart};
  const SourceFile edited{"de.more.yaml", std::string(kPart) + "#\n"};
  const SourceFile renamed{"de.other.yaml", kPart};
  std::vector<std::string> hashes;
  for (const SourceFile* p : {&part, &edited, &renamed}) {
    const std::optional<RuleSetSource> set = ParseRuleSet(main, {{"de", {p}}}, &diagnostics);
    ASSERT_TRUE(set.has_value()) << ::testing::PrintToString(Messages(diagnostics));
    hashes.push_back(set->content_hash);
  }
  ASSERT_TRUE(alone.has_value());
  EXPECT_THAT(hashes, ::testing::Not(::testing::Contains(alone->content_hash)));
  EXPECT_NE(hashes[0], hashes[1]);
  EXPECT_NE(hashes[0], hashes[2]);
  // The same files in another directory: the same hash.
  const SourceFile elsewhere{"/srv/rules/de.more.yaml", kPart};
  EXPECT_EQ(ParseRuleSet(main, {{"de", {&elsewhere}}}, &diagnostics)->content_hash, hashes[0]);
  // Parts of another set leave this one's hash alone.
  EXPECT_EQ(ParseRuleSet(main, {{"en", {&part}}}, &diagnostics)->content_hash, alone->content_hash);
}

struct PartProblemCase {
  const char* name;
  std::vector<SourceFile> files;
  std::vector<std::string> messages;
};

std::vector<PartProblemCase> PartProblemCases() {
  const std::string main = kMainWithList;
  return {
      {"UnknownSet",
       {{"de.yaml", main}, {"x.yaml", "part_of: dee\nrules: []\n"}},
       {"x.yaml: part_of names rule set 'dee', which no loaded file defines (did you mean "
        "'de'?)"}},
      {"HeaderKeysBelongInTheMainFile",
       {{"de.yaml", main}, {"x.yaml", "part_of: de\nthresholds: { flag: 1 }\nrules: []\n"}},
       {"x.yaml:2:1: 'thresholds' belongs in the main file of rule set 'de' (the file that says "
        "'ruleset: de'); a part holds only part_of, description and rules"}},
      {"UnknownKeyInAPart",
       {{"de.yaml", main}, {"x.yaml", "part_of: de\nrulez: []\n"}},
       {"x.yaml:1:1: missing required key 'rules'", "x.yaml:2:1: unknown key 'rulez'"}},
      {"DuplicateRuleIdAcrossMainAndPart",
       {{"de.yaml", main},
        {"x.yaml",
         "part_of: de\nrules:\n  - id: de.a\n    category: insult\n    words: [Depp]\n"
         "    score: 3\n"}},
       {"x.yaml:3:9: duplicate rule id 'de.a' (first defined at de.yaml:8)"}},
      {"ABrokenPartBreaksItsSet",
       {{"de.yaml", main}, {"x.yaml", "part_of: de\nrules: [\n"}},
       {"x.yaml:2:8: YAML syntax error: "}},
      {"APartOfABrokenMainIsNotCalledUnknown",
       {{"de.yaml", "ruleset: de\nversion: [\n"}, {"x.yaml", kPart}},
       {"de.yaml:"}},
  };
}

class RuleSetPartProblemTest : public ::testing::TestWithParam<PartProblemCase> {};

TEST_P(RuleSetPartProblemTest, IsReportedAtThePartAndLoadsNoHalfSet) {
  Diagnostics diagnostics;
  const LoadedSources loaded = LoadSourcesPartial(GetParam().files, &diagnostics);
  const std::vector<std::string> got = Messages(diagnostics);
  ASSERT_EQ(got.size(), GetParam().messages.size()) << ::testing::PrintToString(got);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_THAT(got[i], ::testing::StartsWith(GetParam().messages[i]));
  }
  const bool unknown_set = std::string(GetParam().name) == "UnknownSet";
  EXPECT_EQ(loaded.sets.size(), unknown_set ? 1u : 0u) << "de alone is whole only there";
}

INSTANTIATE_TEST_SUITE_P(All, RuleSetPartProblemTest, ::testing::ValuesIn(PartProblemCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(RuleSetPartsTest, ABrokenFileThatNamesNoSetIsListedAsBelongingToNoneKnown) {
  Diagnostics diagnostics;
  const LoadedSources loaded = LoadSourcesPartial({{"de.yaml", kMainWithList},
                                                   {"x.yaml", "part_of de\nrules: []\n"},
                                                   {"y.yaml", "ruleset: y\nversion: [\n"}},
                                                  &diagnostics);
  EXPECT_FALSE(diagnostics.empty());
  EXPECT_THAT(loaded.files_of_unknown_set, ElementsAre("x.yaml")) << "y.yaml names its set";
}

TEST(RuleSetPartsTest, APartAloneNamesItsSet) {
  Diagnostics diagnostics;
  EXPECT_EQ(ParseRuleSet(kPart, "de.more.yaml", &diagnostics), std::nullopt);
  EXPECT_THAT(Messages(diagnostics),
              ElementsAre("de.more.yaml:2:1: this file is a part of rule set 'de': load it "
                          "together with the file that says 'ruleset: de'"));
}

TEST(RuleSetPartsTest, PartOfReadsTheIdWithoutParsingYaml) {
  EXPECT_EQ(PartOf("part_of: de\n"), "de");
  EXPECT_EQ(PartOf("# c\n\"part_of\" : 'de.x' # why\nrules: ["), "de.x");
  EXPECT_EQ(PartOf("part_of: de # comment\r\n"), "de");
  EXPECT_EQ(PartOf("ruleset: de\n  part_of: x\n"), std::nullopt) << "indented: not top level";
  EXPECT_EQ(PartOf("ruleset: de\n"), std::nullopt);
  EXPECT_EQ(TopLevelScalar("version: 1\nruleset: \"en\"\n", "ruleset"), "en");
}

TEST(ParseCacheTest, ASetIsParsedAgainWhenOneOfItsPartsChanges) {
  const SourceFile main{"de.yaml", kMainWithList};
  const SourceFile part{"de.more.yaml", kPart};
  const SourceFile edited{"de.more.yaml", std::string(kPart) + "#\n"};
  ParseCache cache;
  Diagnostics diagnostics;
  ASSERT_TRUE(cache.Parse(main, {{"de", {&part}}}, &diagnostics).has_value());
  ASSERT_TRUE(cache.Parse(main, {{"de", {&part}}}, &diagnostics).has_value());
  EXPECT_EQ(cache.hits(), 1u);
  const std::optional<RuleSetSource> changed = cache.Parse(main, {{"de", {&edited}}}, &diagnostics);
  ASSERT_TRUE(changed.has_value());
  const std::optional<RuleSetSource> without = cache.Parse(main, {}, &diagnostics);
  ASSERT_TRUE(without.has_value());
  EXPECT_EQ(without->rules.size(), 1u) << "the part's rule is not served from the cache";
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 3u);
  EXPECT_TRUE(diagnostics.empty()) << ::testing::PrintToString(Messages(diagnostics));
}

}  // namespace
}  // namespace moderation::rules
