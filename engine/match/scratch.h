// Per-thread Hyperscan scratch space for a group of databases.
//
// Why: scratch must never be shared between threads (DESIGN, STYLE), and
// scratch must be sized for every database it scans. A ScratchPrototype is
// allocated once for a group of databases: hs_alloc_scratch grows one scratch
// until it fits all of them. A catalog sizes one prototype for the databases
// of all its compiled sets (one set per community combination), so a thread
// serving every community of the published catalog needs a single scratch,
// however many combinations there are; a set compiled on its own (TestPost,
// modctl, tests) has its own prototype.
//
// Each thread holds one clone, of the prototype it used last. The prototype
// owns its clones: a thread that moves on to another prototype (a reload
// published a new catalog, or a TestPost set came by) hands its clone back to
// the old prototype for the next thread that needs one, and when a catalog is
// released its clones go with it, also those of threads that never served
// again. So memory is one scratch per thread that serves, plus the clones of
// a catalog still held by requests in flight; nothing stale stays behind in
// idle threads.
//
//   absl::StatusOr<ScratchPrototype> proto = ScratchPrototype::Create({db1, db2});
//   absl::StatusOr<hs_scratch_t*> scratch = proto->ForThisThread();
//
// Thread-safety: a ScratchPrototype is immutable after Create; ForThisThread
// may be called from any thread and returns scratch that only this thread
// uses. Lifecycle: the returned pointer stays valid while the prototype
// lives and until the same thread calls ForThisThread on another prototype.
// A thread that keeps to one prototype takes no lock; moving to another
// takes the two prototypes' mutexes once, and clones only when no clone is
// free.
#ifndef MODERATION_ENGINE_MATCH_SCRATCH_H_
#define MODERATION_ENGINE_MATCH_SCRATCH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/match/hyperscan_db.h"

namespace moderation::match {

namespace internal {
class ScratchPool;  // the prototype's scratch and its clones (scratch.cc)
}  // namespace internal

class ScratchPrototype {
 public:
  // Allocates scratch valid for every non-null database in dbs.
  static absl::StatusOr<ScratchPrototype> Create(const std::vector<const hs_database_t*>& dbs);

  // An empty prototype: ForThisThread returns null.
  ScratchPrototype() = default;
  // Movable; not copyable: the clones belong to one prototype.
  ScratchPrototype(ScratchPrototype&&) = default;
  ScratchPrototype& operator=(ScratchPrototype&&) = default;

  // This thread's clone; null (and OK) when there were no databases.
  absl::StatusOr<hs_scratch_t*> ForThisThread() const;

  uint64_t generation() const { return generation_; }

  // How many clones this prototype has made: at most the number of threads
  // that held one at the same time.
  size_t clone_count() const;

 private:
  ScratchPrototype(std::shared_ptr<internal::ScratchPool> pool, uint64_t generation)
      : pool_(std::move(pool)), generation_(generation) {}

  // Shared with the threads' slots only weakly: they hand clones back while
  // it lives, and forget them once it is gone.
  std::shared_ptr<internal::ScratchPool> pool_;
  uint64_t generation_ = 0;
};

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_SCRATCH_H_
