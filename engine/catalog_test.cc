// Loading a rules directory: communities, unions, defaults, examples, and
// all-or-nothing failure.
#include "engine/catalog.h"

#include <hs/hs.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/moderator.h"
#include "engine/rules/loader.h"
#include "engine/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CatalogTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(fs::path(dir_) / name) << text;
  }
  // The default sets with communities "" (de), gaming (en) and both.
  void WriteSetsForThreeCommunities() {
    WriteDefaultSets();
    Write("communities.yaml", "default: [de]\ncommunities:\n  gaming: [en]\n  both: [en, de]\n");
  }
  void WriteDefaultSets() {
    Write("de.yaml", R"(ruleset: de
version: "de-1"
rules:
  - id: de.insult
    category: insult
    words: [Blödmann]
    action: block
    examples:
      match: ["Du Oberblödmann"]
      no_match: ["Der Mann ist blöd"]
)");
    Write("en.yaml", R"(ruleset: en
version: "en-1"
rules:
  - id: en.insult
    category: insult
    words: [moron]
    action: flag
    examples:
      match: ["you MORON"]
)");
  }

  absl::StatusOr<std::shared_ptr<const RuleCatalog>> Load(rules::Diagnostics* problems,
                                                          std::string path = "") {
    return RuleCatalog::Load(path.empty() ? dir_ : path, RuleCatalog::Options{}, problems);
  }

  static Verdict VerdictFor(const RuleCatalog& catalog, const std::string& community,
                            const std::string& text) {
    Post post;
    post.community = community;
    post.fields.push_back({"body", text});
    absl::StatusOr<Decision> d = Moderate(catalog, post);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? d->verdict : Verdict::kAllow;
  }

  testing::TempDir temp_{"catalog_test"};
  const std::string dir_ = temp_.path();
};

TEST_F(CatalogTest, WithoutCommunitiesFileEverySetIsTheDefault) {
  WriteDefaultSets();
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ(VerdictFor(**catalog, "anything", "Du Blödmann"), Verdict::kBlock);
  EXPECT_EQ(VerdictFor(**catalog, "anything", "you moron"), Verdict::kFlag);
  EXPECT_EQ((*catalog)->example_results().size(), 3u);
  EXPECT_EQ((*catalog)->ForCommunity("x").value()->id(), "de+en");
}

TEST_F(CatalogTest, CommunitiesSelectTheirSetsAndUnknownOnesGetTheDefault) {
  WriteSetsForThreeCommunities();
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ(VerdictFor(**catalog, "gaming", "Du Blödmann"), Verdict::kAllow);
  EXPECT_EQ(VerdictFor(**catalog, "gaming", "you moron"), Verdict::kFlag);
  EXPECT_EQ(VerdictFor(**catalog, "unknown", "you moron"), Verdict::kAllow);
  EXPECT_EQ(VerdictFor(**catalog, "unknown", "Du Blödmann"), Verdict::kBlock);
  EXPECT_EQ((*catalog)->ForCommunity("both").value()->id(), "de+en");
  EXPECT_EQ((*catalog)->compiled_sets().size(), 3u);
}

// A combination holds the compiled parts of its rule sets, not copies: de
// in "default" and in "both" is one compiled set in memory, and "both"
// judges as de and en would apart (the strictest verdict wins).
TEST_F(CatalogTest, CombinationsShareTheCompiledRuleSetsTheyHold) {
  WriteSetsForThreeCommunities();
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const auto de = (*catalog)->ForCommunity("").value();
  const auto en = (*catalog)->ForCommunity("gaming").value();
  const auto both = (*catalog)->ForCommunity("both").value();
  ASSERT_EQ(de->parts().size(), 1u);
  ASSERT_EQ(en->parts().size(), 1u);
  ASSERT_EQ(both->parts().size(), 2u);
  EXPECT_EQ(both->parts()[0], de->parts()[0]);  // in id order: de, then en
  EXPECT_EQ(both->parts()[1], en->parts()[0]);
  ASSERT_EQ((*catalog)->rule_sets().size(), 2u);
  EXPECT_EQ((*catalog)->rule_sets()[0]->id(), "de");
  EXPECT_EQ((*catalog)->rule_sets()[1]->id(), "en");
  EXPECT_EQ(both->rule_count(), de->rule_count() + en->rule_count());
  EXPECT_EQ(both->report().terms, de->report().terms + en->report().terms);
  EXPECT_EQ(VerdictFor(**catalog, "both", "Du Blödmann"), Verdict::kBlock);
  EXPECT_EQ(VerdictFor(**catalog, "both", "you moron"), Verdict::kFlag);
  EXPECT_EQ(VerdictFor(**catalog, "both", "Du Blödmann, you moron"), Verdict::kBlock);
}

