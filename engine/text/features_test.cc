#include "engine/text/features.h"

#include <utf8proc.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>

#include "engine/text/utf8.h"
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
      {"www_inside_a_word", "awww.beispiel", 0},
      {"word_like_tld_in_a_host_name", "Bundesliga live: fussball-hd-live.to", 1},
      {"reserved_example_tld", "Gratis PS5: ps5-gratis.example", 1},
      {"long_tld_online", "jetzt auf gewinn.online", 1},
      {"word_like_tld_not_in_the_spaced_form", "Das war gut . Today we play", 0},
      {"common_tld_in_the_spaced_form", "shop . de", 1},
      {"no_links", "Du bist ein Dummbatz", 0},
      {"scheme_without_dot", "http://localhost:8080/x", 1},
      {"www_followed_by_space", "www. ist kein Link? Doch.", 1},
      {"link_after_long_prose",
       "Ein langer Satz ohne Punkt und Komma der nur Woerter hat und dann kommt example.de", 1},
      {"dotted_words_ending_in_a_tld", "Ende.example.com", 1},
      {"links_in_neighbouring_tokens", "a.de\tb.de\nc.de", 3},
      {"decimal_number", "3.5 Liter", 0},
      {"full_stops_before_a_link", "Ende. Und noch ein Satz... dann example.com.", 1},
      {"www_after_a_full_stop_in_one_token", "Ende.www.example.de", 1},
      {"colon_in_prose_then_a_link", "Achtung: www.a.example. Danke.", 1},
      {"empty", "", 0},
      // Disguised dots count too (spam written to dodge link filters).
      {"disguised_brackets", "followerboost24[.]de", 1},
      {"disguised_parens_with_path", "skinsdrop-free(.)ru/case", 1},
      {"disguised_words", "shop[dot]com und shop (dot) de", 2},
      {"disguised_spaced", "www . potenz-apotheke24 . com", 1},
      {"disguised_spaced_shortener", "bit . ly/3xFoll0w", 1},
      {"spaced_full_stop_in_prose", "Das war es . Der Rest kommt morgen", 0},
      {"brackets_without_a_label", "(.)(.) ist kein Link", 0},
      {"brackets_without_a_tld", "array[.]length", 0},
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
      {"ellipsis", "Na ja... gut", 3},
      {"pair_only", "Kaffee", 2},
      {"run_across_64_byte_blocks",
       std::string_view(
           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
       83},
      {"run_at_start_and_end", "aaab ccccc", 5},
      {"non_breaking_space_breaks_a_run", "!!\u00a0!!", 2},
      {"umlaut_between_ascii_breaks_a_run", "aaäaa", 2},
      {"empty", "", 0},
  };
  for (const CountCase& c : kCases) {
    EXPECT_EQ(FeaturesOf(c.text).longest_repeat, c.expected) << c.name;
  }
}

TEST(FeaturesTest, AccumulatesFieldsOfOnePost) {
  TextFeatures f;
  AccumulateFeatures("TITEL MIT @anna", &f);                  // 1 mention
  AccumulateFeatures("body with https://a.example!!!!", &f);  // 1 link
  AccumulateFeatures("noch www.b.example und @bob", &f);      // 1 link, 1 mention
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

// A plain per-code-point walk, the obvious way to compute these features;
// AccumulateFeatures takes faster routes (vectorised ASCII passes, runs
// measured from triples) that must give the same numbers.
TextFeatures ReferenceCodePointFeatures(std::string_view text) {
  TextFeatures f;
  char32_t run_cp = 0;
  int run = 0;
  for (size_t pos = 0; pos < text.size();) {
    int len = 1;
    const char32_t cp = DecodeUtf8(text, pos, &len);
    pos += static_cast<size_t>(len);
    ++f.code_points;
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ++f.letters;
    if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) ++f.uppercase_letters;
    const bool space = (cp < 0x80 && (cp == ' ' || (cp >= '\t' && cp <= '\r'))) || cp == 0x85 ||
                       cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
                       cat == UTF8PROC_CATEGORY_ZP;
    if (space) {
      run = 0;
      continue;
    }
    run = (run > 0 && cp == run_cp) ? run + 1 : 1;
    run_cp = cp;
    f.longest_repeat = std::max(f.longest_repeat, run);
  }
  return f;
}

TEST(FeaturesTest, EveryLatin1AndNearbyCodePointCountsAsUtf8procSays) {
  // The features pass answers U+00C0..U+00FF without utf8proc: check each of
  // them (and the neighbours of that range) alone, twice and inside words.
  for (char32_t cp = 0x80; cp < 0x180; ++cp) {
    std::string c;
    AppendUtf8(cp, &c);
    for (const std::string& text : {c, c + c, "x" + c + "Y", "Ab " + c + c + c + " cD"}) {
      const TextFeatures want = ReferenceCodePointFeatures(text);
      const TextFeatures got = FeaturesOf(text);
      ASSERT_EQ(got.letters, want.letters) << "U+" << std::hex << static_cast<uint32_t>(cp);
      ASSERT_EQ(got.uppercase_letters, want.uppercase_letters)
          << "U+" << std::hex << static_cast<uint32_t>(cp);
      ASSERT_EQ(got.longest_repeat, want.longest_repeat)
          << "U+" << std::hex << static_cast<uint32_t>(cp);
    }
  }
}

TEST(FeaturesTest, CountsStayExactOnTextsLongerThanTheVectorCounters) {
  // The vectorised pass counts in bytes and sums every 255 rounds of 16
  // bytes: 20,000 bytes of capitals and umlauts take it past several sums.
  std::string text;
  while (text.size() < 20000) text += "ABC xyz ÄÖü!! ";
  const TextFeatures want = ReferenceCodePointFeatures(text);
  const TextFeatures got = FeaturesOf(text);
  EXPECT_EQ(got.code_points, want.code_points);
  EXPECT_EQ(got.letters, want.letters);
  EXPECT_EQ(got.uppercase_letters, want.uppercase_letters);
  EXPECT_EQ(got.longest_repeat, want.longest_repeat);
}

TEST(FeaturesTest, CodePointFeaturesMatchAPlainWalkOnRandomText) {
  // Pieces that exercise every path: runs, whitespace of both kinds, case,
  // umlauts, other scripts, emoji, and block edges (texts up to 300 bytes).
  const std::string_view kPieces[] = {"a",  "A", "b", "!", ".",      " ",      "\t",
                                      "\n", "ä", "Ä", "ß", "\u00a0", "\u2003", "\u0085",
                                      "ж",  "Ж", "😀", "ǅ", "1",      "x"};
  std::mt19937 rng(42);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t target = rng() % 300;
    while (text.size() < target) {
      const std::string_view piece = kPieces[rng() % std::size(kPieces)];
      const int repeat = rng() % 4 == 0 ? static_cast<int>(rng() % 70) : 1;
      for (int i = 0; i < repeat; ++i) text += piece;
    }
    const TextFeatures want = ReferenceCodePointFeatures(text);
    const TextFeatures got = FeaturesOf(text);
    ASSERT_EQ(got.code_points, want.code_points) << text;
    ASSERT_EQ(got.letters, want.letters) << text;
    ASSERT_EQ(got.uppercase_letters, want.uppercase_letters) << text;
    ASSERT_EQ(got.longest_repeat, want.longest_repeat) << text;
  }
}

}  // namespace
}  // namespace moderation::text
