// Where Evaluate gets the multi-posting counts of a post (issue 12 §1):
// near-duplicates in the community and the author's posting rate.
//
// Why: the engine is stateless, but `duplicates_recent_at_least` and
// `author_posts_last_minute_at_least` conditions need to know what was
// posted before. The server's pulse keeps that memory and implements this
// interface; Evaluate computes the post's fingerprint from the skeleton view
// it builds anyway (so the text is normalised once) and asks the source for
// the counts before any condition is tested.
//
//   class PulseActivity : public ActivitySource { ... };   // server side
//   PulseActivity source(...);
//   absl::StatusOr<Decision> d = set->Evaluate(post, &source);
//
// Without a source, Evaluate uses post.activity as given (rule examples,
// modctl, tests).
//
// Thread-safety: Evaluate calls Observe once per post, on the caller's
// thread; an implementation shared by threads must be thread-safe.
#ifndef MODERATION_ENGINE_ACTIVITY_H_
#define MODERATION_ENGINE_ACTIVITY_H_

#include <cstdint>

#include "engine/post/post.h"

namespace moderation {

class ActivitySource {
 public:
  virtual ~ActivitySource() = default;
  // Records the post (so later posts count it) and returns its counts,
  // this post included. `fingerprint` is text::NearDuplicateHasher's
  // (0: too short to compare). Called after the post passed validation.
  virtual Activity Observe(const Post& post, uint64_t fingerprint) = 0;
};

}  // namespace moderation

#endif  // MODERATION_ENGINE_ACTIVITY_H_
