#include "server/pulse/community.h"

#include <algorithm>
#include <array>
#include <map>

#include "absl/hash/hash.h"

namespace moderation::server::pulse {
namespace {

constexpr double kOverallAlpha = 0.05;
constexpr double kSlotAlpha = 0.25;
constexpr uint32_t kSlotWarmSamples = 8;  // two weeks of an hour's four quarters
constexpr absl::Duration kMaxVolumeFreeze = absl::Hours(1);
constexpr int kMinSharePosts = 5;  // quarters with fewer posts say nothing about shares
constexpr int kMoodMinutes = 15;
constexpr int kMoodMinPosts = 10;

int HourOfWeek(uint32_t minute) {
  const uint32_t hours = minute / 60;
  const uint32_t weekday = (hours / 24 + 3) % 7;  // 1970-01-01 was a Thursday
  return static_cast<int>(weekday * 24 + hours % 24);
}

absl::Time MinuteStart(uint32_t minute) { return absl::FromUnixSeconds(int64_t{minute} * 60); }

// The oldest slot of a ring of recent posts, to be overwritten; advances next.
template <typename T, size_t N>
T& NextInRing(std::array<T, N>& ring, size_t* next) {
  T& slot = ring[*next];
  *next = (*next + 1) % N;
  return slot;
}

}  // namespace

uint32_t SubjectHash(std::string_view id) {
  if (id.empty()) return 0;
  const uint64_t h = absl::HashOf(id.substr(0, kMaxIdBytes));
  const uint32_t folded = static_cast<uint32_t>(h ^ (h >> 32));
  return folded != 0 ? folded : 1;
}

void CommunityState::Record(const Observation& o) {
  last_minute_ = std::max(last_minute_, o.minute);
  Bucket* buckets[] = {&minutes_.At(MinuteRing::EpochOf(o.minute)),
                       &quarters_.At(QuarterRing::EpochOf(o.minute)),
                       &hours_.At(HourRing::EpochOf(o.minute))};
  for (Bucket* b : buckets) {
    ++b->posts;
    if (o.new_account) ++b->new_accounts;
    if (o.copy) ++b->copies;
    if (o.outcome != Outcome::kAllow) b->AddHostile(o.category, o.outcome);
    for (int i = 0; i < o.shadow_count; ++i) b->AddShadowHit(o.shadow[i]);
    b->authors.Add(o.author_hash);
  }
  if (o.terms != nullptr) topics_.Add(HourRing::EpochOf(o.minute), *o.terms);
  RecentPost& p = NextInRing(recent_posts_, &recent_posts_next_);
  p.minute = o.minute;
  p.hostile = o.outcome != Outcome::kAllow;
  p.thread = SubjectHash(o.thread_id);
  p.target = SubjectHash(o.target_author_id);
  if (o.new_account || o.copy) {
    RecentRaidPost& r = NextInRing(recent_raid_, &recent_raid_next_);
    r.minute = o.minute;
    r.rule = o.rule;
    r.new_account = o.new_account;
    r.copy = o.copy;
    r.post_id.assign(o.post_id.substr(0, kMaxIdBytes));
  }
  if (o.outcome == Outcome::kAllow) return;
  RecentHostile& r = NextInRing(recent_, &recent_next_);
  r.minute = o.minute;
  r.rule = o.rule;
  r.category = o.category;
  r.author_hash = o.author_hash;
  r.post_id.assign(o.post_id.substr(0, kMaxIdBytes));
  r.thread_id.assign(o.thread_id.substr(0, kMaxIdBytes));
  r.target_author_id.assign(o.target_author_id.substr(0, kMaxIdBytes));
}

bool CommunityState::IsOpen(AlertKind kind) const {
  return std::any_of(open_.begin(), open_.end(), [kind](const Alert& a) { return a.kind == kind; });
}

void CommunityState::FeedBaseline(uint32_t now_minute) {
  const uint32_t current = QuarterRing::EpochOf(now_minute);
  if (baseline_.last_fed_quarter == 0) {
    // The first evaluation: learn from the quarters already recorded.
    uint32_t oldest = current > QuarterRing::kSize ? current - QuarterRing::kSize : 1;
    for (uint32_t q = oldest; q < current; ++q) {
      if (quarters_.Find(q) != nullptr) {
        baseline_.last_fed_quarter = q - 1;
        break;
      }
    }
    if (baseline_.last_fed_quarter == 0) return;
  }
  // A gap longer than the ring: the quarters in it had no posts, and
  // feeding a day of zeros one by one would only cost time.
  uint32_t q = std::max(baseline_.last_fed_quarter + 1,
                        current > QuarterRing::kSize ? current - QuarterRing::kSize : 1);
  for (; q < current; ++q) FeedQuarter(q);
  baseline_.last_fed_quarter = std::max(baseline_.last_fed_quarter, current - 1);
}

void CommunityState::FeedQuarter(uint32_t quarter_epoch) {
  static const Bucket kEmpty;
  const Bucket* found = quarters_.Find(quarter_epoch);
  const Bucket& b = found != nullptr ? *found : kEmpty;
  const int slot = HourOfWeek((quarter_epoch - 1) * QuarterRing::kMinutes);
  // A volume alert keeps the volume baseline from learning its spike, but
  // for an hour at most: a level that lasts longer is the new normal (a
  // news day, the daily rhythm's afternoon rise while the hour-of-week
  // slots are still cold), and a frozen baseline would keep the alert open
  // for the rest of the day.
  const absl::Time quarter_end = MinuteStart(quarter_epoch * QuarterRing::kMinutes);
  const auto volume_freezes = [&](AlertKind kind) {
    return std::any_of(open_.begin(), open_.end(), [&](const Alert& a) {
      return a.kind == kind && quarter_end - a.started <= kMaxVolumeFreeze;
    });
  };
  const bool volume_frozen =
      volume_freezes(AlertKind::kVolumeSpike) || volume_freezes(AlertKind::kVolumeCollapse);
  const bool hostile_frozen = IsOpen(AlertKind::kHostileShare) || IsOpen(AlertKind::kCategoryShare);
  if (!volume_frozen) {
    baseline_.posts.Add(b.posts, kOverallAlpha);
    baseline_.slot_posts[slot].Add(b.posts, kSlotAlpha);
  }
  if (b.posts < kMinSharePosts) return;
  const double n = b.posts;
  if (!IsOpen(AlertKind::kRaid)) {
    baseline_.new_accounts.Add(b.new_accounts / n, kOverallAlpha);
    baseline_.copies.Add(b.copies / n, kOverallAlpha);
  }
  if (hostile_frozen) {
    // An open alert keeps a crisis out of the baseline. But a rough hour
    // that comes back at the same hour of the next week is that hour's
    // pattern, not a crisis: from its second week on, its hour-of-week slot
    // learns it (the overall baseline still does not), and once the slot
    // has two weeks of history that hour is measured against itself.
    const uint32_t week = (quarter_epoch - 1) / (7 * 96) + 1;
    uint32_t& last = baseline_.slot_frozen_week[slot];
    if (last != week) {
      baseline_.slot_recurring[slot] = last + 1 == week;
      last = week;
    }
    if (baseline_.slot_recurring[slot]) {
      baseline_.slot_hostile[slot].Add((b.flagged + b.blocked) / n, kSlotAlpha);
    }
    return;
  }
  baseline_.hostile.Add((b.flagged + b.blocked) / n, kOverallAlpha);
  baseline_.slot_hostile[slot].Add((b.flagged + b.blocked) / n, kSlotAlpha);
  Totals t;
  t.Add(b);
  // Categories already tracked learn this quarter's share (0 if absent);
  // new ones take a free slot.
  for (Baseline::CategoryShare& c : baseline_.categories) {
    if (c.category != 0) c.share.Add(t.HostileIn(c.category) / n, kOverallAlpha);
  }
  for (const auto& [key, count] : t.hostile) {
    const auto category = static_cast<uint8_t>(key.first);
    auto& cats = baseline_.categories;
    if (std::any_of(cats.begin(), cats.end(),
                    [&](const auto& c) { return c.category == category; }))
      continue;
    for (Baseline::CategoryShare& c : cats) {
      if (c.category == 0) {
        c.category = category;
        c.share.Add(t.HostileIn(category) / n, kOverallAlpha);
        break;
      }
    }
  }
}

double CommunityState::BaselineHostile(uint32_t minute, std::string* source) const {
  const Ewma& slot = baseline_.slot_hostile[HourOfWeek(minute)];
  if (slot.samples >= kSlotWarmSamples) {
    if (source) *source = "hour_of_week";
    return slot.value;
  }
  if (baseline_.hostile.samples > 0) {
    if (source) *source = "overall";
    return baseline_.hostile.value;
  }
  if (source) *source = "none";
  return 0;
}

double CommunityState::ExpectedPostsPerQuarter(uint32_t minute) const {
  const Ewma& slot = baseline_.slot_posts[HourOfWeek(minute)];
  return slot.samples >= kSlotWarmSamples ? slot.value : baseline_.posts.value;
}

double CommunityState::BaselineCategory(uint16_t category) const {
  for (const Baseline::CategoryShare& c : baseline_.categories) {
    if (c.category == category && category != 0) return c.share.value;
  }
  return 0;
}

Mood CommunityState::ComputeMood(uint32_t now_minute, const Interner* categories) const {
  Mood mood;
  const uint32_t last = MinuteRing::EpochOf(now_minute);
  const Totals t = Totals::Over(minutes_, last + 1 - kMoodMinutes, last);
  if (categories != nullptr) mood.by_category = CategoryMoods(t, *categories);
  mood.posts_now = t.posts;
  mood.enough_data = t.posts >= kMoodMinPosts;
  mood.hostile_share_now = t.posts > 0 ? static_cast<double>(t.Hostile()) / t.posts : 0;
  mood.baseline_share = BaselineHostile(now_minute, &mood.baseline_source);
  mood.z = BinomialZ(t.Hostile(), t.posts, mood.baseline_share);
  const double lift = mood.hostile_share_now - mood.baseline_share;
  if (IsOpen(AlertKind::kHostileShare) || (mood.enough_data && mood.z >= 4 && lift >= 0.15)) {
    mood.index = "eskalierend";
  } else if (mood.enough_data && mood.z >= 2 && lift >= 0.05) {
    mood.index = "angespannt";
  } else {
    mood.index = "ruhig";
  }
  return mood;
}

std::vector<CategoryMood> CommunityState::CategoryMoods(const Totals& t,
                                                        const Interner& categories) const {
  std::map<uint16_t, uint64_t> hostile;
  for (const auto& [key, count] : t.hostile) {
    if (key.first != 0) hostile[key.first] += count;
  }
  for (const Baseline::CategoryShare& c : baseline_.categories) {
    if (c.category != 0 && c.share.samples > 0) hostile.try_emplace(c.category, 0);
  }
  std::vector<CategoryMood> out;
  for (const auto& [category, k] : hostile) {
    CategoryMood m;
    m.category = categories.Name(category);
    m.hostile_now = k;
    m.share_now = t.posts > 0 ? static_cast<double>(k) / t.posts : 0;
    m.baseline_share = BaselineCategory(category);
    m.z = BinomialZ(static_cast<double>(k), static_cast<double>(t.posts), m.baseline_share);
    out.push_back(std::move(m));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const CategoryMood& a, const CategoryMood& b) { return a.z > b.z; });
  return out;
}

