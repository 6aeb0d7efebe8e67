#include "engine/text/normalizer.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace moderation::text {
namespace {

NormalizedText MustNormalize(std::string_view raw) {
  NormalizedText n;
  const absl::Status s = Normalize(raw, &n);
  EXPECT_TRUE(s.ok()) << s;
  return n;
}

std::string SkeletonOf(std::string_view text) { return MustNormalize(text).skeleton.text; }

std::string Folded(std::string_view text) {
  std::string out;
  EXPECT_TRUE(FoldTerm(text, &out).ok());
  return out;
}

// The documented invariants of a view over a raw text of raw_size bytes.
void ExpectViewInvariants(const View& v, size_t raw_size, std::string_view context) {
  ASSERT_EQ(v.orig_begin.size(), v.text.size()) << context;
  ASSERT_EQ(v.orig_end.size(), v.text.size()) << context;
  for (size_t i = 0; i < v.text.size(); ++i) {
    ASSERT_LT(v.orig_begin[i], v.orig_end[i]) << context << " at " << i;
    ASSERT_LE(v.orig_end[i], raw_size) << context << " at " << i;
    if (i > 0) {
      ASSERT_LE(v.orig_begin[i - 1], v.orig_begin[i]) << context << " at " << i;
    }
  }
}

void ExpectSkeletonInvariants(const SkeletonView& s, size_t raw_size, std::string_view context) {
  ExpectViewInvariants(s, raw_size, context);
  const std::string& t = s.text;
  ASSERT_EQ(s.soft_boundary.size(), t.size() + 1) << context;
  EXPECT_FALSE(s.soft_boundary.front()) << context;
  EXPECT_FALSE(s.soft_boundary.back()) << context;
  if (t.empty()) return;
  EXPECT_NE(t.front(), ' ') << context;
  EXPECT_NE(t.back(), ' ') << context;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    ASSERT_TRUE((c >= 'a' && c <= 'z') || c == ' ') << context << " byte " << i;
    EXPECT_NE(c, 'l') << context << ": l is always written as i";
    if (i > 0 && c != ' ' && !s.soft_boundary[i]) {
      // Repeats collapse, except across the join of a spaced-out run with
      // the word beside it ("ein N a z i"), which is a soft boundary.
      EXPECT_NE(t[i - 1], c) << context << ": repeats collapse";
    }
    if (c == ' ') {
      EXPECT_NE(t[i - 1], ' ') << context;
      EXPECT_FALSE(s.soft_boundary[i]) << context;
      EXPECT_FALSE(s.soft_boundary[i + 1]) << context;
    }
  }
}

// ---------------------------------------------------------------- folded --

struct FoldCase {
  const char* name;
  std::string_view input;
  std::string_view folded;
};

