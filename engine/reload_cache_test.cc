// Reloading with a ReloadCache: unchanged files and rule sets are reused,
// and nothing that changed (bytes, files added or removed, options, a broken
// file, a damaged database cache) is ever served from the cache.
#include "engine/reload_cache.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/catalog.h"
#include "engine/moderator.h"
#include "engine/rules/loader.h"
#include "engine/testing/temp_dir.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

namespace fs = std::filesystem;

std::string SetFile(const std::string& id, const std::string& version, const std::string& word,
                    const std::string& example) {
  return absl::StrCat("ruleset: ", id, "\nversion: \"", version, "\"\nrules:\n  - id: ", id,
                      ".insult\n    category: insult\n    words: [", word,
                      "]\n    action: block\n    examples:\n      match: [\"", example, "\"]\n");
}

class ReloadCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write("de.yaml", SetFile("de", "1", "Blödmann", "Du Blödmann"));
    Write("en.yaml", SetFile("en", "1", "moron", "you moron"));
    Write("spam.yaml", SetFile("spam", "1", "Werbelink", "hier Werbelink"));
    Write(
        "communities.yaml",
        "default: [de, en, spam]\ncommunities:\n  news-de: [de, spam]\n  gaming-en: [en, spam]\n");
    options_.reuse = cache_;
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(fs::path(dir_) / name, std::ios::trunc) << text;
  }
  RuleCatalog::PartialLoad Reload() { return RuleCatalog::LoadPartial(dir_, options_); }
  static Verdict VerdictFor(const RuleCatalog& catalog, const std::string& community,
                            const std::string& text) {
    Post post;
    post.community = community;
    post.fields.push_back({"body", text});
    absl::StatusOr<Decision> d = Moderate(catalog, post);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? d->verdict : Verdict::kAllow;
  }
  static std::vector<std::string> ExampleSummary(const std::vector<ExampleResult>& results) {
    std::vector<std::string> out;
    for (const ExampleResult& r : results) {
      out.push_back(absl::StrCat(r.rule_id, "|", r.text, "|", r.location.file, ":", r.location.line,
                                 "|", r.passed));
    }
    return out;
  }

  testing::TempDir temp_{"reload_cache_test"};
  const std::string dir_ = temp_.path();
  std::shared_ptr<ReloadCache> cache_ = std::make_shared<ReloadCache>();
  RuleCatalog::Options options_;
};

TEST_F(ReloadCacheTest, AnUnchangedDirectoryIsNeitherParsedNorCompiledAgain) {
  const RuleCatalog::PartialLoad first = Reload();
  ASSERT_NE(first.catalog, nullptr);
  ASSERT_TRUE(first.problems.empty()) << first.problems[0].ToString();
  EXPECT_EQ(first.details.sets_compiled, 3u);
  EXPECT_EQ(first.details.sets_reused, 0u);
  const size_t parsed_before = cache_->parsed().misses();

  const RuleCatalog::PartialLoad second = Reload();
  ASSERT_NE(second.catalog, nullptr);
  EXPECT_TRUE(second.problems.empty());
  EXPECT_EQ(second.details.sets_compiled, 0u);
  EXPECT_EQ(second.details.sets_reused, 3u);
  EXPECT_EQ(cache_->parsed().misses(), parsed_before) << "a file was parsed again";
  EXPECT_EQ(ExampleSummary(second.details.examples), ExampleSummary(first.details.examples));
  EXPECT_EQ(ExampleSummary(second.catalog->example_results()),
            ExampleSummary(first.catalog->example_results()));
  for (const char* community : {"", "news-de", "gaming-en"}) {
    EXPECT_EQ(second.catalog->ForCommunity(community).value()->content_hash(),
              first.catalog->ForCommunity(community).value()->content_hash());
  }
  EXPECT_EQ(VerdictFor(*second.catalog, "news-de", "Du Blödmann"), Verdict::kBlock);
  EXPECT_EQ(VerdictFor(*second.catalog, "gaming-en", "you moron"), Verdict::kBlock);
}

