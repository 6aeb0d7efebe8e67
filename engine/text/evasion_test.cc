// Evasion matrix: every German insult below, disguised by every evasion
// class, must still contain the skeleton of the plainly written term, and the
// match must map back to exactly the bytes the user typed.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text/normalizer.h"
#include "engine/text/utf8.h"
#include "gtest/gtest.h"

namespace moderation::text {
namespace {

constexpr std::string_view kTerms[] = {"Dummbatz",  "Blödmann",  "Knalltüte", "Lackaffe",
                                       "Vollidiot", "Schlampe",  "Hurensohn", "Missgeburt",
                                       "Spast",     "Hackfresse"};

std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> cps;
  for (size_t pos = 0; pos < s.size();) {
    int len = 0;
    cps.push_back(DecodeUtf8(s, pos, &len));
    pos += len;
  }
  return cps;
}

// Rewrites each code point (index i of n) with f.
std::string MapCodePoints(std::string_view term,
                          const std::function<std::u32string(char32_t, size_t, size_t)>& f) {
  const std::vector<char32_t> cps = CodePoints(term);
  std::string out;
  for (size_t i = 0; i < cps.size(); ++i) {
    for (char32_t cp : f(cps[i], i, cps.size())) AppendUtf8(cp, &out);
  }
  return out;
}

std::u32string One(char32_t cp) { return std::u32string(1, cp); }

char32_t Lower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp == U'Ä' || cp == U'Ö' || cp == U'Ü') return cp + 32;
  return cp;
}

char32_t Upper(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 32;
  if (cp == U'ä' || cp == U'ö' || cp == U'ü') return cp - 32;
  return cp;
}

// Replaces code points found in `from` by the matching entry of `to`.
std::function<std::u32string(char32_t, size_t, size_t)> Substitute(std::u32string_view from,
                                                                   std::u32string_view to,
                                                                   bool keep_last = false) {
  return [from = std::u32string(from), to = std::u32string(to), keep_last](char32_t cp, size_t i,
                                                                           size_t n) {
    const size_t k = from.find(Lower(cp));
    if (k == std::u32string::npos || (keep_last && i + 1 == n)) return One(cp);
    return One(to[k]);
  };
}

// Puts `insert` between every two code points.
std::string Interleave(std::string_view term, std::u32string_view insert) {
  return MapCodePoints(term, [insert = std::u32string(insert)](char32_t cp, size_t i, size_t) {
    // append, not operator+: GCC 12 at -O3 warns falsely (-Wrestrict) on
    // u32string concatenation.
    std::u32string out = i == 0 ? std::u32string() : insert;
    out.push_back(cp);
    return out;
  });
}

struct Evasion {
  const char* name;
  std::function<std::string(std::string_view)> apply;
};

