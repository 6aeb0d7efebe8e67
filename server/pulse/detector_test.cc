// Crisis alerts against the community's own baseline (community.h,
// detector.cc): each kind fires within a stated delay and clears, and usual
// traffic raises none.
#include <gtest/gtest.h>

#include <cmath>

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

std::vector<Alert> Of(const std::vector<Alert>& changes, AlertKind kind, bool open) {
  std::vector<Alert> out;
  for (const Alert& a : changes) {
    if (a.kind == kind && a.open() == open) out.push_back(a);
  }
  return out;
}

TEST(StatsTest, ZScoresOfBinomialAndPoissonCounts) {
  EXPECT_NEAR(BinomialZ(10, 100, 0.1), 0, 1e-9);
  EXPECT_NEAR(BinomialZ(40, 100, 0.1), 10, 1e-9);                              // 30 / sqrt(9)
  EXPECT_NEAR(BinomialZ(1, 1, 0), (1 - 0.01) / std::sqrt(0.01 * 0.99), 1e-9);  // floored p0
  EXPECT_NEAR(PoissonZ(150, 100), 5, 1e-9);
  EXPECT_NEAR(PoissonZ(0, 0), -1, 1e-9);  // lambda floored at 1
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

}  // namespace
}  // namespace moderation::server::pulse
