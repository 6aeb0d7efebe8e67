// The pulse of one community: three rings of buckets, the baseline, the
// recent hostile posts, and the open alerts.
//
// Why: the unit of the pulse's memory and of its lock (Pulse keeps these in
// shards). Its size is fixed when it is built: 60 minute, 96 quarter-hour
// and 168 hour buckets (bucket.h), a baseline of 168 hour-of-week slots,
// a ring of the last kRecentHostile hostile posts (for example post
// ids, top rules and pile-ons; ids longer than 64 bytes are cut), a ring
// of the last kRecentPosts posts' thread and target (32-bit hashes) and
// whether each was hostile (a pile-on's subject against the rest of the
// community, 6 KB), a ring
// of the last kRecentRaid posts from new accounts or copying another's
// (a raid alert's examples and rules), the topic sketches (topics.h) and the multi-posting memory
// (multi_posting.h, about 13 KB). Only open alerts vary, and there are at most a few per kind.
//
// Baseline: each finished quarter hour feeds exponentially weighted
// averages (stats.h): posts per quarter, hostile share, new-account share
// and per-category hostile share, overall (alpha 0.05, about five hours of
// memory) and per hour of the week (alpha 0.25, over weeks). The
// hour-of-week average is used once it has 8 samples (two weeks); before,
// the overall one. While an alert of a kind is open, the baseline it is
// measured against stops learning, so a long crisis does not become the
// new normal and clear its own alert.
//
// Thread-safety: none; the owning Pulse holds the shard lock.
#ifndef MODERATION_SERVER_PULSE_COMMUNITY_H_
#define MODERATION_SERVER_PULSE_COMMUNITY_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/pulse/alert.h"
#include "server/pulse/bucket.h"
#include "server/pulse/interner.h"
#include "server/pulse/multi_posting.h"
#include "server/pulse/options.h"
#include "server/pulse/snapshot.h"
#include "server/pulse/stats.h"
#include "server/pulse/topics.h"
#include "server/pulse/totals.h"