TEST_F(ReloadCacheTest, AChangedFileIsParsedCompiledAndCheckedAgain) {
  ASSERT_NE(Reload().catalog, nullptr);
  Write("de.yaml", SetFile("de", "2", "Trottel", "Du Trottel"));
  const RuleCatalog::PartialLoad load = Reload();
  ASSERT_NE(load.catalog, nullptr);
  EXPECT_TRUE(load.problems.empty());
  // de is compiled once for the default combination and news-de; en and
  // spam are reused.
  EXPECT_EQ(load.details.sets_compiled, 1u);
  EXPECT_EQ(load.details.sets_reused, 2u);
  EXPECT_EQ(VerdictFor(*load.catalog, "news-de", "Du Trottel"), Verdict::kBlock);
  EXPECT_EQ(VerdictFor(*load.catalog, "news-de", "Du Blödmann"), Verdict::kAllow)
      << "the old rules were served";
  EXPECT_EQ(VerdictFor(*load.catalog, "", "Du Trottel"), Verdict::kBlock);
  EXPECT_NE(load.catalog->ForCommunity("news-de").value()->version().find("de@2"),
            std::string::npos);
  // The reused sets' examples are still reported, as passed.
  bool en_example = false;
  for (const ExampleResult& r : load.details.examples) {
    en_example |= r.rule_id == "en.insult" && r.passed;
    EXPECT_TRUE(r.passed) << r.rule_id;
  }
  EXPECT_TRUE(en_example);
}

TEST_F(ReloadCacheTest, AChangedFileWithAFailingExampleIsNeverServedFromTheCache) {
  ASSERT_NE(Reload().catalog, nullptr);
  // Same words, but an example that cannot pass: only running it finds that.
  Write("de.yaml", SetFile("de", "1", "Blödmann", "ein harmloser Satz"));
  const RuleCatalog::PartialLoad broken = Reload();
  ASSERT_NE(broken.catalog, nullptr);
  ASSERT_FALSE(broken.problems.empty());
  EXPECT_NE(broken.problems[0].ToString().find("de.yaml"), std::string::npos)
      << broken.problems[0].ToString();
  EXPECT_TRUE(broken.broken.count("news-de"));
  EXPECT_TRUE(broken.broken.count(""));
  EXPECT_FALSE(broken.broken.count("gaming-en"));
  // Back to the bytes that loaded before: parsed and checked again, served.
  Write("de.yaml", SetFile("de", "1", "Blödmann", "Du Blödmann"));
  const RuleCatalog::PartialLoad fixed = Reload();
  ASSERT_NE(fixed.catalog, nullptr);
  EXPECT_TRUE(fixed.problems.empty());
  EXPECT_TRUE(fixed.broken.empty());
  EXPECT_EQ(VerdictFor(*fixed.catalog, "news-de", "Du Blödmann"), Verdict::kBlock);
}

TEST_F(ReloadCacheTest, ABrokenFileIsReportedEveryTimeItIsLoaded) {
  ASSERT_NE(Reload().catalog, nullptr);
  Write("spam.yaml", SetFile("spam", "2", "Werbelink", "hier Werbelink") + "    scroe: 3\n");
  for (int attempt = 0; attempt < 2; ++attempt) {
    SCOPED_TRACE(attempt);
    const RuleCatalog::PartialLoad load = Reload();
    ASSERT_FALSE(load.problems.empty());
    EXPECT_NE(load.problems[0].ToString().find("unknown key 'scroe'"), std::string::npos)
        << load.problems[0].ToString();
    EXPECT_EQ(load.broken.size(), 3u);  // every community uses spam
  }
}

