#include "engine/match/scratch.h"

#include <array>
#include <atomic>

namespace moderation::match {
namespace {

std::atomic<uint64_t> next_generation{1};

// The per-thread cache: a tiny round-robin array, since a thread sees at most
// a couple of live rule sets at once (the current one and, during a reload,
// the previous one).
struct ThreadScratchCache {
  struct Entry {
    uint64_t generation = 0;
    HsScratchPtr scratch;
  };
  std::array<Entry, kThreadCacheSize> entries;
  int next_victim = 0;
};

thread_local ThreadScratchCache thread_cache;

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
  return ScratchPrototype(HsScratchPtr(scratch), next_generation.fetch_add(1));
}

absl::StatusOr<hs_scratch_t*> ScratchPrototype::ForThisThread() const {
  if (prototype_ == nullptr) return nullptr;
  ThreadScratchCache& cache = thread_cache;
  for (auto& entry : cache.entries) {
    if (entry.generation == generation_) return entry.scratch.get();
  }
  hs_scratch_t* clone = nullptr;
  if (hs_error_t err = hs_clone_scratch(prototype_.get(), &clone); err != HS_SUCCESS) {
    return HsError("hs_clone_scratch", err);
  }
  auto& victim = cache.entries[cache.next_victim];
  cache.next_victim = (cache.next_victim + 1) % kThreadCacheSize;
  victim.generation = generation_;
  victim.scratch.reset(clone);
  return clone;
}

}  // namespace moderation::match
