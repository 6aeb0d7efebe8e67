// Tokenize (topics.h) against a plain reference kept here: the engine's
// FoldTerm of title and body, a std::string per word, a separator test per
// byte, the stop words found by a search of the shipped lists, the vote
// counted word by word and pairs made by concatenation. The terms, their
// hashes and order and the chosen language must be the same for every
// line of the test corpora (with and without a hint) and for random texts
// made of what the tokenizer treats specially (mentions and handles, URLs, "www",
// typographic quotes and guillemets, umlauts, ß, invisible characters,
// Cyrillic and fullwidth letters, short, long, German and English stop
// words, title and body cut at kMaxTopicText).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/testing/text_corpora.h"
#include "engine/text/normalizer.h"
#include "server/pulse/topics.h"

namespace moderation::server::pulse {
namespace {

// 0 for a byte of a word of the folded view, else the separator's length.
size_t ReferenceSeparatorLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return letter ? 0 : 1;
  }
  if (c == 0xC2) return std::min<size_t>(2, s.size() - i);
  if (c == 0xE2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
    return std::min<size_t>(3, s.size() - i);
  }
  return 0;
}

// The LanguageBits of the shipped lists that hold w.
uint8_t ReferenceLanguages(std::string_view w) {
  uint8_t bits = 0;
  for (const TopicLanguage language : {TopicLanguage::kGerman, TopicLanguage::kEnglish}) {
    const std::span<const std::string_view> list = StopWordList(language);
    if (std::find(list.begin(), list.end(), w) != list.end()) bits |= LanguageBit(language);
  }
  return bits;
}

// s cut to at most `limit` bytes, not inside a character.
std::string_view ReferenceCut(std::string_view s, size_t limit) {
  if (s.size() <= limit) return s;
  while (limit > 0 && (static_cast<unsigned char>(s[limit]) & 0xC0) == 0x80) --limit;
  return s.substr(0, limit);
}

struct ReferenceWord {
  std::string text;
  uint8_t languages = 0;
  bool pairs_back = false;
};

struct ReferenceWords {
  std::vector<ReferenceWord> words;
  int german = 0;
  int english = 0;
  void Vote(uint8_t bits) {
    german += (bits & LanguageBit(TopicLanguage::kGerman)) != 0;
    english += (bits & LanguageBit(TopicLanguage::kEnglish)) != 0;
  }
};

void ReferenceCollect(std::string_view text, ReferenceWords* out) {
  bool pairs_back = false;
  size_t i = 0;
  while (i < text.size() && out->words.size() < static_cast<size_t>(kMaxPostWords)) {
    if (const size_t sep = ReferenceSeparatorLength(text, i); sep > 0) {
      if (text[i] == '@') {
        ++i;
        while (i < text.size() &&
               (ReferenceSeparatorLength(text, i) == 0 ||
                std::string_view("0123456789_.-@").find(text[i]) != std::string_view::npos)) {
          ++i;
        }
        pairs_back = false;
        continue;
      }
      i += sep;
      continue;
    }
    const size_t start = i;
    while (i < text.size() && ReferenceSeparatorLength(text, i) == 0) ++i;
    const std::string_view raw = text.substr(start, i - start);
    if (text.substr(i, 3) == "://" || raw == "www") {
      while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
      pairs_back = false;
      continue;
    }
    if (raw.size() < 3) {
      const uint8_t bits = raw.size() == 2 ? ReferenceLanguages(raw) : 0;
      if (bits != 0) {
        out->Vote(bits);
        out->words.push_back({std::string(raw), bits, true});
      }
      continue;
    }
    ReferenceWord w;
    w.text = std::string(ReferenceCut(raw, kMaxTopicBytes));
    w.languages = ReferenceLanguages(w.text);
    w.pairs_back = pairs_back;
    out->Vote(w.languages);
    out->words.push_back(std::move(w));
    pairs_back = true;
  }
}

using Terms = std::vector<std::pair<std::string, uint64_t>>;

struct Tokens {
  Terms terms;
  TopicLanguage language = TopicLanguage::kUnknown;
  friend bool operator==(const Tokens&, const Tokens&) = default;
};

