// The pulse's windows, mood, activity and memory bound.
#include "server/pulse/pulse.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/pulse/pulse_testing.h"

namespace moderation::server::pulse {
namespace {

// Monday 2026-11-30 09:00:00 UTC.
const absl::Time kMonday9 = absl::FromUnixSeconds(1796029200);

PulseEvent Post(std::string_view community, std::string_view author,
                Outcome outcome = Outcome::kAllow, std::string_view category = "",
                std::string_view rule = "") {
  PulseEvent e;
  e.community = community;
  e.post_id = "p";
  e.author_id = author;
  e.outcome = outcome;
  e.category = category;
  e.rule_id = rule;
  return e;
}

const WindowSummary& Window(const CommunitySnapshot& s, std::string_view name) {
  for (const WindowSummary& w : s.windows) {
    if (w.name == name) return w;
  }
  ADD_FAILURE() << "no window " << name;
  return s.windows.front();
}

TEST(PulseTest, WindowsCountPostsDecisionsPerCategoryAndShadowHits) {
  ManualClock clock(kMonday9);
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  pulse.Record(Post("news", "a1"));
  pulse.Record(Post("news", "a2", Outcome::kFlag, "insult", "de.insult"));
  pulse.Record(Post("news", "a3", Outcome::kBlock, "threat", "de.threat"));
  pulse.Record(Post("news", "a3", Outcome::kBlock, "threat", "de.threat"));
  PulseEvent shadow = Post("news", "a4");
  shadow.shadow_rules[0] = "spam.links";
  shadow.shadow_count = 1;
  pulse.Record(shadow);
  pulse.Record(shadow);

  std::optional<CommunitySnapshot> s = pulse.Snapshot("news");
  ASSERT_TRUE(s.has_value());
  for (std::string_view name : {"hour", "day", "week"}) {
    const WindowSummary& w = Window(*s, name);
    EXPECT_EQ(w.total.posts, 6u) << name;
    EXPECT_EQ(w.total.flagged, 1u) << name;
    EXPECT_EQ(w.total.blocked, 2u) << name;
    EXPECT_NEAR(w.total.distinct_authors, 4, 0.5) << name;
    ASSERT_EQ(w.hostile_by_category.size(), 2u) << name;
    EXPECT_EQ(w.hostile_by_category[0].category, "threat");
    EXPECT_EQ(w.hostile_by_category[0].decision, "BLOCK");
    EXPECT_EQ(w.hostile_by_category[0].count, 2u);
    EXPECT_EQ(w.hostile_by_category[1].category, "insult");
    ASSERT_EQ(w.shadow_hits.size(), 1u);
    EXPECT_EQ(w.shadow_hits[0].rule, "spam.links");
    EXPECT_EQ(w.shadow_hits[0].count, 2u);
  }
  EXPECT_EQ(Window(*s, "hour").buckets.size(), 60u);
  EXPECT_EQ(Window(*s, "day").buckets.size(), 96u);
  EXPECT_EQ(Window(*s, "week").buckets.size(), 168u);
  EXPECT_EQ(Window(*s, "hour").buckets.back().posts, 6u);
  EXPECT_EQ(Window(*s, "hour").buckets.back().start, kMonday9);
  EXPECT_FALSE(pulse.Snapshot("unknown").has_value());
}

TEST(PulseTest, OldPostsLeaveTheHourWindowButStayInTheDayAndWeek) {
  ManualClock clock(kMonday9);
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  pulse.Record(Post("news", "a1"));
  clock.Advance(absl::Minutes(61));
  pulse.Record(Post("news", "a2"));
  std::optional<CommunitySnapshot> s = pulse.Snapshot("news");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(Window(*s, "hour").total.posts, 1u);
  EXPECT_EQ(Window(*s, "day").total.posts, 2u);
  EXPECT_EQ(Window(*s, "week").total.posts, 2u);
  clock.Advance(absl::Hours(24));
  s = pulse.Snapshot("news");
  EXPECT_EQ(Window(*s, "day").total.posts, 0u);
  EXPECT_EQ(Window(*s, "week").total.posts, 2u);
  clock.Advance(absl::Hours(24 * 7));
  s = pulse.Snapshot("news");
  EXPECT_EQ(Window(*s, "week").total.posts, 0u);
}

TEST(PulseTest, NewAccountsAndDistinctAuthorsAreCounted) {
  ManualClock clock(kMonday9);
  PulseOptions options;
  options.new_account_days = 7;
  Pulse pulse(options, &clock, nullptr);
  for (int i = 0; i < 2000; ++i) {
    PulseEvent e = Post("big", absl::StrCat("author", i % 500));
    e.account_age_days = i % 4 == 0 ? 3 : 30;
    pulse.Record(e);
  }
  PulseEvent unknown_age = Post("big", "author1");
  pulse.Record(unknown_age);  // unknown age: not a new account
  const WindowSummary& hour = Window(*pulse.Snapshot("big"), "hour");
  EXPECT_EQ(hour.total.new_accounts, 500u);
  // HyperLogLog with 64 registers: about 13 % standard error; 3 sigma.
  EXPECT_NEAR(hour.total.distinct_authors, 500, 500 * 0.39);
}

TEST(PulseTest, ActivityIsPostsPerWeekdayAndHourOfDay) {
  ManualClock clock(kMonday9 + absl::Minutes(30));
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  pulse.Record(Post("news", "a"));         // Monday 09:30
  clock.Advance(absl::Hours(24 * 2 + 5));  // Wednesday 14:30
  pulse.Record(Post("news", "a"));
  pulse.Record(Post("news", "b"));
  const CommunitySnapshot s = *pulse.Snapshot("news");
  EXPECT_EQ(s.activity[0][9], 1u);
  EXPECT_EQ(s.activity[2][14], 2u);
  uint64_t total = 0;
  for (const auto& day : s.activity)
    for (uint64_t n : day) total += n;
  EXPECT_EQ(total, 3u);
}

TEST(PulseTest, MoodIsCalmOnUsualTrafficAndEscalatingWhenHostilityJumps) {
  ManualClock clock(kMonday9);
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  testing::Player player(&pulse, &clock, "news");
  player.Play(180, testing::Traffic(20, 0.05));
  Mood mood = pulse.Snapshot("news")->mood;
  EXPECT_EQ(mood.index, "ruhig");
  EXPECT_TRUE(mood.enough_data);
  EXPECT_EQ(mood.baseline_source, "overall");
  EXPECT_NEAR(mood.baseline_share, 0.05, 0.03);
  player.Play(15, testing::Traffic(20, 0.6));
  mood = pulse.Snapshot("news")->mood;
  EXPECT_EQ(mood.index, "eskalierend");
  EXPECT_GT(mood.hostile_share_now, 0.4);
}

// The mood per category: each category's share of the last 15 minutes
// against its own baseline. A rise of hate beside the usual insults puts
// hate first, far above its baseline, and leaves insult near its own.
TEST(PulseTest, MoodPerCategoryComparesEachCategoryWithItsOwnBaseline) {
  ManualClock clock(kMonday9);
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  testing::Player player(&pulse, &clock, "news");
  player.Play(180, testing::Traffic(20, 0.05, "insult"));
  player.Play(180, testing::Traffic(20, 0.02, "hate"));
  Mood mood = pulse.Snapshot("news")->mood;
  ASSERT_EQ(mood.by_category.size(), 2u);
  for (const CategoryMood& c : mood.by_category) EXPECT_LT(c.z, 4) << c.category;
  player.Play(15, testing::Traffic(20, 0.3, "hate"));
  mood = pulse.Snapshot("news")->mood;
  ASSERT_EQ(mood.by_category.size(), 2u);
  const CategoryMood& first = mood.by_category[0];
  EXPECT_EQ(first.category, "hate");
  EXPECT_GT(first.share_now, 0.2);
  EXPECT_LT(first.baseline_share, 0.1);
  EXPECT_GE(first.z, 8);
  EXPECT_EQ(first.hostile_now,
            static_cast<uint64_t>(std::lround(first.share_now * mood.posts_now)));
  const CategoryMood& second = mood.by_category[1];
  EXPECT_EQ(second.category, "insult");
  EXPECT_EQ(second.hostile_now, 0u);  // no insults in the hate rise's minutes
  EXPECT_GT(second.baseline_share, 0.005);
  EXPECT_LT(second.z, 0);
}

// The baseline for an hour of the week: a community whose nights at 03:00
// are always rough (25 % hostile against 3 % the rest of the day) alerts on
// them at first, measured against its overall share. An open alert keeps
// its quarters out of the baseline, but a rough hour that recurs a week
// later is learnt by its hour-of-week slot (community.cc, FeedQuarter);
// with two weeks of that history (the fourth week) the night is measured
// against itself and is no crisis any more.
TEST(PulseTest, AnHourThatIsAlwaysRoughBecomesItsOwnBaselineAfterTwoWeeks) {
  ManualClock clock(kMonday9);
  testing::RecordingSink sink;
  Pulse pulse(PulseOptions{}, &clock, &sink);
  testing::Player player(&pulse, &clock, "nightly");
  const int first_hour = static_cast<int>(absl::ToInt64Hours(
      kMonday9 - absl::FromUnixSeconds(absl::ToUnixSeconds(kMonday9) / 86400 * 86400)));
  auto opened_at_three = [&](int from_day, int to_day) {
    int n = 0;
    for (const Alert& a : sink.changes()) {
      if (a.kind != AlertKind::kHostileShare || !a.open() || a.escalated) continue;
      const int64_t hours = absl::ToInt64Hours(a.started - kMonday9) + first_hour;
      const int64_t day = hours / 24;
      if (day >= from_day && day < to_day && hours % 24 == 3) ++n;
    }
    return n;
  };
  Mood at_three;
  for (int hour = first_hour; hour < first_hour + 24 * 25; ++hour) {
    const bool rough = hour % 24 == 3;
    player.Play(rough ? 30 : 60, testing::Traffic(20, rough ? 0.25 : 0.03));
    if (rough) {
      at_three = pulse.Snapshot("nightly")->mood;
      player.Play(30, testing::Traffic(20, 0.25));
    }
  }
  EXPECT_GE(opened_at_three(1, 3), 1) << "the first nights are measured against the day";
  EXPECT_EQ(opened_at_three(22, 25), 0)
      << "the fourth week's nights are measured against themselves";
  EXPECT_EQ(at_three.baseline_source, "hour_of_week");
  EXPECT_GT(at_three.baseline_share, 0.15);
  EXPECT_NE(at_three.index, "eskalierend");
}

TEST(PulseTest, ListSortsByVolumeOrHostileShare) {
  ManualClock clock(kMonday9);
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  for (int i = 0; i < 5; ++i) pulse.Record(Post("busy", "a"));
  pulse.Record(Post("rough", "a", Outcome::kBlock, "threat", "r"));
  std::vector<CommunitySummary> by_volume = pulse.List(Pulse::Order::kVolume, 0);
  ASSERT_EQ(by_volume.size(), 2u);
  EXPECT_EQ(by_volume[0].community, "busy");
  EXPECT_EQ(by_volume[0].posts_last_hour, 5u);
  std::vector<CommunitySummary> by_share = pulse.List(Pulse::Order::kHostileShare, 1);
  ASSERT_EQ(by_share.size(), 1u);
  EXPECT_EQ(by_share[0].community, "rough");
  EXPECT_DOUBLE_EQ(by_share[0].hostile_share_last_hour, 1.0);
}

TEST(PulseTest, TenThousandCommunitiesStayWithinTheCommunityLimitAndItsMemory) {
  ManualClock clock(kMonday9);
  PulseOptions options;
  options.max_communities = 1000;
  Pulse pulse(options, &clock, nullptr);
  const size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 10000; ++i) {
    PulseEvent e = Post(absl::StrCat("community-", i), "a", Outcome::kFlag, "insult", "r");
    e.post_id = "a-post-id-long-enough-to-need-the-heap-0123456789";
    pulse.Record(e);
  }
  const size_t grown = mallinfo2().uordblks - before;
  // At most 1000 communities (rounded up per shard) plus one "other" per shard.
  EXPECT_LE(pulse.community_count(), 1008u + Pulse::kShards);
  EXPECT_GE(pulse.community_count(), 900u);
  std::optional<CommunitySnapshot> other = pulse.Snapshot(kOtherCommunity);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(Window(*other, "hour").total.posts, 10000u - (pulse.community_count() - 1));
  const size_t bound = (1008 + Pulse::kShards) * Pulse::BytesPerCommunity();
  EXPECT_LE(grown, bound) << "per community: " << grown / pulse.community_count() << " bytes";
  EXPECT_LE(Pulse::BytesPerCommunity(), 100u * 1024);
}

TEST(PulseTest, IdleCommunitiesMakeRoomForNewOnes) {
  ManualClock clock(kMonday9);
  PulseOptions options;
  options.max_communities = Pulse::kShards;  // one per shard
  options.evict_after_idle = absl::Minutes(30);
  Pulse pulse(options, &clock, nullptr);
  for (int i = 0; i < 200; ++i) pulse.Record(Post(absl::StrCat("c", i), "a"));
  EXPECT_LE(pulse.community_count(), 2u * Pulse::kShards);  // one each, plus "other"
  clock.Advance(absl::Minutes(31));
  pulse.Record(Post("late", "a"));
  EXPECT_TRUE(pulse.Snapshot("late").has_value());
}

// The hour window's totals of a community, 0s if it is not tracked.
std::array<double, 5> HourTotals(const Pulse& pulse, std::string_view community) {
  const std::optional<CommunitySnapshot> s = pulse.Snapshot(community);
  if (!s.has_value()) return {};
  const BucketSummary& t = Window(*s, "hour").total;
  return {static_cast<double>(t.posts), static_cast<double>(t.flagged),
          static_cast<double>(t.blocked), static_cast<double>(t.copies), t.distinct_authors};
}

// The event's language (the request's Post.language) reaches the topics:
// the same English posts keep "war" with an English hint and lose it with
// a German one; without a hint their stop words vote for English.
TEST(PulseTest, TheEventsLanguageChoosesTheTopicsStopWords) {
  struct Case {
    std::string_view language;
    bool war_is_a_topic;
  };
  for (const Case& c : {Case{"en-GB", true}, Case{"", true}, Case{"de-AT", false}}) {
    ManualClock clock(kMonday9);
    PulseOptions options;
    options.topic_sample_every = 1;
    Pulse pulse(options, &clock, nullptr);
    for (int i = 0; i < 5; ++i) {
      PulseEvent e = Post("world", "a");
      e.title = "The war";
      e.body = "Talks about the war and the ceasefire";
      e.language = c.language;
      pulse.Record(e);
    }
    const std::optional<CommunitySnapshot> snapshot = pulse.Snapshot("world");
    ASSERT_TRUE(snapshot.has_value());
    std::vector<std::string> terms;
    for (const RisingTopic& t : snapshot->rising_topics) terms.push_back(t.term);
    const bool has_war = std::find(terms.begin(), terms.end(), "war") != terms.end();
    EXPECT_EQ(has_war, c.war_is_a_topic) << "language \"" << c.language << "\"";
    EXPECT_NE(std::find(terms.begin(), terms.end(), "ceasefire"), terms.end()) << c.language;
    // German "the" is no stop word: with a German hint it is a topic.
    const bool has_the = std::find(terms.begin(), terms.end(), "the") != terms.end();
    EXPECT_EQ(has_the, !c.war_is_a_topic) << c.language;
  }
}

TEST(PulseTest, ARecordWithItsObservationCountsAsOneWithout) {
  // The same posts into two pulses: one records each post with the
  // ObservedPost of its ObserveActivity (as moderationd does), the other
  // without; every community's windows must agree.
  struct Case {
    std::string community;
    std::string author;
    Outcome outcome;
    int minutes_later;
  };
  const std::vector<Case> cases = {
      {"news", "a1", Outcome::kAllow, 0},  {"news", "a2", Outcome::kFlag, 0},
      {"sport", "a1", Outcome::kAllow, 0}, {"news", "", Outcome::kBlock, 1},
      {"news", "a1", Outcome::kAllow, 2},  {"sport", "a3", Outcome::kFlag, 2},
      {"other", "a4", Outcome::kAllow, 3}, {"lokal", "a1", Outcome::kAllow, 61},
  };
  ManualClock with_clock(kMonday9);
  ManualClock without_clock(kMonday9);
  Pulse with(PulseOptions{}, &with_clock, nullptr);
  Pulse without(PulseOptions{}, &without_clock, nullptr);
  for (const Case& c : cases) {
    with_clock.Set(kMonday9 + absl::Minutes(c.minutes_later));
    without_clock.Set(kMonday9 + absl::Minutes(c.minutes_later));
    PulseEvent e = Post(c.community, c.author, c.outcome, "insult", "de.insult");
    ObservedPost observed;
    with.ObserveActivity(c.community, c.author, 0x0123456789ABCDEFULL, std::nullopt, &observed);
    ASSERT_NE(observed.state, nullptr) << c.community;
    without.ObserveActivity(c.community, c.author, 0x0123456789ABCDEFULL, std::nullopt);
    e.observed = &observed;
    with.Record(e);
    e.observed = nullptr;
    without.Record(e);
  }
  for (std::string_view community : {"news", "sport", "other", "lokal"}) {
    EXPECT_EQ(HourTotals(with, community), HourTotals(without, community)) << community;
  }
  EXPECT_EQ(HourTotals(with, "lokal")[0], 1);
}

TEST(PulseTest, ARecordWhoseObservedCommunityWasDroppedLooksItUpAgain) {
  ManualClock clock(kMonday9);
  PulseOptions options;
  options.max_communities = Pulse::kShards;  // one per shard
  options.evict_after_idle = absl::Minutes(30);
  Pulse pulse(options, &clock, nullptr);
  ObservedPost observed;
  pulse.ObserveActivity("c0", "a", 0, std::nullopt, &observed);
  ASSERT_NE(observed.state, nullptr);
  clock.Advance(absl::Minutes(31));
  // New communities until one takes c0's place in its shard.
  for (int i = 1; pulse.Snapshot("c0").has_value(); ++i) {
    ASSERT_LT(i, 10000);
    pulse.Record(Post(absl::StrCat("c", i), "a"));
  }
  const double other_before = HourTotals(pulse, kOtherCommunity)[0];
  PulseEvent e = Post("c0", "a");
  e.observed = &observed;  // its state is gone
  pulse.Record(e);
  // c0's shard is full of a community active this minute: the post counts
  // under "other", not in the dropped state.
  EXPECT_FALSE(pulse.Snapshot("c0").has_value());
  EXPECT_EQ(HourTotals(pulse, kOtherCommunity)[0], other_before + 1);
}

}  // namespace
}  // namespace moderation::server::pulse
