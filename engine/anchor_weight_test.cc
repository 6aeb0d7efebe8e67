#include "engine/anchor_weight.h"

#include <string>

#include "gtest/gtest.h"

namespace moderation::internal {
namespace {

using match::Attachment;

TEST(AnchorWeightTest, FunctionWordsAreHeavyContentWordsFree) {
  const struct {
    std::string_view skeleton;
    Attachment attachment;
    bool heavy;
  } kCases[] = {
      {"ich", Attachment::kWord, true},      {"die", Attachment::kWord, true},
      {"an", Attachment::kWord, true},       {"you", Attachment::kWord, true},
      {"the", Attachment::kWord, true},      {"wand", Attachment::kWord, false},
      {"stechen", Attachment::kWord, false}, {"fresse", Attachment::kCompound, false},
      {"kill", Attachment::kWord, false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(AnchorWeight(c.skeleton, c.attachment) >= kCommonWordWeight, c.heavy) << c.skeleton;
  }
}

TEST(AnchorWeightTest, LettersSoFewThatWordsHoldThemWeighMoreThanWords) {
  EXPECT_GE(AnchorWeight("st", Attachment::kWord), kCommonWordWeight);
  EXPECT_GE(AnchorWeight("ur", Attachment::kWord), kCommonWordWeight);
  EXPECT_GT(AnchorWeight("kys", Attachment::kWord), 0u);
  EXPECT_LT(AnchorWeight("kys", Attachment::kWord), kCommonWordWeight);
  EXPECT_EQ(AnchorWeight("roof", Attachment::kWord), 0u);
}

TEST(AnchorWeightTest, ShortOpenEndedTermsWeighMoreThanWords) {
  EXPECT_GT(AnchorWeight("geil", Attachment::kPrefix), 0u);
  EXPECT_EQ(AnchorWeight("geil", Attachment::kWord), 0u);
  EXPECT_EQ(AnchorWeight("abknall", Attachment::kPrefix), 0u);
}

}  // namespace
}  // namespace moderation::internal
