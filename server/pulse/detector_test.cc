// Crisis alerts against the community's own baseline (community.h,
// detector.cc): each kind fires within a stated delay and clears, and usual
// traffic raises none.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "server/pulse/pulse.h"
#include "server/pulse/pulse_testing.h"
#include "server/pulse/stats.h"

namespace moderation::server::pulse {
namespace {

using testing::MinuteTraffic;
using testing::Player;
using testing::RecordingSink;
using testing::Traffic;

const absl::Time kMonday9 = absl::FromUnixSeconds(1796029200);
const MinuteTraffic kUsual = Traffic(20, 0.05);

// The alerts of a kind that opened (open) or ended (!open); escalations,
// an open alert sent again as critical, are neither.
std::vector<Alert> Of(const std::vector<Alert>& changes, AlertKind kind, bool open) {
  std::vector<Alert> out;
  for (const Alert& a : changes) {
    if (a.kind == kind && a.open() == open && !a.escalated) out.push_back(a);
  }
  return out;
}

TEST(StatsTest, ZScoresOfBinomialAndPoissonCounts) {
  EXPECT_NEAR(BinomialZ(10, 100, 0.1), 0, 1e-9);
  EXPECT_NEAR(BinomialZ(40, 100, 0.1), 10, 1e-9);                              // 30 / sqrt(9)
  EXPECT_NEAR(BinomialZ(1, 1, 0), (1 - 0.01) / std::sqrt(0.01 * 0.99), 1e-9);  // floored p0
  EXPECT_NEAR(PoissonZ(150, 100), 5, 1e-9);
  EXPECT_NEAR(PoissonZ(0, 0), -1, 1e-9);  // lambda floored at 1
  EXPECT_NEAR(TwoProportionZ(30, 100, 10, 100), 0.2 / std::sqrt(0.2 * 0.8 * 0.02), 1e-9);
  EXPECT_NEAR(TwoProportionZ(10, 100, 30, 100), -TwoProportionZ(30, 100, 10, 100), 1e-9);
  EXPECT_EQ(TwoProportionZ(5, 10, 0, 0), 0);     // no rest to compare with
  EXPECT_EQ(TwoProportionZ(0, 10, 0, 90), 0);    // nothing hostile anywhere
  EXPECT_EQ(TwoProportionZ(10, 10, 90, 90), 0);  // everything hostile
  Ewma e;
  e.Add(10, 0.5);
  e.Add(20, 0.5);
  EXPECT_FLOAT_EQ(e.value, 15);
}

class DetectorTest : public ::testing::Test {
 protected:
  DetectorTest() : clock_(kMonday9), pulse_(PulseOptions{}, &clock_, &sink_) {}
  ManualClock clock_;
  RecordingSink sink_;
  Pulse pulse_;
};

TEST_F(DetectorTest, AUsualDayWithADailyRhythmRaisesNoAlert) {
  Player player(&pulse_, &clock_, "news");
  for (int hour = 0; hour < 24; ++hour) {
    // 12 to 28 posts a minute over the day, 5 % hostile, 2 % new accounts.
    const int posts = 20 + static_cast<int>(std::lround(8 * std::sin(hour * 3.14159 / 12)));
    player.Play(60, Traffic(posts, 0.05));
  }
  EXPECT_TRUE(sink_.changes().empty()) << AlertKindName(sink_.changes().front().kind);
  EXPECT_EQ(pulse_.Snapshot("news")->mood.index, "ruhig");
}

TEST_F(DetectorTest, AHostileSpikeAlertsWithinFiveMinutesAndClearsAfterwards) {
  Player player(&pulse_, &clock_, "news");
  player.Play(180, kUsual);
  ASSERT_TRUE(sink_.changes().empty());
  const absl::Time spike_start = clock_.Now();
  player.Play(20, Traffic(20, 0.4));
  std::vector<Alert> opened = Of(sink_.changes(), AlertKind::kHostileShare, true);
  ASSERT_EQ(opened.size(), 1u);
  const Alert& a = opened[0];
  EXPECT_EQ(a.community, "news");
  // The 10-minute window needs three minutes of the jump to 40 % before
  // the share is 10 points above the baseline; the test runs at the next
  // minute's start.
  EXPECT_LE(a.started - spike_start, absl::Minutes(5));
  EXPECT_GE(a.observed, a.expected + 0.1);
  EXPECT_NEAR(a.expected, 0.05, 0.03);
  EXPECT_GE(a.z, 4);
  EXPECT_FALSE(a.severity.empty());
  ASSERT_FALSE(a.top_rules.empty());
  EXPECT_EQ(a.top_rules[0].first, "rule.insult");
  EXPECT_FALSE(a.example_post_ids.empty());
  // The insult category rose with it: both are open.
  EXPECT_EQ(pulse_.OpenAlerts().size(), 2u);
  EXPECT_EQ(pulse_.Snapshot("news")->mood.index, "eskalierend");

  const absl::Time calm_start = clock_.Now();
  player.Play(30, kUsual);
  std::vector<Alert> closed = Of(sink_.changes(), AlertKind::kHostileShare, false);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].id, a.id);
  EXPECT_LE(closed[0].ended - calm_start, absl::Minutes(12));  // the window empties of the spike
  EXPECT_TRUE(pulse_.OpenAlerts().empty());
}