// Each part numbers its rules from 0; a combination renumbers them. A
// masked word ("Schl*mpe") read by both sets' parts at their rule 0 counts
// for both, not once (the masked pass's duplicate check looks at the part's
// own candidates only).
TEST(CombinedRuleSetTest, EveryPartFindsItsOwnHitsOfTheSameWord) {
  rules::Diagnostics problems;
  std::vector<rules::RuleSetSource> sources;
  for (const char* id : {"a", "b"}) {
    auto source = rules::ParseRuleSet(
        absl::StrCat("ruleset: ", id, "\nversion: \"1\"\nrules:\n  - id: ", id,
                     ".insult\n    category: insult\n    words: [Schlampe]\n    action: ",
                     id == std::string("a") ? "flag" : "block", "\n"),
        absl::StrCat(id, ".yaml"), &problems);
    ASSERT_TRUE(source.has_value()) << problems[0].ToString();
    sources.push_back(std::move(*source));
  }
  auto set = CompiledRuleSet::Compile(sources, CompileOptions{}, &problems);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ((*set)->parts().size(), 2u);
  for (const char* text : {"Du Schlampe", "Du Schl*mpe"}) {
    Post post;
    post.fields.push_back({"body", text});
    absl::StatusOr<Decision> d = (*set)->Evaluate(post);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->verdict, Verdict::kBlock) << text;
    ASSERT_EQ(d->hits.size(), 2u) << text;
    EXPECT_EQ(d->hits[0].rule_id, "a.insult");
    EXPECT_EQ(d->hits[0].ruleset_id, "a");
    EXPECT_EQ(d->hits[1].rule_id, "b.insult");
    EXPECT_EQ(d->hits[1].ruleset_id, "b");
    EXPECT_EQ(d->hits[1].spans.size(), 1u) << text;
  }
  // The same rule id in two sets cannot be combined: named at the second.
  sources[1].rules[0].id = "a.insult";
  problems.clear();
  EXPECT_FALSE(CompiledRuleSet::Compile(sources, CompileOptions{}, &problems).ok());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].location.file, "b.yaml");
  EXPECT_NE(problems[0].message.find("duplicate rule id 'a.insult' (first defined at a.yaml:"),
            std::string::npos)
      << problems[0].message;
}

TEST_F(CatalogTest, EveryCombinationOfOneLoadSharesOneDictionary) {
  WriteDefaultSets();
  Write("dict.txt", "Blödmann\nMann\n");
  for (const char* name : {"de.yaml", "en.yaml"}) {  // both sets name the German lexicon
    std::ifstream in(fs::path(dir_) / name);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.insert(text.find('\n') + 1, "lexicon: de\n");
    Write(name, text);
  }
  Write("communities.yaml", "default: [de]\ncommunities:\n  gaming: [en]\n  both: [en, de]\n");
  RuleCatalog::Options options;
  options.compile.lexicon_paths["de"] = (fs::path(dir_) / "dict.txt").string();
  rules::Diagnostics problems;
  auto catalog = RuleCatalog::Load(dir_, options, &problems);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  std::set<const text::Lexicon*> dictionaries;
  size_t uses = 0;
  for (const auto& set : (*catalog)->compiled_sets()) {
    for (const auto& part : set->parts()) {
      for (const auto& lexicon : part->lexicons) {
        dictionaries.insert(lexicon.get());
        ++uses;
      }
    }
  }
  EXPECT_EQ(uses, 4u);  // de, en, and de+en's two
  EXPECT_EQ(dictionaries.size(), 1u);
}

TEST_F(CatalogTest, UnknownCommunityWithoutDefaultIsNotFound) {
  WriteDefaultSets();
  Write("communities.yaml", "communities:\n  gaming: [en]\n");
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  auto set = (*catalog)->ForCommunity("news");
  EXPECT_EQ(set.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(set.status().message().find("'news'"), absl::string_view::npos);
}

TEST_F(CatalogTest, AFailingExampleFailsTheWholeLoadWithItsLocation) {
  WriteDefaultSets();
  Write("bad.yaml", R"(ruleset: bad
version: "1"
rules:
  - id: bad.rule
    category: insult
    words: [Trottel]
    score: 3
    examples:
      match: ["Du Trottel", "Du Depp"]
)");
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_FALSE(catalog.ok());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].location.file.substr(problems[0].location.file.size() - 8), "bad.yaml");
  EXPECT_EQ(problems[0].location.line, 9);
  EXPECT_NE(problems[0].message.find("\"Du Depp\" failed: the rule did not fire"),
            std::string::npos)
      << problems[0].message;
}

