// Tokenize (topics.h) against its first implementation, kept here as the
// reference: a std::string buffer grown byte by byte, a separator test per
// byte. The terms, their hashes and their order must be the same for every
// line of the test corpora and for random texts made of what the
// tokenizer treats specially (mentions, URLs, "www", typographic quotes,
// Ä Ö Ü and a lone C3, short, long and stop words, title and body cut at
// kMaxTopicText).
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/testing/text_corpora.h"
#include "server/pulse/topics.h"

namespace moderation::server::pulse {
namespace {

size_t ReferenceSeparatorLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return letter ? 0 : 1;
  }
  if (c == 0xE2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
    return std::min<size_t>(3, s.size() - i);
  }
  return 0;
}

void ReferenceAppendFolded(std::string_view word, std::string* out) {
  for (size_t i = 0; i < word.size(); ++i) {
    auto c = static_cast<unsigned char>(word[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    if (c == 0xC3 && i + 1 < word.size()) {
      auto next = static_cast<unsigned char>(word[i + 1]);
      if (next == 0x84 || next == 0x96 || next == 0x9C)
        next = static_cast<unsigned char>(next + 0x20);
      out->push_back(static_cast<char>(c));
      out->push_back(static_cast<char>(next));
      ++i;
      continue;
    }
    out->push_back(static_cast<char>(c));
  }
}

using Terms = std::vector<std::pair<std::string, uint64_t>>;

// The first implementation hashed every term's bytes with std::hash; the
// hash is now TopicTermHash's (a pair's from its words' hashes), which
// Tokenize computes as it goes.
uint64_t ReferenceHash(std::string_view term) { return TopicTermHash(term); }

void ReferenceTokenizePart(std::string_view text, std::string* buf, size_t* prev_start,
                           Terms* out) {
  size_t i = 0;
  while (i < text.size() && out->size() < static_cast<size_t>(kMaxPostTerms)) {
    if (const size_t sep = ReferenceSeparatorLength(text, i); sep > 0) {
      if (text[i] == '@') {
        ++i;
        while (i < text.size() && ReferenceSeparatorLength(text, i) == 0) ++i;
        *prev_start = std::string::npos;
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
      *prev_start = std::string::npos;
      continue;
    }
    if (raw.size() < 3) continue;
    const size_t word_start = buf->size() + 1;
    buf->push_back(' ');
    ReferenceAppendFolded(raw.substr(0, kMaxTopicBytes), buf);
    const std::string word = buf->substr(word_start);
    if (IsStopWord(word)) {
      buf->resize(word_start - 1);
      *prev_start = std::string::npos;
      continue;
    }
    out->push_back({word, ReferenceHash(word)});
    if (*prev_start != std::string::npos && out->size() < static_cast<size_t>(kMaxPostTerms)) {
      const std::string pair = buf->substr(*prev_start);
      out->push_back({pair, ReferenceHash(pair)});
    }
    *prev_start = word_start;
  }
}

Terms ReferenceTokenize(std::string_view title, std::string_view body) {
  std::string buf;
  Terms out;
  title = title.substr(0, kMaxTopicText);
  body = body.substr(0, kMaxTopicText - title.size());
  size_t prev_start = std::string::npos;
  ReferenceTokenizePart(title, &buf, &prev_start, &out);
  prev_start = std::string::npos;
  ReferenceTokenizePart(body, &buf, &prev_start, &out);
  return out;
}

Terms Tokenized(std::string_view title, std::string_view body) {
  PostTerms t;
  Tokenize(title, body, &t);
  Terms out;
  for (int i = 0; i < t.count; ++i) out.push_back({std::string(t.terms[i]), t.hashes[i]});
  return out;
}

TEST(TokenizeEquivalenceTest, EveryCorpusLineGivesTheReferencesTerms) {
  int lines = 0;
  size_t terms = 0;
  for (const std::string& line : ::moderation::testing::TextCorpusLines()) {
    ++lines;
    const Terms want = ReferenceTokenize("", line);
    terms += want.size();
    ASSERT_EQ(Tokenized("", line), want) << line;
    const size_t cut = line.size() / 3;
    ASSERT_EQ(Tokenized(line.substr(0, cut), line.substr(cut)),
              ReferenceTokenize(line.substr(0, cut), line.substr(cut)))
        << line;
  }
  EXPECT_GT(lines, 700);
  EXPECT_GT(terms, 5000u);
}

TEST(TopicTermHashTest, TheCorporaTermsAndPairsGetDistinctHashes) {
  std::unordered_map<uint64_t, std::string> seen;
  for (const std::string& line : ::moderation::testing::TextCorpusLines()) {
    for (const auto& [term, hash] : Tokenized("", line)) {
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
                                           "1984",
                                           "@",
                                           "@max",
                                           "@Max_Muster",
                                           "://",
                                           "https://x.org/a",
                                           "www",
                                           "www.example.org",
                                           "\xE2\x80\x9C",
                                           "\xE2\x80\x9D",
                                           "\xE2\x80",
                                           "\xE2",
                                           "\xE2\x82\xAC",
                                           "\xC3\x84",
                                           "\xC3\x96",
                                           "\xC3\x9C",
                                           "\xC3\xA4",
                                           "\xC3",
                                           "\xC3"
                                           "A",
                                           "\xC3\x9F",
                                           "Ab",
                                           "ab",
                                           "der",
                                           "Die",
                                           "UND",
                                           "the",
                                           "and",
                                           "Impfpflicht",
                                           "BUNDESTAG",
                                           "Wetter",
                                           "streik",
                                           "Donaudampfschifffahrtsgesellschaftskapitänsmütze",
                                           "xy",
                                           "zzz",
                                           "Öl",
                                           "ÜBERALL",
                                           "\t"};
  std::mt19937_64 rng(11);
  size_t terms = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const size_t target = rng() % 900;
    while (text.size() < target) text += pieces[rng() % pieces.size()];
    const size_t cut = rng() % 4 == 0 ? rng() % (text.size() + 1) : 0;
    const std::string_view title = std::string_view(text).substr(0, cut);
    const std::string_view body = std::string_view(text).substr(cut);
    const Terms want = ReferenceTokenize(title, body);
    terms += want.size();
    ASSERT_EQ(Tokenized(title, body), want) << "round " << round << ": " << text;
  }
  EXPECT_GT(terms, 40000u);
}

}  // namespace
}  // namespace moderation::server::pulse
