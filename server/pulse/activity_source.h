// The engine's ActivitySource (engine/activity.h) for one request, backed by
// the pulse: a post's multi-posting counts come from its community's recent
// posts, and the post is remembered for the next ones.
//
// Why: rule conditions such as `duplicates_recent_at_least: 3` need memory
// the stateless engine does not have. The server builds one of these on the
// stack per post and hands it to Evaluate, then tells the pulse whether the
// post copied someone (for the raid test).
//
//   PulseActivitySource source(&pulse, created_at);
//   auto decision = set->Evaluate(post, &source);
//   event.copies_another = source.CopiesAnother();
//   event.observed = source.observed_post();   // Record skips the lookups
//
// Thread-safety: one per request and thread; the Pulse is thread-safe.
#ifndef MODERATION_SERVER_PULSE_ACTIVITY_SOURCE_H_
#define MODERATION_SERVER_PULSE_ACTIVITY_SOURCE_H_

#include <optional>

#include "absl/time/time.h"
#include "engine/activity.h"
#include "server/pulse/pulse.h"

namespace moderation::server::pulse {

class PulseActivitySource final : public ActivitySource {
 public:
  // pulse must outlive this; created_at is the post's time, if the
  // request gave one (replays move their clock with it).
  PulseActivitySource(Pulse* pulse, std::optional<absl::Time> created_at)
      : pulse_(pulse), created_at_(created_at) {}

  Activity Observe(const Post& post, uint64_t fingerprint) override {
    observed_ = pulse_->ObserveActivity(post.community, post.author.id, fingerprint, created_at_,
                                        &observed_post_);
    return observed_;
  }

  // What Observe returned (all unset if Evaluate failed before it).
  const Activity& observed() const { return observed_; }
  // Where it was counted, for the post's PulseEvent::observed.
  const ObservedPost* observed_post() const {
    return observed_post_.state != nullptr ? &observed_post_ : nullptr;
  }
  // A near-duplicate of another author's recent post.
  bool CopiesAnother() const {
    return observed_.duplicates_recent.value_or(1) > observed_.author_duplicates_recent.value_or(1);
  }

 private:
  Pulse* const pulse_;
  const std::optional<absl::Time> created_at_;
  Activity observed_;
  ObservedPost observed_post_;
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_ACTIVITY_SOURCE_H_
