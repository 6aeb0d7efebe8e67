// ForEachMatch stops RE2's search for further spans of a pattern at the last
// end Hyperscan reported for it, and FindSpans finds the leftmost match by
// anchored searches on short texts. These tests hold both to the plain search:
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
    "[!?]",  // one character: a span that starts just before the last end
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

// Most texts are as short as posts; one in sixteen is longer than the 1,024
// bytes within which FindSpans searches anchored from each position
// (kAnchoredWindow in regex_matcher.cc).
std::string RandomText(std::mt19937* rng) {
  const bool long_text = (*rng)() % 16 == 0;
  std::uniform_int_distribution<size_t> length(long_text ? 250 : 0, long_text ? 400 : 24);
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

// RE2's plain search, as FindSpans made it before it took Hyperscan's last
// ends and anchored searches: an unanchored search from each span's end.
std::vector<Match> PlainSpans(std::string_view text, size_t max_spans,
                              const std::vector<uint32_t>& ids) {
  static const auto* const kRe2s = [] {
    auto* re2s = new std::vector<std::unique_ptr<RE2>>();
    for (const std::string& p : kPatterns) {
      re2s->push_back(std::make_unique<RE2>(p, RuleRegexOptions()));
    }
    return re2s;
  }();
  std::vector<Match> out;
  const re2::StringPiece whole(text.data(), text.size());
  for (uint32_t id : ids) {
    size_t pos = 0;
    size_t found = 0;
    re2::StringPiece m;
    while (pos <= text.size() && found < max_spans &&
           (*kRe2s)[id]->Match(whole, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
      const size_t b = static_cast<size_t>(m.data() - text.data());
      const size_t e = b + m.size();
      if (e > b) {
        out.emplace_back(id, b, e);
        ++found;
      }
      pos = e > b ? e : e + 1;
      while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
    }
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

TEST(SpanBoundTest, ForEachMatchAndFindSpansGiveThePlainSearchsSpansOnEveryTextAndOffset) {
  const Databases d = Compile();
  ASSERT_NE(d.hs, nullptr);
  std::mt19937 rng(15);
  size_t texts = 0;
  size_t with_spans = 0;
  size_t with_several = 0;
  size_t longer_than_window = 0;
  for (int round = 0; round < 1500; ++round) {
    const std::string text = RandomText(&rng);
    // Every offset of a short text; of a long one every 23rd and the last 40.
    const size_t stride = text.size() > 400 ? 23 : 1;
    for (size_t offset = 0; offset <= text.size();
         offset += offset + 40 >= text.size() ? 1 : stride) {
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
        const std::vector<Match> plain = PlainSpans(suffix, max_spans, gated);
        ASSERT_EQ(ForEachMatch(d, suffix, max_spans), plain)
            << "text \"" << suffix << "\", max_spans " << max_spans;
        std::vector<Match> find_spans;
        for (uint32_t id : gated) {
          d.plain->FindSpans(id, suffix, max_spans,
                             [&](size_t b, size_t e) { find_spans.emplace_back(id, b, e); });
        }
        std::sort(find_spans.begin(), find_spans.end());
        ASSERT_EQ(find_spans, plain) << "text \"" << suffix << "\", max_spans " << max_spans;
        // Hyperscan's gate itself misses a pattern whose only match needs
        // one of the three characters (the next test's "xa x\u017F" without
        // the "xa"); on other texts it lets every matching pattern through.
        if (!HasCharacterOnlyRe2Matches(suffix)) {
          ASSERT_EQ(plain, PlainSpans(suffix, max_spans, all)) << "text \"" << suffix << "\"";
        }
        if (max_spans != kAllSpans) continue;
        ++texts;
        longer_than_window += suffix.size() > 1024;
        with_spans += !plain.empty();
        with_several += plain.size() > 1;
      }
    }
  }
  // The texts exercise the bound: many have spans, many have several.
  EXPECT_GT(texts, 20000u);
  EXPECT_GT(with_spans, texts / 4);
  EXPECT_GT(with_several, texts / 20);
  EXPECT_GT(longer_than_window, 1000u);
}

// Patterns that can match the empty string (Hyperscan takes none of them):
// FindSpans, searching anchored from each position, skips the empty matches
// and steps past them as the plain search does.
TEST(SpanBoundTest, FindSpansSkipsEmptyMatchesAsThePlainSearchDoes) {
  const std::vector<std::string> patterns = {"(du\\s+)*", "\\b", "x*$", "(?:ab|a)?b?", "^|sau"};
  RegexDatabase::Options options;
  options.force_re2 = true;
  auto db = RegexDatabase::Compile(patterns, options, DbCache(""));
  ASSERT_TRUE(db.ok()) << db.status();
  std::vector<std::unique_ptr<RE2>> re2s;
  for (const std::string& p : patterns)
    re2s.push_back(std::make_unique<RE2>(p, RuleRegexOptions()));
  std::mt19937 rng(16);
  for (int round = 0; round < 300; ++round) {
    const std::string text = RandomText(&rng) + " du du ab abb xx";
    for (uint32_t id = 0; id < patterns.size(); ++id) {
      std::vector<std::pair<size_t, size_t>> got;
      (*db)->FindSpans(id, text, kAllSpans, [&](size_t b, size_t e) { got.emplace_back(b, e); });
      std::vector<std::pair<size_t, size_t>> want;
      const re2::StringPiece whole(text);
      re2::StringPiece m;
      size_t pos = 0;
      while (pos <= text.size() &&
             re2s[id]->Match(whole, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
        const size_t b = static_cast<size_t>(m.data() - text.data());
        const size_t e = b + m.size();
        if (e > b) want.emplace_back(b, e);
        pos = e > b ? e : e + 1;
        while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
      }
      ASSERT_EQ(got, want) << patterns[id] << " on \"" << text << "\"";
    }
  }
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
