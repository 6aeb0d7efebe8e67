// Which words of a text are masked ("p*ssy") and what their readings are;
// the everyday uses of '*' and '#' (gender star, Markdown, ratings,
// hashtags, arithmetic) are not masked words.
#include "engine/text/masked_words.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace moderation::text {
namespace {

std::vector<std::string> WordsOf(const std::string& text) {
  std::vector<MaskedWord> words;
  FindMaskedWords(text, kMaxMaskedWordsPerText, &words);
  std::vector<std::string> out;
  for (const MaskedWord& w : words) out.push_back(text.substr(w.begin, w.end - w.begin));
  return out;
}

std::vector<std::string> ReadingsOf(const std::string& word) {
  std::vector<MaskedWord> words;
  FindMaskedWords(word, kMaxMaskedWordsPerText, &words);
  std::vector<std::string> out;
  if (words.size() != 1) return out;
  for (size_t r = 0; r < ReadingCount(words[0]); ++r) {
    std::string reading = word;
    WriteReading(words[0], r, &reading);
    out.push_back(reading);
  }
  return out;
}

struct Case {
  std::string text;
  std::vector<std::string> masked;  // the masked words, as typed
};

TEST(MaskedWordsTest, AStarOrHashBetweenLettersMasksTheLettersItHides) {
  const std::vector<Case> cases = {
      {"dm me your p*ssy pics", {"p*ssy"}},
      {"du Schl*mpe!", {"Schl*mpe"}},
      {"Hurens*hn", {"Hurens*hn"}},
      {"f*cking c*nt", {"f*cking", "c*nt"}},
      {"N*gger", {"N*gger"}},
      {"so eine Sch**ße.", {"Sch**ße"}},
      {"f*ck*ng hell", {"f*ck*ng"}},
      {"(p#ssy)", {"p#ssy"}},
      {"Schl*mp3", {"Schl*mp3"}},
      {"$chl*mpe", {"$chl*mpe"}},
      {"SCHL*MPE", {"SCHL*MPE"}},
      {"Fl*schen hören", {"Fl*schen"}},
      {"du S*u", {"S*u"}},
      {"du*mmbatz", {"du*mmbatz"}},  // all letters there: the normal scan matches it
  };
  for (const Case& c : cases) EXPECT_EQ(WordsOf(c.text), c.masked) << c.text;
}

TEST(MaskedWordsTest, EverydayStarsAndHashesAreNotMaskedWords) {
  const std::string long_token = std::string(40, 'a') + "*" + std::string(40, 'b');
  EXPECT_TRUE(WordsOf(long_token).empty()) << "a token of 81 code points is no word";
  for (const char* text : {
           "Liebe Bürger*innen",
           "alle Lehrer*innen und Schüler*innen",
           "jede*r Schüler*in",
           "Kolleg*innen",
           "ein*e Ärzt*in",
           "die Lehrer*innenzimmer",
           "BÜRGER*INNEN",
           "Mitarbeiter#innen",
           "Kund*en",
           "*seufz*",
           "*hust* na gut",
           "das ist **wichtig**",
           "5* Hotel",
           "ein 5*-Hotel",
           "Fußnote*",
           "#metoo und #aufschrei",
           "C# lernen",
           "2*3=6",
           "5*x",
           "Wort.*Wort",
           "https://example.com/p*ssy",
           "mail an n*me@example.com",
           "f***k",  // three masks: too many readings
           "Sch***e",
           "*",
           "**",
           "***",
           "#",
       }) {
    EXPECT_TRUE(WordsOf(text).empty()) << text << ": " << WordsOf(text)[0];
  }
}

TEST(MaskedWordsTest, EachMaskIsReadAsEachVowel) {
  EXPECT_EQ(ReadingsOf("p*ssy"),
            (std::vector<std::string>{"passy", "pessy", "pissy", "possy", "pussy"}));
  const std::vector<std::string> two = ReadingsOf("Sch**ße");
  EXPECT_EQ(two.size(), 25u);
  EXPECT_NE(std::find(two.begin(), two.end(), "Scheiße"), two.end());
}

TEST(MaskedWordsTest, OnlyTheFirstWordsOfAHeavilyMaskedTextAreRead) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "p*ssy ";
  EXPECT_EQ(WordsOf(text).size(), kMaxMaskedWordsPerText);
}

TEST(MaskedWordsTest, MayHoldMasksIsTheCheapPreTest) {
  EXPECT_FALSE(MayHoldMasks("ein ganz normaler Satz"));
  EXPECT_TRUE(MayHoldMasks("p*ssy"));
  EXPECT_TRUE(MayHoldMasks("#tag"));
}

}  // namespace
}  // namespace moderation::text