TEST_F(ReloadCacheTest, AddedAndRemovedFilesAreSeen) {
  ASSERT_NE(Reload().catalog, nullptr);
  // A new file defining a rule id that exists: an error, never hidden.
  Write("more.yaml", SetFile("more", "1", "Depp", "Du Depp") +
                         "  - id: de.insult\n"
                         "    category: insult\n"
                         "    words: [Dödel]\n"
                         "    action: block\n");
  const RuleCatalog::PartialLoad added = Reload();
  ASSERT_FALSE(added.problems.empty());
  std::string all;
  for (const rules::Diagnostic& d : added.problems) all += d.ToString() + "\n";
  EXPECT_NE(all.find("rule id 'de.insult' is also defined at"), std::string::npos) << all;
  fs::remove(fs::path(dir_) / "more.yaml");
  // A removed file whose set a community needs: that community is broken.
  fs::remove(fs::path(dir_) / "en.yaml");
  const RuleCatalog::PartialLoad removed = Reload();
  ASSERT_FALSE(removed.problems.empty());
  EXPECT_TRUE(removed.broken.count("gaming-en"));
  EXPECT_TRUE(removed.broken.count(""));
  ASSERT_NE(removed.catalog, nullptr);
  EXPECT_EQ(VerdictFor(*removed.catalog, "news-de", "Du Blödmann"), Verdict::kBlock);
  // Back: every combination served again, en compiled afresh.
  Write("en.yaml", SetFile("en", "1", "moron", "you moron"));
  const RuleCatalog::PartialLoad back = Reload();
  EXPECT_TRUE(back.problems.empty());
  EXPECT_EQ(VerdictFor(*back.catalog, "gaming-en", "you moron"), Verdict::kBlock);
}

TEST_F(ReloadCacheTest, OtherCompileOptionsCompileAgain) {
  ASSERT_NE(Reload().catalog, nullptr);
  options_.compile.force_re2 = true;
  const RuleCatalog::PartialLoad load = Reload();
  EXPECT_EQ(load.details.sets_reused, 0u);
  EXPECT_EQ(load.details.sets_compiled, 3u);
}

TEST_F(ReloadCacheTest, ReusedAndRecompiledSetsShareTheNewCatalogsScratch) {
  ASSERT_NE(Reload().catalog, nullptr);
  Write("de.yaml", SetFile("de", "2", "Trottel", "Du Trottel"));
  const RuleCatalog::PartialLoad load = Reload();
  ASSERT_NE(load.catalog, nullptr);
  ASSERT_EQ(load.details.sets_reused, 2u);  // en and spam
  const match::ScratchPrototype* scratch = &load.catalog->ForCommunity("").value()->scratch();
  for (const char* community : {"news-de", "gaming-en"}) {
    EXPECT_EQ(&load.catalog->ForCommunity(community).value()->scratch(), scratch) << community;
  }
  EXPECT_EQ(VerdictFor(*load.catalog, "gaming-en", "hier Werbelink"), Verdict::kBlock);
}

TEST_F(ReloadCacheTest, DamagedDatabaseCacheEntriesAreRecompiledNotLoaded) {
  options_.reuse = nullptr;  // only the on-disk database cache
  options_.compile.cache_dir = (fs::path(dir_) / "cache").string();
  ASSERT_TRUE(Reload().problems.empty());
  size_t damaged = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(options_.compile.cache_dir)) {
    std::ofstream(entry.path(), std::ios::trunc) << "not a database";
    ++damaged;
  }
  ASSERT_GT(damaged, 0u);
  const RuleCatalog::PartialLoad load = Reload();
  ASSERT_NE(load.catalog, nullptr);
  EXPECT_TRUE(load.problems.empty());
  EXPECT_FALSE(load.catalog->ForCommunity("").value()->report().literals_from_cache);
  EXPECT_EQ(VerdictFor(*load.catalog, "", "you moron"), Verdict::kBlock);
}

