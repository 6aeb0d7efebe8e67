#include "engine/text/joined_view.h"

#include <gtest/gtest.h>

#include <string>

namespace moderation::text {
namespace {

struct JoinCase {
  const char* text;    // as a user would type it
  const char* joined;  // the joined view
};

std::string Joined(std::string_view text) {
  NormalizedText n;
  EXPECT_TRUE(Normalize(text, &n).ok());
  JoinedView j;
  BuildJoinedView(n.skeleton, n.raw, &j);
  // Every byte maps back to the skeleton byte it copies.
  EXPECT_EQ(j.to_skeleton.size(), j.text.size());
  for (size_t i = 0; i < j.text.size(); ++i) {
    EXPECT_EQ(j.text[i], n.skeleton.text[j.to_skeleton[i]]) << text << " at " << i;
  }
  return j.text;
}

TEST(JoinedViewTest, ChunksOfSeveralLettersSeparatedByWhitespaceAreJoined) {
  const JoinCase cases[] = {
      {"du Arsch loch", "duarschioch"},
      {"Arsch\u00A0loch", "arschioch"},    // NBSP
      {"Arsch\u2009loch", "arschioch"},    // thin space
      {"Arsch\u3000loch", "arschioch"},    // ideographic space
      {"Arsch \u200B loch", "arschioch"},  // zero-width space beside a space
      {"Arsch\t  loch", "arschioch"},      // tab and a run of spaces
      {"H u r e n s ohn", "hurensohn"},    // a spaced-out run, then a chunk
      {"Ars ch lo ch", "arschioch"},       // four chunks; split_word limits them
      {"Wich$er", "wichser"},              // no space, nothing to do
      {"Voll idiot", "voidiot"},           // repeated letters collapse across
      {"Wichs ser", "wichser"},
  };
  for (const JoinCase& c : cases) EXPECT_EQ(Joined(c.text), c.joined) << c.text;
}

TEST(JoinedViewTest, PunctuationLineBreaksAndLoneLettersKeepTheSpace) {
  const JoinCase cases[] = {
      {"Arsch, loch", "arsch ioch"},
      {"Arsch! loch", "arsch ioch"},
      {"Arsch\nloch", "arsch ioch"},
      {"Arsch\r\nloch", "arsch ioch"},
      {"Arsch \xF0\x9F\x99\x82 loch", "arsch ioch"},  // an emoji between
      {"ich bin a loch", "ichbin a ioch"},            // "a" is no chunk
  };
  for (const JoinCase& c : cases) EXPECT_EQ(Joined(c.text), c.joined) << c.text;
}

TEST(JoinedViewTest, JoinsInsideCountsTheRemovedSpacesOfARange) {
  NormalizedText n;
  ASSERT_TRUE(Normalize("du Arsch loch, na", &n).ok());
  JoinedView j;
  BuildJoinedView(n.skeleton, n.raw, &j);
  ASSERT_EQ(j.text, "duarschioch na");
  EXPECT_EQ(j.joins.size(), 2u);
  EXPECT_EQ(j.JoinsInside(2, 11), 1u);  // arschioch
  EXPECT_EQ(j.JoinsInside(0, 11), 2u);  // duarschioch
  EXPECT_EQ(j.JoinsInside(2, 7), 0u);   // arsch
}

TEST(JoinedViewTest, ALetterSharedByTwoChunksBelongsToBoth) {
  NormalizedText n;
  ASSERT_TRUE(Normalize("Voll idiot", &n).ok());  // skeleton "voi idiot"
  JoinedView j;
  BuildJoinedView(n.skeleton, n.raw, &j);
  ASSERT_EQ(j.text, "voidiot");
  EXPECT_EQ(j.JoinsInside(0, 7), 1u);  // voidiot
  EXPECT_EQ(j.JoinsInside(0, 3), 0u);  // voi: the first chunk
  EXPECT_EQ(j.JoinsInside(2, 7), 0u);  // idiot: the second chunk
  EXPECT_EQ(j.JoinsInside(1, 4), 1u);  // oid
  EXPECT_EQ(j.SkeletonBegin(2), 4u);   // the i of "idiot"
  EXPECT_EQ(j.SkeletonBegin(1), 1u);
}

TEST(JoinedViewTest, AGapCountsAsWhitespaceOnlyWithATypedSpace) {
  EXPECT_TRUE(IsHorizontalSpaceGap(" ", 0, 1));
  EXPECT_TRUE(IsHorizontalSpaceGap("\u00A0\u200B", 0, 5));
  EXPECT_FALSE(IsHorizontalSpaceGap("\u200B", 0, 3));
  EXPECT_FALSE(IsHorizontalSpaceGap("", 0, 0));
  EXPECT_FALSE(IsHorizontalSpaceGap(" - ", 0, 3));
  EXPECT_FALSE(IsHorizontalSpaceGap("\u2028", 0, 3));  // line separator
}

}  // namespace
}  // namespace moderation::text