TEST(FoldedViewTest, FoldsCaseCompatibilityFormsAndInvisibleCharacters) {
  const FoldCase kCases[] = {
      {"upper_case_is_lowered", "ICH BRING DICH UM", "ich bring dich um"},
      {"mixed_case", "dUmMbAtZ", "dummbatz"},
      {"fullwidth_letters_and_digits", "ＤＵＭＭ１２", "dumm12"},
      {"math_bold", "𝐝𝐮𝐦𝐦𝐛𝐚𝐭𝐳", "dummbatz"},
      {"math_italic_capitals", "𝐷𝑈𝑀𝑀", "dumm"},
      {"sharp_s_becomes_ss", "Straße", "strasse"},
      {"capital_sharp_s_becomes_ss", "STRAẞE", "strasse"},
      {"umlauts_stay_composed", "ÄÖÜ", "äöü"},
      {"combining_diaeresis_composes", "Blo\u0308dmann", "blödmann"},
      {"combining_marks_compose_after_upper_case", "BLO\u0308D", "blöd"},
      {"ligature_expands", "ﬁnger", "finger"},
      {"circled_digit", "①", "1"},
      {"roman_numeral", "Ⅻ", "xii"},
      {"no_break_space_becomes_space", "a\u00A0b", "a b"},
      {"cyrillic_is_lowered_not_transliterated", "БЛЁД", "блёд"},
      {"zero_width_space", "a\u200Bb", "ab"},
      {"zero_width_non_joiner", "a\u200Cb", "ab"},
      {"zero_width_joiner", "a\u200Db", "ab"},
      {"word_joiner", "a\u2060b", "ab"},
      {"soft_hyphen", "a\u00ADb", "ab"},
      {"byte_order_mark", "\uFEFFab", "ab"},
      {"bidi_embedding_lre", "a\u202Ab", "ab"},
      {"bidi_embedding_rle", "a\u202Bb", "ab"},
      {"bidi_pop", "a\u202Cb", "ab"},
      {"bidi_override_lro", "a\u202Db", "ab"},
      {"bidi_override_rlo", "a\u202Eb", "ab"},
      {"bidi_isolate_lri", "a\u2066b", "ab"},
      {"bidi_isolate_rli", "a\u2067b", "ab"},
      {"bidi_isolate_fsi", "a\u2068b", "ab"},
      {"bidi_isolate_pdi", "a\u2069b", "ab"},
      {"variation_selector_1", "a\uFE00b", "ab"},
      {"variation_selector_16_after_emoji", "\u2764\uFE0F", "\u2764"},
      {"punctuation_is_kept", "d.u-m*m_!", "d.u-m*m_!"},
      {"emoji_is_kept", "hi 😀", "hi 😀"},
      {"empty", "", ""},
  };
  for (const FoldCase& c : kCases) {
    EXPECT_EQ(Folded(c.input), c.folded) << c.name;
    const NormalizedText n = MustNormalize(c.input);
    EXPECT_EQ(n.folded.text, c.folded) << c.name;
    ExpectViewInvariants(n.folded, c.input.size(), c.name);
  }
}

TEST(FoldedViewTest, EachFoldedByteMapsToItsWholeCluster) {
  // "Bl" + "o" U+0308 (bytes 2..5) + "d"
  const NormalizedText n = MustNormalize("Blo\u0308d");
  ASSERT_EQ(n.folded.text, "blöd");
  EXPECT_EQ(n.folded.ToOriginal(0, 1), (ByteRange{0, 1}));
  EXPECT_EQ(n.folded.ToOriginal(2, 4), (ByteRange{2, 5}));  // ö
  EXPECT_EQ(n.folded.ToOriginal(4, 5), (ByteRange{5, 6}));
  EXPECT_EQ(n.folded.ToOriginal(0, 5), (ByteRange{0, 6}));
}

TEST(FoldedViewTest, ExpansionsMapEveryOutputByteToTheSourceCharacter) {
  const NormalizedText n = MustNormalize("Straße!");  // ß is bytes 4..6
  ASSERT_EQ(n.folded.text, "strasse!");
  EXPECT_EQ(n.folded.ToOriginal(4, 5), (ByteRange{4, 6}));
  EXPECT_EQ(n.folded.ToOriginal(5, 6), (ByteRange{4, 6}));
  EXPECT_EQ(n.folded.ToOriginal(7, 8), (ByteRange{7, 8}));
}

TEST(FoldedViewTest, RemovedInvisibleCharactersLeaveNoBytesButStayInsideWordRanges) {
  const NormalizedText n = MustNormalize("a\u200Bb");  // ZWSP is bytes 1..4
  ASSERT_EQ(n.folded.text, "ab");
  EXPECT_EQ(n.folded.ToOriginal(1, 2), (ByteRange{4, 5}));
  EXPECT_EQ(n.folded.ToOriginal(0, 2), (ByteRange{0, 5}));
}

// -------------------------------------------------------------- skeleton --

struct SkeletonCase {
  const char* name;
  std::string_view input;
  std::string_view skeleton;
};

