// Per-thread Hyperscan scratch space for a group of databases.
//
// Why: scratch must never be shared between threads (DESIGN, STYLE), and
// scratch must be sized for every database it scans. A ScratchPrototype is
// allocated once for a group of databases: hs_alloc_scratch grows one scratch
// until it fits all of them. A catalog sizes one prototype for the databases
// of all its compiled sets (one set per community combination), so a thread
// serving every community of the published catalog needs a single scratch;
// a set compiled on its own (TestPost, modctl, tests) has its own prototype.
//
// Each thread clones a prototype on first use and keeps the clone in a small
// thread-local cache keyed by the prototype's unique generation number. The
// cache holds kThreadCacheSize clones: the published catalog's, the previous
// catalog's while requests started before a reload finish, and a few sets
// compiled on their own; the least recently used clone makes room. A clone
// whose prototype is gone (its catalog was replaced and released) is freed
// the next time its thread asks for scratch, so clones of old catalogs do
// not sit in every thread's cache until evicted.
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
#include <memory>
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
      : prototype_(std::move(prototype)),
        generation_(generation),
        alive_(std::make_shared<const bool>(true)) {}

  HsScratchPtr prototype_;
  uint64_t generation_ = 0;
  // Thread caches hold a weak_ptr to it: expired means the clones are stale.
  std::shared_ptr<const bool> alive_;
};

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_SCRATCH_H_
