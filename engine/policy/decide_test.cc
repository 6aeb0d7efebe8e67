#include "engine/policy/decide.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace moderation::policy {
namespace {

using rules::Action;

struct JudgeCase {
  const char* name;
  std::vector<std::pair<Action, double>> fired;  // enforced rules that fired
  Verdict verdict;                               // at flag 5, block 10
};

TEST(JudgeTest, TurnsFiredRulesIntoAVerdict) {
  const JudgeCase kCases[] = {
      {"nothing fired", {}, Verdict::kAllow},
      {"score below flag", {{Action::kScore, 4.9}}, Verdict::kAllow},
      {"score exactly at flag", {{Action::kScore, 5}}, Verdict::kFlag},
      {"score between thresholds", {{Action::kScore, 9.5}}, Verdict::kFlag},
      {"score exactly at block", {{Action::kScore, 10}}, Verdict::kBlock},
      {"scores add up to block",
       {{Action::kScore, 4}, {Action::kScore, 3}, {Action::kScore, 3}},
       Verdict::kBlock},
      {"scores add up to flag", {{Action::kScore, 2.5}, {Action::kScore, 2.5}}, Verdict::kFlag},
      {"flag action alone", {{Action::kFlag, 0}}, Verdict::kFlag},
      {"flag action ignores its score field", {{Action::kFlag, 100}}, Verdict::kFlag},
      {"block action alone", {{Action::kBlock, 0}}, Verdict::kBlock},
      {"block action wins over flag", {{Action::kFlag, 0}, {Action::kBlock, 0}}, Verdict::kBlock},
      {"block action wins over a low score",
       {{Action::kScore, 1}, {Action::kBlock, 0}},
       Verdict::kBlock},
      {"flag action with a low score", {{Action::kScore, 1}, {Action::kFlag, 0}}, Verdict::kFlag},
      {"flag action but score reaches block",
       {{Action::kFlag, 0}, {Action::kScore, 12}},
       Verdict::kBlock},
  };
  const rules::Thresholds thresholds{.flag = 5, .block = 10};
  for (const JudgeCase& c : kCases) {
    SetTally tally;
    for (const auto& [action, score] : c.fired) tally.Add(action, score);
    EXPECT_EQ(Judge(thresholds, tally), c.verdict)
        << c.name << ": got " << VerdictName(Judge(thresholds, tally)) << ", want "
        << VerdictName(c.verdict);
  }
}

TEST(JudgeTest, UsesTheGivenThresholds) {
  SetTally tally;
  tally.Add(Action::kScore, 3);
  EXPECT_EQ(Judge({.flag = 5, .block = 10}, tally), Verdict::kAllow);
  EXPECT_EQ(Judge({.flag = 3, .block = 10}, tally), Verdict::kFlag);
  EXPECT_EQ(Judge({.flag = 1, .block = 3}, tally), Verdict::kBlock);
}

TEST(SetTallyTest, OnlyScoreActionsAddToTheScore) {
  SetTally tally;
  tally.Add(Action::kScore, 2);
  tally.Add(Action::kFlag, 7);
  tally.Add(Action::kBlock, 9);
  tally.Add(Action::kScore, 1.5);
  EXPECT_DOUBLE_EQ(tally.score, 3.5);
  EXPECT_TRUE(tally.any_flag);
  EXPECT_TRUE(tally.any_block);
}

TEST(StricterTest, PicksTheMoreSevereVerdict) {
  const struct {
    Verdict a, b, stricter;
  } kCases[] = {
      {Verdict::kAllow, Verdict::kAllow, Verdict::kAllow},
      {Verdict::kAllow, Verdict::kFlag, Verdict::kFlag},
      {Verdict::kFlag, Verdict::kAllow, Verdict::kFlag},
      {Verdict::kFlag, Verdict::kBlock, Verdict::kBlock},
      {Verdict::kBlock, Verdict::kAllow, Verdict::kBlock},
      {Verdict::kBlock, Verdict::kBlock, Verdict::kBlock},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(Stricter(c.a, c.b), c.stricter) << VerdictName(c.a) << " vs " << VerdictName(c.b);
  }
}

TEST(VerdictNameTest, NamesEachVerdictInUpperCase) {
  EXPECT_STREQ(VerdictName(Verdict::kAllow), "ALLOW");
  EXPECT_STREQ(VerdictName(Verdict::kFlag), "FLAG");
  EXPECT_STREQ(VerdictName(Verdict::kBlock), "BLOCK");
}

}  // namespace
}  // namespace moderation::policy
