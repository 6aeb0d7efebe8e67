#include "engine/match/regex_alternatives.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "re2/re2.h"

namespace moderation::match {
namespace {

struct SplitCase {
  const char* name;
  const char* regex;
  std::vector<std::string> parts;
};

TEST(SplitTopLevelAlternativesTest, SplitsOnlyAtTheTopLevel) {
  const SplitCase kCases[] = {
      {"two_groups", "(?:a|b)|(?:c|d)", {"(?:a|b)", "(?:c|d)"}},
      {"three_plain", "ab|cd|ef", {"ab", "cd", "ef"}},
      {"no_alternative", "(?:a|b)c", {"(?:a|b)c"}},
      {"escaped_bar", R"(a\|b|c)", {R"(a\|b)", "c"}},
      {"bar_in_class", "[|a]b|c", {"[|a]b", "c"}},
      {"bracket_first_in_class", "[]|]x|y", {"[]|]x", "y"}},
      {"negated_bracket_first", "[^]|]x|y", {"[^]|]x", "y"}},
      {"posix_class_inside", "[[:alpha:]|]{2,}|z", {"[[:alpha:]|]{2,}", "z"}},
      {"escaped_paren", R"(\(a|b\))", {R"(\(a)", R"(b\))"}},
      {"named_group", "(?P<x>a|b)|c", {"(?P<x>a|b)", "c"}},
      {"nested", "((a|b)|c)|d", {"((a|b)|c)", "d"}},
      {"flag_group_reaches_the_rest", "(?i)a|b", {"(?i)a|b"}},
      {"scoped_flag_group_is_whole_too", "(?s:a.b)|c", {"(?s:a.b)|c"}},
      {"quoted_text", R"(\Qa|b\E|c)", {R"(\Qa|b\E|c)"}},
      {"empty_alternative", "a|", {"a|"}},
      {"unbalanced", "(a|b", {"(a|b"}},
      {"utf8", "„|“x", {"„", "“x"}},
      {"braced_escape", R"(\p{L}+|\x{7C})", {R"(\p{L}+)", R"(\x{7C})"}},
  };
  for (const SplitCase& c : kCases) {
    EXPECT_EQ(SplitTopLevelAlternatives(c.regex), c.parts) << c.name;
  }
}

// Whatever the split, a text matches the whole regex exactly when it
// matches one of the parts.
TEST(SplitTopLevelAlternativesTest, PartsMatchExactlyWhatTheWholeMatches) {
  const char* kRegexes[] = {
      R"((?:wrote|said)\W+[„"]|[“"]\W*(?:\w+\W+){0,3}?(?:got|bekommen))",
      R"(\bich\s+(?:bin\s+)?(?:so\s+)?(?:ein\s+)?idiot\w*|idiot\w*\s+ich\s+bin\b)",
      R"([a-z0-9._%+\-]+@[a-z]+\.[[:alpha:]]{2,}|(^|[^0-9])[0-9]{1,2}\s*:\s*[0-9]{2})",
      R"(a\|b|[|]c|(d|e)f)",
  };
  const char* kTexts[] = {
      "he said: \"go\"",
      "„x“ got it",
      "ich bin so ein idiot",
      "du idiot ich bin",
      "mail a.b@c.de now",
      "um 18:30",
      "a|b",
      "|c",
      "ef",
      "df",
      "nothing here",
      "ich idiotisch",
      "got",
      "„",
  };
  for (const char* regex : kRegexes) {
    const RE2 whole(regex);
    ASSERT_TRUE(whole.ok()) << regex;
    std::vector<std::unique_ptr<RE2>> parts;
    for (const std::string& part : SplitTopLevelAlternatives(regex)) {
      parts.push_back(std::make_unique<RE2>(part));
      ASSERT_TRUE(parts.back()->ok()) << part;
    }
    EXPECT_GT(parts.size(), 1u) << regex;
    for (const char* text : kTexts) {
      bool any = false;
      for (const auto& part : parts) any = any || RE2::PartialMatch(text, *part);
      EXPECT_EQ(any, RE2::PartialMatch(text, whole)) << regex << " on " << text;
    }
  }
}

}  // namespace
}  // namespace moderation::match
