#include "engine/match/split_word.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "engine/text/joined_view.h"
#include "engine/text/normalizer.h"

namespace moderation::match {
namespace {

struct SplitCase {
  const char* text;  // as a user would type it
  const char* term;  // as a moderator would write it
  Attachment attachment;
  bool accepted;
  const char* span = "";  // the reported chunks, as typed (accepted cases)
};

std::ostream& operator<<(std::ostream& os, const SplitCase& c) {
  return os << "\"" << c.text << "\" term \"" << c.term << "\"";
}

// Normalises the text like a post, finds the term's skeleton in the joined
// view (as the split literal scan would) and asks whether it is a split word.
void ExpectSplitCase(const SplitCase& c) {
  SCOPED_TRACE(testing::Message() << c);
  text::NormalizedText n;
  ASSERT_TRUE(text::Normalize(c.text, &n).ok());
  std::string term;
  ASSERT_TRUE(text::SkeletonOfTerm(c.term, &term).ok());
  text::JoinedView joined;
  text::BuildJoinedView(n.skeleton, n.raw, &joined);
  const size_t begin = joined.text.find(term);
  bool accepted = false;
  SplitHit hit;
  text::SkeletonView word;
  if (begin != std::string::npos) {
    accepted = AcceptsSplitMatch(n.skeleton, n.raw, joined, begin, begin + term.size(),
                                 c.attachment, &word, &hit);
  }
  EXPECT_EQ(accepted, c.accepted) << "joined view \"" << joined.text << "\"";
  if (accepted) {
    const text::ByteRange r = n.skeleton.ToOriginal(hit.word_begin, hit.word_end);
    EXPECT_EQ(std::string(n.raw.substr(r.begin, r.end - r.begin)), c.span);
  }
}

TEST(SplitWordTest, ChunksThatFormTheTermMatchAcrossTheSpace) {
  const SplitCase cases[] = {
      {"du Arsch loch", "Arschloch", Attachment::kCompound, true, "Arsch loch"},
      {"du Hurens ohn!", "Hurensohn", Attachment::kCompound, true, "Hurens ohn"},
      {"du Wich ser", "Wichser", Attachment::kWord, true, "Wich ser"},
      {"you ass hole", "asshole", Attachment::kWord, true, "ass hole"},
      {"you dick head", "dickhead", Attachment::kWord, true, "dick head"},
      {"du 4rsch l0ch", "Arschloch", Attachment::kCompound, true, "4rsch l0ch"},  // leet
      {"du Аrsch loch", "Arschloch", Attachment::kCompound, true, "Аrsch loch"},  // Cyrillic А
      {"du Arsch\u00A0loch", "Arschloch", Attachment::kCompound, true, "Arsch\u00A0loch"},
      {"du Arsch \u200B loch", "Arschloch", Attachment::kCompound, true, "Arsch \u200B loch"},
      {"du Arschh loooch", "Arschloch", Attachment::kCompound, true, "Arschh loooch"},
      {"ihr Arsch löcher", "Arschloch", Attachment::kCompound, true, "Arsch löcher"},
      {"ihr Huren söhne", "Hurensohn", Attachment::kCompound, true, "Huren söhne"},  // ending
      {"du Riesen-arsch loch", "Arschloch", Attachment::kCompound, true, "Riesen-arsch loch"},
      {"du Hu rens ohn", "Hurensohn", Attachment::kCompound, true, "Hu rens ohn"},  // 3 chunks
      {"du Wich sers", "Wichser", Attachment::kInflected, true, "Wich sers"},
      {"du Voll idiot", "Vollidiot", Attachment::kCompound, true, "Voll idiot"},
      {"du Wichs ser", "Wichser", Attachment::kWord, true, "Wichs ser"},
  };
  for (const SplitCase& c : cases) ExpectSplitCase(c);
}

TEST(SplitWordTest, InnocentPairsAndOtherSeparatorsDoNotMatch) {
  const SplitCase cases[] = {
      {"Arsch lochfrei", "Arschloch", Attachment::kWord, false},      // joined word is longer
      {"Arsch lochfrei", "Arschloch", Attachment::kCompound, false},  // no ending "frei"
      {"Arsch, loch", "Arschloch", Attachment::kCompound, false},     // punctuation
      {"Arsch\nloch", "Arschloch", Attachment::kCompound, false},     // line break
      {"Ar sch lo ch", "Arschloch", Attachment::kCompound, false},    // four chunks
      {"Arschloch", "Arschloch", Attachment::kCompound, false},       // not split: ordinary scan
      {"Kai idiot", "idiot", Attachment::kCompound, false},           // inside the second chunk
      {"a glass hole", "asshole", Attachment::kWord, false},          // starts inside "glass"
      {"a glass hole", "asshole", Attachment::kCompound, false},      // "gi" is no modifier
  };
  for (const SplitCase& c : cases) ExpectSplitCase(c);
}

TEST(SplitWordTest, OnlyLongOneWordTermsAreEligible) {
  EXPECT_TRUE(SplitEligible("arschioch"));
  EXPECT_TRUE(SplitEligible("ashoie"));  // asshole
  EXPECT_FALSE(SplitEligible("penis"));  // "Pen is"
  EXPECT_FALSE(SplitEligible("heii hitier"));
}

}  // namespace
}  // namespace moderation::match
