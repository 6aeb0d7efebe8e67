// The folded view's AVX2 path for ASCII runs (folding.cc) is an optimisation
// only: with it and without it, every folded view (text and offsets) must be
// the same. Runs are taken 32 bytes at a time, so the texts are folded from
// every start offset within a few steps, and runs of every length between
// non-ASCII code points are built on purpose.
#include <random>
#include <sstream>
#include <string>
#include <string_view>

#include "engine/testing/text_corpora.h"
#include "engine/text/folding.h"
#include "engine/text/utf8.h"
#include "gtest/gtest.h"

namespace moderation::text::internal {
namespace {

bool Avx2Runs() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

void ExpectSameFoldedView(std::string_view raw) {
  ASSERT_TRUE(ValidateUtf8(raw).ok()) << raw;
  View fast, portable;
  BuildFoldedView(raw, &fast, /*avx2=*/true);
  BuildFoldedView(raw, &portable, /*avx2=*/false);
  ASSERT_EQ(fast.text, portable.text) << "text: " << raw;
  ASSERT_EQ(fast.orig_begin, portable.orig_begin) << "text: " << raw;
  ASSERT_EQ(fast.orig_end, portable.orig_end) << "text: " << raw;
}

// raw folded from every code point start among its first 70 bytes.
void ExpectSameFoldedViewFromEveryOffset(std::string_view raw) {
  for (size_t offset = 0; offset < std::min<size_t>(raw.size(), 70); ++offset) {
    if ((static_cast<unsigned char>(raw[offset]) & 0xC0) == 0x80) continue;
    ExpectSameFoldedView(raw.substr(offset));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(FoldingEquivalenceTest, AsciiRunsOfEveryLengthBetweenOtherCodePointsFoldTheSame) {
  if (!Avx2Runs()) GTEST_SKIP() << "needs AVX2";
  const std::string_view kBreaks[] = {"ä", "Ö", "ß", "é", "A\u0308", "\u200B", "ﬁ",
                                      "„", "…", "Σ", "а", "€",       "\u00A0", "😀"};
  const std::string kAscii = "Die REGIERUNG hat Versagt, @Zwar AUF ganzer Linie! [x] {Y} ~`^_ 0-9";
  for (const std::string_view before : kBreaks) {
    for (const std::string_view after : kBreaks) {
      for (size_t length = 0; length <= 100; ++length) {
        std::string run;
        while (run.size() < length) run += kAscii;
        run.resize(length);
        ExpectSameFoldedView(std::string(before) + run + std::string(after) + run);
        ExpectSameFoldedView(run + std::string(after));
        ExpectSameFoldedView(run);
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(FoldingEquivalenceTest, RandomTextsOfTrickyPiecesFoldTheSame) {
  if (!Avx2Runs()) GTEST_SKIP() << "needs AVX2";
  const std::string_view kPieces[] = {"die",
                                      "Regierung",
                                      "HAT",
                                      "VerSagt",
                                      "ICH BRING DICH UM",
                                      "ZWEI ZAHLEN",
                                      "über",
                                      "Straße",
                                      "Öl",
                                      "ä",
                                      "A\u0308",
                                      "o\u0308\u0301",
                                      "\u200B",
                                      "\u00AD",
                                      "ﬁ",
                                      "ＤＵＭＭ",
                                      "„",
                                      "“",
                                      "–",
                                      "…",
                                      "Σ",
                                      "а",
                                      "4",
                                      "@",
                                      "!",
                                      "  ",
                                      "\t",
                                      "\n",
                                      ",",
                                      ".",
                                      "Ⅻ",
                                      "ǅ",
                                      "İ",
                                      "😀",
                                      "x"};
  std::mt19937 rng(20261204);
  std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1);
  std::uniform_int_distribution<int> length(1, 120);
  for (int iteration = 0; iteration < 5000; ++iteration) {
    std::string text;
    for (int i = length(rng); i > 0; --i) {
      text += kPieces[pick(rng)];
      if (rng() % 3 != 0) text += ' ';
    }
    ExpectSameFoldedView(text);
    if (HasFatalFailure()) return;
  }
}

TEST(FoldingEquivalenceTest, TestTextsAndTheRealisticCorpusFoldTheSame) {
  if (!Avx2Runs()) GTEST_SKIP() << "needs AVX2";
  size_t lines_checked = 0;
  for (const std::string& path : ::moderation::testing::TextCorpusPaths()) {
    const std::string whole = ::moderation::testing::ReadCorpusFile(path);
    ExpectSameFoldedView(whole);  // one long post, lines and all
    std::string line;
    std::istringstream lines(whole);
    while (std::getline(lines, line)) {
      ExpectSameFoldedViewFromEveryOffset(line);
      ++lines_checked;
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(lines_checked, 10000u);
}

}  // namespace
}  // namespace moderation::text::internal