TEST(SkeletonViewTest, ReducesSpellingsOfOneWordToOneSkeleton) {
  const SkeletonCase kCases[] = {
      {"bloedmann_plain", "Blödmann", "biodman"},
      {"bloedmann_transliterated_caps", "BLOEDMANN", "biodman"},
      {"bloedmann_leet", "Bl0edm@nn", "biodman"},
      {"bloedmann_spaced", "B l ö d m a n n", "biodman"},
      {"bloedmann_cyrillic_a", "Blödmаnn", "biodman"},
      {"bloedmann_stretched_umlaut", "Blööööödmann", "biodman"},
      {"bloedmann_combining_diaeresis", "Blo\u0308dmann", "biodman"},
      {"bloedmann_zero_width_space", "Blö\u200Bdmann", "biodman"},
      {"bloedmann_without_umlaut", "Blodmann", "biodman"},
      {"dummbatz_plain", "Dummbatz", "dumbatz"},
      {"dummbatz_caps", "DUMMBATZ", "dumbatz"},
      {"dummbatz_mixed_case", "dUmMbAtZ", "dumbatz"},
      {"dummbatz_leet", "Dummb4tz", "dumbatz"},
      {"dummbatz_fullwidth", "ｄｕｍｍｂａｔｚ", "dumbatz"},
      {"dummbatz_math_bold", "𝐝𝐮𝐦𝐦𝐛𝐚𝐭𝐳", "dumbatz"},
      {"dummbatz_spaced", "D u m m b a t z", "dumbatz"},
      {"dummbatz_dotted", "d.u.m.m.b.a.t.z", "dumbatz"},
      {"dummbatz_dash", "dumm-batz", "dumbatz"},
      {"dummbatz_star", "du*mmbatz", "dumbatz"},
      {"dummbatz_underscores", "d_u_m_m_b_a_t_z", "dumbatz"},
      {"dummbatz_stretched", "Dummbaaaaatz", "dumbatz"},
      {"dummbatz_invisibles", "D\u200Bu\u200Cm\u200Dm\u2060b\u00ADa\u202Et\u2066z", "dumbatz"},
      {"dummbatz_partly_spaced", "Dumm b a t z", "dumbatz"},
      {"strasse_sharp_s", "Straße", "strase"},
      {"strasse_ss", "Strasse", "strase"},
      {"greek_omicron_and_alpha", "Dοofkοpf Dαmpf", "dofkopf dampf"},
      {"cyrillic_o_e_p_c", "Dоеf Ѕреck", "dof speck"},
      {"accents_dropped", "Café Crème", "cafe creme"},
      {"scandinavian_letters", "Ørsted Łódź", "orsted iodz"},
      {"ae_ligature_is_ae_is_a", "Æsir", "asir"},
      {"thorn", "þorn", "thorn"},
      {"dotless_i", "ıdiot", "idiot"},
      {"strikethrough_marks_ignored", "d\u0336u\u0336m\u0336m\u0336", "dum"},
      {"ue_digraph", "Knalltuete", "knaitute"},
      {"stretched_digraph_e_is_absorbed", "Knalltueeete", "knaitute"},
      {"spaced_stretched_digraph_e", "K n a l l t u e e e t e", "knaitute"},
      {"trailing_leet_vowel_after_dashes", "K-n-a-l-l-t-u-t-3", "knaitute"},
      {"trailing_leet_vowel_after_underscores", "L_a_c_k_a_f_f_3!!!", "iackafe"},
      {"trailing_other_digit_after_dash_joins_behind_a_soft_edge", "Idiot-1", "idioti"},
      {"l_is_written_i", "Lampe", "iampe"},
      {"words_separated_by_one_space", "  Du   bist\t\nein\u3000Test  ", "du bist ein test"},
      {"only_punctuation", "!!! ... ???", ""},
      {"only_digits", "123 456", ""},
      {"emoji_between_words", "Hi 😀 du", "hi du"},
      {"empty", "", ""},
  };
  for (const SkeletonCase& c : kCases) {
    const NormalizedText n = MustNormalize(c.input);
    EXPECT_EQ(n.skeleton.text, c.skeleton) << c.name;
    ExpectSkeletonInvariants(n.skeleton, c.input.size(), c.name);
  }
}

