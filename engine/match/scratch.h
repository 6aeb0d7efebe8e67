// Per-thread Hyperscan scratch space for a group of databases.
//
// Why: scratch must never be shared between threads (DESIGN, STYLE), and a new
// rule set needs scratch sized for its own databases. A ScratchPrototype is
// allocated once per compiled rule set, for all of its databases; each thread
// clones it on first use and keeps the clone in a small thread-local cache
// keyed by the prototype's unique generation number. When a new rule set is
// published, threads clone its prototype the first time they see it; clones
// of retired sets fall out of the cache (it holds kThreadCacheSize entries).
//
//   absl::StatusOr<ScratchPrototype> proto = ScratchPrototype::Create({db1, db2});
//   absl::StatusOr<hs_scratch_t*> scratch = proto->ForThisThread();
//
// Thread-safety: a ScratchPrototype is immutable after Create; ForThisThread
// may be called from any thread and returns scratch owned by that thread. The
// returned pointer stays valid until the same thread calls ForThisThread for
// kThreadCacheSize other prototypes.
#ifndef MODERATION_ENGINE_MATCH_SCRATCH_H_
#define MODERATION_ENGINE_MATCH_SCRATCH_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/match/hyperscan_db.h"

namespace moderation::match {

inline constexpr int kThreadCacheSize = 4;

class ScratchPrototype {
 public:
  // Allocates scratch valid for every non-null database in dbs.
  static absl::StatusOr<ScratchPrototype> Create(const std::vector<const hs_database_t*>& dbs);

  // An empty prototype: ForThisThread returns null.
  ScratchPrototype() = default;
  ScratchPrototype(ScratchPrototype&&) = default;
  ScratchPrototype& operator=(ScratchPrototype&&) = default;

  // This thread's clone; null (and OK) when there were no databases.
  absl::StatusOr<hs_scratch_t*> ForThisThread() const;

  uint64_t generation() const { return generation_; }

 private:
  ScratchPrototype(HsScratchPtr prototype, uint64_t generation)
      : prototype_(std::move(prototype)), generation_(generation) {}

  HsScratchPtr prototype_;
  uint64_t generation_ = 0;
};

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_SCRATCH_H_
