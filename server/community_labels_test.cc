// CommunityLabels: which communities keep their own label in the
// per-community metrics (listed ones always, the busiest others up to N),
// and Metrics::ForgetCommunity, which drops a community's series when it
// loses its label.
#include "server/community_labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "server/metrics.h"

namespace moderation::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

TEST(CommunityLabelsTest, ListedCommunitiesAndTheBusiestOthersKeepTheirLabel) {
  CommunityLabels labels(2);
  EXPECT_TRUE(labels.HasOwnLabel("news-de", /*listed=*/true));
  EXPECT_FALSE(labels.HasOwnLabel("forum-a", /*listed=*/false));
  EXPECT_TRUE(labels.Refresh({"forum-a", "forum-b", "forum-c"}).empty());
  EXPECT_TRUE(labels.HasOwnLabel("forum-a", false));
  EXPECT_TRUE(labels.HasOwnLabel("forum-b", false));
  EXPECT_FALSE(labels.HasOwnLabel("forum-c", false));  // third: over top_n
  // forum-b drops out, forum-c comes in: forum-b is returned to be forgotten.
  EXPECT_THAT(labels.Refresh({"forum-c", "forum-a"}), UnorderedElementsAre("forum-b"));
  EXPECT_FALSE(labels.HasOwnLabel("forum-b", false));
  EXPECT_TRUE(labels.HasOwnLabel("forum-c", false));
  EXPECT_THAT(labels.Refresh({}), UnorderedElementsAre("forum-a", "forum-c"));

  CommunityLabels none(0);
  none.Refresh({"forum-a"});
  EXPECT_FALSE(none.HasOwnLabel("forum-a", false));
  EXPECT_TRUE(none.HasOwnLabel("forum-a", true));
}

// Requests read the set while the ticker replaces it (run under the
// sanitizer builds for races); the last refresh wins.
TEST(CommunityLabelsTest, ReadersRunConcurrentlyWithRefreshes) {
  CommunityLabels labels(1);
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) labels.Refresh({i % 2 == 0 ? "a" : "b"});
  });
  for (int i = 0; i < 20000; ++i) labels.HasOwnLabel(i % 2 == 0 ? "a" : "b", false);
  writer.join();
  EXPECT_TRUE(labels.HasOwnLabel("b", false));
  EXPECT_FALSE(labels.HasOwnLabel("a", false));
}

TEST(MetricsForgetCommunityTest, DropsOnlyThatCommunitysSeriesAndCountsAgainFromZero) {
  Metrics metrics;
  metrics.RecordDecision("forum-a", "insult", "FLAG");
  metrics.RecordDecision("forum-a", "", "ALLOW");
  metrics.RecordDecision("forum-ab", "", "ALLOW");
  metrics.RecordCommunityRuleHit("forum-a", "de.insult.common", false);
  metrics.RecordDecision("news-de", "", "ALLOW");
  metrics.ForgetCommunity("forum-a");
  std::string text = metrics.RenderPrometheus();
  EXPECT_THAT(text, Not(HasSubstr("community=\"forum-a\"")));
  EXPECT_THAT(text, HasSubstr("moderation_decisions_total{community=\"forum-ab\",category=\"\","
                              "decision=\"ALLOW\"} 1"));
  EXPECT_THAT(text, HasSubstr("moderation_decisions_total{community=\"news-de\""));
  metrics.RecordDecision("forum-a", "insult", "FLAG");
  text = metrics.RenderPrometheus();
  EXPECT_THAT(text,
              HasSubstr("moderation_decisions_total{community=\"forum-a\",category=\"insult\","
                        "decision=\"FLAG\"} 1"));
}

}  // namespace
}  // namespace moderation::server