TEST(SkeletonViewTest, MapsLeetspeakOnlyWhenALetterFollowsInTheToken) {
  const SkeletonCase kCases[] = {
      {"trailing_bangs_are_punctuation", "Idiot!!!", "idiot"},
      {"trailing_digit_is_a_letter_behind_a_soft_edge", "Idiot1", "idioti"},
      {"trailing_seven_is_t", "Id1o7", "idiot"},
      {"trailing_leet_before_punctuation", "Spa$+. Idio7!", "spast idiot"},
      {"trailing_vowel_digit_then_symbol", "V0ll1di0+", "voidiot"},
      {"trailing_bang_inside_the_run", "Vol1id!0+!", "voidiot"},
      {"trailing_dollar_is_s", "Hur3n$", "hurens"},
      // The run may be split by the separators that split the letters
      // before it; a full stop after the run still ends the sentence.
      {"trailing_run_split_by_underscores", "V_o_l_1_i_d_i_0_+", "voidiot"},
      {"trailing_run_split_by_dots", "I.d.i.0.+", "idiot"},
      {"trailing_run_split_by_dashes_then_a_full_stop", "Spa-$-+. ok", "spast ok"},
      {"trailing_run_split_then_a_number_stays_a_number", "Idiot_1_2", "idiot"},
      {"trailing_symbol_under_a_combining_mark",
       "Spa$\u0308"
       "7",
       "spast"},
      {"spaced_run_ending_in_s_and_t_symbols", "S p a 5 +, ehrlich", "spastehrich"},
      {"spaced_run_ending_in_a_digit_and_bangs", "L a c k a f f 3!!!", "iackafe"},
      {"spaced_run_ending_in_a_bang_keeps_it_punctuation", "D u m m b a t z !", "dumbatz"},
      {"lone_symbols_without_letters_stay_dropped", "+ + 7 zz", "z"},
      {"four_trailing_digits_are_a_number", "Idiot2024", "idiot"},
      {"trailing_run_with_a_two_is_a_number", "Idiot12", "idiot"},
      {"digits_inside_word", "1d10t", "idiot"},
      {"leading_digit", "4rsch", "arsch"},
      {"leading_dollar", "$chwachmat", "schwachmat"},
      {"leading_bang", "!diot", "idiot"},
      {"euro_as_e", "H€xe", "hexe"},
      {"pound_as_l", "£ackaffe", "iackafe"},
      {"inverted_bang_as_i", "¡diot", "idiot"},
      {"pipe_as_i", "|diot", "idiot"},
      {"plus_as_t", "+ier", "tier"},
      {"at_as_a", "Bl@bla", "biabia"},
      {"seven_as_t_eight_as_b", "7ier 8aum", "tier baum"},
      {"five_six_nine", "5au6e9", "sauge"},
      {"two_is_never_a_letter", "2te", "te"},
      {"numbers_vanish", "Ich hab 3 Katzen und 100 Euro", "ich hab katzen und euro"},
      {"trailing_mixed_symbols", "Spast!1!", "spasti"},
  };
  for (const SkeletonCase& c : kCases) {
    EXPECT_EQ(SkeletonOf(c.input), c.skeleton) << c.name;
  }
}

TEST(SkeletonViewTest, JoinsRunsOfSingleLetterTokensAndTheirNeighbours) {
  const SkeletonCase kCases[] = {
      {"all_single_letters", "D u m m b a t z", "dumbatz"},
      {"multi_letter_token_on_the_left", "Dumm b a t z", "dumbatz"},
      {"multi_letter_token_on_the_right", "D u m m batz", "dumbatz"},
      {"neighbours_on_both_sides", "Dumm b a tz", "dumbatz"},
      {"only_the_adjacent_token_joins", "Du mm b a tz", "du mbatz"},
      {"only_direct_neighbours_join", "Hallo du D u m m batz ok", "haio dudumbatz ok"},
      {"one_single_letter_stays_a_word", "Ich bin a Test", "ich bin a test"},
      {"two_single_letters", "a b", "ab"},
      {"single_letter_between_words_stays", "x Dumm y", "x dum y"},
      {"letterless_tokens_do_not_break_a_run", "D - u - m - m", "dum"},
      {"lone_digit_before_a_single_letter_is_a_letter", "D u m m b 4 t z", "dumbatz"},
      {"lone_symbols_before_single_letters", "$ p a $ t", "spast"},
      {"lone_symbol_at_the_end_is_punctuation", "D u m m b a t z !", "dumbatz"},
      {"lone_digit_between_words_is_not_a_letter", "Ich hab 3 Katzen", "ich hab katzen"},
      {"unmappable_lone_digit_vanishes", "Seite 2 von 3", "seite von"},
      {"adjacent_word_after_the_run_joins", "D u m m b a t z du", "dumbatzdu"},
      {"second_word_after_the_run_stays_apart", "D u m m b a t z du da", "dumbatzdu da"},
  };
  for (const SkeletonCase& c : kCases) {
    EXPECT_EQ(SkeletonOf(c.input), c.skeleton) << c.name;
  }
}