namespace {

template <typename RingT>
WindowSummary SummariseWindow(const RingT& ring, std::string name, uint32_t now_minute,
                              const Interner& categories, const Interner& rules) {
  WindowSummary w;
  w.name = std::move(name);
  w.step = absl::Minutes(RingT::kMinutes);
  const uint32_t last = RingT::EpochOf(now_minute);
  const uint32_t first = last + 1 - RingT::kSize;
  Totals all;
  for (uint32_t e = first; e <= last; ++e) {
    BucketSummary s;
    s.start = MinuteStart((e - 1) * RingT::kMinutes);
    if (const Bucket* b = ring.Find(e)) {
      s.posts = b->posts;
      s.flagged = b->flagged;
      s.blocked = b->blocked;
      s.new_accounts = b->new_accounts;
      s.copies = b->copies;
      s.distinct_authors = b->posts > 0 ? b->authors.Estimate() : 0;
      for (const CategoryCount& c : b->categories) {
        if (c.category == 0) continue;
        s.hostile_by_category.push_back(
            {categories.Name(c.category), c.outcome == Outcome::kFlag ? "FLAG" : "BLOCK", c.count});
      }
      if (b->other_category_flagged > 0)
        s.hostile_by_category.push_back({"other", "FLAG", b->other_category_flagged});
      if (b->other_category_blocked > 0)
        s.hostile_by_category.push_back({"other", "BLOCK", b->other_category_blocked});
      all.Add(*b);
    }
    w.buckets.push_back(s);
  }
  w.total.start = w.buckets.front().start;
  w.total.posts = all.posts;
  w.total.flagged = all.flagged;
  w.total.blocked = all.blocked;
  w.total.new_accounts = all.new_accounts;
  w.total.copies = all.copies;
  w.total.distinct_authors = all.posts > 0 ? all.authors.Estimate() : 0;
  for (const auto& [key, count] : all.hostile) {
    w.hostile_by_category.push_back(
        {categories.Name(key.first), key.second == Outcome::kFlag ? "FLAG" : "BLOCK", count});
  }
  for (const auto& [rule, count] : all.shadow) w.shadow_hits.push_back({rules.Name(rule), count});
  std::stable_sort(w.hostile_by_category.begin(), w.hostile_by_category.end(),
                   [](const auto& a, const auto& b) { return a.count > b.count; });
  std::stable_sort(w.shadow_hits.begin(), w.shadow_hits.end(),
                   [](const auto& a, const auto& b) { return a.count > b.count; });
  return w;
}

}  // namespace

