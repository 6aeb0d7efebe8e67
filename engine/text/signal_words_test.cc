#include "engine/text/signal_words.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace moderation::text {
namespace {

// The words of a text as the signal sees them: folded, then split.
std::vector<std::string> Words(std::string_view text, size_t min_letters = kSignalMinLetters) {
  View folded;
  EXPECT_TRUE(FoldView(text, &folded).ok()) << text;
  std::vector<ByteRange> ranges;
  SignalWords(folded.text, &ranges, min_letters);
  std::vector<std::string> words;
  for (const ByteRange& r : ranges) words.push_back(folded.text.substr(r.begin, r.end - r.begin));
  return words;
}

struct WordsCase {
  const char* text;
  std::vector<std::string> words;
};

// The same cases are in scripts/test_train_signal.py: the trainer must split
// as the engine does, or its weights mean nothing here.
TEST(SignalWordsTest, SplitsFoldedTextIntoWordsOfThreeLettersOrMore) {
  const WordsCase cases[] = {
      {"Du bist ein Idiot", {"bist", "ein", "idiot"}},  // "du" is too short
      {"STRASSE Straße", {"strasse", "strasse"}},       // folded: ß is ss
      {"Blödmänner, Ärger!", {"blödmänner", "ärger"}},  // umlauts are letters
      {"v3rrecken", {"rrecken"}},                       // a digit separates
      {"café×naïve÷łódź", {"café", "naïve", "łódź"}},   // × and ÷ separate
      {"arsch\u200Bloch", {"arschloch"}},               // folding drops ZWSP
      {"ja ok so", {}},                                 // all too short
      {"Привет мир hallo", {"hallo"}},                  // Cyrillic separates
      {"it's don't", {"don"}},                          // apostrophes separate
      {"", {}},
  };
  for (const WordsCase& c : cases) EXPECT_EQ(Words(c.text), c.words) << c.text;
}

// A logistic signal keeps every word (min_letters 1); the same cases are in
// scripts/test_train_logistic_signal.py.
TEST(SignalWordsTest, WithMinLettersOneShortWordsCount) {
  const WordsCase cases[] = {
      {"Ich bring DICH um, ja", {"ich", "bring", "dich", "um", "ja"}},
      {"h8er k*ll 1d10t", {"h", "er", "k", "ll", "d", "t"}},
      {"Straße, Ärger über ł×y", {"strasse", "ärger", "über", "ł", "y"}},
      {"str\u200Bick", {"strick"}},
  };
  for (const WordsCase& c : cases) EXPECT_EQ(Words(c.text, 1), c.words) << c.text;
  EXPECT_TRUE(IsOneSignalWord("du", 1));
  EXPECT_FALSE(IsOneSignalWord("ich dich", 1));
}

TEST(SignalWordsTest, OneSignalWordIsLettersOnlyAndLongEnough) {
  EXPECT_TRUE(IsOneSignalWord("verrecken"));
  EXPECT_TRUE(IsOneSignalWord("blödmann"));
  EXPECT_FALSE(IsOneSignalWord("du"));
  EXPECT_FALSE(IsOneSignalWord("zwei worte"));
  EXPECT_FALSE(IsOneSignalWord("h8er"));
  EXPECT_FALSE(IsOneSignalWord("ab-stechen"));
  EXPECT_FALSE(IsOneSignalWord(""));
}

}  // namespace
}  // namespace moderation::text