TEST_F(CatalogTest, ProblemsInSeveralFilesAreAllReported) {
  Write("a.yaml",
        "ruleset: a\nversion: \"1\"\nrules:\n  - id: x\n    category: insult\n    words: [ab]\n    "
        "score: 1\n");
  Write("b.yaml",
        "ruleset: b\nversion: \"1\"\nrules:\n  - id: y\n    categroy: insult\n    words: "
        "[Trottel]\n    "
        "score: 1\n");
  Write(
      "c.yaml",
      "ruleset: c\nversion: \"1\"\nrules:\n  - id: z\n    category: insult\n    words: [Trottel]\n"
      "    score: 1\n    examples:\n      match: [\"Du Depp\"]\n");
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_FALSE(catalog.ok());
  // b.yaml has an unknown key; a.yaml a term too short after normalisation;
  // c.yaml compiles but an example fails. One run reports all three.
  std::string all;
  for (const auto& p : problems) all += p.ToString() + "\n";
  EXPECT_NE(all.find("b.yaml:5:5: unknown key 'categroy'"), std::string::npos) << all;
  EXPECT_NE(all.find("a.yaml:6:"), std::string::npos) << all;
  EXPECT_NE(all.find("too short"), std::string::npos) << all;
  EXPECT_NE(all.find("c.yaml:9:"), std::string::npos) << all;
  EXPECT_NE(all.find("\"Du Depp\" failed"), std::string::npos) << all;
}

// A bad entry of a list that several rules' phrase slots name is one
// mistake: it is reported once, at the entry, not once per use.
TEST_F(CatalogTest, ABadEntryOfASharedListIsReportedOnceAtTheEntry) {
  Write("a.yaml",
        "ruleset: a\nversion: \"1\"\nlists:\n  frames: [\"wenn ich dich\", x]\nrules:\n"
        "  - id: r1\n    category: threat\n    phrases:\n      - slots: [\"@frames\", "
        "\"erwische\"]\n    score: 1\n"
        "  - id: r2\n    category: threat\n    phrases:\n      - slots: [\"@frames\", "
        "\"finde\"]\n      - slots: [\"@frames\", \"kriege\"]\n    score: 1\n");
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_FALSE(catalog.ok());
  std::vector<std::string> about_x;
  for (const auto& p : problems) {
    if (p.message.find("'x'") != std::string::npos) about_x.push_back(p.ToString());
  }
  EXPECT_THAT(about_x, ElementsAre(HasSubstr("a.yaml:4:")));
}

TEST_F(CatalogTest, ASingleFileCanBeLoadedDirectly) {
  WriteDefaultSets();
  rules::Diagnostics problems;
  auto catalog = Load(&problems, (fs::path(dir_) / "en.yaml").string());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ((*catalog)->ForCommunity("").value()->id(), "en");
}

TEST_F(CatalogTest, SecondLoadWithACacheDirectoryReusesCompiledDatabases) {
  WriteDefaultSets();
  RuleCatalog::Options options;
  options.compile.cache_dir = (fs::path(dir_) / "cache").string();
  rules::Diagnostics problems;
  auto first = RuleCatalog::Load(dir_, options, &problems);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE((*first)->ForCommunity("").value()->report().literals_from_cache);
  auto second = RuleCatalog::Load(dir_, options, &problems);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE((*second)->ForCommunity("").value()->report().literals_from_cache);
  EXPECT_EQ(VerdictFor(**second, "", "Du Blödmann"), Verdict::kBlock);
}

// Counts Hyperscan's scratch allocations (hs_alloc_scratch, hs_clone_scratch)
// while installed; the counters are atomic because Hyperscan's allocator is
// process-wide.
class ScratchAllocationCounter {
 public:
  ScratchAllocationCounter() { hs_set_scratch_allocator(&Alloc, &Free); }
  ~ScratchAllocationCounter() { hs_set_scratch_allocator(nullptr, nullptr); }
  static int allocations() { return allocations_; }

 private:
  static void* Alloc(size_t size) {
    ++allocations_;
    return malloc(size);
  }
  static void Free(void* p) { free(p); }
  static inline std::atomic<int> allocations_{0};
};

