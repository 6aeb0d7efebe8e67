// absl::Status to gRPC: every code keeps its number and its message.
#include "server/status_mapping.h"

#include <gtest/gtest.h>

#include <string>

#include "server/field_error.h"

namespace moderation::server {
namespace {

TEST(StatusMappingTest, EveryCodeAndMessageReachesTheCallerUnchanged) {
  const struct {
    absl::Status status;
    grpc::StatusCode expected;
  } cases[] = {
      {absl::InvalidArgumentError("post.body: invalid UTF-8 at byte 3"),
       grpc::StatusCode::INVALID_ARGUMENT},
      {absl::NotFoundError("post.community: \"x\" is not in communities.yaml"),
       grpc::StatusCode::NOT_FOUND},
      {absl::UnavailableError("no rules to judge with yet"), grpc::StatusCode::UNAVAILABLE},
      {absl::ResourceExhaustedError("too many posts in flight"),
       grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::DeadlineExceededError("deadline passed"), grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::PermissionDeniedError("invalid admin token"), grpc::StatusCode::PERMISSION_DENIED},
      {absl::UnauthenticatedError("no admin token"), grpc::StatusCode::UNAUTHENTICATED},
      {absl::InternalError("hs_scan: HS_NOMEM"), grpc::StatusCode::INTERNAL},
  };
  for (const auto& c : cases) {
    const grpc::Status status = ToGrpcStatus(c.status);
    EXPECT_EQ(status.error_code(), c.expected) << c.status;
    EXPECT_EQ(status.error_message(), c.status.message());
    v1::PostError error;
    ToPostError(c.status, &error);
    EXPECT_EQ(error.code(), static_cast<int>(c.expected)) << c.status;
    EXPECT_EQ(error.message(), c.status.message());
  }
}

TEST(StatusMappingTest, APostErrorNamesTheBlamedFieldAndNoneForFailuresOfOurs) {
  const struct {
    absl::Status status;
    std::string field;
  } cases[] = {
      {InvalidField("requests[3].post.body", "invalid UTF-8 at byte 3"), "requests[3].post.body"},
      {FieldError(absl::StatusCode::kNotFound, "post.community", "\"x\" is not listed"),
       "post.community"},
      // The engine's own failures are no field's fault, even when their text
      // reads like a path.
      {absl::ResourceExhaustedError("hs_clone_scratch: HS_NOMEM"), ""},
      {absl::InternalError("post.community: hs_scan: HS_INVALID"), ""},
      {absl::UnavailableError("no rules to judge with yet"), ""},
  };
  for (const auto& c : cases) {
    v1::PostError error;
    ToPostError(c.status, &error);
    EXPECT_EQ(error.field(), c.field) << c.status;
    EXPECT_EQ(error.message(), c.status.message());
  }
}

TEST(StatusMappingTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(ToGrpcStatus(absl::OkStatus()).error_message(), "");
}

}  // namespace
}  // namespace moderation::server