TEST(SkeletonViewTest, KeepsAHardSpaceBetweenSeparateWords) {
  const NormalizedText n = MustNormalize("Tisch lampe");
  EXPECT_EQ(n.skeleton.text, "tisch iampe");
  for (bool soft : n.skeleton.soft_boundary) EXPECT_FALSE(soft);
  EXPECT_TRUE(n.skeleton.IsWordEdge(5));
  EXPECT_TRUE(n.skeleton.IsWordEdge(6));
  EXPECT_FALSE(n.skeleton.IsWordEdge(3));
  EXPECT_NE(n.skeleton.text, SkeletonOf("Tischlampe"));
}

TEST(SkeletonViewTest, RecordsSoftBoundariesWhereSeparatorsWereRemoved) {
  const struct {
    const char* name;
    std::string_view input;
    std::string_view skeleton;
    std::vector<size_t> soft;
  } kCases[] = {
      {"dash", "dumm-batz", "dumbatz", {3}},
      {"star", "du*mmbatz", "dumbatz", {2}},
      {"dots", "d.u.m.m", "dum", {1, 2}},
      {"unmapped_digit_between_letters", "a2b", "ab", {1}},
      {"spaced_letters", "D u m m", "dum", {1, 2}},
      {"join_with_multi_letter_token", "Dumm b a t z", "dumbatz", {3, 4, 5, 6}},
      {"collapsed_repeat_absorbs_the_boundary", "dum-mbatz", "dumbatz", {}},
      {"digraph_absorbs_the_boundary", "blo-edmann", "biodman", {}},
      {"invisible_characters_are_not_separators", "dumm\u200Bbatz", "dumbatz", {}},
      {"leet_is_not_a_separator", "dummb4tz", "dumbatz", {}},
      {"plain_words", "du bist", "du bist", {}},
  };
  for (const auto& c : kCases) {
    const NormalizedText n = MustNormalize(c.input);
    ASSERT_EQ(n.skeleton.text, c.skeleton) << c.name;
    std::vector<size_t> soft;
    for (size_t i = 0; i < n.skeleton.soft_boundary.size(); ++i) {
      if (n.skeleton.soft_boundary[i]) soft.push_back(i);
    }
    EXPECT_EQ(soft, c.soft) << c.name;
    for (size_t pos : c.soft) EXPECT_TRUE(n.skeleton.IsWordEdge(pos)) << c.name << " " << pos;
  }
}

// Plain words take a fast path and everything else a general one; where
// they meet (a spaced run next to plain words, words in punctuation), the
// skeleton and its soft boundaries must be what one general pass gives.
TEST(SkeletonViewTest, PlainWordsNextToOtherTokensAreJoinedAsUsual) {
  const struct {
    std::string_view input;
    std::string_view skeleton;
    std::vector<size_t> soft;
  } kCases[] = {
      {"Du Dumm b a t z, echt", "du dumbatzecht", {6, 7, 8, 9, 10}},
      {"ein N a z i und so", "einnaziund so", {3, 4, 5, 6, 7}},
      {"S c h l 4 m p 3! sagt er", "schiampesagt er", {1, 2, 3, 4, 5, 6, 7, 8}},
      {"z. B. der Bloedmann", "zbder biodman", {1, 2}},
      {"Haus 4 Maus", "haus maus", {}},
      {"D.u.m.m.b.4.t.z hallo Welt", "dumbatz haio weit", {1, 2, 3, 4, 5, 6}},
      {"(Aal) \"Boot\" müell...", "ai bot mui", {}},
  };
  for (const auto& c : kCases) {
    const NormalizedText n = MustNormalize(c.input);
    ASSERT_EQ(n.skeleton.text, c.skeleton) << c.input;
    std::vector<size_t> soft;
    for (size_t i = 0; i < n.skeleton.soft_boundary.size(); ++i) {
      if (n.skeleton.soft_boundary[i]) soft.push_back(i);
    }
    EXPECT_EQ(soft, c.soft) << c.input;
  }
}

