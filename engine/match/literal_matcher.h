// A Hyperscan database of literal strings, scanned in one pass.
//
// Why: word lists reach Hyperscan as pure literals on the skeleton view.
// DESIGN §7 measured 10,000 words compiled as `\bWORD\b` regexes at 22-29 s
// and 293 MB, but as literals at 0.5 s. Boundary and compound checks happen in
// the caller, on the reported spans (see word_boundary.h).
//
//   DbCache cache("");
//   auto db = LiteralDatabase::Compile({"dumbatz", "biodman"}, cache);
//   (*db)->Scan("du dumbatz", scratch, [&](uint32_t id, size_t b, size_t e) {...});
//
// Thread-safety: immutable after Compile; Scan may run concurrently with
// distinct scratch (see scratch.h).
#ifndef MODERATION_ENGINE_MATCH_LITERAL_MATCHER_H_
#define MODERATION_ENGINE_MATCH_LITERAL_MATCHER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "engine/match/db_cache.h"
#include "engine/match/hyperscan_db.h"

namespace moderation::match {

// How a database came to be; reported by modctl and the benchmarks.
struct DbBuildInfo {
  bool from_cache = false;
  double seconds = 0;  // compile or cache-load time
  size_t bytes = 0;    // database size
};

class LiteralDatabase {
 public:
  // Compiles literals (each non-empty; the id of a literal is its index).
  // Duplicates are allowed and reported under each id. An empty list gives a
  // database that never matches.
  static absl::StatusOr<std::unique_ptr<const LiteralDatabase>> Compile(
      const std::vector<std::string>& literals, const DbCache& cache);

  LiteralDatabase(const LiteralDatabase&) = delete;
  LiteralDatabase& operator=(const LiteralDatabase&) = delete;

  // Reports every occurrence, overlapping ones included, ordered by end.
  absl::Status Scan(std::string_view text, hs_scratch_t* scratch,
                    absl::FunctionRef<void(uint32_t id, size_t begin, size_t end)> on_match) const;

  const hs_database_t* db() const { return db_.get(); }
  const DbBuildInfo& build_info() const { return build_info_; }

 private:
  LiteralDatabase(HsDatabasePtr db, std::vector<uint32_t> lengths, DbBuildInfo info)
      : db_(std::move(db)), lengths_(std::move(lengths)), build_info_(info) {}

  HsDatabasePtr db_;               // null when there are no literals
  std::vector<uint32_t> lengths_;  // per id, to compute match starts
  DbBuildInfo build_info_;
};

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_LITERAL_MATCHER_H_
