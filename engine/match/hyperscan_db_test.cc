// Hyperscan errors become statuses whose code says whose fault they are.
#include "engine/match/hyperscan_db.h"

#include <gtest/gtest.h>

namespace moderation::match {
namespace {

TEST(HsErrorTest, OutOfMemoryIsResourceExhaustedAndEverythingElseInternal) {
  const struct {
    hs_error_t err;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {HS_NOMEM, absl::StatusCode::kResourceExhausted, "hs_clone_scratch: HS_NOMEM"},
      {HS_INVALID, absl::StatusCode::kInternal, "hs_clone_scratch: HS_INVALID"},
      {HS_SCRATCH_IN_USE, absl::StatusCode::kInternal, "hs_clone_scratch: HS_SCRATCH_IN_USE"},
      {HS_DB_MODE_ERROR, absl::StatusCode::kInternal, "hs_clone_scratch: HS_DB_MODE_ERROR"},
  };
  for (const auto& c : cases) {
    const absl::Status status = HsError("hs_clone_scratch", c.err);
    EXPECT_EQ(status.code(), c.code) << c.message;
    EXPECT_EQ(status.message(), c.message);
  }
}

}  // namespace
}  // namespace moderation::match
