#include "server/pulse/pulse.h"

#include <algorithm>
#include <atomic>
#include <functional>

#include "absl/strings/string_view.h"

namespace moderation::server::pulse {
namespace {

// Which posts' words the topics read: every n-th by a fixed hash of the post
// id (FNV-1a), so the sample does not depend on which thread judged a post
// or in which order (a per-thread counter did: the batch pool's threads
// each counted their own, and the rising topics changed from run to run).
// Posts without an id take turns on one counter.
bool SampledForTopics(std::string_view post_id, uint32_t n) {
  if (post_id.empty()) {
    static std::atomic<uint32_t> unnamed{0};
    return unnamed.fetch_add(1, std::memory_order_relaxed) % n == 0;
  }
  uint64_t h = 14695981039346656037ull;
  for (const char c : post_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return (h ^ (h >> 32)) % n == 0;
}

// Debian's Abseil has its own string_view type; the map's heterogeneous
// lookup takes that one.
absl::string_view Key(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

Pulse::Pulse(PulseOptions options, Clock* clock, AlertSink* sink)
    : options_(options),
      per_shard_limit_(std::max<size_t>(1, (options.max_communities + kShards - 1) / kShards)),
      clock_(clock),
      sink_(sink) {}

Pulse::Shard& Pulse::ShardFor(std::string_view community) const {
  return shards_[std::hash<std::string_view>{}(community) % kShards];
}

uint32_t Pulse::NowMinute() const {
  return static_cast<uint32_t>(absl::ToUnixSeconds(clock_->Now()) / 60);
}

size_t Pulse::BytesPerCommunity() {
  // The state itself (the topic sketches' terms included), its map slot,
  // and the recent posts' ids when all are as long as allowed (short ids
  // live inside the strings).
  return sizeof(CommunityState) + 64 + kRecentHostile * 3 * (kMaxIdBytes + 1) +
         kRecentRaid * (kMaxIdBytes + 1);
}

CommunityState* Pulse::StateIn(Shard& shard, std::string_view community, uint32_t minute,
                               bool always_admit) {
  auto it = shard.communities.find(Key(community));
  if (it == shard.communities.end()) {
    if (!always_admit && shard.communities.size() >= per_shard_limit_) {
      // Drop the least recently active community if it has gone quiet.
      auto lru = shard.communities.end();
      for (auto c = shard.communities.begin(); c != shard.communities.end(); ++c) {
        if (c->first == kOtherCommunity) continue;
        if (lru == shard.communities.end() || c->second->last_minute() < lru->second->last_minute())
          lru = c;
      }
      const uint32_t idle_minutes =
          static_cast<uint32_t>(absl::ToInt64Minutes(options_.evict_after_idle));
      if (lru == shard.communities.end() || lru->second->last_minute() + idle_minutes > minute)
        return nullptr;
      shard.communities.erase(lru);
      ++shard.erasures;
    }
    it = shard.communities
             .emplace(std::string(community),
                      std::make_unique<CommunityState>(std::string(community)))
             .first;
  }
  return it->second.get();
}

bool Pulse::RecordIn(std::string_view community, const Observation& o, bool always_admit) {
  Shard& shard = ShardFor(community);
  std::lock_guard lock(shard.mu);
  CommunityState* state = StateIn(shard, community, o.minute, always_admit);
  if (state == nullptr) return false;
  state->Record(o);
  return true;
}

bool Pulse::RecordObserved(const ObservedPost& observed, const Observation& o) {
  Shard& shard = shards_[observed.shard];
  std::lock_guard lock(shard.mu);
  if (shard.erasures != observed.generation) return false;
  observed.state->Record(o);
  return true;
}

uint64_t Pulse::AuthorHash(std::string_view author_id) {
  return std::hash<std::string_view>{}(author_id)*0x9E3779B97F4A7C15ULL;
}

Activity Pulse::ObserveActivity(std::string_view community, std::string_view author_id,
                                uint64_t fingerprint, std::optional<absl::Time> created_at,
                                ObservedPost* observed) {
  if (created_at.has_value()) clock_->ObservePostTime(*created_at);
  const int64_t now = absl::ToUnixSeconds(clock_->Now());
  const uint32_t minute = static_cast<uint32_t>(now / 60);
  const uint64_t author_hash = AuthorHash(author_id);
  const uint64_t author = author_id.empty() ? 0 : author_hash;
  const int window = static_cast<int>(absl::ToInt64Seconds(options_.duplicate_window));
  MultiPostingCounts counts;
  for (std::string_view name : {community, kOtherCommunity}) {
    Shard& shard = ShardFor(name);
    std::lock_guard lock(shard.mu);
    CommunityState* state = StateIn(shard, name, minute, name == kOtherCommunity);
    if (state == nullptr) continue;
    counts = state->ObserveMultiPosting(now, author, fingerprint, window);
    if (observed != nullptr) {
      *observed = {state, static_cast<int>(&shard - shards_.data()), shard.erasures, author_hash,
                   minute};
    }
    break;
  }
  Activity a;
  a.duplicates_recent = counts.duplicates;
  if (author != 0) {
    a.author_duplicates_recent = counts.author_duplicates;
    a.author_posts_last_minute = counts.author_posts_last_minute;
  }
  return a;
}

void Pulse::Record(const PulseEvent& e) {
  if (e.created_at.has_value()) clock_->ObservePostTime(*e.created_at);
  // A post ObserveActivity counted keeps that minute, author hash and
  // community state (the same request, microseconds apart).
  const bool observed = e.observed != nullptr && e.observed->state != nullptr;
  Observation o;
  o.minute = observed ? e.observed->minute : NowMinute();
  o.outcome = e.outcome;
  o.category = static_cast<uint8_t>(categories_.Intern(e.category));
  o.rule = e.outcome == Outcome::kAllow ? 0 : rules_.Intern(e.rule_id);
  for (int i = 0; i < e.shadow_count; ++i)
    o.shadow[o.shadow_count++] = rules_.Intern(e.shadow_rules[i]);
  o.author_hash = observed ? e.observed->author_hash : AuthorHash(e.author_id);
  o.copy = e.copies_another;
  o.new_account = e.account_age_days.has_value() && *e.account_age_days < options_.new_account_days;
  o.post_id = e.post_id;
  o.thread_id = e.thread_id;
  o.target_author_id = e.target_author_id;
  thread_local PostTerms terms;
  if (options_.topic_sample_every > 0 && !(e.title.empty() && e.body.empty()) &&
      SampledForTopics(e.post_id, static_cast<uint32_t>(options_.topic_sample_every))) {
    Tokenize(e.title, e.body, &terms, TopicLanguageOfTag(e.language));
    o.terms = &terms;
  }
  const bool is_other = e.community == kOtherCommunity;
  if (!(observed && RecordObserved(*e.observed, o)) && !RecordIn(e.community, o, is_other)) {
    RecordIn(kOtherCommunity, o, true);
  }
  if (options_.evaluate_in_record &&
      o.minute > last_evaluated_minute_.load(std::memory_order_relaxed)) {
    Tick();
  }
}

void Pulse::Tick() {
  const uint32_t minute = NowMinute();
  uint32_t seen = last_evaluated_minute_.load();
  if (minute <= seen || !last_evaluated_minute_.compare_exchange_strong(seen, minute)) return;
  std::vector<Alert> changes;
  {
    std::lock_guard evaluate(evaluate_mu_);
    for (Shard& shard : shards_) {
      std::lock_guard lock(shard.mu);
      for (auto& [name, state] : shard.communities) {
        state->Evaluate(minute, options_.detector, categories_, rules_, &next_alert_id_, &changes);
      }
    }
  }
  if (sink_ == nullptr) return;
  for (const Alert& a : changes) sink_->OnAlert(a);
}

std::optional<CommunitySnapshot> Pulse::Snapshot(std::string_view community) const {
  const uint32_t minute = NowMinute();
  Shard& shard = ShardFor(community);
  std::lock_guard lock(shard.mu);
  auto it = shard.communities.find(Key(community));
  if (it == shard.communities.end()) return std::nullopt;
  return it->second->Snapshot(minute, categories_, rules_);
}

std::vector<CommunitySummary> Pulse::List(Order order, size_t limit) const {
  const uint32_t minute = NowMinute();
  std::vector<CommunitySummary> all;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (const auto& [name, state] : shard.communities) all.push_back(state->Summary(minute));
  }
  auto key = [order](const CommunitySummary& s) {
    return order == Order::kVolume ? static_cast<double>(s.posts_last_hour)
                                   : s.hostile_share_last_hour;
  };
  std::sort(all.begin(), all.end(), [&](const CommunitySummary& a, const CommunitySummary& b) {
    if (key(a) != key(b)) return key(a) > key(b);
    return a.community < b.community;
  });
  if (limit > 0 && all.size() > limit) all.resize(limit);
  return all;
}

std::vector<Alert> Pulse::OpenAlerts() const {
  std::vector<Alert> all;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (const auto& [name, state] : shard.communities) {
      all.insert(all.end(), state->open_alerts().begin(), state->open_alerts().end());
    }
  }
  std::sort(all.begin(), all.end(), [](const Alert& a, const Alert& b) { return a.id < b.id; });
  return all;
}

size_t Pulse::community_count() const {
  size_t n = 0;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.communities.size();
  }
  return n;
}

const char* AlertKindName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kHostileShare:
      return "hostile_share";
    case AlertKind::kCategoryShare:
      return "category_share";
    case AlertKind::kVolumeSpike:
      return "volume_spike";
    case AlertKind::kVolumeCollapse:
      return "volume_collapse";
    case AlertKind::kRaid:
      return "raid";
    case AlertKind::kPileOn:
      return "pile_on";
  }
  return "unknown";
}

}  // namespace moderation::server::pulse
