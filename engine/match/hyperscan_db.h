// RAII ownership of Hyperscan databases and scratch, and error text.
//
// Why: Hyperscan is a C API. Wrapping hs_database_t and hs_scratch_t in
// unique_ptr with custom deleters (as ClickHouse and Rspamd do) means no path
// can leak them or free them twice.
//
// Thread-safety: a compiled hs_database_t is immutable and may be scanned from
// many threads at once; an hs_scratch_t may be used by one thread at a time.
#ifndef MODERATION_ENGINE_MATCH_HYPERSCAN_DB_H_
#define MODERATION_ENGINE_MATCH_HYPERSCAN_DB_H_

#include <hs/hs.h>

#include <memory>
#include <string>

#include "absl/status/status.h"

namespace moderation::match {

struct HsDatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
struct HsScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
struct HsCompileErrorDeleter {
  void operator()(hs_compile_error_t* e) const { hs_free_compile_error(e); }
};

using HsDatabasePtr = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;
using HsScratchPtr = std::unique_ptr<hs_scratch_t, HsScratchDeleter>;
using HsCompileErrorPtr = std::unique_ptr<hs_compile_error_t, HsCompileErrorDeleter>;

// A readable name for a Hyperscan error code ("HS_NOMEM", ...).
const char* HsErrorName(hs_error_t err);

// An error naming the failed call, e.g. "hs_scan: HS_INVALID": INTERNAL, or
// RESOURCE_EXHAUSTED for HS_NOMEM (the allocator failed, not our logic).
absl::Status HsError(const char* call, hs_error_t err);

// Bytes used by a compiled database, or 0 for null.
size_t HsDatabaseBytes(const hs_database_t* db);

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_HYPERSCAN_DB_H_
