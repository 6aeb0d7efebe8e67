// StrongestHit: which hit speaks for a decision, whatever order the rules
// were written in.
#include "engine/decision.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace moderation {
namespace {

using rules::Action;

RuleHit Hit(std::string id, Action action, double score, std::vector<uint32_t> starts) {
  RuleHit hit;
  hit.rule_id = std::move(id);
  hit.action = action;
  hit.score = score;
  for (uint32_t start : starts) hit.spans.push_back({"body", start, start + 3, "abc"});
  return hit;
}

struct StrongestCase {
  const char* name;
  std::vector<RuleHit> hits;
  const char* expected;
};

std::vector<StrongestCase> Cases() {
  return {
      {"BlockBeforeFlagBeforeScore",
       {Hit("score", Action::kScore, 9, {0}), Hit("flag", Action::kFlag, 0, {0}),
        Hit("block", Action::kBlock, 0, {9})},
       "block"},
      {"HigherScoreAmongScores",
       {Hit("low", Action::kScore, 5, {0}), Hit("high", Action::kScore, 8, {20})},
       "high"},
      {"EarlierSpanAmongEquals",
       {Hit("later", Action::kBlock, 0, {21}), Hit("earlier", Action::kBlock, 0, {30, 18})},
       "earlier"},
      {"ASpanBeforeNone",
       {Hit("condition_only", Action::kFlag, 0, {}), Hit("spanned", Action::kFlag, 0, {40})},
       "spanned"},
      {"FirstListedWhenAllElseIsEqual",
       {Hit("first", Action::kFlag, 0, {4}), Hit("second", Action::kFlag, 0, {4})},
       "first"},
  };
}

class StrongestHitTest : public ::testing::TestWithParam<StrongestCase> {};

TEST_P(StrongestHitTest, PicksByActionScoreAndPositionNotByRuleOrder) {
  const RuleHit* strongest = StrongestHit(GetParam().hits);
  ASSERT_NE(strongest, nullptr);
  EXPECT_EQ(strongest->rule_id, GetParam().expected);
  // The rules in the other order (one more file layout): the same winner,
  // unless the case is about the order itself.
  if (std::string(GetParam().name) == "FirstListedWhenAllElseIsEqual") return;
  std::vector<RuleHit> reversed = GetParam().hits;
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(StrongestHit(reversed)->rule_id, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(All, StrongestHitTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(StrongestHitTest, NoHitsNoStrongest) { EXPECT_EQ(StrongestHit({}), nullptr); }

}  // namespace
}  // namespace moderation
