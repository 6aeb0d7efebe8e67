#include "engine/match/scratch.h"

#include <atomic>
#include <mutex>

namespace moderation::match {
namespace internal {

// The prototype's scratch and every clone made from it. Clones live as long
// as the pool; idle ones wait for the next thread that needs one.
class ScratchPool {
 public:
  explicit ScratchPool(HsScratchPtr prototype) : prototype_(std::move(prototype)) {}

  // A clone for one thread: an idle one, or a new one.
  absl::StatusOr<hs_scratch_t*> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      hs_scratch_t* clone = idle_.back();
      idle_.pop_back();
      return clone;
    }
    hs_scratch_t* clone = nullptr;
    if (hs_error_t err = hs_clone_scratch(prototype_.get(), &clone); err != HS_SUCCESS) {
      return HsError("hs_clone_scratch", err);
    }
    clones_.emplace_back(clone);
    return clone;
  }

  // A thread is done with `clone` (it moved on, or it ends).
  void Give(hs_scratch_t* clone) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(clone);
  }

  size_t clone_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return clones_.size();
  }

 private:
  const HsScratchPtr prototype_;
  // Guards the two lists; taken only when a thread changes prototypes.
  mutable std::mutex mu_;
  std::vector<HsScratchPtr> clones_;  // every clone made; freed with the pool
  std::vector<hs_scratch_t*> idle_;   // clones no thread holds
};

}  // namespace internal

namespace {

using internal::ScratchPool;

std::atomic<uint64_t> next_generation{1};

// The clone a thread holds, of the prototype it used last. The pool owns the
// clone; the slot only borrows it, so a released catalog frees its clones
// even in threads that never come back.
struct ThreadSlot {
  uint64_t generation = 0;  // 0: none; generations are never reused
  hs_scratch_t* scratch = nullptr;
  std::weak_ptr<ScratchPool> pool;

  // Hands the clone back to its pool, if the pool is still there (else the
  // pool has freed it).
  void Release() {
    if (std::shared_ptr<ScratchPool> owner = pool.lock()) owner->Give(scratch);
    generation = 0;
    scratch = nullptr;
    pool.reset();
  }
  ~ThreadSlot() { Release(); }
};

thread_local ThreadSlot thread_slot;

}  // namespace

absl::StatusOr<ScratchPrototype> ScratchPrototype::Create(
    const std::vector<const hs_database_t*>& dbs) {
  hs_scratch_t* scratch = nullptr;
  for (const hs_database_t* db : dbs) {
    if (db == nullptr) continue;
    // hs_alloc_scratch grows an existing scratch so it also fits `db`.
    if (hs_error_t err = hs_alloc_scratch(db, &scratch); err != HS_SUCCESS) {
      HsScratchPtr cleanup(scratch);
      return HsError("hs_alloc_scratch", err);
    }
  }
  if (scratch == nullptr) return ScratchPrototype();
  return ScratchPrototype(std::make_shared<ScratchPool>(HsScratchPtr(scratch)),
                          next_generation.fetch_add(1));
}

absl::StatusOr<hs_scratch_t*> ScratchPrototype::ForThisThread() const {
  if (pool_ == nullptr) return nullptr;
  ThreadSlot& slot = thread_slot;
  // The caller holds this prototype, so a matching generation means the
  // slot's clone is still alive.
  if (slot.generation == generation_) return slot.scratch;
  slot.Release();
  absl::StatusOr<hs_scratch_t*> clone = pool_->Take();
  if (!clone.ok()) return clone.status();
  slot.generation = generation_;
  slot.scratch = *clone;
  slot.pool = pool_;
  return *clone;
}

size_t ScratchPrototype::clone_count() const { return pool_ == nullptr ? 0 : pool_->clone_count(); }

}  // namespace moderation::match
