#include "engine/text/features.h"

#include <string_view>

#include "gtest/gtest.h"

namespace moderation::text {
namespace {

TextFeatures FeaturesOf(std::string_view text) {
  TextFeatures f;
  AccumulateFeatures(text, &f);
  return f;
}

struct CountCase {
  const char* name;
  std::string_view text;
  int expected;
};

TEST(FeaturesTest, CountsLinksWithSchemeWwwOrCommonTld) {
  const CountCase kCases[] = {
      {"header_example", "Check https://a.example and www.b.example", 2},
      {"http", "see http://foo.example/path?q=1", 1},
      {"upper_case_scheme", "HTTPS://FOO.EXAMPLE", 1},
      {"www_at_word_start", "www.example.org", 1},
      {"scheme_and_www_count_once", "https://www.example.com/x", 1},
      {"bare_domain_com", "besucht example.com heute", 1},
      {"bare_domain_with_path", "foo.de/path", 1},
      {"bare_domain_in_parentheses", "(shop.example.io)", 1},
      {"subdomain", "a.b.example.co.uk", 1},
      {"each_tld_in_the_list",
       "a.com a.net a.org a.de a.at a.ch a.eu a.info a.io a.co a.uk a.ru a.biz a.xyz a.top a.me "
       "a.tv",
       17},
      {"upper_case_tld", "EXAMPLE.COM", 1},
      {"domain_followed_by_punctuation", "Geh auf example.com!", 1},
      {"three_links", "http://a.example, www.b.example und c.de", 3},
      {"unknown_tld_without_scheme", "example.foo", 0},
      {"sentence_end_without_space_and_unknown_tld", "Ende.Anfang", 0},
      {"e_mail_is_not_a_link", "mail an max@example.com", 0},
      {"e_mail_with_dotted_local_part", "max.muster@example.com", 0},
      {"abbreviation", "z.B. usw.", 0},
      {"www_inside_a_word", "awww.example", 0},
      {"no_links", "Du bist ein Dummbatz", 0},
      {"empty", "", 0},
  };
  for (const CountCase& c : kCases) EXPECT_EQ(FeaturesOf(c.text).links, c.expected) << c.name;
}

TEST(FeaturesTest, CountsMentionsAtWordStartFollowedByANameCharacter) {
  const CountCase kCases[] = {
      {"one", "@anna hallo", 1},
      {"two", "hallo @anna und @bob_42", 2},
      {"digit_and_underscore_names", "@_x @9", 2},
      {"in_parentheses", "(@anna)", 1},
      {"e_mail_is_not_a_mention", "anna@example.com", 0},
      {"lone_at", "Treffen @ 5", 0},
      {"double_at", "@@anna", 0},
      {"at_at_end", "hallo @", 0},
      {"at_before_punctuation", "@!", 0},
  };
  for (const CountCase& c : kCases) {
    EXPECT_EQ(FeaturesOf(c.text).mentions, c.expected) << c.name;
  }
}

TEST(FeaturesTest, CountsLettersAndCapitalsInAnyScript) {
  const struct {
    const char* name;
    std::string_view text;
    int letters;
    int upper;
    int code_points;
  } kCases[] = {
      {"ascii", "Hallo Welt!", 9, 2, 11},
      {"shouting", "ICH BRING DICH UM", 14, 14, 17},
      {"umlauts", "ÄÖÜ äöü ß", 7, 3, 9},
      {"cyrillic", "Привет", 6, 1, 6},
      {"greek", "ΑΒγ", 3, 2, 3},
      {"digits_and_emoji_are_not_letters", "123 😀", 0, 0, 5},
      {"titlecase_digraph_counts_as_upper", "ǅ", 1, 1, 1},
      {"empty", "", 0, 0, 0},
  };
  for (const auto& c : kCases) {
    const TextFeatures f = FeaturesOf(c.text);
    EXPECT_EQ(f.letters, c.letters) << c.name;
    EXPECT_EQ(f.uppercase_letters, c.upper) << c.name;
    EXPECT_EQ(f.code_points, c.code_points) << c.name;
  }
}

TEST(FeaturesTest, CapsRatioIsTheShareOfCapitalLetters) {
  EXPECT_DOUBLE_EQ(FeaturesOf("ICH BRING DICH UM").CapsRatio(), 1.0);
  EXPECT_DOUBLE_EQ(FeaturesOf("Hallo Welt").CapsRatio(), 2.0 / 9.0);
  EXPECT_DOUBLE_EQ(FeaturesOf("ABcd 1234").CapsRatio(), 0.5);
  EXPECT_DOUBLE_EQ(FeaturesOf("1234 !!!").CapsRatio(), 0.0);
  EXPECT_DOUBLE_EQ(TextFeatures{}.CapsRatio(), 0.0);
}

TEST(FeaturesTest, LongestRepeatIgnoresWhitespace) {
  const CountCase kCases[] = {
      {"bangs", "!!!!!!", 6},
      {"stretched_word", "Haaaallo", 4},
      {"spaces_do_not_count", "a          b", 1},
      {"spaces_break_a_run", "!!! !!!", 3},
      {"multibyte", "😀😀😀", 3},
      {"umlauts", "Blööööd", 4},
      {"case_matters", "aAaA", 1},
      {"empty", "", 0},
  };
  for (const CountCase& c : kCases) {
    EXPECT_EQ(FeaturesOf(c.text).longest_repeat, c.expected) << c.name;
  }
}

TEST(FeaturesTest, AccumulatesFieldsOfOnePost) {
  TextFeatures f;
  AccumulateFeatures("TITEL MIT @anna", &f);                    // 1 mention
  AccumulateFeatures("body with https://a.example!!!!", &f);  // 1 link
  AccumulateFeatures("noch www.b.example und @bob", &f);        // 1 link, 1 mention
  EXPECT_EQ(f.links, 2);
  EXPECT_EQ(f.mentions, 2);
  EXPECT_EQ(f.code_points, 15 + 31 + 27);
  EXPECT_EQ(f.longest_repeat, 4);  // the maximum over fields, not a sum
  EXPECT_EQ(f.uppercase_letters, 8);
  const int letters = f.letters;
  AccumulateFeatures("", &f);
  EXPECT_EQ(f.letters, letters);
  EXPECT_EQ(f.longest_repeat, 4);
}

TEST(FeaturesTest, LongestRepeatTakesTheMaximumAcrossFields) {
  TextFeatures f;
  AccumulateFeatures("Haaaaaallo", &f);
  AccumulateFeatures("!!!", &f);
  EXPECT_EQ(f.longest_repeat, 6);
}

}  // namespace
}  // namespace moderation::text