void PrintTo(const Tokens& t, std::ostream* os) {
  *os << "language " << static_cast<int>(t.language) << ":";
  for (const auto& [term, hash] : t.terms) *os << " [" << term << "]";
}

Tokens ReferenceTokenize(std::string_view title, std::string_view body,
                         TopicLanguage hint = TopicLanguage::kUnknown) {
  title = ReferenceCut(title, kMaxTopicText);
  body = ReferenceCut(body, kMaxTopicText - title.size());
  ReferenceWords words;
  for (const std::string_view part : {title, body}) {
    std::string folded;
    if (text::FoldTerm(part, &folded).ok()) ReferenceCollect(folded, &words);
  }
  Tokens out;
  out.language = hint;
  if (hint == TopicLanguage::kUnknown && words.german != words.english) {
    out.language = words.german > words.english ? TopicLanguage::kGerman : TopicLanguage::kEnglish;
  }
  const uint8_t dropped = DroppedLanguages(out.language);
  const ReferenceWord* prev = nullptr;
  for (const ReferenceWord& w : words.words) {
    if (out.terms.size() >= static_cast<size_t>(kMaxPostTerms)) break;
    if (!w.pairs_back) prev = nullptr;
    if ((w.languages & dropped) != 0) {
      prev = nullptr;
      continue;
    }
    if (w.text.size() < 3) continue;
    out.terms.push_back({w.text, TopicTermHash(w.text)});
    if (prev != nullptr && out.terms.size() < static_cast<size_t>(kMaxPostTerms)) {
      const std::string pair = prev->text + " " + w.text;
      out.terms.push_back({pair, TopicTermHash(pair)});
    }
    prev = &w;
  }
  return out;
}

Tokens Tokenized(std::string_view title, std::string_view body,
                 TopicLanguage hint = TopicLanguage::kUnknown) {
  PostTerms t;
  Tokenize(title, body, &t, hint);
  Tokens out;
  out.language = t.language;
  for (int i = 0; i < t.count; ++i) out.terms.push_back({std::string(t.terms[i]), t.hashes[i]});
  return out;
}

