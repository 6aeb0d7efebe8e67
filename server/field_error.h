// A request error that names the field it blames, as a path ("post.body",
// "requests[3].post.author.id"), carried beside the message rather than only
// inside it.
//
// Why: the handlers answer per post (ModerateBatch, ModerateStream) and must
// tell a client which field to fix, while a failure that is not about a field
// (no rules loaded, HS_NOMEM while scanning, too many posts in flight) must
// blame none. The path is built by the caller that knows where the post sits
// in its request (PostFromProto's `path`), stored as an absl::Status payload,
// and read back in one place (status_mapping.h) into PostError.field. Nothing
// parses messages to find a path.
//
//   absl::Status s = FieldError(absl::StatusCode::kInvalidArgument, "requests[3].post.body",
//                               "not valid UTF-8 at byte 7");
//   s.message();       // "requests[3].post.body: not valid UTF-8 at byte 7"
//   FieldPathOf(s);    // "requests[3].post.body"
//   FieldPathOf(absl::InternalError("hs_scan: HS_NOMEM"));  // ""
//
// Thread-safety: pure functions.
#ifndef MODERATION_SERVER_FIELD_ERROR_H_
#define MODERATION_SERVER_FIELD_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace moderation::server {

// `code` with the message "<path>: <what>" and `path` as the blamed field.
absl::Status FieldError(absl::StatusCode code, absl::string_view path, absl::string_view what);

// Shorthand for the common case, INVALID_ARGUMENT.
absl::Status InvalidField(absl::string_view path, absl::string_view what);

// The path of the field `status` blames, or "" when it blames none (OK, or
// a status not made by FieldError).
std::string FieldPathOf(const absl::Status& status);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_FIELD_ERROR_H_