namespace moderation::server::pulse {

inline constexpr int kMaxShadowPerPost = 8;
inline constexpr int kRecentHostile = 64;
inline constexpr int kRecentRaid = 32;
inline constexpr int kRecentPosts = 512;
inline constexpr size_t kMaxIdBytes = 64;

// One judged post, with names already interned.
struct Observation {
  uint32_t minute = 0;  // minutes since the Unix epoch
  Outcome outcome = Outcome::kAllow;
  uint8_t category = 0;
  uint16_t rule = 0;  // the strongest enforced hit, 0 = none
  std::array<uint16_t, kMaxShadowPerPost> shadow{};
  int shadow_count = 0;
  uint64_t author_hash = 0;
  bool new_account = false;
  bool copy = false;  // MultiPostingCounts::CopiesAnother()
  std::string_view post_id;
  std::string_view thread_id;
  std::string_view target_author_id;
  const PostTerms* terms = nullptr;  // the post's topics, if it was sampled
};

// A ring of N buckets of `Minutes` minutes each.
template <int N, int Minutes>
struct Ring {
  static constexpr int kSize = N;
  static constexpr int kMinutes = Minutes;
  std::array<Bucket, N> slots;
  static uint32_t EpochOf(uint32_t minute) { return minute / Minutes + 1; }
  Bucket& At(uint32_t epoch) {
    Bucket& b = slots[epoch % N];
    if (b.epoch != epoch) b.Reset(epoch);
    return b;
  }
  const Bucket* Find(uint32_t epoch) const {
    const Bucket& b = slots[epoch % N];
    return b.epoch == epoch ? &b : nullptr;
  }
};

struct Baseline {
  uint32_t last_fed_quarter = 0;  // quarter epoch (Ring<96,15>) last fed, 0 = none
  Ewma posts;                     // posts per quarter hour
  Ewma hostile;                   // hostile share
  Ewma new_accounts;              // share of posts from new accounts
  Ewma copies;                    // share of posts copying another author's
  std::array<Ewma, 168> slot_posts;
  std::array<Ewma, 168> slot_hostile;
  // Per hour of the week: the last week (quarter epoch / 672) whose hostile
  // learning an open alert froze, and whether that freeze came a week after
  // the one before it (a recurring rough hour; FeedQuarter).
  std::array<uint32_t, 168> slot_frozen_week{};
  std::array<bool, 168> slot_recurring{};
  struct CategoryShare {
    uint8_t category = 0;
    Ewma share;
  };
  std::array<CategoryShare, 8> categories;
};

struct RecentHostile {
  uint32_t minute = 0;
  uint16_t rule = 0;
  uint8_t category = 0;
  uint64_t author_hash = 0;
  std::string post_id;
  std::string thread_id;
  std::string target_author_id;
};

// Any post, for a pile-on's test of its subject's own hostile share: the
// hashes of its thread and target author ids (SubjectHash, 0 = none).
struct RecentPost {
  uint32_t minute : 31 = 0;
  uint32_t hostile : 1 = 0;
  uint32_t thread = 0;
  uint32_t target = 0;
};

// A thread or target author id (cut to kMaxIdBytes, as the recent hostile
// posts keep it) as RecentPost keeps it: 32 bits of its hash, never 0, or 0
// for "". Two of a community's subjects in the last kRecentPosts posts
// share a hash about once in 2^32 / (their number)^2; their posts would
// then count together.
uint32_t SubjectHash(std::string_view id);

// A post from a new account or copying another author's recent post: what
// a raid is made of.
struct RecentRaidPost {
  uint32_t minute = 0;
  uint16_t rule = 0;  // the strongest enforced hit, 0 = none
  bool new_account = false;
  bool copy = false;
  std::string post_id;
};

class CommunityState {
 public:
  explicit CommunityState(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  uint32_t last_minute() const { return last_minute_; }

  void Record(const Observation& o);
  // Counts a post about to be judged against the recent ones (see
  // multi_posting.h) and remembers it.
  MultiPostingCounts ObserveMultiPosting(int64_t unix_seconds, uint64_t author_hash,
                                         uint64_t fingerprint, int window_seconds) {
    last_minute_ = std::max(last_minute_, static_cast<uint32_t>(unix_seconds / 60));
    return multi_posting_.Observe(unix_seconds, author_hash, fingerprint, window_seconds);
  }

  // Runs the alert tests as of the start of minute `now_minute`: feeds
  // finished quarter hours into the baseline, then opens, updates and
  // closes alerts. Alerts that opened or closed are appended to *changes.
  void Evaluate(uint32_t now_minute, const DetectorOptions& options, Interner& categories,
                const Interner& rules, uint64_t* next_alert_id, std::vector<Alert>* changes);

  CommunitySnapshot Snapshot(uint32_t now_minute, const Interner& categories,
                             const Interner& rules) const;
  CommunitySummary Summary(uint32_t now_minute) const;
  const std::vector<Alert>& open_alerts() const { return open_; }

 private:
  using MinuteRing = Ring<60, 1>;
  using QuarterRing = Ring<96, 15>;
  using HourRing = Ring<168, 60>;

  void FeedBaseline(uint32_t now_minute);
  void FeedQuarter(uint32_t quarter_epoch);
  bool IsOpen(AlertKind kind) const;
  // The baseline hostile share for the hour of the week of `minute`
  // (*source: "hour_of_week", "overall" or "none").
  double BaselineHostile(uint32_t minute, std::string* source = nullptr) const;
  double ExpectedPostsPerQuarter(uint32_t minute) const;
  double BaselineCategory(uint16_t category) const;
  // The mood of the last kMoodMinutes; with categories, per category too.
  Mood ComputeMood(uint32_t now_minute, const Interner* categories = nullptr) const;
  // Each category's part of the mood window's totals t.
  std::vector<CategoryMood> CategoryMoods(const Totals& t, const Interner& categories) const;

  const std::string name_;
  uint32_t last_minute_ = 0;
  MinuteRing minutes_;
  QuarterRing quarters_;
  HourRing hours_;
  Baseline baseline_;
  std::array<RecentHostile, kRecentHostile> recent_;
  size_t recent_next_ = 0;
  std::array<RecentRaidPost, kRecentRaid> recent_raid_;
  size_t recent_raid_next_ = 0;
  std::array<RecentPost, kRecentPosts> recent_posts_;
  size_t recent_posts_next_ = 0;
  std::vector<Alert> open_;
  TopicTracker topics_;
  MultiPostingTracker multi_posting_;
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_COMMUNITY_H_