// A spike that grows after its alert opened: the warning is sent again as
// critical (escalated), once, and then ends like any alert.
TEST_F(DetectorTest, AWarningThatTurnsCriticalIsSentAgainOnce) {
  Player player(&pulse_, &clock_, "news");
  player.Play(180, kUsual);
  player.Play(15, Traffic(20, 0.16));
  std::vector<Alert> opened = Of(sink_.changes(), AlertKind::kHostileShare, true);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].severity, "warning");
  EXPECT_LT(opened[0].z, 8);
  player.Play(15, Traffic(20, 0.6));
  player.Play(15, Traffic(20, 0.7));
  std::vector<Alert> escalations;
  for (const Alert& a : sink_.changes()) {
    if (a.kind == AlertKind::kHostileShare && a.escalated) escalations.push_back(a);
  }
  ASSERT_EQ(escalations.size(), 1u);
  EXPECT_EQ(escalations[0].id, opened[0].id);
  EXPECT_EQ(escalations[0].severity, "critical");
  EXPECT_TRUE(escalations[0].open());
  EXPECT_GE(escalations[0].z, 8);
  EXPECT_EQ(Of(sink_.changes(), AlertKind::kHostileShare, true).size(), 1u);
  player.Play(40, kUsual);
  std::vector<Alert> closed = Of(sink_.changes(), AlertKind::kHostileShare, false);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].severity, "critical");
}

TEST_F(DetectorTest, ACategorySpikeNamesTheCategory) {
  Player player(&pulse_, &clock_, "news");
  player.Play(180, kUsual);
  player.Play(15, Traffic(20, 0.3, "threat"));
  std::vector<Alert> opened = Of(sink_.changes(), AlertKind::kCategoryShare, true);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].subject, "threat");
  ASSERT_FALSE(opened[0].top_rules.empty());
  EXPECT_EQ(opened[0].top_rules[0].first, "rule.threat");
}

TEST_F(DetectorTest, ASmallCommunityDoesNotAlertOnAFewPosts) {
  Player player(&pulse_, &clock_, "tiny");
  player.Play(180, Traffic(2, 0.0));
  player.Play(30, Traffic(2, 1.0));
  EXPECT_TRUE(sink_.changes().empty());
}

TEST_F(DetectorTest, VolumeSpikeAndCollapseAgainstTheBaseline) {
  Player player(&pulse_, &clock_, "news");
  player.Play(180, kUsual);
  player.Play(10, Traffic(80, 0.05));
  EXPECT_EQ(Of(sink_.changes(), AlertKind::kVolumeSpike, true).size(), 1u);
  player.Play(30, kUsual);
  EXPECT_EQ(Of(sink_.changes(), AlertKind::kVolumeSpike, false).size(), 1u);
  player.Play(15, Traffic(1, 0.0));
  EXPECT_EQ(Of(sink_.changes(), AlertKind::kVolumeCollapse, true).size(), 1u);
  player.Play(20, kUsual);
  EXPECT_EQ(Of(sink_.changes(), AlertKind::kVolumeCollapse, false).size(), 1u);
}

TEST_F(DetectorTest, ARaidOfNewAccounts) {
  Player player(&pulse_, &clock_, "news");
  player.Play(180, kUsual);
  player.Play(10, Traffic(20, 0.05, "insult", 0.6));
  std::vector<Alert> opened = Of(sink_.changes(), AlertKind::kRaid, true);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_GE(opened[0].observed, opened[0].expected + 0.2);
}