TEST(SkeletonViewTest, WordStartAndEndIgnoreSoftBoundaries) {
  const NormalizedText n = MustNormalize("Du dumm-batz ok");
  const SkeletonView& s = n.skeleton;
  ASSERT_EQ(s.text, "du dumbatz ok");
  ASSERT_TRUE(s.soft_boundary[6]);
  EXPECT_TRUE(s.IsWordEdge(6));
  EXPECT_FALSE(s.IsWordEdge(5));
  EXPECT_EQ(s.WordStart(8), 3u);
  EXPECT_EQ(s.WordStart(3), 3u);
  EXPECT_EQ(s.WordStart(0), 0u);
  EXPECT_EQ(s.WordEnd(4), 10u);
  EXPECT_EQ(s.WordEnd(10), 10u);
  EXPECT_EQ(s.WordEnd(12), 13u);
  EXPECT_TRUE(s.IsWordEdge(0));
  EXPECT_TRUE(s.IsWordEdge(s.text.size()));
  EXPECT_TRUE(s.IsWordEdge(2));
  EXPECT_TRUE(s.IsWordEdge(3));
}

// --------------------------------------------------------------- offsets --

TEST(SkeletonOffsetsTest, HeaderExampleMapsTheWordBackToItsBytes) {
  const NormalizedText n = MustNormalize("Du Blödmаnn!");
  ASSERT_EQ(n.skeleton.text, "du biodman");
  // "Blödmаnn" (with Cyrillic а) is bytes 3..13; the '!' is byte 13.
  EXPECT_EQ(n.skeleton.ToOriginal(3, 10), (ByteRange{3, 13}));
  EXPECT_EQ(n.skeleton.ToOriginal(0, 2), (ByteRange{0, 2}));
  EXPECT_EQ(n.skeleton.ToOriginal(2, 3), (ByteRange{2, 3}));  // the ' '
}

TEST(SkeletonOffsetsTest, ToOriginalCoversExactlyTheDisguisedWord) {
  const struct {
    std::string_view input;
    std::string_view word;      // in the skeleton
    std::string_view original;  // the bytes it must map back to
  } kCases[] = {
      {"Du Blödmаnn!", "biodman", "Blödmаnn"},
      {"Was für ein Bl0edm@nn.", "biodman", "Bl0edm@nn"},
      {"hey D.u.m.m.b.a.t.z!!", "dumbatz", "D.u.m.m.b.a.t.z"},
      {"(Dummb4tz)", "dumbatz", "Dummb4tz"},
      {"du ｄｕｍｍｂａｔｚ du", "dumbatz", "ｄｕｍｍｂａｔｚ"},
      {"du 𝐝𝐮𝐦𝐦𝐛𝐚𝐭𝐳 du", "dumbatz", "𝐝𝐮𝐦𝐦𝐛𝐚𝐭𝐳"},
      {"so ein Blo\u0308dmann\u0308?", "biodman", "Blo\u0308dmann\u0308"},
      {"so ein Blööööödmann", "biodman", "Blööööödmann"},
      {"ja D u m m b a t z", "dumbatz", "D u m m b a t z"},
      {"ach du dumm-batz", "dumbatz", "dumm-batz"},
      {"\u202E$chlampe\u202C", "schiampe", "$chlampe"},
      {"1d10t!", "idiot", "1d10t"},
      {"Die Straße hier", "strase", "Straße"},
  };
  for (const auto& c : kCases) {
    const NormalizedText n = MustNormalize(c.input);
    const size_t pos = n.skeleton.text.find(c.word);
    ASSERT_NE(pos, std::string::npos) << c.input << " -> " << n.skeleton.text;
    const ByteRange r = n.skeleton.ToOriginal(pos, pos + c.word.size());
    EXPECT_EQ(c.input.substr(r.begin, r.end - r.begin), c.original) << c.input;
  }
}

