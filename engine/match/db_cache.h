// An on-disk cache of compiled Hyperscan databases, keyed by content hash.
//
// Why: compiling 50,000 terms takes seconds; deserialising the same database
// takes milliseconds (DESIGN §7). Rspamd caches its Hyperscan databases the
// same way. The key covers everything that was compiled (patterns, flags,
// Hyperscan version), so a stale entry can never be used for other rules.
// Entries are written to a temporary file and renamed, so a crash never
// leaves a torn entry; an unreadable or incompatible entry is ignored and
// recompiled.
//
//   DbCache cache("/var/cache/moderation");
//   HsDatabasePtr db = cache.Load(key);          // null on a miss
//   if (!db) { db = Compile(...); cache.Store(key, db.get()); }
//
// Thread-safety: Load and Store may be called concurrently (they only touch
// distinct temporary files and rename atomically).
#ifndef MODERATION_ENGINE_MATCH_DB_CACHE_H_
#define MODERATION_ENGINE_MATCH_DB_CACHE_H_

#include <string>

#include "absl/status/status.h"
#include "engine/match/hyperscan_db.h"

namespace moderation::match {

class DbCache {
 public:
  // An empty directory disables the cache (Load misses, Store does nothing).
  // The directory is created on first Store.
  explicit DbCache(std::string directory);

  // The database stored under key, or null on a miss or an unusable entry.
  HsDatabasePtr Load(const std::string& key) const;

  // Serialises db under key. Failures are returned but harmless: the caller
  // keeps its compiled database.
  absl::Status Store(const std::string& key, const hs_database_t* db) const;

  bool enabled() const { return !directory_.empty(); }
  const std::string& directory() const { return directory_; }

 private:
  std::string PathFor(const std::string& key) const;

  const std::string directory_;
};

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_DB_CACHE_H_