TEST_F(DetectorTest, ARaidOfNearDuplicatesFromEstablishedAccounts) {
  Player player(&pulse_, &clock_, "news");
  player.Play(180, kUsual);
  MinuteTraffic raid = kUsual;
  raid.copy_share = 0.5;  // half the posts copy someone else's; no new accounts
  player.Play(10, raid);
  std::vector<Alert> opened = Of(sink_.changes(), AlertKind::kRaid, true);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].subject, "near_duplicates");
  EXPECT_GE(opened[0].observed, opened[0].expected + 0.2);
  player.Play(20, kUsual);
  std::vector<Alert> ended = Of(sink_.changes(), AlertKind::kRaid, false);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].subject, "near_duplicates");
}

// A raid alert's examples are the raid's own posts (the copies, or the new
// accounts' posts), not the community's hostile posts of the moment.
TEST_F(DetectorTest, ARaidListsItsOwnPostsAsExamples) {
  struct Case {
    const char* name;
    double copy_share;
    double new_account_share;
    const char* subject;
  };
  for (const Case& c : {Case{"copies by established accounts", 0.5, 0.02, "near_duplicates"},
                        Case{"new accounts", 0, 0.6, ""}}) {
    SCOPED_TRACE(c.name);
    ManualClock clock(kMonday9);
    RecordingSink sink;
    Pulse pulse(PulseOptions{}, &clock, &sink);
    Player player(&pulse, &clock, "news");
    player.Play(180, kUsual);
    MinuteTraffic raid = Traffic(20, 0.05, "insult", c.new_account_share);
    raid.copy_share = c.copy_share;
    player.Play(10, raid);
    std::vector<Alert> opened;
    for (const Alert& a : Of(sink.changes(), AlertKind::kRaid, true)) {
      if (a.subject == c.subject) opened.push_back(a);
    }
    ASSERT_EQ(opened.size(), 1u);
    const std::set<std::string>& raid_posts =
        *c.subject == '\0' ? player.new_account_ids() : player.copy_ids();
    EXPECT_EQ(opened[0].example_post_ids.size(), 5u);
    for (const std::string& id : opened[0].example_post_ids) {
      EXPECT_TRUE(raid_posts.contains(id)) << id << " is not one of the raid's posts";
    }
  }
}

TEST_F(DetectorTest, APileOnAgainstOneThread) {
  Player player(&pulse_, &clock_, "news");
  player.Play(180, Traffic(40, 0.05));
  // The same hostile share, but every hostile post goes to thread t-42.
  player.Play(10, Traffic(40, 0.05, "insult", 0.02, "t-42"));
  std::vector<Alert> opened = Of(sink_.changes(), AlertKind::kPileOn, true);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].subject, "thread:t-42");
  EXPECT_TRUE(Of(sink_.changes(), AlertKind::kHostileShare, true).empty());
  player.Play(15, Traffic(40, 0.05));
  EXPECT_EQ(Of(sink_.changes(), AlertKind::kPileOn, false).size(), 1u);
}

// A pile-on draws a large share of the community's hostile posts to one
// thread or target (DetectorOptions::pile_on_min_share); a community-wide
// rise spread over several threads gives each enough posts, but not the
// share, and opens none.
TEST_F(DetectorTest, APileOnNeedsTheSubjectsShareOfTheCommunitysHostilePosts) {
  struct Case {
    const char* name;
    MinuteTraffic crisis;  // ten minutes of it after three usual hours
    std::vector<std::string> opened;
  };
  MinuteTraffic spread = Traffic(40, 0.2, "insult", 0.02, "t");
  spread.threads = 5;  // each thread 20 %, 13 of the last 64 hostile posts
  MinuteTraffic against_author = Traffic(40, 0.05);
  against_author.target_author_id = "u-7";
  MinuteTraffic halves = Traffic(40, 0.05, "insult", 0.02, "t");
  halves.threads = 2;  // two threads, half each: both are piled on
  for (const Case& c : {
           Case{"all hostility in one thread",
                Traffic(40, 0.05, "insult", 0.02, "t-42"),
                {"thread:t-42"}},
           Case{"all hostility against one author", against_author, {"target:u-7"}},
           Case{"half of it in each of two threads", halves, {"thread:t-0", "thread:t-1"}},
           Case{"a rise spread over five threads", spread, {}},
       }) {
    SCOPED_TRACE(c.name);
    ManualClock clock(kMonday9);
    RecordingSink sink;
    Pulse pulse(PulseOptions{}, &clock, &sink);
    Player player(&pulse, &clock, "news");
    player.Play(180, Traffic(40, 0.05));
    player.Play(10, c.crisis);
    std::vector<std::string> subjects;
    for (const Alert& a : Of(sink.changes(), AlertKind::kPileOn, true))
      subjects.push_back(a.subject);
    std::sort(subjects.begin(), subjects.end());
    EXPECT_EQ(subjects, c.opened);
  }
}