TEST(SkeletonOffsetsTest, SeparatorsMapToTheBytesBetweenWords) {
  const NormalizedText n = MustNormalize("Idiot!!!  du");
  ASSERT_EQ(n.skeleton.text, "idiot du");
  EXPECT_EQ(n.skeleton.ToOriginal(5, 6), (ByteRange{5, 10}));
}

// ------------------------------------------------------------ API & errors --

TEST(NormalizeTest, RejectsInvalidUtf8WithTheByteOffset) {
  NormalizedText n;
  const absl::Status s = Normalize("Du Bl\xC3", &n);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "invalid UTF-8 at byte 5");
  std::string out;
  EXPECT_EQ(FoldTerm("\xED\xA0\x80", &out).message(), "invalid UTF-8 at byte 0");
  EXPECT_EQ(SkeletonOfTerm("ok\x80", &out).message(), "invalid UTF-8 at byte 2");
}

TEST(NormalizeTest, FoldViewIsNormalizesFoldedViewInTheCallersBuffers) {
  View reused;
  const std::string_view kTexts[] = {"Impf\u00ADpflicht IMPFPFLICHT",
                                     "\u0421\u0422\u0420\u0410\u0422",
                                     "Umgehungsstra\u00DFe",
                                     "Ｄｕｍｍ-b4tz!",
                                     "",
                                     "x"};
  for (std::string_view text : kTexts) {
    ASSERT_TRUE(FoldView(text, &reused).ok()) << text;
    const NormalizedText n = MustNormalize(text);
    EXPECT_EQ(reused.text, n.folded.text) << text;
    EXPECT_EQ(reused.orig_begin, n.folded.orig_begin) << text;
    EXPECT_EQ(reused.orig_end, n.folded.orig_end) << text;
  }
  ASSERT_TRUE(FoldView("Impf\u00ADpflicht IMPFPFLICHT", &reused).ok());
  EXPECT_EQ(reused.text, "impfpflicht impfpflicht");
  const absl::Status s = FoldView("ok\xC3", &reused);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "invalid UTF-8 at byte 2");
}

TEST(NormalizeTest, RawViewPointsAtTheCallersText) {
  const std::string text = "Hallo Welt";
  const NormalizedText n = MustNormalize(text);
  EXPECT_EQ(n.raw.data(), text.data());
  EXPECT_EQ(n.raw.size(), text.size());
}

TEST(NormalizeTest, ReusingOneValueGivesTheSameResultAsAFreshOne) {
  NormalizedText reused;
  const std::string_view kTexts[] = {"Ein sehr langer Text über Blödmänner und D u m m b a t z",
                                     "kurz", "", "Ｄｕｍｍ-b4tz!", "x"};
  for (std::string_view text : kTexts) {
    ASSERT_TRUE(Normalize(text, &reused).ok());
    const NormalizedText fresh = MustNormalize(text);
    EXPECT_EQ(reused.folded.text, fresh.folded.text);
    EXPECT_EQ(reused.folded.orig_begin, fresh.folded.orig_begin);
    EXPECT_EQ(reused.skeleton.text, fresh.skeleton.text);
    EXPECT_EQ(reused.skeleton.orig_end, fresh.skeleton.orig_end);
    EXPECT_EQ(reused.skeleton.soft_boundary, fresh.skeleton.soft_boundary);
  }
}

TEST(NormalizeTest, ReusedBuffersAreNotReallocatedInSteadyState) {
  NormalizedText n;
  const std::string post = "Du bist ein Blödmann und ein D u m m b 4 t z! Straße ﬁ 😀 ";
  ASSERT_TRUE(Normalize(post, &n).ok());
  const char* folded = n.folded.text.data();
  const uint32_t* skeleton_begins = n.skeleton.orig_begin.data();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(Normalize(i % 2 ? post : "kurz", &n).ok());
    EXPECT_EQ(n.folded.text.data(), folded);
    EXPECT_EQ(n.skeleton.orig_begin.data(), skeleton_begins);
  }
}

