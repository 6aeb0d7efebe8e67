// An on-disk cache of compiled Hyperscan databases, keyed by content hash.
//
// Why: compiling 50,000 terms takes seconds; deserialising the same database
// takes milliseconds (DESIGN §7). Rspamd caches its Hyperscan databases the
// same way. The key covers everything that was compiled (patterns, flags,
// Hyperscan version), so a stale entry can never be used for other rules.
// An entry also records which patterns Hyperscan rejected and why, so a rule
// set with one pattern Hyperscan cannot take (RE2 runs it) loads as fast as
// one without: the rejections are part of the compile's outcome, and without
// them a cached database would hide its fallbacks.
// Entries are written to a temporary file and renamed, so a crash never
// leaves a torn entry; an unreadable, damaged or older-format entry is a miss
// (the caller recompiles and overwrites it), never a crash or a database for
// other patterns.
//
//   DbCache cache("/var/cache/moderation");
//   HsDatabasePtr db = cache.Load(key);          // null on a miss
//   if (!db) { db = Compile(...); cache.Store(key, db.get()); }
//
//   std::optional<DbCacheEntry> hit = cache.LoadEntry(key);  // with rejections
//   cache.StoreEntry(key, db.get(), {{3, "Unsupported ..."}});
//
// Thread-safety: Load and Store may be called concurrently (they only touch
// distinct temporary files and rename atomically).
#ifndef MODERATION_ENGINE_MATCH_DB_CACHE_H_
#define MODERATION_ENGINE_MATCH_DB_CACHE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/match/hyperscan_db.h"

namespace moderation::match {

// A pattern Hyperscan rejected when the cached database was compiled: its
// id (index in the compiled list) and Hyperscan's message.
struct CachedRejection {
  uint32_t id = 0;
  std::string reason;

  friend bool operator==(const CachedRejection&, const CachedRejection&) = default;
};

// What a cache entry holds. db is null only when Hyperscan rejected every
// pattern (rejected then names them all).
struct DbCacheEntry {
  HsDatabasePtr db;
  std::vector<CachedRejection> rejected;
};

class DbCache {
 public:
  // Layout version of an entry file. 1 was a bare hs_serialize_database
  // image; 2 adds a header with the key and the rejections (db_cache.cc).
  static constexpr uint32_t kFormatVersion = 2;

  // An empty directory disables the cache (Load misses, Store does nothing).
  // The directory is created on first Store.
  explicit DbCache(std::string directory);

  // The entry stored under key, or nullopt on a miss or an unusable entry.
  std::optional<DbCacheEntry> LoadEntry(const std::string& key) const;

  // Serialises db and the rejections under key. db may be null only if
  // rejected is not empty (nothing is stored for null and none). Failures
  // are returned but harmless: the caller keeps its compiled database.
  absl::Status StoreEntry(const std::string& key, const hs_database_t* db,
                          const std::vector<CachedRejection>& rejected) const;

  // The database stored under key without rejections, or null.
  HsDatabasePtr Load(const std::string& key) const;

  // StoreEntry without rejections; does nothing for a null db.
  absl::Status Store(const std::string& key, const hs_database_t* db) const;

  bool enabled() const { return !directory_.empty(); }
  const std::string& directory() const { return directory_; }

 private:
  std::string PathFor(const std::string& key) const;

  const std::string directory_;
};

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_DB_CACHE_H_
