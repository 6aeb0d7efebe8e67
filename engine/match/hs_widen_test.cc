#include "engine/match/hs_widen.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/match/regex_matcher.h"
#include "engine/match/scratch.h"

namespace moderation::match {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct WidenCase {
  const char* pattern;
  const char* widened;
};

TEST(WidenBoundedRepeatsTest, MakesBoundedRepeatsUnboundedAndKeepsTheRest) {
  const WidenCase kCases[] = {
      {"(\\S+\\s+){0,6}?x", "(\\S+\\s+){0,}?x"},
      {"(?:\\W+\\w+){0,10}?[\"']", "(?:\\W+\\w+){0,}?[\"']"},
      {"[a-z0-9\\-]{1,40}\\.de", "[a-z0-9\\-]{1,}\\.de"},
      {"a{2,3}b{4,5}", "a{2,}b{4,}"},
      // Not bounded repeats, or nothing to widen: unchanged.
      {"[0-9]{5}", "[0-9]{5}"},
      {"a{3,}", "a{3,}"},
      {"a{3,3}", "a{3,3}"},
      {"a{0}", "a{0}"},
      {"x\\{1,2\\}", "x\\{1,2\\}"},
      {"x\\{1,2}", "x\\{1,2}"},
      {"[{1,2}]x", "[{1,2}]x"},
      {"[]{1,2}]x", "[]{1,2}]x"},
      {"[^]{1,2}]x", "[^]{1,2}]x"},
      {"[[:alpha:]{1,2}]x", "[[:alpha:]{1,2}]x"},
      {"[\\]{1,2}]x", "[\\]{1,2}]x"},
      {"\\p{Greek}{1,2}", "\\p{Greek}{1,}"},
      {"\\x{41}{2,4}", "\\x{41}{2,}"},
      {"\\Qa{1,2}\\E", "\\Qa{1,2}\\E"},
      {"a{1,x}", "a{1,x}"},
      {"a{,2}", "a{,2}"},
      {"", ""},
  };
  for (const WidenCase& wc : kCases) {
    EXPECT_EQ(WidenBoundedRepeats(wc.pattern), wc.widened) << wc.pattern;
  }
}

TEST(DropLeadingClassesTest, DropsLeadingClassAtomsBeforeALiteralPerAlternative) {
  const WidenCase kCases[] = {
      {"(^|[^a-z0-9])[a-z0-9][a-z0-9\\-]{1,40}\\s*(\\[\\.\\]|\\s+dot\\s+)\\s*(de|com)",
       "(\\[\\.\\]|\\s+dot\\s+)\\s*(de|com)"},
      {"[a-zäöü]{3,}(weg|platz)\\s+[0-9]{1,4}", "(weg|platz)\\s+[0-9]{1,4}"},
      {"(?:^|\\W)(\\S+\\s+){0,3}?bomb|\\bkill\\b", "bomb|kill\\b"},
      {"\\s*\\.\\s*de", "\\s*\\.\\s*de"},
      {"\\[x\\]", "\\[x\\]"},  // an escaped bracket is a literal
      // A literal of one or two characters after the classes: unchanged.
      {"[0-9]{1,5}\\s+[a-z]+\\s+(road|rd|street|st)\\W",
       "[0-9]{1,5}\\s+[a-z]+\\s+(road|rd|street|st)\\W"},
      {"[a-z]+,\\s*x", "[a-z]+,\\s*x"},
      {"[a-z]+(?:weg)?\\s+\\d", "[a-z]+(?:weg)?\\s+\\d"},
      {"[a-z]+ab\\s+\\d", "[a-z]+ab\\s+\\d"},
      {"[a-z]+abc\\s+\\d", "abc\\s+\\d"},
      {"[a-z]+(\\sab|abc)\\s+\\d", "(\\sab|abc)\\s+\\d"},
      {"[a-z]+((ab)|abc)\\s+\\d", "[a-z]+((ab)|abc)\\s+\\d"},
      {"\\s+ä\\.ö", "ä\\.ö"},
      {"\\s+äö", "\\s+äö"},
      // Nothing left, or only what matches the empty string: unchanged.
      {"[0-9]{5}", "[0-9]{5}"},
      {"\\s+x?", "\\s+x?"},
      {"[a-z]+(x|)", "[a-z]+(x|)"},
      // Flag groups are left alone, and so are patterns starting with a literal.
      {"(?i)\\s+x", "(?i)\\s+x"},
      {"idiot\\s+[a-z]+", "idiot\\s+[a-z]+"},
      {"", ""},
  };
  for (const WidenCase& wc : kCases) {
    EXPECT_EQ(DropLeadingClasses(wc.pattern), wc.widened) << wc.pattern;
  }
  EXPECT_EQ(HyperscanForm("(^|\\W)xyz(\\S+\\s+){0,3}?y"), "xyz(\\S+\\s+){0,}?y");
}

// The widened form matches every text the pattern matches (and compiles in
// RE2 whenever the pattern does), on gaps at, under and over the bound.
TEST(WidenBoundedRepeatsTest, WidenedPatternMatchesWhereverThePatternDoes) {
  const char* kPatterns[] = {
      "(ich|wir)\\s+(\\S+\\s+){0,2}?um\\b",
      "(?:got|bekommen)(?:\\W+\\w+){0,3}?(?:\\W*[\"«])",
      "(^|[^a-z0-9])[a-z0-9][a-z0-9\\-]{1,4}\\s*\\[\\.\\]\\s*(de|com)",
      "[0-9]{1,4}\\s?[a-z]?\\s*,\\s*[0-9]{5}",
      "(^|[^a-z0-9])[a-z0-9\\-]*[0-9\\-][a-z0-9\\-]*\\s+punkt\\s+(de|com)([^a-z0-9]|$)",
      "[a-z]{3,}(weg|platz)\\s+[0-9]{1,4}\\s*([,;)]|$)",
  };
  const char* kTexts[] = {
      "ich bring dich um", "wir a b um",      "ich a b c um",     "ich um",      "got \"x\"",
      "got a b c \"x\"",   "got a b c d \"",  "abcd[.]de",        "abcdef[.]de", "x-y [.] com",
      "12 a, 12345",       "12345 b , 12345", "123456 b , 12345", "nichts",      "",
      "shop-24 punkt de",  "shop punkt de",   "lindenweg 4,",     "weg 4",       "x weg 4)",
  };
  for (const char* pattern : kPatterns) {
    const RE2 exact(pattern, RuleRegexOptions());
    const RE2 wide(HyperscanForm(pattern), RuleRegexOptions());
    ASSERT_TRUE(exact.ok() && wide.ok()) << pattern;
    int matched = 0;
    for (const char* text : kTexts) {
      if (RE2::PartialMatch(text, exact)) {
        ++matched;
        EXPECT_TRUE(RE2::PartialMatch(text, wide)) << pattern << " on " << text;
      }
    }
    EXPECT_GT(matched, 0) << pattern;
  }
}

// A text only the widened form matches (the gap is one word over the bound):
// Hyperscan reports it, RE2 finds no span, so it is no match on either path.
TEST(WidenBoundedRepeatsTest, AGapOverTheBoundIsNoMatchInTheDatabase) {
  const std::string pattern = "got(?:\\W+\\w+){0,2}?\\W*\"";
  for (bool force_re2 : {false, true}) {
    RegexDatabase::Options options;
    options.force_re2 = force_re2;
    auto db = RegexDatabase::Compile({pattern}, options, DbCache(""));
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_EQ((*db)->fallbacks().empty(), !force_re2);
    absl::StatusOr<ScratchPrototype> proto = ScratchPrototype::Create({(*db)->db()});
    ASSERT_TRUE(proto.ok()) << proto.status();
    absl::StatusOr<hs_scratch_t*> scratch = proto->ForThisThread();
    ASSERT_TRUE(scratch.ok()) << scratch.status();
    const auto ids_and_spans = [&](std::string_view text) {
      std::vector<uint32_t> ids;
      EXPECT_TRUE((*db)->MatchingIds(text, *scratch, &ids).ok());
      std::vector<std::pair<size_t, size_t>> spans;
      std::vector<uint32_t> buffer;
      EXPECT_TRUE(
          (*db)
              ->ForEachMatch(text, *scratch, 16, &buffer,
                             [&](uint32_t, size_t b, size_t e) { spans.emplace_back(b, e); })
              .ok());
      return std::make_pair(ids, spans);
    };
    const auto [ids_in, spans_in] = ids_and_spans("we got a b \"x\"");
    EXPECT_THAT(ids_in, ElementsAre(0u));
    EXPECT_THAT(spans_in, ElementsAre(std::make_pair(size_t{3}, size_t{12})));
    const auto [ids_over, spans_over] = ids_and_spans("we got a b c \"x\"");
    EXPECT_THAT(ids_over, IsEmpty());
    EXPECT_THAT(spans_over, IsEmpty());
  }
}

}  // namespace
}  // namespace moderation::match