TEST(NormalizeTest, TermSkeletonEqualsTheSkeletonOfAPostSpellingItPlainly) {
  const std::string_view kTerms[] = {"Dummbatz", "Blödmann", "Heil Hitler", "Straße", "Knalltüte"};
  for (std::string_view term : kTerms) {
    std::string skeleton;
    ASSERT_TRUE(SkeletonOfTerm(term, &skeleton).ok());
    EXPECT_EQ(skeleton, SkeletonOf(term)) << term;
    EXPECT_NE(SkeletonOf(std::string("Du ") + std::string(term) + "!").find(skeleton),
              std::string::npos)
        << term;
  }
  std::string skeleton;
  ASSERT_TRUE(SkeletonOfTerm("Heil Hitler", &skeleton).ok());
  EXPECT_EQ(skeleton, "hei hitier");  // l -> i, then "ii" collapses
}

// ------------------------------------------------------------ invariants --

// Lone digits and symbols that stand for no letter are dropped together with
// one separator. When several open the text, every one of them and every
// separator they leave must go: "+ + zz" once read the skeleton buffer before
// its start (found by UBSan through Moderate).
TEST(NormalizeInvariantTest, DroppedLoneSymbolsAtTheStartLeaveNoSeparatorBehind) {
  const struct {
    std::string_view input;
    std::string_view skeleton;
  } kCases[] = {
      {"+ + zz", "z"},     {"+ zz", "z"},        {"+ + + zz", "z"},       {"7 + zz", "z"},
      {"+ + zz + +", "z"}, {"+ +", ""},          {"wort + zz", "wort z"}, {"wort + + zz", "wort z"},
      {"! ! ja", "ja"},    {"+ + zz yy", "z y"},
  };
  for (const auto& c : kCases) {
    const NormalizedText n = MustNormalize(c.input);
    EXPECT_EQ(n.skeleton.text, c.skeleton) << c.input;
    ExpectSkeletonInvariants(n.skeleton, c.input.size(), c.input);
  }
}

TEST(NormalizeInvariantTest, HoldForThousandsOfPseudoRandomMixedTexts) {
  const std::string_view kFragments[] = {
      "a",      "B",      "z",      "e",      "l",      "I", " ",  "  ",       "\t",     "\n",
      ".",      "-",      "*",      "_",      "!",      "1", "4",  "0",        "2",      "@",
      "$",      "€",      "|",      "ä",      "Ö",      "ü", "ß",  "ẞ",        "é",      "а",
      "о",      "е",      "р",      "Ж",      "ο",      "α", "😀",  "👋🏽", "\u200B", "\u200D",
      "\u00AD", "\u202E", "\uFE0F", "\u0308", "\u0336", "ﬃ", "Ｄ", "𝐝",        "\uFDFA", "æ",
      "þ",      "\u3000", "\u00A0", "+",      "zz",     "7"};
  std::mt19937 rng(20261121);
  std::uniform_int_distribution<size_t> pick(0, std::size(kFragments) - 1);
  std::uniform_int_distribution<int> length(0, 40);
  NormalizedText n;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string text;
    for (int i = length(rng); i > 0; --i) text += kFragments[pick(rng)];
    ASSERT_TRUE(Normalize(text, &n).ok()) << text;
    ExpectViewInvariants(n.folded, text.size(), text);
    for (size_t i = 1; i < n.folded.orig_end.size(); ++i) {
      ASSERT_LE(n.folded.orig_end[i - 1], n.folded.orig_end[i]) << text << " at " << i;
    }
    ExpectSkeletonInvariants(n.skeleton, text.size(), text);
    // Each skeleton word maps back to a non-empty range inside the text.
    for (size_t start = 0; start < n.skeleton.text.size();) {
      const size_t end = n.skeleton.WordEnd(start + 1);
      const ByteRange r = n.skeleton.ToOriginal(start, end);
      EXPECT_LT(r.begin, r.end) << text;
      EXPECT_LE(r.end, text.size()) << text;
      start = end + 1;
    }
    std::string term_skeleton;
    ASSERT_TRUE(SkeletonOfTerm(text, &term_skeleton).ok());
    EXPECT_EQ(term_skeleton, n.skeleton.text) << text;
    if (HasFailure()) break;  // one broken example is enough to debug
  }
}

}  // namespace
}  // namespace moderation::text