// A cut of s at or before `at` that is not inside a character.
size_t CharacterCut(std::string_view s, size_t at) {
  while (at > 0 && at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  return at;
}

TEST(TokenizeEquivalenceTest, EveryCorpusLineGivesTheReferencesTerms) {
  int lines = 0;
  size_t terms = 0;
  int english = 0;
  for (const std::string& line : ::moderation::testing::TextCorpusLines()) {
    ++lines;
    const Tokens want = ReferenceTokenize("", line);
    terms += want.terms.size();
    english += want.language == TopicLanguage::kEnglish;
    ASSERT_EQ(Tokenized("", line), want) << line;
    const size_t cut = CharacterCut(line, line.size() / 3);
    ASSERT_EQ(Tokenized(line.substr(0, cut), line.substr(cut)),
              ReferenceTokenize(line.substr(0, cut), line.substr(cut)))
        << line;
    for (const TopicLanguage hint : {TopicLanguage::kGerman, TopicLanguage::kEnglish}) {
      ASSERT_EQ(Tokenized("", line, hint), ReferenceTokenize("", line, hint)) << line;
    }
  }
  EXPECT_GT(lines, 700);
  EXPECT_GT(terms, 5000u);
  EXPECT_GT(english, 10);  // the corpora have English lines, and the vote finds them
}

TEST(TopicTermHashTest, TheCorporaTermsAndPairsGetDistinctHashes) {
  std::unordered_map<uint64_t, std::string> seen;
  for (const std::string& line : ::moderation::testing::TextCorpusLines()) {
    for (const auto& [term, hash] : Tokenized("", line).terms) {
      const auto [it, added] = seen.emplace(hash, term);
      ASSERT_EQ(it->second, term) << "same hash " << hash;
      ASSERT_NE(hash, 0u);
    }
  }
  EXPECT_GT(seen.size(), 5000u);
  // A pair's hash is not its words' (either order) nor the reversed pair's.
  const uint64_t a = TopicWordHash("impfpflicht");
  const uint64_t b = TopicWordHash("bundestag");
  EXPECT_EQ(TopicTermHash("impfpflicht bundestag"), TopicPairHash(a, b));
  EXPECT_NE(TopicPairHash(a, b), TopicPairHash(b, a));
  EXPECT_NE(TopicPairHash(a, b), a);
  EXPECT_NE(TopicPairHash(a, b), b);
  EXPECT_NE(TopicWordHash("abc"), TopicWordHash("abcd"));
  EXPECT_NE(TopicWordHash("abcdefgh"), TopicWordHash(std::string_view("abcdefgh\0", 9)));
}

TEST(TokenizeEquivalenceTest, RandomTextsGiveTheReferencesTerms) {
  const std::vector<std::string> pieces = {" ",
                                           "  ",
                                           "\n",
                                           ",",
                                           ".",
                                           "!",
                                           "-",
                                           "'",
                                           "1984",
                                           "@",
                                           "@max",
                                           "@Max_Muster",
                                           "@anna-lena.b",
                                           "@x@example.social",
                                           "_",
                                           "\uFF20Max",  // fullwidth @
                                           "://",
                                           "https://x.org/a",
                                           "HTTPS://X.org/A",
                                           "www",
                                           "WWW.example.org",
                                           "\u201C",  // typographic quotes
                                           "\u201D",
                                           "\u00AB",  // guillemets
                                           "\u00BB",
                                           "\u2026",  // ellipsis
                                           "\u20AC",  // euro sign
                                           "\u00C4",
                                           "\u00D6",
                                           "\u00DC",
                                           "\u00E4",
                                           "\u00DF",              // ß
                                           "\u1E9E",              // capital ß
                                           "\u00AD",              // soft hyphen
                                           "\u200B",              // zero-width space
                                           "\u2060",              // word joiner
                                           "o\u0308",             // o + combining diaeresis
                                           "\uFB01",              // fi ligature
                                           "\uFF37\uFF21\uFF32",  // fullwidth WAR
                                           "\u0412\u041E\u0419\u041D\u0410",  // ВОЙНА
                                           "\u03A3\u039F\u03A6\u0399\u0391",  // ΣΟΦΙΑ
                                           "\U0001F600",                      // an emoji
                                           "Ab",
                                           "ab",
                                           "der",
                                           "Die",
                                           "UND",
                                           "zu",
                                           "es",
                                           "the",
                                           "and",
                                           "of",
                                           "is",
                                           "war",
                                           "WILL",
                                           "hat",
                                           "also",
                                           "most",
                                           "Impfpflicht",
                                           "BUNDESTAG",
                                           "Wetter",
                                           "streik",
                                           "weather",
                                           "Donaudampfschifffahrtsgesellschaftskapitänsmütze",
                                           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\u00F6x",
                                           "xy",
                                           "zzz",
                                           "Öl",
                                           "ÜBERALL",
                                           "\t"};
  std::mt19937_64 rng(11);
  size_t terms = 0;
  int languages[3] = {};
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const size_t target = rng() % 900;
    while (text.size() < target) text += pieces[rng() % pieces.size()];
    const size_t cut = rng() % 4 == 0 ? CharacterCut(text, rng() % (text.size() + 1)) : 0;
    const std::string_view title = std::string_view(text).substr(0, cut);
    const std::string_view body = std::string_view(text).substr(cut);
    const auto hint = static_cast<TopicLanguage>(rng() % 3);
    const Tokens want = ReferenceTokenize(title, body, hint);
    terms += want.terms.size();
    ++languages[static_cast<int>(want.language)];
    ASSERT_EQ(Tokenized(title, body, hint), want) << "round " << round << ": " << text;
  }
  EXPECT_GT(terms, 30000u);
  for (int n : languages) EXPECT_GT(n, 400);
}

TEST(TokenizeEquivalenceTest, InvalidUtf8GivesNoWordsFromThatPart) {
  EXPECT_EQ(Tokenized("Streik\xC3", "Bahn Wetter").terms,
            (Terms{{"bahn", TopicTermHash("bahn")},
                   {"wetter", TopicTermHash("wetter")},
                   {"bahn wetter", TopicTermHash("bahn wetter")}}));
  EXPECT_TRUE(Tokenized("", "Bahn\xE2\x80 Wetter").terms.empty());
}

}  // namespace
}  // namespace moderation::server::pulse
