// One judged post as the pulse sees it.
//
// Why: the pulse needs a few facts of a decision (community, author, the
// verdict, its strongest category and rule, the shadow rules) and the
// thread, target and language fields of the request. Views only, so
// recording a post copies nothing it does not keep.
//
//   PulseEvent e = PulseEventFrom(post, decision);
//   e.thread_id = request.post().thread_id();
//   e.language = request.post().language();
//   pulse.Record(e);
//
// Thread-safety: a plain value; the views must outlive Record().
#ifndef MODERATION_SERVER_PULSE_EVENT_H_
#define MODERATION_SERVER_PULSE_EVENT_H_

#include <array>
#include <optional>
#include <string_view>

#include "absl/time/time.h"
#include "engine/decision.h"
#include "engine/post/post.h"
#include "server/pulse/bucket.h"
#include "server/pulse/community.h"

namespace moderation::server::pulse {

class CommunityState;

// Where Pulse::ObserveActivity counted a post (its community's state, the
// author's hash, the minute), so that the post's Record need not look the
// community up, hash the author or read the clock again. Only the Pulse
// reads it; a state erased in between (generation changed) is looked up
// again.
struct ObservedPost {
  CommunityState* state = nullptr;  // null: not observed
  int shard = 0;
  uint64_t generation = 0;  // the shard's erasures when observed
  uint64_t author_hash = 0;
  uint32_t minute = 0;
};

struct PulseEvent {
  std::string_view community;
  std::string_view post_id;
  std::string_view author_id;
  std::optional<int> account_age_days;
  Outcome outcome = Outcome::kAllow;
  std::string_view category;  // of the strongest enforced hit; "" if none
  std::string_view rule_id;   // the strongest enforced hit; "" if none
  std::array<std::string_view, kMaxShadowPerPost> shadow_rules{};  // extra ones are dropped
  int shadow_count = 0;
  std::string_view thread_id;         // Post.thread_id, "" if unset
  std::string_view target_author_id;  // Post.target_author_id, "" if unset
  // The post is a near-duplicate of another author's recent post
  // (Pulse::ObserveActivity said so before it was judged).
  bool copies_another = false;
  // The post's ObserveActivity, if the caller kept it (PulseActivitySource
  // does); must be of this post: same community and author.
  const ObservedPost* observed = nullptr;
  std::optional<absl::Time> created_at;
  std::string_view title;  // for topics
  std::string_view body;
  // Post.language, the client's BCP 47 hint ("de", "en-GB"), "" if unset:
  // chooses the topics' stop-word list (TopicLanguageOfTag). Post carries
  // no language, so PulseEventFrom leaves it unset and the server sets it.
  std::string_view language;
};

// The strongest enforced hit is StrongestHit's (engine/decision.h).
PulseEvent PulseEventFrom(const Post& post, const Decision& decision);

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_EVENT_H_
