// A crisis alert of the community pulse, and where alerts go.
//
// Why: community managers must learn that a discussion tips into a crisis
// while there is still time to step in. An alert names the community, what
// kind of turn it is, how bad, since when, the numbers behind it, the rules
// that fire most and example post ids to look at. It ends when the
// condition clears (with hysteresis, see options.h), and the sink hears
// about both ends.
//
// Thread-safety: Alert is a plain value. AlertSink::OnAlert is called from
// the thread that evaluated the pulse, never under a pulse lock;
// implementations must be thread-safe.
#ifndef MODERATION_SERVER_PULSE_ALERT_H_
#define MODERATION_SERVER_PULSE_ALERT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace moderation::server::pulse {

enum class AlertKind {
  kHostileShare,    // FLAG+BLOCK share far above the baseline
  kCategoryShare,   // one category's hostile share far above its baseline (subject = category)
  kVolumeSpike,     // many more posts than usual for this hour of the week
  kVolumeCollapse,  // far fewer posts than usual
  kRaid,            // a burst of posts from new accounts (subject "") or of copies
                    // of one another's posts (subject "near_duplicates")
  kPileOn,  // many hostile posts against one thread or author (subject = "thread:…"/"target:…"),
            // drawing a large share of the community's (DetectorOptions::pile_on_min_share),
            // and a hostile share of the subject's own posts far above the rest's
};

// "hostile_share", "category_share", "volume_spike", "volume_collapse",
// "raid", "pile_on".
const char* AlertKindName(AlertKind kind);

// A pile-on's shares, over the detection window (see DetectorOptions).
struct PileOnNumbers {
  // The subject's share of the community's hostile posts (of the last
  // kRecentHostile the pulse keeps); a pile-on needs pile_on_min_share.
  double share_of_hostile = 0;
  // The subject's posts, hostile or not, and the hostile share among them,
  // and the hostile share of the community's other posts (of the last
  // kRecentPosts the pulse keeps); Alert::z compares the two shares.
  int64_t subject_posts = 0;
  double subject_hostile_share = 0;
  double others_hostile_share = 0;
};

struct Alert {
  uint64_t id = 0;  // unique in this process, in opening order
  std::string community;
  AlertKind kind = AlertKind::kHostileShare;
  std::string subject;   // category, thread or target; "" for community-wide kinds
  std::string severity;  // "warning" or "critical"
  absl::Time started;
  absl::Time updated;                         // the last evaluation that saw the condition
  absl::Time ended = absl::InfiniteFuture();  // when it cleared; InfiniteFuture while open
  // The numbers behind it, over the detection window that triggered it
  // (or, for a closed alert, the last one that still held):
  int64_t window_posts = 0;  // posts in the detection window
  double observed = 0;       // share (0..1) or count, per kind
  double expected = 0;       // the baseline's share or count
  double z = 0;              // the test statistic (stats.h); pile-on: TwoProportionZ of the
                             // subject's hostile share against the rest of the community's
  PileOnNumbers pile_on;     // kPileOn only; zero for the other kinds
  // The posts behind it: the window's hostile posts of its category, thread
  // or target; for a raid, the copies (subject "near_duplicates") or the new
  // accounts' posts (subject ""), hostile or not.
  std::vector<std::pair<std::string, int>> top_rules;  // rule id, posts it hit (most first)
  std::vector<std::string> example_post_ids;           // newest first, at most 5
  std::vector<std::string> top_topics;  // the community's rising topics when it opened
  // Set on the change an AlertSink gets when an open warning becomes
  // critical (the same alert, open, sent again); false when it opens or ends.
  bool escalated = false;
  bool open() const { return ended == absl::InfiniteFuture(); }
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // An alert opened (open(), !escalated), became critical (open(),
  // escalated) or ended (!open()).
  virtual void OnAlert(const Alert& alert) = 0;
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_ALERT_H_
