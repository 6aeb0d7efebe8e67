#include "engine/match/db_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "engine/match/literal_matcher.h"
#include "engine/testing/temp_dir.h"

namespace moderation::match {
namespace {

using ::testing::ElementsAre;

namespace fs = std::filesystem;

constexpr char kKey[] = "sha256:0123456789abcdef";

using ::moderation::testing::TempDir;

// A real compiled database of two literals (ids 0 and 1).
std::unique_ptr<const LiteralDatabase> SampleDatabase() {
  auto db = LiteralDatabase::Compile({"dumbatz", "biodman"}, DbCache(""));
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

// (id, end) of every match of db in text, scanned with the raw Hyperscan API.
std::vector<std::pair<unsigned, unsigned long long>> ScanRaw(const hs_database_t* db,
                                                             const std::string& text) {
  std::vector<std::pair<unsigned, unsigned long long>> hits;
  hs_scratch_t* raw_scratch = nullptr;
  EXPECT_EQ(hs_alloc_scratch(db, &raw_scratch), HS_SUCCESS);
  HsScratchPtr scratch(raw_scratch);
  auto on_match = [](unsigned id, unsigned long long, unsigned long long to, unsigned,
                     void* context) {
    static_cast<std::vector<std::pair<unsigned, unsigned long long>>*>(context)->emplace_back(id,
                                                                                              to);
    return 0;
  };
  EXPECT_EQ(hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch.get(), on_match,
                    &hits),
            HS_SUCCESS);
  return hits;
}

std::vector<fs::path> FilesIn(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  return files;
}

TEST(DbCacheTest, EmptyDirectoryDisablesTheCache) {
  const DbCache cache("");
  EXPECT_FALSE(cache.enabled());
  auto db = SampleDatabase();
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(cache.Store(kKey, db->db()).ok());
  EXPECT_EQ(cache.Load(kKey), nullptr) << "a disabled cache must miss even after Store";
  EXPECT_FALSE(fs::exists("0123456789abcdef.hsdb")) << "Store wrote into the working directory";
}

TEST(DbCacheTest, MissesForAnUnknownKey) {
  TempDir dir("db_cache_test");
  ASSERT_FALSE(dir.path().empty());
  const DbCache cache(dir.path());
  EXPECT_TRUE(cache.enabled());
  EXPECT_EQ(cache.Load(kKey), nullptr);
}

TEST(DbCacheTest, StoredDatabaseLoadsBackAndScansTheSame) {
  TempDir dir("db_cache_test");
  ASSERT_FALSE(dir.path().empty());
  const DbCache cache(dir.path());
  auto original = SampleDatabase();
  ASSERT_NE(original, nullptr);
  ASSERT_TRUE(cache.Store(kKey, original->db()).ok());

  HsDatabasePtr loaded = cache.Load(kKey);
  ASSERT_NE(loaded, nullptr);
  const std::string text = "du biodman, du dumbatz";
  EXPECT_THAT(ScanRaw(loaded.get(), text), ElementsAre(std::pair(1u, 10ull), std::pair(0u, 22ull)));
  EXPECT_EQ(ScanRaw(loaded.get(), text), ScanRaw(original->db(), text));
  // Another key is still a miss.
  EXPECT_EQ(cache.Load("sha256:ffff"), nullptr);
}

TEST(DbCacheTest, StoreLeavesNoTemporaryFilesBehind) {
  TempDir dir("db_cache_test");
  ASSERT_FALSE(dir.path().empty());
  auto db = SampleDatabase();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(DbCache(dir.path()).Store(kKey, db->db()).ok());
  EXPECT_EQ(FilesIn(dir.path()).size(), 1u);
}

TEST(DbCacheTest, CorruptEntryIsIgnoredRatherThanLoaded) {
  auto db = SampleDatabase();
  ASSERT_NE(db, nullptr);
  const struct {
    const char* name;
    // Turns the bytes of a valid entry into a damaged one.
    std::string (*damage)(const std::string& valid);
  } kDamages[] = {
      {"garbage", [](const std::string&) { return std::string("this is not a database"); }},
      {"empty file", [](const std::string&) { return std::string(); }},
      {"truncated to half", [](const std::string& v) { return v.substr(0, v.size() / 2); }},
      {"truncated by one byte", [](const std::string& v) { return v.substr(0, v.size() - 1); }},
      {"header only", [](const std::string& v) { return v.substr(0, 16); }},
  };
  for (const auto& damage : kDamages) {
    SCOPED_TRACE(damage.name);
    TempDir dir("db_cache_test");
    ASSERT_FALSE(dir.path().empty());
    const DbCache cache(dir.path());
    ASSERT_TRUE(cache.Store(kKey, db->db()).ok());
    const std::vector<fs::path> files = FilesIn(dir.path());
    ASSERT_EQ(files.size(), 1u);
    std::string valid;
    {
      std::ifstream in(files[0], std::ios::binary);
      valid.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    ASSERT_FALSE(valid.empty());
    {
      std::ofstream out(files[0], std::ios::binary | std::ios::trunc);
      out << damage.damage(valid);
    }
    EXPECT_EQ(cache.Load(kKey), nullptr);
  }
}

TEST(DbCacheTest, DirectoryIsCreatedOnFirstStore) {
  TempDir parent("db_cache_test");
  ASSERT_FALSE(parent.path().empty());
  const std::string dir = parent.path() + "/nested/cache";
  const DbCache cache(dir);
  EXPECT_EQ(cache.Load(kKey), nullptr);
  EXPECT_FALSE(fs::exists(dir)) << "Load must not create the directory";

  auto db = SampleDatabase();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(cache.Store(kKey, db->db()).ok());
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_NE(cache.Load(kKey), nullptr);
}

TEST(DbCacheTest, StoreReportsAnUnusableDirectory) {
  TempDir parent("db_cache_test");
  ASSERT_FALSE(parent.path().empty());
  // A regular file where the directory should be.
  const std::string blocker = parent.path() + "/file";
  { std::ofstream(blocker) << "x"; }
  auto db = SampleDatabase();
  ASSERT_NE(db, nullptr);
  const DbCache cache(blocker + "/cache");
  EXPECT_FALSE(cache.Store(kKey, db->db()).ok());
  EXPECT_EQ(cache.Load(kKey), nullptr);
}

}  // namespace
}  // namespace moderation::match
