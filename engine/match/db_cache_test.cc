#include "engine/match/db_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
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
const std::vector<CachedRejection> kNoRejections;

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

// The bytes of the one entry in dir.
std::string ReadOnlyEntry(const std::string& dir, fs::path* path) {
  const std::vector<fs::path> files = FilesIn(dir);
  EXPECT_EQ(files.size(), 1u);
  if (files.size() != 1) return "";
  *path = files[0];
  std::ifstream in(files[0], std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string FlipByteAt(std::string bytes, size_t at) {
  if (at < bytes.size()) bytes[at] ^= 0x01;
  return bytes;
}

// Flips the byte `delta` after the last occurrence of needle; unchanged if
// needle does not occur.
std::string FlipNear(const std::string& bytes, const std::string& needle, ptrdiff_t delta) {
  const size_t at = bytes.rfind(needle);
  if (at == std::string::npos) return bytes;
  return FlipByteAt(bytes, static_cast<size_t>(static_cast<ptrdiff_t>(at) + delta));
}

const std::vector<CachedRejection> kRejections = {
    {2, "Unrecognised character after (?"},
    {5, "Dollar anchor \xE2\x80\x94 not at the end"},  // non-ASCII reason
    {7, ""},
};

TEST(DbCacheTest, CorruptEntryIsIgnoredRatherThanLoaded) {
  auto db = SampleDatabase();
  ASSERT_NE(db, nullptr);
  constexpr size_t kVersionOffset = 8;  // after the 8-byte magic
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
      {"one byte appended", [](const std::string& v) { return v + '\0'; }},
      {"magic damaged", [](const std::string& v) { return FlipByteAt(v, 0); }},
      {"older format version",
       [](const std::string& v) {
         std::string d = v;
         d[kVersionOffset] = 1;
         return d;
       }},
      {"newer format version", [](const std::string& v) { return FlipByteAt(v, kVersionOffset); }},
      {"key damaged", [](const std::string& v) { return FlipNear(v, "0123456789abcdef", 3); }},
      // An id is followed by its reason's size, then the reason.
      {"rejection id damaged",
       [](const std::string& v) { return FlipNear(v, "Unrecognised", -8); }},
      {"rejection reason damaged",
       [](const std::string& v) { return FlipNear(v, "Unrecognised", 3); }},
      // The digest is the last "sha256:" (the key is the first).
      {"digest damaged", [](const std::string& v) { return FlipNear(v, "sha256:", 9); }},
      // Inside the bytecode, which Hyperscan's CRC covers (the end of the
      // image is padding that Hyperscan never reads).
      {"database bytecode damaged",
       [](const std::string& v) {
         const size_t image = v.rfind("sha256:") + 71;
         return FlipByteAt(v, image + (v.size() - image) / 2);
       }},
  };
  for (const bool with_rejections : {false, true}) {
    for (const auto& damage : kDamages) {
      SCOPED_TRACE(::testing::Message()
                   << damage.name << (with_rejections ? ", with rejections" : ""));
      TempDir dir("db_cache_test");
      ASSERT_FALSE(dir.path().empty());
      const DbCache cache(dir.path());
      ASSERT_TRUE(
          cache.StoreEntry(kKey, db->db(), with_rejections ? kRejections : kNoRejections).ok());
      fs::path path;
      const std::string valid = ReadOnlyEntry(dir.path(), &path);
      ASSERT_FALSE(valid.empty());
      const std::string damaged = damage.damage(valid);
      if (damaged == valid) {
        EXPECT_FALSE(with_rejections) << "only rejection damages may find nothing to damage";
        continue;
      }
      ASSERT_NE(damaged, valid);
      { std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged; }
      EXPECT_FALSE(cache.LoadEntry(kKey).has_value());
      EXPECT_EQ(cache.Load(kKey), nullptr);
    }
  }
}

// Format 1 was the bare hs_serialize_database image. Such an entry (left by
// an older release under the same key) is a miss, and the next Store
// replaces it.
TEST(DbCacheTest, OldFormatEntryIsAMissAndIsReplacedByTheNextStore) {
  auto db = SampleDatabase();
  ASSERT_NE(db, nullptr);
  TempDir dir("db_cache_test");
  ASSERT_FALSE(dir.path().empty());
  const DbCache cache(dir.path());
  ASSERT_TRUE(cache.Store(kKey, db->db()).ok());
  fs::path path;
  ASSERT_FALSE(ReadOnlyEntry(dir.path(), &path).empty());
  char* raw = nullptr;
  size_t length = 0;
  ASSERT_EQ(hs_serialize_database(db->db(), &raw, &length), HS_SUCCESS);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(raw, static_cast<std::streamsize>(length));
  }
  std::free(raw);
  EXPECT_EQ(cache.Load(kKey), nullptr);
  EXPECT_FALSE(cache.LoadEntry(kKey).has_value());

  ASSERT_TRUE(cache.Store(kKey, db->db()).ok());
  HsDatabasePtr loaded = cache.Load(kKey);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(ScanRaw(loaded.get(), "biodman"), ScanRaw(db->db(), "biodman"));
}

TEST(DbCacheTest, EntryKeepsItsRejections) {
  auto db = SampleDatabase();
  ASSERT_NE(db, nullptr);
  const struct {
    const char* name;
    bool with_database;
    std::vector<CachedRejection> rejected;
  } kCases[] = {
      {"no rejections", true, {}},
      {"one rejection", true, {{1, "Unrecognised character after (?"}}},
      {"several, non-ASCII and empty reasons", true, kRejections},
      {"every pattern rejected, no database", false, {{0, "a"}, {1, "b"}}},
  };
  for (const auto& tc : kCases) {
    SCOPED_TRACE(tc.name);
    TempDir dir("db_cache_test");
    ASSERT_FALSE(dir.path().empty());
    const DbCache cache(dir.path());
    ASSERT_TRUE(cache.StoreEntry(kKey, tc.with_database ? db->db() : nullptr, tc.rejected).ok());
    std::optional<DbCacheEntry> entry = cache.LoadEntry(kKey);
    ASSERT_TRUE(entry.has_value());
    EXPECT_EQ(entry->rejected, tc.rejected);
    ASSERT_EQ(entry->db != nullptr, tc.with_database);
    if (tc.with_database) {
      EXPECT_EQ(ScanRaw(entry->db.get(), "du biodman, du dumbatz"),
                ScanRaw(db->db(), "du biodman, du dumbatz"));
    }
    // Load, for callers without rejections, takes only an entry without any.
    EXPECT_EQ(cache.Load(kKey) != nullptr, tc.rejected.empty());
    EXPECT_FALSE(cache.LoadEntry("sha256:ffff").has_value());
  }
}

TEST(DbCacheTest, NothingIsStoredForNoDatabaseAndNoRejections) {
  TempDir dir("db_cache_test");
  ASSERT_FALSE(dir.path().empty());
  const DbCache cache(dir.path());
  EXPECT_TRUE(cache.StoreEntry(kKey, nullptr, {}).ok());
  EXPECT_TRUE(cache.Store(kKey, nullptr).ok());
  EXPECT_FALSE(cache.LoadEntry(kKey).has_value());
  EXPECT_FALSE(fs::exists(dir.path()) && !FilesIn(dir.path()).empty());
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