std::vector<Evasion> Evasions() {
  return {
      // Case.
      {"upper_case",
       [](std::string_view t) {
         return MapCodePoints(t, [](char32_t c, size_t, size_t) { return One(Upper(c)); });
       }},
      {"alternating_case",
       [](std::string_view t) {
         return MapCodePoints(
             t, [](char32_t c, size_t i, size_t) { return One(i % 2 ? Upper(c) : Lower(c)); });
       }},
      // Leetspeak and symbols (the last letter stays a letter: a trailing
      // digit is punctuation, not a letter).
      {"leet_digits",
       [](std::string_view t) {
         return MapCodePoints(t, Substitute(U"aeiost", U"431057", /*keep_last=*/true));
       }},
      {"leet_symbols",
       [](std::string_view t) {
         return MapCodePoints(t, Substitute(U"aesil", U"@€$!£", /*keep_last=*/true));
       }},
      {"leet_pipe_and_plus",
       [](std::string_view t) {
         return MapCodePoints(t, Substitute(U"it", U"|+", /*keep_last=*/true));
       }},
      // Look-alike letters from other scripts and compatibility forms.
      {"cyrillic_lookalikes",
       [](std::string_view t) {
         return MapCodePoints(t, Substitute(U"aeopcxsihu", U"аеорсхѕіһу"));
       }},
      {"greek_lookalikes",
       [](std::string_view t) { return MapCodePoints(t, Substitute(U"oa", U"οα")); }},
      {"fullwidth",
       [](std::string_view t) {
         return MapCodePoints(t, [](char32_t c, size_t, size_t) {
           return One(c < 0x80 && c > 0x20 ? c - 0x21 + 0xFF01 : c);
         });
       }},
      {"math_bold",
       [](std::string_view t) {
         return MapCodePoints(t, [](char32_t c, size_t, size_t) {
           if (c >= 'a' && c <= 'z') return One(0x1D41A + (c - 'a'));
           if (c >= 'A' && c <= 'Z') return One(0x1D400 + (c - 'A'));
           return One(c);
         });
       }},
      // Invisible characters between the letters.
      {"zero_width_space", [](std::string_view t) { return Interleave(t, U"\u200B"); }},
      {"zero_width_joiner", [](std::string_view t) { return Interleave(t, U"\u200D"); }},
      {"zero_width_non_joiner", [](std::string_view t) { return Interleave(t, U"\u200C"); }},
      {"soft_hyphen", [](std::string_view t) { return Interleave(t, U"\u00AD"); }},
      {"word_joiner", [](std::string_view t) { return Interleave(t, U"\u2060"); }},
      {"bidi_override_and_pop", [](std::string_view t) { return Interleave(t, U"\u202E\u202C"); }},
      {"variation_selector", [](std::string_view t) { return Interleave(t, U"\uFE0F"); }},
      // Separators between the letters.
      {"spaces", [](std::string_view t) { return Interleave(t, U" "); }},
      {"dots", [](std::string_view t) { return Interleave(t, U"."); }},
      {"dashes", [](std::string_view t) { return Interleave(t, U"-"); }},
      {"stars", [](std::string_view t) { return Interleave(t, U"*"); }},
      {"underscores", [](std::string_view t) { return Interleave(t, U"_"); }},
      {"one_dash_in_the_middle",
       [](std::string_view t) {
         const size_t half = CodePoints(t).size() / 2;
         return MapCodePoints(t, [half](char32_t c, size_t i, size_t) {
           std::u32string out = i == half ? U"-" : U"";
           out.push_back(c);
           return out;
         });
       }},
      // Stretched letters.
      {"stretched_vowels",
       [](std::string_view t) {
         return MapCodePoints(t, [](char32_t c, size_t, size_t) {
           return std::u32string_view(U"aeiouäöü").find(Lower(c)) != std::u32string_view::npos
                      ? std::u32string(5, c)
                      : One(c);
         });
       }},
      {"every_letter_doubled",
       [](std::string_view t) {
         return MapCodePoints(t, [](char32_t c, size_t, size_t) { return std::u32string(2, c); });
       }},
      // Diacritics and transliteration.
      {"umlauts_transliterated",
       [](std::string_view t) {
         return MapCodePoints(t, [](char32_t c, size_t, size_t) -> std::u32string {
           switch (c) {
             case U'ä':
               return U"ae";
             case U'ö':
               return U"oe";
             case U'ü':
               return U"ue";
             default:
               return One(c);
           }
         });
       }},
      {"umlauts_dropped",
       [](std::string_view t) { return MapCodePoints(t, Substitute(U"äöü", U"aou")); }},
      {"combining_diaeresis",
       [](std::string_view t) {
         return MapCodePoints(t, [](char32_t c, size_t, size_t) -> std::u32string {
           switch (c) {
             case U'ä':
               return U"a\u0308";
             case U'ö':
               return U"o\u0308";
             case U'ü':
               return U"u\u0308";
             default:
               return One(c);
           }
         });
       }},
      {"accents_on_vowels",
       [](std::string_view t) { return MapCodePoints(t, Substitute(U"aeiou", U"àéîõú")); }},
      {"combining_accents_on_every_letter",
       [](std::string_view t) {
         return MapCodePoints(t, [](char32_t c, size_t, size_t) { return One(c) + U"\u0301"; });
       }},
      // Combinations.
      {"leet_cyrillic_and_zero_width",
       [](std::string_view t) {
         const std::string leet = MapCodePoints(t, Substitute(U"ai", U"41", true));
         return Interleave(MapCodePoints(leet, Substitute(U"oec", U"оес")), U"\u200B");
       }},
      {"upper_dots_and_stretch",
       [](std::string_view t) {
         const std::string stretched = MapCodePoints(t, [](char32_t c, size_t i, size_t) {
           return i == 1 ? std::u32string(4, Upper(c)) : One(Upper(c));
         });
         return Interleave(stretched, U".");
       }},
      {"fullwidth_soft_hyphen_and_greek",
       [](std::string_view t) {
         const std::string greek = MapCodePoints(t, Substitute(U"o", U"ο"));
         const std::string wide = MapCodePoints(greek, [](char32_t c, size_t, size_t) {
           return One(c >= 'a' && c <= 'z' ? c - 'a' + 0xFF41 : c);
         });
         return Interleave(wide, U"\u00AD");
       }},
      {"spaces_with_symbols_and_combining_marks",
       [](std::string_view t) {
         const std::string marked = MapCodePoints(t, Substitute(U"äöüs", U"aou$", true));
         return Interleave(marked, U" ");
       }},
  };
}

