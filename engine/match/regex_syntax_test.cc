#include "engine/match/regex_syntax.h"

#include "gtest/gtest.h"

namespace moderation::match {
namespace {

struct EndCase {
  const char* name;
  const char* pattern;
  size_t at;
  size_t end;
};

TEST(RegexSyntaxTest, ClassEndStepsOverWhatAClassHolds) {
  const EndCase kCases[] = {
      {"plain", "[ab]c", 0, 4},
      {"leading_bracket_is_literal", "[]|]x", 0, 4},
      {"negated_leading_bracket", "[^]a]x", 0, 5},
      {"escaped_bracket", R"([a\]b]c)", 0, 6},
      {"posix_class", "[[:alpha:]|]z", 0, 12},
      {"unclosed", "[ab", 0, 3},
  };
  for (const EndCase& c : kCases) EXPECT_EQ(RegexClassEnd(c.pattern, c.at), c.end) << c.name;
}

TEST(RegexSyntaxTest, EscapeEndTakesBracedArguments) {
  const EndCase kCases[] = {
      {"one_character", R"(\|x)", 0, 2},
      {"unicode_class", R"(\p{L}x)", 0, 5},
      {"hex", R"(\x{7C}|)", 0, 6},
      {"backslash_at_the_end", "a\\", 1, 2},
  };
  for (const EndCase& c : kCases) EXPECT_EQ(RegexEscapeEnd(c.pattern, c.at), c.end) << c.name;
}

}  // namespace
}  // namespace moderation::match
