// ForEachMatch stops RE2's search for further spans of a pattern at the last
// end Hyperscan reported for it. These tests hold it to the plain search:
// the same spans on many texts, from every offset, and on texts with the
// characters where RE2 matches and Hyperscan does not; and they keep the
// check behind that exception list (regex_matcher.cc, HyperscanEndsBoundSpans).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/match/regex_matcher.h"
#include "engine/match/scratch.h"

namespace moderation::match {
namespace {

using ::testing::ElementsAre;

using Match = std::tuple<uint32_t, size_t, size_t>;

constexpr size_t kAllSpans = std::numeric_limits<size_t>::max();

// The shapes of the default rules' regexes: counted and lazy word gaps,
// leading classes that Hyperscan's form drops, word lists around a gap,
// quotation marks, \b and $.
const std::vector<std::string> kPatterns = {
    "(hoffe|wünsche)\\s*,?\\s*(dass\\s+)?(\\S+\\s+){0,3}?(verreckst|stirbst)",
    "(^|[^a-zäöüß])(ich|wir)\\s+(\\S+\\s+){0,2}?(dich|euch)\\s+(\\S+\\s+){0,2}?(umbringen|töten)",
    "(?:schrieb|wrote|sagt)(?:\\W+\\w+)*?(?:\\W*[„“\"«»]|\\W+['])|[“\"«»]\\W*(?:\\w+\\W+)*?"
    "(?:gemeldet|reported)",
    "(^|[^a-z0-9])[a-z0-9][a-z0-9\\-]{1,10}\\s*(\\[\\.\\]|\\(dot\\))\\s*(com|de)",
    "\\bidiot(en)?\\b",
    "(kamerad|arier)\\W+(\\S+\\W+){0,4}?(88|hh)([^0-9a-zäöüß]|$)",
    "x\\w",
    "du\\s+\\w+\\s+sau",
};

// Words and characters the texts are made of: the patterns' words, other
// words, spaces, punctuation, quotation marks, umlauts, and the characters
// where RE2 matches and Hyperscan does not (\v, U+017F, U+212A).
const std::vector<std::string> kTokens = {
    "hoffe",    "wünsche",  "dass",    "du",     "verreckst", "stirbst", "ich",
    "wir",      "dich",     "euch",    "morgen", "umbringen", "töten",   "schrieb",
    "wrote",    "sagt",     "\"",      "„",      "“",         "«",       "'",
    "gemeldet", "reported", "seite",   "[.]",    "(dot)",     "com",     "de",
    "idiot",    "idioten",  "kamerad", "arier",  "88",        "hh",      "x",
    "xa",       "xſ",       "sau",     "blöde",  "ſ",         "\v",      "\xE2\x84\xAA",
    "ä",        "ß",        ",",       ".",      "!",         "\n",      "-",
    "0",
};

std::string RandomText(std::mt19937* rng) {
  std::uniform_int_distribution<size_t> length(0, 24);
  std::uniform_int_distribution<size_t> token(0, kTokens.size() - 1);
  std::uniform_int_distribution<int> gap(0, 3);
  std::string text;
  for (size_t n = length(*rng); n > 0; --n) {
    text += kTokens[token(*rng)];
    if (gap(*rng) > 0) text += ' ';
  }
  return text;
}

struct Databases {
  std::unique_ptr<const RegexDatabase> hs;     // Hyperscan gates and bounds the search
  std::unique_ptr<const RegexDatabase> plain;  // every pattern on RE2 alone
  ScratchPrototype scratch;
};

Databases Compile() {
  Databases d;
  RegexDatabase::Options options;
  auto hs = RegexDatabase::Compile(kPatterns, options, DbCache(""));
  EXPECT_TRUE(hs.ok()) << hs.status();
  options.force_re2 = true;
  auto plain = RegexDatabase::Compile(kPatterns, options, DbCache(""));
  EXPECT_TRUE(plain.ok()) << plain.status();
  if (!hs.ok() || !plain.ok()) return d;
  EXPECT_TRUE((*hs)->fallbacks().empty());
  auto scratch = ScratchPrototype::Create({(*hs)->db()});
  EXPECT_TRUE(scratch.ok()) << scratch.status();
  d.hs = std::move(*hs);
  d.plain = std::move(*plain);
  if (scratch.ok()) d.scratch = std::move(*scratch);
  return d;
}

std::vector<Match> ForEachMatch(const Databases& d, std::string_view text, size_t max_spans) {
  absl::StatusOr<hs_scratch_t*> scratch = d.scratch.ForThisThread();
  EXPECT_TRUE(scratch.ok()) << scratch.status();
  std::vector<uint32_t> buffer;
  std::vector<Match> out;
  const absl::Status s =
      d.hs->ForEachMatch(text, scratch.ok() ? *scratch : nullptr, max_spans, &buffer,
                         [&](uint32_t id, size_t b, size_t e) { out.emplace_back(id, b, e); });
  EXPECT_TRUE(s.ok()) << s;
  std::sort(out.begin(), out.end());
  return out;
}

// RE2's plain search over the whole text of the patterns in ids.
std::vector<Match> PlainSpans(const Databases& d, std::string_view text, size_t max_spans,
                              const std::vector<uint32_t>& ids) {
  std::vector<Match> out;
  for (uint32_t id : ids) {
    d.plain->FindSpans(id, text, max_spans,
                       [&](size_t b, size_t e) { out.emplace_back(id, b, e); });
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The patterns Hyperscan lets through (and RE2 confirms).
std::vector<uint32_t> GatedIds(const Databases& d, std::string_view text) {
  absl::StatusOr<hs_scratch_t*> scratch = d.scratch.ForThisThread();
  EXPECT_TRUE(scratch.ok()) << scratch.status();
  std::vector<uint32_t> ids;
  EXPECT_TRUE(d.hs->MatchingIds(text, scratch.ok() ? *scratch : nullptr, &ids).ok());
  return ids;
}

bool HasCharacterOnlyRe2Matches(std::string_view text) {
  for (std::string_view c : {"\v", "\xC5\xBF", "\xE2\x84\xAA"}) {
    if (text.find(c) != std::string_view::npos) return true;
  }
  return false;
}

TEST(SpanBoundTest, ForEachMatchGivesThePlainSearchsSpansOnEveryTextAndOffset) {
  const Databases d = Compile();
  ASSERT_NE(d.hs, nullptr);
  std::mt19937 rng(15);
  size_t texts = 0;
  size_t with_spans = 0;
  size_t with_several = 0;
  for (int round = 0; round < 1500; ++round) {
    const std::string text = RandomText(&rng);
    for (size_t offset = 0; offset <= text.size(); ++offset) {
      // Offsets inside a UTF-8 character would make the text invalid.
      if (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) {
        continue;
      }
      const std::string_view suffix = std::string_view(text).substr(offset);
      std::vector<uint32_t> all(kPatterns.size());
      for (uint32_t id = 0; id < all.size(); ++id) all[id] = id;
      const std::vector<uint32_t> gated = GatedIds(d, suffix);
      for (size_t max_spans : {size_t{1}, size_t{2}, kAllSpans}) {
        // The unbounded search of the patterns Hyperscan let through: what
        // ForEachMatch gave before it took Hyperscan's last ends.
        const std::vector<Match> plain = PlainSpans(d, suffix, max_spans, gated);
        ASSERT_EQ(ForEachMatch(d, suffix, max_spans), plain)
            << "text \"" << suffix << "\", max_spans " << max_spans;
        // Hyperscan's gate itself misses a pattern whose only match needs
        // one of the three characters (the next test's "xa x\u017F" without
        // the "xa"); on other texts it lets every matching pattern through.
        if (!HasCharacterOnlyRe2Matches(suffix)) {
          ASSERT_EQ(plain, PlainSpans(d, suffix, max_spans, all)) << "text \"" << suffix << "\"";
        }
        if (max_spans != kAllSpans) continue;
        ++texts;
        with_spans += !plain.empty();
        with_several += plain.size() > 1;
      }
    }
  }
  // The texts exercise the bound: many have spans, many have several.
  EXPECT_GT(texts, 20000u);
  EXPECT_GT(with_spans, texts / 4);
  EXPECT_GT(with_several, texts / 20);
}

TEST(SpanBoundTest, ATextWithACharacterOnlyRe2MatchesIsSearchedToItsEnd) {
  const Databases d = Compile();
  ASSERT_NE(d.hs, nullptr);
  const uint32_t x_word = 6;  // "x\w": RE2's \w holds U+017F and U+212A, Hyperscan's does not
  ASSERT_EQ(kPatterns[x_word], "x\\w");
  for (const std::string& text : {std::string("xa x\xC5\xBF"), std::string("xa x\xE2\x84\xAA")}) {
    EXPECT_THAT(ForEachMatch(d, text, kAllSpans),
                ElementsAre(Match{x_word, 0, 2}, Match{x_word, 3, text.size()}))
        << text;
  }
}

std::string Utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

int OnMatch(unsigned id, unsigned long long, unsigned long long, unsigned, void* context) {
  static_cast<std::set<unsigned>*>(context)->insert(id);
  return 0;
}

// The check behind HyperscanEndsBoundSpans: over every code point below
// U+30000, as a one-character text and next to a letter, Hyperscan (with
// the rule regexes' flags) matches the classes, letters and assertions the
// rules use wherever RE2 does, except on \v, U+017F and U+212A.
TEST(SpanBoundTest, HyperscanMatchesWhereRe2DoesExceptOnThreeCodePoints) {
  std::vector<std::string> atoms = {
      "\\w",         "\\W",       "\\s",          "\\S",       ".",          "\\d",
      "\\D",         "[a-z]",     "[^a-z]",       "[a-zäöüß]", "[^a-zäöüß]", "[^0-9a-zäöüß]",
      "[a-z0-9\\-]", "[^\\W\\d]", "[„“\"«»‚‘’']", "ä",         "ö",          "ü",
      "ß",           "é",
  };
  for (char c = 'a'; c <= 'z'; ++c) atoms.push_back(std::string(1, c));
  // Assertions, on texts of the character next to an 'x'.
  const std::vector<std::string> assertions = {"x\\b", "\\bx", "x\\B", "\\Bx", "x$", "^x"};
  std::vector<std::string> patterns;
  for (const std::string& atom : atoms) patterns.push_back("^(?:" + atom + ")$");
  const size_t first_assertion = patterns.size();
  for (const std::string& a : assertions) patterns.push_back(a);
  auto db = RegexDatabase::Compile(patterns, {}, DbCache(""));
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->fallbacks().empty());
  auto proto = ScratchPrototype::Create({(*db)->db()});
  ASSERT_TRUE(proto.ok()) << proto.status();
  absl::StatusOr<hs_scratch_t*> scratch = proto->ForThisThread();
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  std::vector<std::unique_ptr<RE2>> re2s;
  for (const std::string& p : patterns)
    re2s.push_back(std::make_unique<RE2>(p, RuleRegexOptions()));

  std::set<char32_t> re2_only;
  const auto check = [&](char32_t cp, const std::string& text, size_t first, size_t last) {
    std::set<unsigned> hs;
    ASSERT_EQ(hs_scan((*db)->db(), text.data(), static_cast<unsigned>(text.size()), 0, *scratch,
                      OnMatch, &hs),
              HS_SUCCESS);
    for (size_t id = first; id < last; ++id) {
      if (!hs.contains(id) && RE2::PartialMatch(text, *re2s[id])) re2_only.insert(cp);
    }
  };
  for (char32_t cp = 1; cp < 0x30000; ++cp) {
    if (cp >= 0xD800 && cp < 0xE000) continue;
    const std::string ch = Utf8(cp);
    check(cp, ch, 0, first_assertion);
    check(cp, "x" + ch, first_assertion, patterns.size());
    check(cp, ch + "x", first_assertion, patterns.size());
  }
  EXPECT_THAT(re2_only, ElementsAre(0x0B, 0x017F, 0x212A));
}

}  // namespace
}  // namespace moderation::match
