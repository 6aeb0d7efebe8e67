// ImpactReport: which decisions change, grouped by the rule that changed.
#include "engine/impact.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

Post MakePost(const std::string& id, const std::string& body) {
  Post post;
  post.id = id;
  post.community = "news";
  post.fields.push_back({"body", body});
  return post;
}

Decision Fired(Verdict verdict, std::vector<std::pair<std::string, std::string>> rules) {
  Decision d;
  d.verdict = verdict;
  for (auto& [id, category] : rules) {
    RuleHit hit;
    hit.rule_id = id;
    hit.category = category;
    d.hits.push_back(hit);
  }
  return d;
}

TEST(ImpactReportTest, GroupsChangedPostsByTheRuleThatNowFiresOrNoLongerFires) {
  ImpactReport report(ImpactReport::Options{/*examples_per_group=*/2, /*max_text_bytes=*/200});
  const Decision allow = Fired(Verdict::kAllow, {});
  const Decision threat = Fired(Verdict::kBlock, {{"de.threat", "threat"}});
  report.Add(MakePost("1", "mach dich kalt"), allow, threat);
  report.Add(MakePost("2", "bring dich um"), allow, threat);
  report.Add(MakePost("3", "stech dich ab"), allow, threat);
  report.Add(MakePost("4", "Du Trottel"), Fired(Verdict::kFlag, {{"de.insult", "insult"}}), allow);
  report.Add(MakePost("5", "Guten Tag"), allow, allow);
  report.AddError();

  EXPECT_EQ(report.posts(), 5u);
  EXPECT_EQ(report.changed(), 4u);
  EXPECT_EQ(report.errors(), 1u);
  EXPECT_EQ(report.Transitions(Verdict::kAllow, Verdict::kBlock), 3u);
  EXPECT_EQ(report.Transitions(Verdict::kFlag, Verdict::kAllow), 1u);
  EXPECT_EQ(report.Transitions(Verdict::kAllow, Verdict::kAllow), 1u);

  const std::vector<ImpactGroup> groups = report.Groups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].rule_id, "de.threat");
  EXPECT_EQ(groups[0].category, "threat");
  EXPECT_EQ(groups[0].change, ImpactGroup::Change::kNowFires);
  EXPECT_EQ(groups[0].posts, 3u);
  ASSERT_EQ(groups[0].examples.size(), 2u);  // capped
  EXPECT_EQ(groups[0].examples[0].post_id, "1");
  EXPECT_EQ(groups[0].examples[0].text, "mach dich kalt");
  EXPECT_EQ(groups[0].examples[0].new_verdict, Verdict::kBlock);
  EXPECT_EQ(groups[1].rule_id, "de.insult");
  EXPECT_EQ(groups[1].change, ImpactGroup::Change::kNoLongerFires);
  EXPECT_EQ(report.ChangedByCategory(),
            (std::map<std::string, size_t>{{"insult", 1}, {"threat", 3}}));
}

TEST(ImpactReportTest, ADecisionThatChangesWithTheSameRulesIsPutOnScoresOrThresholds) {
  ImpactReport report(ImpactReport::Options{});
  report.Add(MakePost("1", "x"), Fired(Verdict::kFlag, {{"r", "spam"}}),
             Fired(Verdict::kBlock, {{"r", "spam"}}));
  const std::vector<ImpactGroup> groups = report.Groups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].change, ImpactGroup::Change::kScoresOrThresholds);
  EXPECT_EQ(groups[0].rule_id, "");
}

TEST(ImpactReportTest, ExampleTextsAreCutOnACharacterBoundary) {
  ImpactReport report(ImpactReport::Options{1, 5});
  report.Add(MakePost("1", "Blödmann"), Fired(Verdict::kAllow, {}),
             Fired(Verdict::kBlock, {{"r", "insult"}}));
  EXPECT_EQ(report.Groups()[0].examples[0].text, "Blöd…");
}

}  // namespace
}  // namespace moderation
