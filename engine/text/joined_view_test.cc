#include "engine/text/joined_view.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/testing/text_corpora.h"

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
  for (size_t i = 0; i < j.text.size(); ++i) {
    EXPECT_EQ(j.text[i], n.skeleton.text[j.ToSkeleton(i)]) << text << " at " << i;
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

// BuildJoinedView copies the skeleton a run of up to 16 bytes at a time and
// keeps no offset map (ToSkeleton counts the removed bytes from the joins).
// The reference is the byte loop it replaced, which wrote the map.
struct ReferenceView {
  std::string text;
  std::vector<uint32_t> to_skeleton;
  std::vector<Join> joins;  // at and shared only
};

ReferenceView ReferenceJoinedView(const SkeletonView& sk, std::string_view raw) {
  ReferenceView out;
  const std::string_view t = sk.text;
  size_t word_start = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != ' ') {
      out.text.push_back(t[i]);
      out.to_skeleton.push_back(static_cast<uint32_t>(i));
      continue;
    }
    const bool chunks = i - word_start >= kMinSplitChunkLetters && i + 2 < t.size() &&
                        t[i + 1] != ' ' && t[i + 2] != ' ';
    word_start = i + 1;
    if (chunks && IsHorizontalSpaceGap(raw, sk.orig_end[i - 1], sk.orig_begin[i + 1])) {
      const bool shared = t[i - 1] == t[i + 1];
      out.joins.push_back({static_cast<uint32_t>(out.text.size()), shared});
      if (shared) ++i;
      continue;
    }
    out.text.push_back(' ');
    out.to_skeleton.push_back(static_cast<uint32_t>(i));
  }
  return out;
}

// Compares the view of text with the reference's; false (with a gtest
// failure naming the text) on the first difference.
bool SameAsReference(std::string_view text, JoinedView* view) {
  NormalizedText n;
  if (!Normalize(text, &n).ok()) return true;  // not a text the engine scans
  BuildJoinedView(n.skeleton, n.raw, view);
  const ReferenceView want = ReferenceJoinedView(n.skeleton, n.raw);
  EXPECT_EQ(view->text, want.text) << text;
  EXPECT_EQ(view->joins.size(), want.joins.size()) << text;
  if (view->text != want.text || view->joins.size() != want.joins.size()) return false;
  for (size_t k = 0; k < want.joins.size(); ++k) {
    EXPECT_EQ(view->joins[k].at, want.joins[k].at) << text << " join " << k;
    EXPECT_EQ(view->joins[k].shared, want.joins[k].shared) << text << " join " << k;
    if (view->joins[k].at != want.joins[k].at) return false;
  }
  for (size_t i = 0; i < want.text.size(); ++i) {
    EXPECT_EQ(view->ToSkeleton(i), want.to_skeleton[i]) << text << " at " << i;
    if (view->ToSkeleton(i) != want.to_skeleton[i]) return false;
  }
  return true;
}

TEST(JoinedViewEquivalenceTest, MatchesTheByteLoopOnRandomText) {
  // Chunks, lone letters, the gaps that join and those that do not, runs
  // longer than a 16-byte block, repeated letters across a gap (shared).
  const std::vector<std::string> pieces = {"ab",
                                           "voll",
                                           "idiot",
                                           "lloch",
                                           "a",
                                           "x",
                                           " ",
                                           " ",
                                           "  ",
                                           "\t",
                                           "\u00A0",
                                           "\u200B",
                                           ",",
                                           "!",
                                           "\n",
                                           "-",
                                           ".",
                                           "\xF0\x9F\x99\x82",
                                           "Arschlochkinderkram",
                                           "l1",
                                           "$",
                                           "W i c h s e r",
                                           "ü",
                                           "ß"};
  std::mt19937 rng(21);
  JoinedView view;  // reused, as the scanner does
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int count = static_cast<int>(rng() % 24);
    for (int k = 0; k < count; ++k) text += pieces[rng() % pieces.size()];
    ASSERT_TRUE(SameAsReference(text, &view));
  }
}

// Every line of the test texts and of the realistic corpus, and every
// suffix of the test texts' lines, so runs start at every offset of a block.
TEST(JoinedViewEquivalenceTest, MatchesTheByteLoopOnRealTexts) {
  JoinedView view;
  size_t texts = 0, joins = 0;
  for (const char* path : ::moderation::testing::kPlainTextCorpora) {
    for (const std::string& line : ::moderation::testing::CorpusFileLines(path)) {
      for (size_t offset = 0; offset < line.size(); ++offset) {
        ASSERT_TRUE(SameAsReference(std::string_view(line).substr(offset), &view));
        ++texts;
      }
    }
  }
  for (const std::string& path : ::moderation::testing::RealisticCorpusPaths()) {
    for (const std::string& line : ::moderation::testing::CorpusFileLines(path)) {
      ASSERT_TRUE(SameAsReference(line, &view));
      ++texts;
      joins += view.joins.size();
    }
  }
  EXPECT_GT(texts, 10000u);
  EXPECT_GT(joins, 10000u);  // the views do drop spaces: the joins are exercised
}

}  // namespace
}  // namespace moderation::text
