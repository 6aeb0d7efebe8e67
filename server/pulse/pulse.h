// The community pulse: a live picture of every community's stream of
// decisions, and crisis alerts when it turns.
//
// Why (issue 12): community managers need the mood of each community now
// against its own normal, and a warning when a discussion tips. The engine
// stays stateless; this stateful part lives in the server, beside the rule
// registry, and is fed one PulseEvent per judged post.
//
//   ManualClock clock(absl::Now());
//   Pulse pulse(PulseOptions{}, &clock, &sink);   // sink: AlertSink*, may be null
//   pulse.Record(PulseEventFrom(post, decision));
//   pulse.Tick();                                 // evaluates alerts once per minute
//   std::optional<CommunitySnapshot> s = pulse.Snapshot("news-de");
//
// What it keeps per community: community.h (windows of the last hour by
// minute, day by quarter hour and 7 days by hour; baseline; recent hostile
// posts; open alerts). Memory is fixed per community (BytesPerCommunity(),
// about 97 KB) and the number of communities is bounded
// (PulseOptions::max_communities, with "other" for the overflow).
//
// Alerts are evaluated when the clock enters a new minute: by the first
// Record of that minute or by Tick(), whichever comes first (moderationd
// calls Tick every second so a silent community's collapse is seen).
// Changes go to the AlertSink after all locks are released.
//
// Thread-safety: all methods may be called concurrently. Communities are
// spread over 16 shards by hash, each with its own mutex; Record holds one
// shard lock for a few hundred nanoseconds (ObserveActivity another, for
// the comparison with the community's recent fingerprints) (no allocation once a community
// is known, except a hostile post's ids longer than 15 bytes). A Record
// whose event carries the post's ObservedPost (PulseActivitySource keeps
// it) takes the community's state, the author's hash and the minute from
// there instead of hashing and looking them up again; the state is used
// only if no community of its shard was dropped since (else looked up). Names of
// categories and rules go through the Interner's reader lock. Evaluation
// takes one shard lock at a time.
#ifndef MODERATION_SERVER_PULSE_PULSE_H_
#define MODERATION_SERVER_PULSE_PULSE_H_

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/pulse/alert.h"
#include "server/pulse/clock.h"
#include "server/pulse/community.h"
#include "server/pulse/event.h"
#include "server/pulse/interner.h"
#include "server/pulse/options.h"
#include "server/pulse/snapshot.h"

namespace moderation::server::pulse {

// Where the overflow beyond max_communities is counted.
inline constexpr std::string_view kOtherCommunity = "other";

class Pulse {
 public:
  static constexpr int kShards = 16;
  enum class Order { kVolume, kHostileShare };

  // clock and sink (may be null) must outlive the pulse.
  Pulse(PulseOptions options, Clock* clock, AlertSink* sink);
  Pulse(const Pulse&) = delete;
  Pulse& operator=(const Pulse&) = delete;

  void Record(const PulseEvent& event);
  // Before a post is judged: its multi-posting counts in its community
  // (multi_posting.h), which rule conditions read, and remembers it for the
  // next posts. `fingerprint` is the engine's (text/near_duplicate.h);
  // `created_at` moves a replay clock as Record does. An empty author id
  // gets no author counts.
  // *observed (may be null) is where it was counted, for the post's
  // PulseEvent::observed.
  Activity ObserveActivity(std::string_view community, std::string_view author_id,
                           uint64_t fingerprint, std::optional<absl::Time> created_at,
                           ObservedPost* observed = nullptr);
  // Evaluates the alerts if the clock has entered a new minute since the
  // last evaluation; otherwise returns at once.
  void Tick();

  // nullopt if the community is not tracked (never seen, or dropped).
  std::optional<CommunitySnapshot> Snapshot(std::string_view community) const;
  // Tracked communities, most posts (or highest hostile share) in the last
  // hour first; at most `limit` (0 = all).
  std::vector<CommunitySummary> List(Order order, size_t limit) const;
  std::vector<Alert> OpenAlerts() const;
  size_t community_count() const;
  // Upper bound of one community's memory, ids at their longest.
  static size_t BytesPerCommunity();
  const Clock& clock() const { return *clock_; }

 private:
  struct Shard {
    mutable std::mutex mu;
    // guarded by mu
    absl::flat_hash_map<std::string, std::unique_ptr<CommunityState>> communities;
    uint64_t erasures = 0;  // communities dropped so far: a kept state pointer is valid while equal
  };
  Shard& ShardFor(std::string_view community) const;
  uint32_t NowMinute() const;
  // `community`'s state, created if need be (shard.mu held); null if the
  // shard is full and nothing could be dropped (the caller then uses
  // "other").
  CommunityState* StateIn(Shard& shard, std::string_view community, uint32_t minute,
                          bool always_admit);
  // Records into `community`'s state; false if StateIn found no room.
  bool RecordIn(std::string_view community, const Observation& o, bool always_admit);
  // Records into the state ObserveActivity found; false if it is gone.
  bool RecordObserved(const ObservedPost& observed, const Observation& o);
  static uint64_t AuthorHash(std::string_view author_id);

  const PulseOptions options_;
  const size_t per_shard_limit_;
  Clock* const clock_;
  AlertSink* const sink_;
  Interner categories_{250};  // bucket slots hold a one-byte id
  Interner rules_{4000};
  mutable std::array<Shard, kShards> shards_;
  std::atomic<uint32_t> last_evaluated_minute_{0};
  std::mutex evaluate_mu_;      // one evaluation at a time
  uint64_t next_alert_id_ = 0;  // guarded by evaluate_mu_
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_PULSE_H_
