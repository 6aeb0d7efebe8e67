// The engine's single entry point: judge a post for its community.
//
// Why: the server and modctl both resolve the community to its compiled rule
// set and evaluate; doing it in one place keeps their answers identical.
//
//   absl::StatusOr<Decision> d = Moderate(*catalog, post);
//   // NotFound: unknown community without a default;
//   // InvalidArgument: a field is not valid UTF-8 (the message names it).
//
// Thread-safety: safe to call concurrently on a shared catalog.
#ifndef MODERATION_ENGINE_MODERATOR_H_
#define MODERATION_ENGINE_MODERATOR_H_

#include "absl/status/statusor.h"
#include "engine/catalog.h"
#include "engine/decision.h"
#include "engine/post/post.h"

namespace moderation {

absl::StatusOr<Decision> Moderate(const RuleCatalog& catalog, const Post& post);

}  // namespace moderation

#endif  // MODERATION_ENGINE_MODERATOR_H_
