// FirstBytesOf reads the bytes a match can begin with from the pattern; the
// span search skips every other position. The set may be too wide, never
// too narrow: these tests hold it to RE2's own matches, at every position of
// random texts, and hold the span search with the skip to the one without.
#include "engine/match/first_bytes.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "engine/match/regex_matcher.h"
#include "engine/match/scratch.h"
#include "engine/testing/first_bytes_check.h"

namespace moderation::match {
namespace {

struct FirstCase {
  const char* pattern;
  const char* allowed;    // bytes that must be in the set
  const char* forbidden;  // bytes that must not be
};

TEST(FirstBytesTest, ReadsTheFirstCharactersOfEachAlternative) {
  const FirstCase cases[] = {
      {"(ich|wir)\\s+bring", "iIwW", " .abx0\n"},
      {"\\bidiot(en)?\\b", "iI", " a0"},
      {"(?:^|[^a-z0-9])(88|hh)", " .-!88hH", ""},  // the class leaves out only letters, digits
      {"(^|[^a-z0-9])88", " .-", "abz"},           // ^ is empty: the class or "8"
      {"x*y", "xXyY", "az "},                      // x* may be empty: y may start
      {"[0-9]{5}\\s+[a-z]", "05", "a "},
      {"\\d+", "09", "a "},
      {"\\S+@", "a@.", " \t\n"},
      {"[„“\"«»]", "\"\xE2\xC2", "a "},  // non-ASCII: every lead byte
      {"(?i)du\\s+sau", "dD", "s "},
      {"(?P<w>ab)c", "aA", "c"},
      {"\\.com", ".", "c"},
      {"\\x41b", "aA", "b"},
      {"\\x{e4}x", "\xC3", "x"},
      {"[\\-+]\\d", "-+", "0"},
      {"[]a]b", "]aA", "b"},
      {"(a{0}|b)c", "bBc", ""},  // a{0} is empty
      {"a{,3}", "aA", "{,3"},    // no repeat: "{,3}" is literal text after the a
  };
  for (const FirstCase& c : cases) {
    const std::optional<FirstBytes> first = FirstBytesOf(c.pattern);
    ASSERT_TRUE(first.has_value()) << c.pattern;
    for (const char* b = c.allowed; *b != '\0'; ++b) {
      EXPECT_TRUE(first->Contains(static_cast<unsigned char>(*b)))
          << c.pattern << " '" << *b << "'";
    }
    for (const char* b = c.forbidden; *b != '\0'; ++b) {
      EXPECT_FALSE(first->Contains(static_cast<unsigned char>(*b)))
          << c.pattern << " '" << *b << "'";
    }
  }
}

struct MidCase {
  const char* pattern;
  const char* at_start;  // bytes a match may begin with at position 0
  const char* mid;       // bytes it may begin with later
  const char* not_mid;   // bytes it may not begin with later
};

TEST(FirstBytesTest, BranchesThatNeedTheTextStartDropOutMidText) {
  const MidCase cases[] = {
      {"(?:^|[.!?])\\s*du", "dD .!", ".!?", "dD a"},
      {"^abc", "aA", "", "aAbc"},
      {"\\Aab", "aA", "", "aA"},
      {"(^|x)a", "aAxX", "xX", "aA"},
      {"a|^b", "aAbB", "aA", "bB"},
      {"(^a)?b", "aAbB", "bB", "aA"},  // the group may be skipped
      {"(^a)+b", "aA", "", "aAbB"},    // it may not
      {"(?m)^du", "dD", "dD", ""},     // multi-line: ^ holds after a line break
      {"x(?m:^)y", "xX", "xX", ""},
      {"(?:^|\\n)[^.!?\\n]{1,40}$", "a\n", "\n", "a."},
  };
  for (const MidCase& c : cases) {
    const std::optional<FirstBytes> first = FirstBytesOf(c.pattern);
    ASSERT_TRUE(first.has_value()) << c.pattern;
    for (const char* b = c.at_start; *b != '\0'; ++b) {
      EXPECT_TRUE(first->MayStartAt(0, static_cast<unsigned char>(*b)))
          << c.pattern << " '" << *b << "'";
    }
    for (const char* b = c.mid; *b != '\0'; ++b) {
      EXPECT_TRUE(first->MayStartAt(3, static_cast<unsigned char>(*b)))
          << c.pattern << " '" << *b << "'";
    }
    for (const char* b = c.not_mid; *b != '\0'; ++b) {
      EXPECT_FALSE(first->MayStartAt(3, static_cast<unsigned char>(*b)))
          << c.pattern << " '" << *b << "'";
    }
  }
}

struct EdgeCase {
  const char* pattern;
  const char* text;
  size_t pos;
  bool may_start;
};

TEST(FirstBytesTest, AMatchThatOpensWithAWordEdgeBeginsOnlyAtOne) {
  const EdgeCase cases[] = {
      {"\\b(?:ist|bist)\\b", "Liste ist", 1, false},  // inside a word
      {"\\b(?:ist|bist)\\b", "Liste ist", 6, true},
      {"\\b(?:ist|bist)\\b", "ist", 0, true},
      {"(?i)\\bdu", "ab du", 3, true},  // a flag group is zero-width
      {"(?i)\\bdu", "abdu", 2, false},
      {"\\b\\s+du", "ab du", 2, true},  // the edge before a space
      {"\\b\\s+du", "a. du", 2, false},
      {"(?:\\bdu|x)", "xdu", 1, true},        // one branch has no \\b
      {"a?\\bdu", "adu", 1, true},            // "a" may come before the edge
      {"\\b\xC3\xA4", "x\xC3\xA4", 1, true},  // a non-ASCII byte is no word byte
      {"\\b\xC3\xA4", ".\xC3\xA4", 1, false},
      {"(?:\\b)?du", "adu", 1, true},  // the edge may be skipped
  };
  for (const EdgeCase& c : cases) {
    const std::optional<FirstBytes> first = FirstBytesOf(c.pattern);
    ASSERT_TRUE(first.has_value()) << c.pattern;
    EXPECT_EQ(first->MayStartAt(c.text, c.pos), c.may_start)
        << c.pattern << " at " << c.pos << " of '" << c.text << "'";
  }
}

TEST(FirstBytesTest, LettersAlsoAllowEveryNonAsciiByteForCaseFolding) {
  // Case-insensitively, 's' matches U+017F (C5 BF) and 'k' U+212A (E2 84 AA).
  const std::optional<FirstBytes> s = FirstBytesOf("sau");
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->Contains(0xC5));
  const std::optional<FirstBytes> k = FirstBytesOf("[k]ill");
  ASSERT_TRUE(k.has_value());
  EXPECT_TRUE(k->Contains(0xE2));
  RE2::Options options = RuleRegexOptions();
  EXPECT_TRUE(
      RE2::PartialMatch("\xC5\xBF"
                        "au",
                        RE2("sau", options)));
  EXPECT_TRUE(
      RE2::PartialMatch("\xE2\x84\xAA"
                        "ill",
                        RE2("[k]ill", options)));
}

TEST(FirstBytesTest, PatternsThatMayMatchEmptyOrAreNotReadGiveNoSet) {
  for (const char* pattern : {"", "a*", "(x|)", "\\b", "^", "(?i)", "a?b?", "[a-z]{0,3}",
                              "\\Qab\\E", "\\C", "\\1", "(?=a)", "(ab"}) {
    EXPECT_FALSE(FirstBytesOf(pattern).has_value()) << pattern;
  }
}

// The shapes of the default rules' regexes and some the reader must take
// apart: flags, named groups, classes with escapes and ranges, \p, \x, lazy
// and counted repeats, empty alternatives.
const std::vector<std::string> kPatterns = {
    "(hoffe|wünsche)\\s*,?\\s*(dass\\s+)?(\\S+\\s+){0,3}?(verreckst|stirbst)",
    "(^|[^a-zäöüß])(ich|wir)\\s+(\\S+\\s+){0,2}?(dich|euch)\\s+(umbringen|töten)",
    "(?:schrieb|sagt)(?:\\W+\\w+)*?(?:\\W*[„“\"«»])|[“\"«»]\\W*(?:\\w+\\W+)*?gemeldet",
    "(^|[^a-z0-9])[a-z0-9][a-z0-9\\-]{1,10}\\s*(\\[\\.\\]|\\(dot\\))\\s*(com|de)",
    "\\bidiot(en)?\\b",
    "(kamerad|arier)\\W+(\\S+\\W+){0,4}?(88|hh)([^0-9a-zäöüß]|$)",
    "x\\w",
    "(?i:Du)\\s+\\w+\\s+sau",
    "[!?]",
    "\\p{Lu}\\w+",
    "(?P<n>\\d{2,})\\s*€",
    "[\\x{2000}-\\x{206F}]+a",
    "(a|\\s)*b",
    "(?:ne|n)?\\s*(ratte|zecke)",
    "[^\\w\\s]+",
    "@\\w+",
    "\\.\\s*(com|de)\\b",
    "(?s).x",
    "[[:alpha:]]{2}1",
    // branches that need the text's start, as the vetoes and near contexts have
    "(?:^|[.!?:;\\n])\\s*(?:du|ratte)\\s*[,!]",
    "^[^.!?\\n]{1,40}[.!?]*$",
    "(?m)^\\s*du",
    "\\Ade|ne\\b",
    "(^x)?a\\b",
    // and a word edge, as most of them open with
    "\\b(?:ist|is|bist)\\b",
    "\\b\\s+du",
    "(?i)\\bsau\\w*",
    "(?:\\bdu|x)a",
    "\\bä",
};

const std::vector<std::string> kTokens = {
    "hoffe", "wünsche", "dass",  "du",        "Du",      "verreckst", "ich",
    "wir",   "dich",    "euch",  "umbringen", "schrieb", "sagt",      "\"",
    "„",     "“",       "«",     "gemeldet",  "seite",   "[.]",       "(dot)",
    "com",   "de",      "idiot", "idioten",   "kamerad", "arier",     "88",
    "hh",    "x",       "xa",    "xſ",        "sau",     "ſ",         "\xE2\x84\xAA",
    "ä",     "ß",       ",",     ".",         "!",       "?",         "\n",
    "-",     "0",       "12",    "€",         "Ä",       "Zecke",     "ratte",
    "ne",    "n",       "a",     "b",         "@",       "@tom",      "\u2009",
    "1",     "\t",      "  ",    "Σ",         "σ",       "ist",       "Liste",
    "bist"};

std::string RandomText(std::mt19937& rng) {
  std::string text;
  const int count = 1 + static_cast<int>(rng() % 12);
  for (int k = 0; k < count; ++k) {
    if (k > 0 && rng() % 3 != 0) text += ' ';
    text += kTokens[rng() % kTokens.size()];
  }
  return text;
}

TEST(FirstBytesTest, EveryMatchRe2FindsBeginsWithAByteOfTheSet) {
  std::mt19937 rng(31);
  const RE2::Options options = RuleRegexOptions();
  size_t matches = 0;
  for (const std::string& pattern : kPatterns) {
    const RE2 re(pattern, options);
    ASSERT_TRUE(re.ok()) << pattern;
    const std::optional<FirstBytes> first = FirstBytesOf(pattern);
    if (!first) continue;
    for (int round = 0; round < 1500; ++round) {
      matches += testing::ExpectMatchesBeginInSet(re, *first, RandomText(rng), pattern);
      if (HasFailure()) return;
    }
  }
  EXPECT_GT(matches, 5000u);  // the texts do hold matches: the check means something
}

using Span = std::tuple<uint32_t, size_t, size_t>;

TEST(FirstBytesTest, SpanSearchesGiveTheSameSpansWithAndWithoutTheSkip) {
  RegexDatabase::Options plain;
  plain.first_byte_skip = false;
  auto with_skip = RegexDatabase::Compile(kPatterns, {}, DbCache(""));
  auto without = RegexDatabase::Compile(kPatterns, plain, DbCache(""));
  ASSERT_TRUE(with_skip.ok()) << with_skip.status();
  ASSERT_TRUE(without.ok()) << without.status();
  auto prototype = ScratchPrototype::Create({(*with_skip)->db(), (*without)->db()});
  ASSERT_TRUE(prototype.ok()) << prototype.status();
  absl::StatusOr<hs_scratch_t*> scratch = prototype->ForThisThread();
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  std::mt19937 rng(32);
  std::vector<uint32_t> ids;
  size_t spans = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string text = RandomText(rng);
    std::vector<Span> a, b;
    ASSERT_TRUE((*with_skip)
                    ->ForEachMatch(text, *scratch, 16, &ids,
                                   [&](uint32_t id, size_t s, size_t e) {
                                     a.push_back({id, s, e});
                                   })
                    .ok());
    ASSERT_TRUE((*without)
                    ->ForEachMatch(text, *scratch, 16, &ids,
                                   [&](uint32_t id, size_t s, size_t e) {
                                     b.push_back({id, s, e});
                                   })
                    .ok());
    ASSERT_EQ(a, b) << text;
    spans += a.size();
    // A search from every offset, as the near contexts search around a hit.
    for (uint32_t id = 0; id < kPatterns.size(); ++id) {
      for (size_t from = 0; from <= text.size(); from += 3) {
        std::vector<std::pair<size_t, size_t>> x, y;
        (*with_skip)->FindSpansIn(id, text, from, text.size(), 16, [&](size_t s, size_t e) {
          x.push_back({s, e});
        });
        (*without)->FindSpansIn(id, text, from, text.size(), 16, [&](size_t s, size_t e) {
          y.push_back({s, e});
        });
        ASSERT_EQ(x, y) << kPatterns[id] << " from " << from << " in '" << text << "'";
      }
    }
  }
  EXPECT_GT(spans, 3000u);
}

}  // namespace
}  // namespace moderation::match
