// SentenceEndBetween and InQuotes on the texts vetoes meet: spans are
// given as the words they cover, found in the text.
#include "engine/text/sentences.h"

#include <string>

#include "gtest/gtest.h"

namespace moderation::text {
namespace {

ByteRange SpanOf(const std::string& text, const std::string& words) {
  const size_t at = text.find(words);
  EXPECT_NE(at, std::string::npos) << words << " in " << text;
  return {static_cast<uint32_t>(at), static_cast<uint32_t>(at + words.size())};
}

TEST(SentencesTest, SentenceEndBetweenTwoSpansInEitherOrder) {
  const struct {
    const char* text;
    const char* hit;
    const char* veto;
    bool end_between;
  } cases[] = {
      {"Juden ins Gas. Polizeibericht", "Juden ins Gas", "Polizeibericht", true},
      {"Juden ins Gas! Polizeibericht", "Juden ins Gas", "Polizeibericht", true},
      {"Juden ins Gas? Polizeibericht", "Juden ins Gas", "Polizeibericht", true},
      {"Juden ins Gas\nPolizeibericht", "Juden ins Gas", "Polizeibericht", true},
      {"Juden ins Gas… Polizeibericht", "Juden ins Gas", "Polizeibericht", true},
      {"Juden ins Gas.Polizeibericht", "Juden ins Gas", "Polizeibericht", true},
      // The hit swallowed its full stop.
      {"ich bring dich um. Polizeibericht", "ich bring dich um.", "Polizeibericht", true},
      {"ich bring dich um… Polizeibericht", "ich bring dich um…", "Polizeibericht", true},
      // Before the hit.
      {"Polizeibericht. Juden ins Gas", "Juden ins Gas", "Polizeibericht", true},
      // The same sentence: commas, colons, semicolons and dashes join.
      {"Juden ins Gas, laut Polizeibericht", "Juden ins Gas", "Polizeibericht", false},
      {"Polizeibericht: Juden ins Gas", "Juden ins Gas", "Polizeibericht", false},
      {"Juden ins Gas; so der Polizeibericht", "Juden ins Gas", "Polizeibericht", false},
      {"Juden ins Gas – Polizeibericht", "Juden ins Gas", "Polizeibericht", false},
      // A full stop inside a number or a domain ends nothing.
      {"Am 3.5. stand Juden ins Gas im Polizeibericht", "Juden ins Gas", "Polizeibericht", false},
      // An abbreviation's last full stop does end one: the price of plain
      // byte rules, paid by a report that then reaches a human.
      {"Polizeibericht z.B. Juden ins Gas", "Juden ins Gas", "Polizeibericht", true},
      {"polizeibericht.de Juden ins Gas", "Juden ins Gas", "polizeibericht", false},
      // Overlapping spans have nothing between them.
      {"Polizeibericht", "Polizei", "bericht", false},
  };
  for (const auto& c : cases) {
    const std::string text = c.text;
    const ByteRange hit = SpanOf(text, c.hit), veto = SpanOf(text, c.veto);
    EXPECT_EQ(SentenceEndBetween(text, hit, veto), c.end_between) << text;
    EXPECT_EQ(SentenceEndBetween(text, veto, hit), c.end_between) << text << " (swapped)";
  }
}

TEST(SentencesTest, ALabelIsAWordRightBeforeAColon) {
  const struct {
    const char* text;
    const char* label;
    const char* hit;
    bool labels;
  } cases[] = {
      {"Polizeibericht: Juden ins Gas", "Polizeibericht", "Juden ins Gas", true},
      {"Polizeibericht : Juden ins Gas", "Polizeibericht", "Juden ins Gas", true},
      {"Laut Polizeibericht schrieb er: Juden ins Gas", "Polizeibericht", "Juden ins Gas", false},
      {"Polizeibericht Juden ins Gas", "Polizeibericht", "Juden ins Gas", false},
      // Only before the hit.
      {"Juden ins Gas Polizeibericht: heute", "Polizeibericht", "Juden ins Gas", false},
  };
  for (const auto& c : cases) {
    const std::string text = c.text;
    EXPECT_EQ(LabelsWhatFollows(text, SpanOf(text, c.label), SpanOf(text, c.hit)), c.labels)
        << text;
  }
}

TEST(SentencesTest, InQuotesNeedsAMarkOnEachSide) {
  const struct {
    const char* text;
    const char* hit;
    bool quoted;
  } cases[] = {
      {"Auf dem Banner stand: „Juden ins Gas“. Polizeibericht", "Juden ins Gas", true},
      {"\"Juden ins Gas\" stand da", "Juden ins Gas", true},
      {"Er rief “Juden ins Gas” und ging", "Juden ins Gas", true},
      {"Er rief «Juden ins Gas» und ging", "Juden ins Gas", true},
      {"Er rief »Juden ins Gas« und ging", "Juden ins Gas", true},
      {"Er rief ‚Juden ins Gas‘ und ging", "Juden ins Gas", true},
      {"He wrote 'kill yourself' to her", "kill yourself", true},
      // A regex hit that swallowed its marks is still quoted.
      {"Er schrieb \"ich bring dich um\"", "\"ich bring dich um\"", true},
      {"Juden ins Gas. Polizeibericht", "Juden ins Gas", false},
      {"\"Polizeibericht\" Juden ins Gas", "Juden ins Gas", false},
      {"Juden ins Gas \"Polizeibericht\"", "Juden ins Gas", false},
      // Apostrophes between letters are no quotation marks.
      {"geht's noch, Juden ins Gas, don't care, that’s it", "Juden ins Gas", false},
  };
  for (const auto& c : cases) {
    const std::string text = c.text;
    EXPECT_EQ(InQuotes(text, SpanOf(text, c.hit)), c.quoted) << text;
  }
}

}  // namespace
}  // namespace moderation::text
