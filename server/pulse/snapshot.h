// What the pulse shows about a community: windows, mood, activity, alerts.
//
// Why: these are the read side of the pulse, returned by Pulse::Snapshot
// and Pulse::List and translated to protobuf by the CommunityPulseService.
// All values; nothing points back into the pulse.
//
// Times are UTC; weekdays run Monday (0) to Sunday (6).
//
// Thread-safety: plain values.
#ifndef MODERATION_SERVER_PULSE_SNAPSHOT_H_
#define MODERATION_SERVER_PULSE_SNAPSHOT_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/pulse/alert.h"
#include "server/pulse/topics.h"

namespace moderation::server::pulse {

struct CategoryDecisionCount {
  std::string category;  // "other" collects categories beyond a bucket's slots
  std::string decision;  // "FLAG" or "BLOCK"
  uint64_t count = 0;
};

struct BucketSummary {
  absl::Time start;
  uint64_t posts = 0;
  uint64_t flagged = 0;
  uint64_t blocked = 0;
  uint64_t new_accounts = 0;
  uint64_t copies = 0;          // near-duplicates of another author's post
  double distinct_authors = 0;  // HyperLogLog estimate (bucket.h)
  // This period's hostile decisions per category (the /pulse page's chart);
  // empty for a window's total, which has WindowSummary::hostile_by_category.
  std::vector<CategoryDecisionCount> hostile_by_category;
};

struct RuleHitCount {
  std::string rule;
  uint64_t count = 0;
};

// One window: the last hour by minute, the last day by quarter hour, or the
// last 7 days by hour. Buckets run oldest first and end with the current
// (partial) period; periods without posts are present with zero counts.
struct WindowSummary {
  std::string name;  // "hour", "day", "week"
  absl::Duration step;
  std::vector<BucketSummary> buckets;
  BucketSummary total;                                     // start = the first bucket's start
  std::vector<CategoryDecisionCount> hostile_by_category;  // most first
  std::vector<RuleHitCount> shadow_hits;                   // most first
};

// The mood: hostile share now against the community's own baseline for
// this hour of the week. "Now" is the last 15 minutes (including the
// current one). The index is:
//   "eskalierend" a hostile-share alert is open, or z >= 4 and the share is
//                 at least 15 points above the baseline;
//   "angespannt"  z >= 2 and at least 5 points above the baseline;
//   "ruhig"       otherwise, including when there are fewer than 10 posts
//                 (enough_data false).
// The hostile share of one category in the mood's window against the
// community's baseline for that category.
struct CategoryMood {
  std::string category;
  uint64_t hostile_now = 0;  // its FLAG and BLOCK posts in the last 15 minutes
  double share_now = 0;      // of all posts in them
  double baseline_share = 0;
  double z = 0;  // binomial, as the overall mood's
};

struct Mood {
  std::string index;
  bool enough_data = false;
  uint64_t posts_now = 0;
  double hostile_share_now = 0;
  double baseline_share = 0;
  double z = 0;
  // "hour_of_week" once that hour has two weeks of history, "overall" (the
  // community's average over recent hours) before, "none" while warming up.
  std::string baseline_source;
  // Per category: those with hostile posts in the window or a baseline
  // share, highest z first (the index itself is the overall share's).
  std::vector<CategoryMood> by_category;
};

struct CommunitySnapshot {
  std::string community;
  std::vector<WindowSummary> windows;  // hour, day, week
  Mood mood;
  // Posts per weekday and hour of day over the last 7 days (UTC).
  std::array<std::array<uint64_t, 24>, 7> activity{};
  std::vector<Alert> open_alerts;
  // Words and word pairs of the current hour that rose most against the
  // community's recent hours (topics.h), at most 10.
  std::vector<RisingTopic> rising_topics;
};

// One line of the community list.
struct CommunitySummary {
  std::string community;
  uint64_t posts_last_hour = 0;
  double hostile_share_last_hour = 0;
  std::string mood;
  int open_alerts = 0;
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_SNAPSHOT_H_
