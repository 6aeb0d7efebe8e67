// The last good rule files of each community, kept in the cache directory.
//
// Why: a rule set that is broken at startup must not leave its communities
// without rules when they were served fine before the restart. After every
// load, the registry saves the source files of each community whose rules
// loaded cleanly; at startup, a community whose rules are broken is built
// from its saved files instead. Its Hyperscan databases are in the database
// cache under the same content hash, so this costs milliseconds, not a
// compile.
//
// Layout: <cache_dir>/last_good/<community>.json (the default community as
// "@default.json"; community ids cannot contain '@'), each holding
// {"community", "files": [{"name", "content"}]}. Written atomically
// (temporary file, then rename), so a crash never leaves half a file.
//
//   LastGoodStore store("/var/cache/moderation");
//   store.Save("news-de", catalog->FilesFor("news-de"));
//   std::optional<std::vector<rules::SourceFile>> files = store.Load("news-de");
//
// Thread-safety: not thread-safe; the registry calls it under its reload
// lock.
#ifndef MODERATION_SERVER_LAST_GOOD_STORE_H_
#define MODERATION_SERVER_LAST_GOOD_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/rules/sources.h"

namespace moderation::server {

class LastGoodStore {
 public:
  // `cache_dir` "" disables the store: Save does nothing, Load finds nothing.
  explicit LastGoodStore(std::string cache_dir);

  bool enabled() const { return !dir_.empty(); }

  // Records `files` as the community's last good rules; skips the write when
  // they are already stored. An error (unwritable directory) is returned for
  // the log; serving goes on without it.
  absl::Status Save(const std::string& community, const std::vector<rules::SourceFile>& files);

  // The community's last good files, or nullopt if none (or unreadable).
  std::optional<std::vector<rules::SourceFile>> Load(const std::string& community) const;

  // Every community with saved files ("" for the default).
  std::vector<std::string> Communities() const;

 private:
  std::string PathFor(const std::string& community) const;

  const std::string dir_;  // <cache_dir>/last_good, or ""
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_LAST_GOOD_STORE_H_
