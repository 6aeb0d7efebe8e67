#include "engine/match/word_boundary.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "engine/text/normalizer.h"

namespace moderation::match {
namespace {

const char* AttachmentName(Attachment a) {
  switch (a) {
    case Attachment::kWord:
      return "word";
    case Attachment::kPrefix:
      return "prefix";
    case Attachment::kSuffix:
      return "suffix";
    case Attachment::kCompound:
      return "compound";
    case Attachment::kSubstring:
      return "substring";
    case Attachment::kInflected:
      return "inflected";
  }
  return "?";
}

struct BoundaryCase {
  const char* text;  // as a user would type it
  const char* term;  // as a moderator would write it
  Attachment attachment;
  bool accepted;
  int occurrence = 0;  // which occurrence of the term's skeleton to test
};

std::ostream& operator<<(std::ostream& os, const BoundaryCase& c) {
  return os << "\"" << c.text << "\" term \"" << c.term << "\" (" << AttachmentName(c.attachment)
            << ", occurrence " << c.occurrence << ")";
}

// Normalises the text like a post, finds the term's skeleton in it (as the
// literal matcher would) and asks whether that occurrence counts.
void ExpectBoundaryCase(const BoundaryCase& c) {
  SCOPED_TRACE(testing::Message() << c);
  text::NormalizedText normalized;
  ASSERT_TRUE(text::Normalize(c.text, &normalized).ok());
  std::string term;
  ASSERT_TRUE(text::SkeletonOfTerm(c.term, &term).ok());
  ASSERT_FALSE(term.empty());
  const std::string& skeleton = normalized.skeleton.text;
  size_t begin = skeleton.find(term);
  for (int i = 0; i < c.occurrence && begin != std::string::npos; ++i) {
    begin = skeleton.find(term, begin + 1);
  }
  ASSERT_NE(begin, std::string::npos)
      << "term skeleton \"" << term << "\" not in \"" << skeleton << "\"";
  EXPECT_EQ(AcceptsMatch(normalized.skeleton, begin, begin + term.size(), c.attachment), c.accepted)
      << "skeleton \"" << skeleton << "\", span [" << begin << ", " << begin + term.size() << ")";
}

class AcceptsMatchTest : public testing::TestWithParam<BoundaryCase> {};

TEST_P(AcceptsMatchTest, DecidesWhetherTheOccurrenceCounts) { ExpectBoundaryCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(BasicModes, AcceptsMatchTest,
                         testing::Values(
                             // word: both ends on an edge.
                             BoundaryCase{"du idiot", "idiot", Attachment::kWord, true},
                             BoundaryCase{"Idiot!", "idiot", Attachment::kWord, true},
                             BoundaryCase{"idiotisch", "idiot", Attachment::kWord, false},
                             BoundaryCase{"superidiot", "idiot", Attachment::kWord, false},
                             BoundaryCase{"Dumm-Batz", "batz", Attachment::kWord,
                                          true},  // soft edge
                             // prefix: start on an edge, anything may follow.
                             BoundaryCase{"idiotisch", "idiot", Attachment::kPrefix, true},
                             BoundaryCase{"superidiot", "idiot", Attachment::kPrefix, false},
                             BoundaryCase{"du idiot", "idiot", Attachment::kPrefix, true},
                             // suffix: end on an edge, anything may precede.
                             BoundaryCase{"superidiot", "idiot", Attachment::kSuffix, true},
                             BoundaryCase{"idiotisch", "idiot", Attachment::kSuffix, false},
                             BoundaryCase{"du idiot", "idiot", Attachment::kSuffix, true},
                             // substring: anywhere.
                             BoundaryCase{"superidiotisch", "idiot", Attachment::kSubstring, true},
                             BoundaryCase{"Nachbarschaft", "arsch", Attachment::kSubstring, true},
                             // The second occurrence is judged on its own surroundings.
                             BoundaryCase{"idiotisch idiot", "idiot", Attachment::kWord, false, 0},
                             BoundaryCase{"idiotisch idiot", "idiot", Attachment::kWord, true, 1}));

INSTANTIATE_TEST_SUITE_P(
    CompoundAccepts, AcceptsMatchTest,
    testing::Values(BoundaryCase{"Blödmann", "Blödmann", Attachment::kCompound, true},
                    BoundaryCase{"du Blödmann!", "Blödmann", Attachment::kCompound, true},
                    BoundaryCase{"Oberblödmann", "Blödmann", Attachment::kCompound, true},
                    BoundaryCase{"Blödmänner", "Blödmann", Attachment::kCompound, true},
                    BoundaryCase{"Blödmanns", "Blödmann", Attachment::kCompound, true},
                    BoundaryCase{"Riesendummbatz", "Dummbatz", Attachment::kCompound, true},
                    BoundaryCase{"Dummbatzes", "Dummbatz", Attachment::kCompound, true},
                    BoundaryCase{"Ober-Blödmann", "Blödmann", Attachment::kCompound, true},
                    BoundaryCase{"Lackaffen", "Affe", Attachment::kCompound, true},
                    BoundaryCase{"Lackaffen", "Lackaffe", Attachment::kCompound, true},
                    BoundaryCase{"du Schlampe", "Schlampe", Attachment::kCompound, true}));

INSTANTIATE_TEST_SUITE_P(
    CompoundRejects, AcceptsMatchTest,
    testing::Values(BoundaryCase{"Nachbarschaft", "arsch", Attachment::kCompound, false},
                    BoundaryCase{"Tischlampe", "Schlampe", Attachment::kCompound, false},
                    BoundaryCase{"Marsch", "arsch", Attachment::kCompound, false},
                    BoundaryCase{"Barsch", "arsch", Attachment::kCompound, false},
                    BoundaryCase{"Staatsexamen", "sex", Attachment::kCompound, false},
                    BoundaryCase{"Sextett", "sex", Attachment::kCompound, false},
                    // The head may carry an ending, but not any letters at all.
                    BoundaryCase{"Blödmannschaft", "Blödmann", Attachment::kCompound, false}));

struct EndingCase {
  const char* ending;
  bool accepted;
};

TEST(IsInflectionEndingTest, AcceptsExactlyTheListedEndings) {
  const EndingCase kCases[] = {
      {"e", true},
      {"en", true},
      {"er", true},
      {"ern", true},
      {"es", true},
      {"s", true},
      {"n", true},
      {"in", true},
      {"inen", true},  // "innen" in skeleton
                       // spelling
      {"", false},
      {"t", false},
      {"aft", false},
      {"amen", false},
      {"ung", false},
      {"chen", false},
      {"ens", false},
      {"ers", false},
      {"x", false},
  };
  for (const EndingCase& c : kCases) {
    EXPECT_EQ(IsInflectionEnding(c.ending), c.accepted) << "ending \"" << c.ending << "\"";
  }
}

}  // namespace
}  // namespace moderation::match
