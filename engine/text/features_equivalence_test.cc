// The fast paths of AccumulateFeatures against plain definitions kept here:
// CountDisguisedLinks, which searches the rare bytes of each form with
// memchr, against the one std::string_view::find loop per form it replaced
// (thousands of random texts built from the forms' own pieces: overlaps such
// as " . . ", forms at the very start and end, labels and top-level domains
// on either side; every offset of every text of tests/data; every line of
// the realistic corpus); and the longest run of one ASCII character, found
// 16 positions at a time, against a byte-by-byte walk, with runs of every
// length starting at every offset around the 16- and 64-byte steps.
#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/testing/text_corpora.h"
#include "engine/text/features.h"
#include "engine/text/features_internal.h"
#include "gtest/gtest.h"

namespace moderation::text {
namespace {

bool RefAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool RefTld(std::string label) {
  static const std::array<std::string_view, 45> kTlds = {
      "com",   "net",    "org",  "de",   "at",     "ch",  "eu",  "info", "io",
      "co",    "uk",     "ru",   "biz",  "xyz",    "top", "me",  "tv",   "live",
      "shop",  "online", "site", "club", "app",    "gg",  "ly",  "gy",   "link",
      "click", "store",  "fr",   "it",   "nl",     "pl",  "es",  "cc",   "ai",
      "vip",   "bet",    "win",  "pro",  "stream", "tk",  "fun", "cam",  "xxx"};
  if (label.size() < 2 || label.size() > 4) return false;
  for (char& c : label) {
    if (!RefAlnum(c) || (c >= '0' && c <= '9')) return false;
    c = static_cast<char>(c | 0x20);
  }
  for (std::string_view tld : kTlds) {
    if (tld == label) return true;
  }
  return false;
}

// The definition: per form, find after find.
int ReferenceDisguisedLinks(std::string_view text) {
  int links = 0;
  for (std::string_view dot : {"[.]", "(.)", "[dot]", "(dot)", " . "}) {
    for (size_t at = text.find(dot); at != std::string_view::npos;
         at = text.find(dot, at + dot.size())) {
      size_t end = at;
      while (end > 0 && text[end - 1] == ' ') --end;
      const bool label = end > 0 && RefAlnum(text[end - 1]);
      size_t begin = at + dot.size();
      while (begin < text.size() && text[begin] == ' ') ++begin;
      size_t tld_end = begin;
      while (tld_end < text.size() && RefAlnum(text[tld_end])) ++tld_end;
      const bool tld = tld_end > begin && RefTld(std::string(text.substr(begin, tld_end - begin)));
      links += label && tld;
    }
  }
  return links;
}

TEST(FeaturesEquivalenceTest, ReferenceCountsTheDocumentedForms) {
  const struct {
    std::string_view text;
    int links;
  } kCases[] = {
      {"followerboost24[.]de", 1},
      {"shop(.)com und shop[dot]de", 2},
      {"shop (dot) de", 1},
      {"www . potenz-apotheke24 . com", 1},
      {"bit . ly/3xFoll0w", 1},
      {"Das war es . Der Rest kommt", 0},
      {"a . . de", 0},
      {"a . de . de", 2},
      {"array[.]length", 0},
      {"", 0},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ReferenceDisguisedLinks(c.text), c.links) << c.text;
    EXPECT_EQ(internal::CountDisguisedLinks(c.text), c.links) << c.text;
  }
}

TEST(FeaturesEquivalenceTest, MatchesTheReferenceOnRandomText) {
  const std::string_view kPieces[] = {"[",  "]", "(",   ")",   ".",   " ",     "  ",    "dot",  "d",
                                      "o",  "t", "de",  "com", "ly",  "der",   "a",     "x9",   "-",
                                      "\t", "ä", "[.]", "(.)", " . ", "[dot]", "(dot)", " . . "};
  std::mt19937 rng(15);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const size_t target = rng() % 80;
    while (text.size() < target) text += kPieces[rng() % std::size(kPieces)];
    ASSERT_EQ(internal::CountDisguisedLinks(text), ReferenceDisguisedLinks(text)) << text;
  }
}

// The longest run of one byte that is not ASCII whitespace, byte by byte
// (ASCII texts only).
int ReferenceLongestAsciiRun(std::string_view text) {
  int longest = 0, run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      run = 0;
      continue;
    }
    run = (run > 0 && c == text[i - 1]) ? run + 1 : 1;
    longest = std::max(longest, run);
  }
  return longest;
}

int LongestRepeat(std::string_view text) {
  TextFeatures f;
  AccumulateFeatures(text, &f);
  return f.longest_repeat;
}

TEST(FeaturesEquivalenceTest, LongestAsciiRunAtEveryOffsetAndLength) {
  for (const char c : {'a', '!', '.', '~', '\x7f', ' ', '\t', '\r'}) {
    for (size_t offset = 0; offset < 140; ++offset) {
      for (size_t length = 1; length <= 70; length += (length < 20 ? 1 : 7)) {
        std::string text;
        for (size_t i = 0; i < offset; ++i) text += "xy"[i % 2];
        text += std::string(length, c);
        for (size_t i = 0; i < 90; ++i) text += "yx"[i % 2];
        ASSERT_EQ(LongestRepeat(text), ReferenceLongestAsciiRun(text))
            << "'" << c << "' x " << length << " at " << offset;
      }
    }
  }
}

TEST(FeaturesEquivalenceTest, LongestAsciiRunMatchesAByteWalkOnRandomText) {
  const std::string_view kPieces[] = {"a", "b", "!", ".", " ", "\t", "\n", "-", "aa", "..."};
  std::mt19937 rng(16);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const size_t target = rng() % 400;
    while (text.size() < target) {
      const std::string_view piece = kPieces[rng() % std::size(kPieces)];
      const int repeat = rng() % 3 == 0 ? static_cast<int>(rng() % 80) : 1;
      for (int i = 0; i < repeat; ++i) text += piece;
    }
    ASSERT_EQ(LongestRepeat(text), ReferenceLongestAsciiRun(text)) << text;
  }
}

// Every line of the test texts and the realistic corpus whole, and every
// suffix (each offset a possible start of a form) of the test texts.
TEST(FeaturesEquivalenceTest, MatchesTheReferenceOnRealTexts) {
  size_t texts = 0, links = 0;
  for (const char* path : ::moderation::testing::kPlainTextCorpora) {
    for (const std::string& line : ::moderation::testing::CorpusFileLines(path)) {
      ++texts;
      for (size_t offset = 0; offset < line.size(); ++offset) {
        const std::string_view tail = std::string_view(line).substr(offset);
        ASSERT_EQ(internal::CountDisguisedLinks(tail), ReferenceDisguisedLinks(tail))
            << path << ": " << line << " at " << offset;
      }
    }
  }
  for (const std::string& path : ::moderation::testing::RealisticCorpusPaths()) {
    for (const std::string& line : ::moderation::testing::CorpusFileLines(path)) {
      ++texts;
      const int want = ReferenceDisguisedLinks(line);
      ASSERT_EQ(internal::CountDisguisedLinks(line), want) << path << ": " << line;
      links += want;
    }
  }
  EXPECT_GT(texts, 1500u);
  EXPECT_GT(links, 0u);  // the corpus has disguised links: the forms are exercised
}

}  // namespace
}  // namespace moderation::text