CommunitySnapshot CommunityState::Snapshot(uint32_t now_minute, const Interner& categories,
                                           const Interner& rules) const {
  CommunitySnapshot s;
  s.community = name_;
  s.windows.push_back(SummariseWindow(minutes_, "hour", now_minute, categories, rules));
  s.windows.push_back(SummariseWindow(quarters_, "day", now_minute, categories, rules));
  s.windows.push_back(SummariseWindow(hours_, "week", now_minute, categories, rules));
  s.mood = ComputeMood(now_minute, &categories);
  const uint32_t last = HourRing::EpochOf(now_minute);
  for (uint32_t e = last + 1 - HourRing::kSize; e <= last; ++e) {
    const Bucket* b = hours_.Find(e);
    if (b == nullptr) continue;
    const int slot = HourOfWeek((e - 1) * 60);
    s.activity[slot / 24][slot % 24] += b->posts;
  }
  s.open_alerts = open_;
  s.rising_topics = topics_.Rising(HourRing::EpochOf(now_minute), 10);
  return s;
}

CommunitySummary CommunityState::Summary(uint32_t now_minute) const {
  CommunitySummary s;
  s.community = name_;
  const uint32_t last = MinuteRing::EpochOf(now_minute);
  const Totals t = Totals::Over(minutes_, last + 1 - MinuteRing::kSize, last);
  s.posts_last_hour = t.posts;
  s.hostile_share_last_hour = t.posts > 0 ? static_cast<double>(t.Hostile()) / t.posts : 0;
  s.mood = ComputeMood(now_minute).index;
  s.open_alerts = static_cast<int>(open_.size());
  return s;
}

}  // namespace moderation::server::pulse