// Twelve communities, each with its own pair of six rule sets: twelve compiled
// combinations of different shapes (word lists only, folded and raw regexes).
void WriteTwelveCombinations(
    const std::function<void(const std::string&, const std::string&)>& write) {
  std::string communities = "communities:\n";
  for (int i = 0; i < 6; ++i) {
    const std::string letter(1, static_cast<char>('a' + i));
    std::string rules = absl::StrCat("ruleset: s", i, "\nversion: \"1\"\nrules:\n",    //
                                     "  - id: s", i, ".word\n    category: insult\n",  //
                                     "    words: [Schimpfwort", letter, "]\n    action: block\n");
    if (i % 3 == 1) {
      absl::StrAppend(&rules, "  - id: s", i, ".folded\n    category: spam\n",  //
                      "    regex: 'kauf\\w*\\s+jetzt", i, "'\n    action: flag\n");
    }
    if (i % 3 == 2) {
      absl::StrAppend(&rules, "  - id: s", i, ".raw\n    category: spam\n",  //
                      "    regex: 'ANGEBOT", i, "[0-9]+'\n    view: raw\n    action: flag\n");
    }
    write(absl::StrCat("s", i, ".yaml"), rules);
  }
  for (int i = 0; i < 12; ++i) {
    absl::StrAppend(&communities, "  c", i, ": [s", i % 6, ", s", (i / 6 + i % 6 + 1) % 6, "]\n");
  }
  write("communities.yaml", communities);
}

TEST_F(CatalogTest, TrafficCyclingThroughManyCombinationsUsesOneScratchPerThread) {
  WriteTwelveCombinations(
      [&](const std::string& name, const std::string& text) { Write(name, text); });
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  ASSERT_EQ((*catalog)->compiled_sets().size(), 12u);
  auto judge_every_community = [&] {
    for (int i = 0; i < 12; ++i) {
      const std::string community = absl::StrCat("c", i);
      const std::string word = absl::StrCat("Schimpfwort", std::string(1, 'a' + i % 6));
      EXPECT_EQ(VerdictFor(**catalog, community, "du " + word), Verdict::kBlock) << community;
      EXPECT_EQ(VerdictFor(**catalog, community, "ein harmloser Satz"), Verdict::kAllow)
          << community;
    }
  };
  judge_every_community();  // this thread's first post may clone the scratch once
  ScratchAllocationCounter counter;
  for (int round = 0; round < 3; ++round) judge_every_community();
  EXPECT_EQ(ScratchAllocationCounter::allocations(), 0);
}

TEST_F(CatalogTest, ThreadsCyclingThroughManyCombinationsCloneOneScratchEach) {
  WriteTwelveCombinations(
      [&](const std::string& name, const std::string& text) { Write(name, text); });
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 12; ++i) {
          const int c = (i + t * 3) % 12;  // each thread in its own order
          const std::string word = absl::StrCat("Schimpfwort", std::string(1, 'a' + c % 6));
          EXPECT_EQ(VerdictFor(**catalog, absl::StrCat("c", c), "du " + word), Verdict::kBlock);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // Every combination shares the catalog's one prototype: at most one clone
  // per thread, not one per combination and thread.
  const match::ScratchPrototype& prototype = (*catalog)->ForCommunity("c0").value()->scratch();
  EXPECT_GE(prototype.clone_count(), 1u);
  EXPECT_LE(prototype.clone_count(), size_t{kThreads});
  for (int i = 1; i < 12; ++i) {
    EXPECT_EQ(&(*catalog)->ForCommunity(absl::StrCat("c", i)).value()->scratch(), &prototype);
  }
}

TEST_F(CatalogTest, OneScratchFitsTheRegexDatabasesOfEveryCombination) {
  WriteTwelveCombinations(
      [&](const std::string& name, const std::string& text) { Write(name, text); });
  rules::Diagnostics problems;
  auto catalog = Load(&problems);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  // c1 = s1 + s2: a folded and a raw regex database next to the literals.
  EXPECT_EQ(VerdictFor(**catalog, "c1", "Kaufen  jetzt1!"), Verdict::kFlag);
  EXPECT_EQ(VerdictFor(**catalog, "c1", "ANGEBOT2 99"), Verdict::kAllow);
  EXPECT_EQ(VerdictFor(**catalog, "c1", "ANGEBOT299"), Verdict::kFlag);
  EXPECT_EQ(VerdictFor(**catalog, "c0", "Kaufen jetzt1"), Verdict::kFlag);   // c0 = s0 + s1
  EXPECT_EQ(VerdictFor(**catalog, "c3", "Kaufen jetzt1"), Verdict::kAllow);  // c3 = s3 + s4
}

}  // namespace
}  // namespace moderation
