#include "engine/match/hyperscan_db.h"

#include "absl/strings/str_cat.h"

namespace moderation::match {

const char* HsErrorName(hs_error_t err) {
  switch (err) {
    case HS_SUCCESS:
      return "HS_SUCCESS";
    case HS_INVALID:
      return "HS_INVALID";
    case HS_NOMEM:
      return "HS_NOMEM";
    case HS_SCAN_TERMINATED:
      return "HS_SCAN_TERMINATED";
    case HS_COMPILER_ERROR:
      return "HS_COMPILER_ERROR";
    case HS_DB_VERSION_ERROR:
      return "HS_DB_VERSION_ERROR";
    case HS_DB_PLATFORM_ERROR:
      return "HS_DB_PLATFORM_ERROR";
    case HS_DB_MODE_ERROR:
      return "HS_DB_MODE_ERROR";
    case HS_BAD_ALIGN:
      return "HS_BAD_ALIGN";
    case HS_BAD_ALLOC:
      return "HS_BAD_ALLOC";
    case HS_SCRATCH_IN_USE:
      return "HS_SCRATCH_IN_USE";
    case HS_ARCH_ERROR:
      return "HS_ARCH_ERROR";
    case HS_INSUFFICIENT_SPACE:
      return "HS_INSUFFICIENT_SPACE";
    case HS_UNKNOWN_ERROR:
      return "HS_UNKNOWN_ERROR";
    default:
      return "HS_ERROR";
  }
}

absl::Status HsError(const char* call, hs_error_t err) {
  std::string message = absl::StrCat(call, ": ", HsErrorName(err));
  // Out of memory is a load problem a client may retry elsewhere; every
  // other code is a bug of ours.
  if (err == HS_NOMEM) return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

size_t HsDatabaseBytes(const hs_database_t* db) {
  size_t size = 0;
  if (db != nullptr && hs_database_size(db, &size) != HS_SUCCESS) return 0;
  return size;
}

}  // namespace moderation::match
