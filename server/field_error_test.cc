// Field errors carry their path beside the message.
#include "server/field_error.h"

#include <gtest/gtest.h>

namespace moderation::server {
namespace {

TEST(FieldErrorTest, TheMessageStartsWithThePathAndThePathComesBackWhole) {
  const absl::Status status =
      FieldError(absl::StatusCode::kAlreadyExists, "requests[12].post.post_id", "sent twice");
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(status.message(), "requests[12].post.post_id: sent twice");
  EXPECT_EQ(FieldPathOf(status), "requests[12].post.post_id");
  EXPECT_EQ(InvalidField("post", "empty post").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldPathOf(InvalidField("post", "empty post")), "post");
}

TEST(FieldErrorTest, AStatusMadeElsewhereBlamesNoField) {
  EXPECT_EQ(FieldPathOf(absl::InternalError("post.body: looks like a path")), "");
  EXPECT_EQ(FieldPathOf(absl::OkStatus()), "");
}

}  // namespace
}  // namespace moderation::server
