#include "engine/match/scratch.h"

#include <array>
#include <atomic>

namespace moderation::match {
namespace {

std::atomic<uint64_t> next_generation{1};

// The per-thread cache: a tiny array with least-recently-used eviction. A
// thread sees one prototype per published catalog (however many communities
// it has), two during a reload, plus the occasional set compiled on its own;
// LRU keeps the published catalog's clone while those come and go.
struct ThreadScratchCache {
  struct Entry {
    uint64_t generation = 0;  // 0: empty
    uint64_t last_use = 0;
    HsScratchPtr scratch;
    std::weak_ptr<const bool> prototype_alive;
  };
  std::array<Entry, kThreadCacheSize> entries;
  uint64_t clock = 0;
};

using Entry = ThreadScratchCache::Entry;

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
  ++cache.clock;
  Entry* victim = &cache.entries[0];
  for (Entry& entry : cache.entries) {
    if (entry.generation == generation_) {
      entry.last_use = cache.clock;
      return entry.scratch.get();
    }
    if (entry.generation != 0 && entry.prototype_alive.expired()) entry = Entry();
    if (entry.last_use < victim->last_use) victim = &entry;
  }
  hs_scratch_t* clone = nullptr;
  if (hs_error_t err = hs_clone_scratch(prototype_.get(), &clone); err != HS_SUCCESS) {
    return HsError("hs_clone_scratch", err);
  }
  victim->generation = generation_;
  victim->last_use = cache.clock;
  victim->scratch.reset(clone);
  victim->prototype_alive = alive_;
  return clone;
}

}  // namespace moderation::match
