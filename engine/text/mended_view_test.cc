#include "engine/text/mended_view.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine/testing/text_corpora.h"

namespace moderation::text {
namespace {

struct MendCase {
  const char* text;  // as a user would type it
  const char* one;   // the mended view, runs cut to one letter
  const char* two;   // runs cut to two letters
};

struct Mended {
  std::string text;
  MendReport report;
};

Mended Mend(std::string_view text, RunLength runs) {
  NormalizedText n;
  EXPECT_TRUE(Normalize(text, &n).ok());
  MendScratch scratch;
  View out;
  Mended m;
  MendFoldedView(n.folded, runs, &scratch, &out, &m.report);
  EXPECT_EQ(out.orig_begin.size(), out.text.size());
  EXPECT_EQ(out.orig_end.size(), out.text.size());
  for (size_t i = 0; i < out.text.size(); ++i) {
    EXPECT_LT(out.orig_begin[i], out.orig_end[i]) << text << " at " << i;
    EXPECT_LE(out.orig_end[i], text.size()) << text << " at " << i;
    if (i > 0) {
      EXPECT_LE(out.orig_begin[i - 1], out.orig_begin[i]) << text << " at " << i;
    }
  }
  m.text = out.text;
  return m;
}

// Random texts are built of these: what the pre-check and the mending look
// for, with plain letters, non-ASCII letters and separators between.
const std::vector<std::string>& Pieces() {
  static const std::vector<std::string> pieces = {"a",
                                                  "b",
                                                  "e",
                                                  "o",
                                                  "z",
                                                  "aa",
                                                  "ooo",
                                                  "rrrr",
                                                  " ",
                                                  "  ",
                                                  "\t",
                                                  ".",
                                                  "-",
                                                  "_",
                                                  "*",
                                                  "0",
                                                  "3",
                                                  "2",
                                                  "@",
                                                  "$",
                                                  "!",
                                                  "|",
                                                  "+",
                                                  ",",
                                                  "\n",
                                                  "\xC3\xA4",
                                                  "\xC3\xB6\xC3\xB6\xC3\xB6",
                                                  "\xD0\xB0",
                                                  "\xCE\xBF",
                                                  "\xC2\xB7",
                                                  "\xE2\x82\xAC",
                                                  "\xC2\xA3",
                                                  "\xC2\xA1",
                                                  "\xE2\x80\x94",
                                                  "x",
                                                  "q",
                                                  "d r a n",
                                                  "\xC3\xB1 ",
                                                  "\xC5\x82",
                                                  "\xF0\x9F\x98\x80",
                                                  "A",
                                                  "Z"};
  return pieces;
}

std::string RandomText(std::mt19937& rng) {
  std::string s;
  const int count = static_cast<int>(rng() % 30);
  for (int k = 0; k < count; ++k) s += Pieces()[rng() % Pieces().size()];
  return s;
}

TEST(MendedViewTest, EvasionsAreUndoneAndEverythingElseKept) {
  const MendCase cases[] = {
      {"Halt dein Maul du Opferrrrr!", "halt dein maul du opfer!", "halt dein maul du opferr!"},
      {"du Lauuuuuch", "du lauch", "du lauuch"},
      {"sooo doooof", "so dof", "soo doof"},
      {"du h0rens0hn hast", "du horensohn hast", "du horensohn hast"},
      {"z1ndet d1e H31me 4n", "zindet die heime 4n", "zindet die heime 4n"},  // edge: a number
      {"a$$hole", "asshole", "asshole"},
      {"H\u20ACil dir", "heil dir", "heil dir"},  // leet that is not ASCII
      {"Nächste Woche bist du d r a n, Schiri", "nächste woche bist du dran, schiri",
       "nächste woche bist du dran, schiri"},
      {"N.a.c.k.t.b.i.l.d.e.r her", "nacktbilder her", "nacktbilder her"},
      {"schn3id ich die K e h l e durch", "schneid ich die kehle durch",
       "schneid ich die kehle durch"},
      {"Frau heißt \u0410nja", "frau heisst anja", "frau heisst anja"},  // Cyrillic А
      {"Blööööd", "blöd", "blööd"},
      {"j o r j o r u l!", "jorjorul!", "jorjorul!"},  // '!' ends no word
      {"\xF0\x9F\x98\x80"
       "a b c",
       "\xF0\x9F\x98\x80"
       "abc",
       "\xF0\x9F\x98\x80"
       "abc"},  // after an emoji
      {"\xC3\xA4 b \xC3\xB6",
       "\xC3\xA4"
       "b\xC3\xB6",
       "\xC3\xA4"
       "b\xC3\xB6"},
      {"ur b00bs on cam", "ur boobs on cam", "ur boobs on cam"},
  };
  for (const MendCase& c : cases) {
    const Mended one = Mend(c.text, RunLength::kOne);
    EXPECT_EQ(one.text, c.one) << c.text;
    EXPECT_TRUE(one.report.changed) << c.text;
    EXPECT_EQ(Mend(c.text, RunLength::kTwo).text, c.two) << c.text;
  }
}

TEST(MendedViewTest, VowelRunsCanBeCutToOneAndConsonantRunsToTwo) {
  const Mended m = Mend("du duuuuummmm, sooo doooof", RunLength::kVowelsOne);
  EXPECT_EQ(m.text, "du dumm, so dof");
  EXPECT_TRUE(m.report.cut_vowel_runs);
  EXPECT_TRUE(m.report.cut_consonant_runs);
}

TEST(MendedViewTest, NumbersPunctuationWordsInOtherScriptsAndShortAbbreviationsStay) {
  const char* const cases[] = {
      "Anpfiff um 20:00, Tickets 1080p für 24h",
      "Die u2 und 2k Streams",
      "Stau auf der A7, Treffen 9am on 5th street, Motto 80er, PS5, fr33",
      "Stossstange, Schifffahrt und Rollladen: drei Konsonanten sind Deutsch",
      "Du Idiot!! @name, bist du dumm?",
      "C++ ist toll",
      "Anmeldung an jugend@tsv-eichen.de",
      "z. B. und d.h. und u.a.",
      "Wie geht's dir? Gibt's was Neues, z.B. eine U-Boot-Doku per E-Mail?",
      "Привет, как дела",
      "",
  };
  for (const char* text : cases) {
    NormalizedText n;
    ASSERT_TRUE(Normalize(text, &n).ok());
    const Mended one = Mend(text, RunLength::kOne);
    EXPECT_FALSE(one.report.changed) << text << " -> " << one.text;
    EXPECT_EQ(one.text, n.folded.text) << text;
  }
}

TEST(MendedViewTest, AMendedSpanMapsToTheBytesTheUserTyped) {
  const std::string text = "du d r a n und Opferrrr";
  NormalizedText n;
  ASSERT_TRUE(Normalize(text, &n).ok());
  MendScratch scratch;
  View out;
  MendReport report;
  MendFoldedView(n.folded, RunLength::kOne, &scratch, &out, &report);
  ASSERT_EQ(out.text, "du dran und opfer");
  const size_t dran = out.text.find("dran");
  const ByteRange d = out.ToOriginal(dran, dran + 4);
  EXPECT_EQ(text.substr(d.begin, d.end - d.begin), "d r a n");
  const size_t opfer = out.text.find("opfer");
  const ByteRange o = out.ToOriginal(opfer, opfer + 5);
  EXPECT_EQ(text.substr(o.begin, o.end - o.begin), "Opferrrr");
}

// The pre-check may only skip texts the full pass leaves as they are: on
// every line of the text corpora and on random ASCII, a "no" from
// MayNeedMending comes with an unchanged mended view.
TEST(MendedViewTest, ThePreCheckNeverSkipsATextThatWouldChange) {
  std::vector<std::string> texts = testing::TextCorpusLines();
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) texts.push_back(RandomText(rng));
  MendScratch scratch;
  View out;
  size_t skipped = 0;
  for (const std::string& text : texts) {
    NormalizedText n;
    if (!Normalize(text, &n).ok()) continue;
    if (MayNeedMending(n.folded.text)) continue;
    ++skipped;
    MendReport report;
    internal::MendFoldedViewWhole(n.folded, RunLength::kOne, &scratch, &out, &report);
    EXPECT_FALSE(report.changed) << text << " -> " << out.text;
  }
  EXPECT_GT(skipped, 1000u);  // the check does skip most plain text
}

// MendFoldedViews writes, in one pass, the views MendFoldedView writes one
// RunLength at a time, and only those that differ.
TEST(MendedViewTest, AllViewsAtOnceAreTheViewsOneAtATimeThatDiffer) {
  std::vector<std::string> texts = {
      "du Opferrrr", "sooo doooof und dummmm", "d r a n", "kein Trick hier", "Lauuuuch", "b00bs"};
  std::mt19937 rng(5);
  for (int i = 0; i < 5000; ++i) texts.push_back(RandomText(rng));
  MendScratch scratch;
  View all[kMaxMendedViews];
  size_t counts[kMaxMendedViews + 1] = {};
  for (const std::string& text : texts) {
    NormalizedText n;
    ASSERT_TRUE(Normalize(text, &n).ok());
    const size_t count = MendFoldedViews(n.folded, &scratch, all);
    ++counts[count];
    std::vector<std::string> expected;
    for (RunLength runs : {RunLength::kOne, RunLength::kTwo, RunLength::kVowelsOne}) {
      const Mended one = Mend(text, runs);
      if (!one.report.changed) break;
      if (std::find(expected.begin(), expected.end(), one.text) == expected.end()) {
        expected.push_back(one.text);
      }
    }
    ASSERT_EQ(count, expected.size()) << text;
    for (size_t v = 0; v < count; ++v) {
      EXPECT_EQ(all[v].text, expected[v]) << text << " view " << v;
      EXPECT_EQ(all[v].orig_begin.size(), all[v].text.size()) << text;
    }
  }
  for (size_t count : counts) EXPECT_GT(count, 0u);  // 0, 1, 2 and 3 views all occur
}

// Reading only the words around the pre-check's positions gives the views
// of reading every character: text, maps and report, for every RunLength,
// on every line of the text corpora, on random texts (long ones too, so
// that plain words lie between the regions), and on chains of single
// letters that a region must take whole.
TEST(MendedViewTest, ReadingOnlyTheSuspectWordsGivesTheWholeTextsViews) {
  std::vector<std::string> texts = testing::TextCorpusLines();
  for (const char* text : {"hallo x a b c und so", "a b c", "x\ta b", "q w e\nr t z",
                           "du d r a n jetzt d o o o f", "\xC3\xA4 \xC3\xB6 \xC3\xBC sind es",
                           "ok a.b.c d e", "so ein Opferrrr. D u   b i s t   d r a n"}) {
    texts.push_back(text);
  }
  std::mt19937 rng(13);
  for (int i = 0; i < 30000; ++i) texts.push_back(RandomText(rng));
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    for (int part = 0; part < 8; ++part) text += RandomText(rng) + " plain words here ";
    texts.push_back(text);
  }
  MendScratch scratch;
  MendScratch whole_scratch;
  View out;
  View whole;
  size_t changed_in_part = 0;  // changed, with bytes left unread
  for (const std::string& text : texts) {
    NormalizedText n;
    if (!Normalize(text, &n).ok()) continue;
    for (RunLength runs : {RunLength::kOne, RunLength::kTwo, RunLength::kVowelsOne}) {
      MendReport report;
      MendReport whole_report;
      MendFoldedView(n.folded, runs, &scratch, &out, &report);
      internal::MendFoldedViewWhole(n.folded, runs, &whole_scratch, &whole, &whole_report);
      ASSERT_EQ(out.text, whole.text) << text;
      ASSERT_EQ(out.orig_begin, whole.orig_begin) << text;
      ASSERT_EQ(out.orig_end, whole.orig_end) << text;
      ASSERT_EQ(report.changed, whole_report.changed) << text;
      ASSERT_EQ(report.cut_vowel_runs, whole_report.cut_vowel_runs) << text;
      ASSERT_EQ(report.cut_consonant_runs, whole_report.cut_consonant_runs) << text;
      if (runs != RunLength::kOne || !report.changed) continue;
      size_t read = 0;
      for (const ByteRange& region : scratch.regions) read += region.end - region.begin;
      if (read < n.folded.text.size()) ++changed_in_part;
    }
  }
  EXPECT_GT(changed_in_part, 2000u);  // the regions are not the whole text
}

// The vector pre-check answers as the byte loop does: on every line of the
// text corpora and on random texts of the bytes the check looks for, at
// every length around the 16-byte blocks and the 21 bytes the first block
// needs.
TEST(MendedViewTest, TheVectorPreCheckAnswersAsTheByteLoop) {
  std::vector<std::string> texts = testing::TextCorpusLines();
  std::mt19937 rng(11);
  for (int i = 0; i < 40000; ++i) texts.push_back(RandomText(rng));
  size_t yes = 0;
  for (const std::string& text : texts) {
    const bool scalar = internal::MayNeedMendingScalar(text);
    EXPECT_EQ(MayNeedMending(text), scalar) << text;
    yes += scalar ? 1 : 0;
  }
  EXPECT_GT(yes, 1000u);  // both answers occur often
  EXPECT_GT(texts.size() - yes, 1000u);
}

}  // namespace
}  // namespace moderation::text