std::string TermSkeleton(std::string_view term) {
  std::string skeleton;
  EXPECT_TRUE(SkeletonOfTerm(term, &skeleton).ok());
  return skeleton;
}

TEST(EvasionTest, EveryDisguiseOfEveryTermStillMatchesOnTheTypedBytes) {
  const std::string prefix = "Du bist ein ";
  int checked = 0;
  for (std::string_view term : kTerms) {
    const std::string skeleton = TermSkeleton(term);
    ASSERT_GE(skeleton.size(), 3u) << term;
    for (const Evasion& evasion : Evasions()) {
      const std::string variant = evasion.apply(term);
      const std::string post = prefix + variant + "!";
      NormalizedText n;
      ASSERT_TRUE(Normalize(post, &n).ok()) << post;
      const size_t pos = n.skeleton.text.find(skeleton);
      ASSERT_NE(pos, std::string::npos) << evasion.name << ": \"" << variant << "\" -> \""
                                        << n.skeleton.text << "\" lacks \"" << skeleton << "\"";
      const ByteRange r = n.skeleton.ToOriginal(pos, pos + skeleton.size());
      EXPECT_EQ(post.substr(r.begin, r.end - r.begin), variant) << evasion.name << " for " << term;
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(std::size(kTerms) * Evasions().size()));
}

TEST(EvasionTest, AStandaloneDisguiseHasExactlyTheTermsSkeleton) {
  // Without a sentence around it (no neighbouring words to join), most
  // disguises reduce to the term's skeleton and nothing else.
  for (std::string_view term : kTerms) {
    const std::string skeleton = TermSkeleton(term);
    for (const Evasion& evasion : Evasions()) {
      const std::string variant = evasion.apply(term);
      std::string got;
      ASSERT_TRUE(SkeletonOfTerm(variant, &got).ok());
      EXPECT_EQ(got, skeleton) << evasion.name << ": \"" << variant << "\"";
    }
  }
}

TEST(EvasionTest, HarmlessWordsKeepTheirOwnSkeletons) {
  const std::string_view kBadTerms[] = {"Arsch", "Schlampe", "Sex", "Nazi", "Spast", "Hure"};
  const std::string_view kHarmless[] = {"Nachbarschaft",
                                        "Tischlampe",
                                        "Staatsexamen",
                                        "Sextett",
                                        "Hurensohnland",
                                        "Tisch lampe",
                                        "Die Tischlampe ist kaputt",
                                        "Knall auf Fall"};
  std::vector<std::string> bad;
  for (std::string_view t : kBadTerms) bad.push_back(TermSkeleton(t));
  for (std::string_view text : kHarmless) {
    NormalizedText n;
    ASSERT_TRUE(Normalize(text, &n).ok());
    const std::string& s = n.skeleton.text;
    for (size_t start = 0; start < s.size();) {
      const size_t end = n.skeleton.WordEnd(start + 1);
      const std::string word = s.substr(start, end - start);
      for (const std::string& b : bad) EXPECT_NE(word, b) << text;
      start = end + 1;
    }
  }
  EXPECT_EQ(TermSkeleton("Nachbarschaft"), "nachbarschaft");
  EXPECT_EQ(TermSkeleton("Tischlampe"), "tischiampe");
  EXPECT_EQ(TermSkeleton("Staatsexamen"), "statsexamen");
  EXPECT_EQ(TermSkeleton("Sextett"), "sextet");
}

TEST(EvasionTest, PlainTermSkeletonsAreStable) {
  const struct {
    std::string_view term;
    std::string_view skeleton;
  } kCases[] = {{"Dummbatz", "dumbatz"},    {"Blödmann", "biodman"},     {"Knalltüte", "knaitute"},
                {"Lackaffe", "iackafe"},    {"Vollidiot", "voidiot"},    {"Schlampe", "schiampe"},
                {"Hurensohn", "hurensohn"}, {"Missgeburt", "misgeburt"}, {"Spast", "spast"},
                {"Hackfresse", "hackfrese"}};
  for (const auto& c : kCases) EXPECT_EQ(TermSkeleton(c.term), c.skeleton) << c.term;
}

}  // namespace
}  // namespace moderation::text