// A thread (or an author most posts answer) that carries most of a
// community's posts carries most of its hostile posts too, in a rise as on
// an ordinary day. It is piled on only when its own posts are far more
// hostile than the rest of the community's (DetectorOptions,
// pile_on_min_share: a two-proportion z of at least open_z).
TEST(PileOnTest, ABusySubjectIsPiledOnOnlyWhenItsOwnPostsAreMoreHostileThanTheRest) {
  // `posts` a minute, each in thread `thread` (or one of `threads` of that
  // name), answering `target` if set.
  const auto in = [](int posts, double hostile_share, const char* thread, int threads = 1,
                     const char* target = "") {
    MinuteTraffic t = Traffic(posts, hostile_share, "insult", 0.02, thread);
    t.threads = threads;
    t.target_author_id = target;
    t.every_post = true;
    return t;
  };
  const std::vector<MinuteTraffic> big70 = {in(28, 0.03, "t-big"), in(12, 0.03, "t", 6)};
  const std::vector<MinuteTraffic> star70 = {in(28, 0.03, "s", 3, "u-star"), in(12, 0.03, "t", 6)};
  const std::vector<MinuteTraffic> big50 = {in(20, 0.03, "t-big"), in(20, 0.03, "t", 6)};
  struct Case {
    const char* name;
    std::vector<MinuteTraffic> usual;   // three hours of it
    std::vector<MinuteTraffic> crisis;  // then fifteen minutes of it
    std::vector<std::string> opened;
  };
  for (const Case& c : {
           Case{"a thread with 70 % of the posts, in a rise to 35 % everywhere",
                big70,
                {in(28, 0.35, "t-big"), in(12, 0.35, "t", 6)},
                {}},
           Case{"an author 70 % of the posts answer, in the same rise",
                star70,
                {in(28, 0.35, "s", 3, "u-star"), in(12, 0.35, "t", 6)},
                {}},
           Case{"a thread with half the posts, on an ordinary day", big50, big50, {}},
           Case{"4 insults a minute piled onto that thread",
                big50,
                {in(20, 0.03, "t-big"), in(20, 0.03, "t", 6), in(4, 1.0, "t-big")},
                {"thread:t-big"}},
           Case{"4 insults a minute against an author in a quiet thread",
                big70,
                {in(28, 0.03, "t-big"), in(12, 0.03, "t", 6), in(4, 1.0, "t-q", 1, "u-7")},
                {"target:u-7", "thread:t-q"}},
       }) {
    SCOPED_TRACE(c.name);
    ManualClock clock(kMonday9);
    RecordingSink sink;
    Pulse pulse(PulseOptions{}, &clock, &sink);
    Player player(&pulse, &clock, "news");
    player.Play(180, c.usual);
    player.Play(15, c.crisis);
    std::vector<std::string> subjects;
    for (const Alert& a : Of(sink.changes(), AlertKind::kPileOn, true)) {
      subjects.push_back(a.subject);
      // The numbers behind it: its share of the community's hostile posts,
      // and its own posts' hostile share far above the others'.
      EXPECT_GE(a.pile_on.share_of_hostile, 0.4) << a.subject;
      EXPECT_GE(a.z, 4) << a.subject;
      EXPECT_GT(a.pile_on.subject_posts, 0) << a.subject;
      EXPECT_GT(a.pile_on.subject_hostile_share, a.pile_on.others_hostile_share + 0.1) << a.subject;
      EXPECT_LT(a.pile_on.others_hostile_share, 0.1) << a.subject;
    }
    std::sort(subjects.begin(), subjects.end());
    EXPECT_EQ(subjects, c.opened);
  }
}

}  // namespace
}  // namespace moderation::server::pulse
