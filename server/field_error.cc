#include "server/field_error.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace moderation::server {
namespace {

// The payload's type URL: a name of ours, never resolved.
constexpr absl::string_view kFieldPathUrl = "moderation.v1/field_path";

}  // namespace

absl::Status FieldError(absl::StatusCode code, absl::string_view path, absl::string_view what) {
  absl::Status status(code, absl::StrCat(path, ": ", what));
  status.SetPayload(kFieldPathUrl, absl::Cord(path));
  return status;
}

absl::Status InvalidField(absl::string_view path, absl::string_view what) {
  return FieldError(absl::StatusCode::kInvalidArgument, path, what);
}

std::string FieldPathOf(const absl::Status& status) {
  absl::optional<absl::Cord> path = status.GetPayload(kFieldPathUrl);
  return path.has_value() ? std::string(*path) : std::string();
}

}  // namespace moderation::server