// What a load reports, for comparing a load with the cache to one without.
std::string LoadSummary(const RuleCatalog::PartialLoad& load) {
  std::string out = absl::StrCat("catalog=", load.catalog != nullptr, "\n");
  for (const rules::Diagnostic& d : load.problems)
    absl::StrAppend(&out, "problem ", d.ToString(), "\n");
  for (const auto& [community, why] : load.broken)
    absl::StrAppend(&out, "broken ", community, ": ", why, "\n");
  for (const ExampleResult& r : load.details.examples) {
    absl::StrAppend(&out, "example ", r.rule_id, "|", r.text, "|", r.location.file, ":",
                    r.location.line, "|", r.passed, "\n");
  }
  if (load.catalog == nullptr) return out;
  for (const char* community : {"", "news-de", "gaming-en"}) {
    for (const RuleSetFile& f : load.catalog->FilesFor(community)) {
      absl::StrAppend(&out, "file ", community, " ", f.set_id, " ", f.file.name, " ",
                      f.file.content.size(), "\n");
    }
    auto set = load.catalog->ForCommunity(community);
    absl::StrAppend(&out, "set ", community, " ",
                    set.ok() ? (*set)->content_hash() : std::string(set.status().message()), "\n");
  }
  return out;
}

// The sources memo (unchanged files: the previous load's sources, not
// parsed) against loads without any cache, step by step through renames,
// broken files, repairs and unchanged reloads.
TEST_F(ReloadCacheTest, EveryReloadReportsWhatALoadWithoutTheCacheReports) {
  const std::string spam = SetFile("spam", "1", "Werbelink", "hier Werbelink");
  const struct {
    const char* step;
    std::function<void()> change;
  } kSteps[] = {
      {"first load", [] {}},
      {"unchanged", [] {}},
      {"spam.yaml renamed, same bytes",
       [this] { fs::rename(fs::path(dir_) / "spam.yaml", fs::path(dir_) / "spam.yml"); }},
      {"unchanged after the rename", [] {}},
      {"spam broken", [&] { Write("spam.yml", spam + "    scroe: 3\n"); }},
      {"unchanged while broken", [] {}},
      {"spam repaired", [&] { Write("spam.yml", spam); }},
      {"unchanged after the repair", [] {}},
      {"a failing example",
       [this] { Write("de.yaml", SetFile("de", "1", "Blödmann", "harmlos")); }},
      {"unchanged with the failing example", [] {}},
      {"communities changed",
       [this] {
         Write("communities.yaml", "default: [en]\ncommunities:\n  gaming-en: [en, spam]\n");
       }},
      {"unchanged at the end", [] {}},
  };
  RuleCatalog::Options plain;
  for (const auto& step : kSteps) {
    step.change();
    const std::string expected = LoadSummary(RuleCatalog::LoadPartial(dir_, plain));
    EXPECT_EQ(LoadSummary(Reload()), expected) << step.step;
  }
}

TEST_F(ReloadCacheTest, AnUnchangedReloadTakesTheSourcesOfThePreviousCleanLoad) {
  auto read = [&] {
    rules::Diagnostics problems;
    std::vector<rules::SourceFile> files = rules::ReadRulesPath(dir_, &problems);
    EXPECT_TRUE(problems.empty());
    return files;
  };
  EXPECT_EQ(cache_->FindSources(read()), nullptr) << "nothing loaded yet";
  ASSERT_TRUE(Reload().problems.empty());
  const auto first = cache_->FindSources(read());
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(Reload().problems.empty());
  EXPECT_EQ(cache_->FindSources(read()), first) << "the same sources, not parsed again";
  // One byte more in one file: not the remembered files.
  Write("en.yaml", SetFile("en", "1", "moron", "you moron") + "\n");
  EXPECT_EQ(cache_->FindSources(read()), nullptr);
  // A load with a problem leaves nothing remembered.
  Write("en.yaml", SetFile("en", "1", "moron", "you moron") + "    scroe: 3\n");
  ASSERT_FALSE(Reload().problems.empty());
  EXPECT_EQ(cache_->FindSources(read()), nullptr);
  Write("en.yaml", SetFile("en", "1", "moron", "you moron"));
  EXPECT_EQ(cache_->FindSources(read()), nullptr) << "forgotten after the broken load";
}

}  // namespace
}  // namespace moderation
