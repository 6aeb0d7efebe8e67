// The skeleton's block path (word_blocks.h) is an optimisation only: with it
// and without it, every skeleton (text, offsets, soft boundaries) must be the
// same. The block path only looks at 64 bytes from a token start, so the
// texts here are long, and the hard cases are put at every offset of a block.
#include "engine/text/word_blocks.h"

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/testing/text_corpora.h"
#include "engine/text/folding.h"
#include "engine/text/skeleton_builder.h"
#include "engine/text/utf8.h"
#include "gtest/gtest.h"

namespace moderation::text::internal {
namespace {

// Builds the skeleton of raw (valid UTF-8) with and without the block path
// and expects both to be equal.
void ExpectSameSkeleton(std::string_view raw) {
  ASSERT_TRUE(ValidateUtf8(raw).ok()) << raw;
  View folded;
  BuildFoldedView(raw, &folded);
  SkeletonView blocks, words;
  BuildSkeletonView(folded, &blocks, /*word_blocks=*/true);
  BuildSkeletonView(folded, &words, /*word_blocks=*/false);
  ASSERT_EQ(blocks.text, words.text) << "text: " << raw;
  ASSERT_EQ(blocks.orig_begin, words.orig_begin) << "text: " << raw;
  ASSERT_EQ(blocks.orig_end, words.orig_end) << "text: " << raw;
  ASSERT_EQ(blocks.soft_boundary, words.soft_boundary) << "text: " << raw;
}

// Plain words of two or three letters, exactly `bytes` long (a trailing
// space included), so that what follows starts at a chosen block offset.
std::string Filler(size_t bytes) {
  static const char* const kWords[] = {"ab", "cd", "efg", "hij", "kl", "mno", "pq", "rst"};
  std::string out;
  for (size_t i = 0; out.size() < bytes; ++i) {
    std::string word = kWords[i % std::size(kWords)];
    const size_t room = bytes - out.size();
    if (room <= word.size() + 1) {
      // End exactly: a shorter last word, or spaces where no word fits.
      word = room >= 3 ? std::string(room - 1, 'x') : std::string();
      out += word;
      out.append(bytes - out.size(), ' ');
      break;
    }
    out += word + " ";
  }
  return out;
}

// Tokens where the block path must stop, or where canonical form depends on
// more than two neighbouring letters, or that it takes in two bytes.
const char* const kHardTokens[] = {
    "neue",
    "oeo",
    "aeea",
    "ueu",
    "uaeu",
    "bauer",
    "Bauer",
    "Steuer",
    "Seeelefant",
    "Kaffee",
    "Idee",
    "Zoo",
    "Moos",
    "Stil",
    "viel",
    "Knalltüteeee",
    "Blöödmann",
    "Straße",
    "ßs",
    "ß",
    "Fußball",
    "Müll",
    "Ärger",
    "Öl",
    "über",
    "ä",
    "ö",
    "äe",
    "öeö",
    "a",
    "I",
    "x",
    "aa",
    "ll",
    "(Musik)",
    "\"Hex\"",
    "wütete,",
    "(a)",
    "a.",
    "geht's",
    "a.r.s.c.h",
    "dumm-batz",
    "D u m m b a t z",
    "Dumm b a t z",
    "ein N a z i",
    "Bl00dmann",
    "V0ll1d10t",
    "x1",
    "Kn@lltüte",
    "Haus!",
    "Haus?",
    "Haus.Das",
    "éclair",
    "naïve",
    "„Zitat“",
    "–",
    "...",
    "-",
    "  ",
    "\t\n",
    "\u00A0",
    "Zu\u200Bsammen",
    "A\u0308rger",
    "ﬁnden",
    "ＤＵＭＭ",
    "Ⅻ",
    "ǅ",
    "İstanbul",
    "Lаckaffe",
};

TEST(WordBlocksTest, HardTokensAtEveryBlockOffsetGiveTheSameSkeleton) {
  for (const char* token : kHardTokens) {
    for (size_t offset = 0; offset <= 70; ++offset) {
      ExpectSameSkeleton(Filler(offset) + token + " " + Filler(130));
      ExpectSameSkeleton(Filler(offset) + token + Filler(130));  // glued to the next word
      ExpectSameSkeleton(Filler(offset) + token);                // at the end of the text
      if (HasFatalFailure()) return;
    }
  }
}

TEST(WordBlocksTest, ThousandsOfRandomTextsGiveTheSameSkeleton) {
  const std::string_view kFragments[] = {
      "die", "regierung", "hat",    "Versagt", "ich",  "bring",   "dich", "um",     "neue", "Bauer",
      "Tee", "Kaffee",    "viel",   "alle",    "soll", "für",     "über", "Straße", "Öl",   "ä",
      "äe",  "oeo",       "ß",      "a",       "I",    "x",       ",",    ".",      "!",    "?",
      "(",   ")",         "-",      "'",       "\"",   ":",       ";",    "4",      "0",    "@",
      "$",   " ",         " ",      " ",       " ",    "  ",      "\t",   "\n",     "é",    "„",
      "–",   "\u200B",    "\u00AD", "а",       "ﬁ",    "D u m m", "..."};
  std::mt19937 rng(20261201);
  std::uniform_int_distribution<size_t> pick(0, std::size(kFragments) - 1);
  std::uniform_int_distribution<int> length(20, 200);
  for (int iteration = 0; iteration < 4000; ++iteration) {
    std::string text;
    for (int i = length(rng); i > 0; --i) {
      text += kFragments[pick(rng)];
      if (rng() % 3 != 0) text += ' ';
    }
    ExpectSameSkeleton(text);
    if (HasFatalFailure()) return;
  }
}

TEST(WordBlocksTest, TheTestCorporaGiveTheSameSkeleton) {
  for (const char* path : ::moderation::testing::kPlainTextCorpora) {
    const std::string whole = ::moderation::testing::ReadCorpusFile(path);
    ExpectSameSkeleton(whole);  // the file as one long post, lines and all
    std::string line;
    std::istringstream lines(whole);
    while (std::getline(lines, line)) ExpectSameSkeleton(line + " " + line + " " + line);
  }
}

// Runs the block path from every token start of raw (and with and without
// a pending separator) with AVX2 and with SSSE3, and expects the same state
// and the same skeleton bytes and offsets from both.
void ExpectSameBlocksWithEitherIsa(std::string_view raw) {
  View folded;
  BuildFoldedView(raw, &folded);
  const FoldedInput in{folded.text.c_str(), folded.text.size(), folded.orig_begin.data(),
                       folded.orig_end.data()};
  const size_t capacity = 2 * folded.text.size() + 16;
  std::vector<char> text_a(capacity), text_b(capacity);
  std::vector<uint32_t> begins_a(capacity), begins_b(capacity), ends_a(capacity), ends_b(capacity);
  const auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  for (size_t pos = 0; pos < folded.text.size(); ++pos) {
    if (is_space(folded.text[pos]) || (pos > 0 && !is_space(folded.text[pos - 1]))) continue;
    for (const bool pending : {false, true}) {
      // One letter already written, so that a separator has one before it.
      text_a[0] = text_b[0] = 'x';
      begins_a[0] = begins_b[0] = ends_a[0] = ends_b[0] = 0;
      const PlainState state{pos, 1, 0, pending};
      const BlockResult a = WriteWordBlocks(in, {text_a.data(), begins_a.data(), ends_a.data()},
                                            state, BlockIsa::kAvx2);
      const BlockResult b = WriteWordBlocks(in, {text_b.data(), begins_b.data(), ends_b.data()},
                                            state, BlockIsa::kSsse3);
      ASSERT_EQ(a.state.pos, b.state.pos) << "at " << pos << ": " << raw;
      ASSERT_EQ(a.state.size, b.state.size) << "at " << pos << ": " << raw;
      ASSERT_EQ(a.state.word_start, b.state.word_start) << "at " << pos << ": " << raw;
      ASSERT_EQ(a.state.separator_pending, b.state.separator_pending) << "at " << pos;
      ASSERT_EQ(a.refused, b.refused) << "at " << pos << ": " << raw;
      const size_t n = a.state.size;
      ASSERT_EQ(std::string_view(text_a.data(), n), std::string_view(text_b.data(), n))
          << "at " << pos << ": " << raw;
      ASSERT_TRUE(std::equal(begins_a.begin(), begins_a.begin() + n, begins_b.begin()))
          << "at " << pos << ": " << raw;
      ASSERT_TRUE(std::equal(ends_a.begin(), ends_a.begin() + n, ends_b.begin()))
          << "at " << pos << ": " << raw;
    }
  }
}

bool BothIsasRun() {
  return BlockIsaSupported(BlockIsa::kAvx2) && BlockIsaSupported(BlockIsa::kSsse3);
}

TEST(WordBlocksIsaTest, HardTokensAtEveryBlockOffsetGiveTheSameBlocksWithAvx2AsWithSsse3) {
  if (!BothIsasRun()) GTEST_SKIP() << "needs AVX2 and SSSE3";
  for (const char* token : kHardTokens) {
    for (size_t offset = 0; offset <= 70; ++offset) {
      ExpectSameBlocksWithEitherIsa(Filler(offset) + token + " " + Filler(130));
      ExpectSameBlocksWithEitherIsa(Filler(offset) + token + Filler(130));
      if (HasFatalFailure()) return;
    }
  }
}

TEST(WordBlocksIsaTest, RandomTextsOfTrickyPiecesGiveTheSameBlocksWithAvx2AsWithSsse3) {
  if (!BothIsasRun()) GTEST_SKIP() << "needs AVX2 and SSSE3";
  const std::string_view kFragments[] = {
      "die", "regierung", "hat", "Versagt", "neue", "Bauer", "Tee", "Kaffee", "viel", "alle",
      "für", "über",      "ß",   "Straße",  "Öl",   "ä",     "äe",  "oeo",    "ueu",  "a",
      "I",   "x",         "ll",  ",",       ".",    "!",     "?",   "(",      ")",    "-",
      "'",   "\"",        "4",   "0",       "@",    "$",     "+",   " ",      " ",    "  ",
      "\t",  "\n",        "é",   "„",       "“",    "–",     "…",   "\u00A0", "а",    "ﬁ"};
  std::mt19937 rng(20261204);
  std::uniform_int_distribution<size_t> pick(0, std::size(kFragments) - 1);
  std::uniform_int_distribution<int> length(30, 300);
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string text;
    for (int i = length(rng); i > 0; --i) {
      text += kFragments[pick(rng)];
      if (rng() % 3 != 0) text += ' ';
    }
    ExpectSameBlocksWithEitherIsa(text);
    if (HasFatalFailure()) return;
  }
}

TEST(WordBlocksIsaTest, TestTextsAndTheRealisticCorpusGiveTheSameBlocksWithAvx2AsWithSsse3) {
  if (!BothIsasRun()) GTEST_SKIP() << "needs AVX2 and SSSE3";
  size_t lines_checked = 0;
  for (const std::string& path : ::moderation::testing::TextCorpusPaths()) {
    const std::string whole = ::moderation::testing::ReadCorpusFile(path);
    ExpectSameBlocksWithEitherIsa(whole);
    std::string line;
    std::istringstream lines(whole);
    while (std::getline(lines, line)) {
      ExpectSameBlocksWithEitherIsa(line + " " + line);
      ++lines_checked;
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(lines_checked, 10000u);
}

// Whether this machine takes the block path at all (word_blocks.cc needs
// x86-64 with SSSE3; elsewhere the per-word path does everything).
bool BlockPathRuns() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("ssse3");
#else
  return false;
#endif
}

// Guards the tests above against passing because the block path never ran.
TEST(WordBlocksTest, TakesAStretchOfPlainWordsInWholeBlocks) {
  const std::string text =
      "die regierung hat versagt, und zwar auf ganzer linie. das ist ein skandal, und niemand "
      "übernimmt verantwortung. wir wollen nur wissen, wer das bezahlt.";
  View folded;
  BuildFoldedView(text, &folded);
  SkeletonView skeleton;
  skeleton.text.resize(2 * folded.text.size());
  skeleton.orig_begin.resize(2 * folded.text.size());
  skeleton.orig_end.resize(2 * folded.text.size());
  const FoldedInput in{folded.text.c_str(), folded.text.size(), folded.orig_begin.data(),
                       folded.orig_end.data()};
  const SkeletonBuffers out{skeleton.text.data(), skeleton.orig_begin.data(),
                            skeleton.orig_end.data()};
  const BlockResult result = WriteWordBlocks(in, out, PlainState{});
  if (!BlockPathRuns()) GTEST_SKIP() << "the block path needs SSSE3";
  // Every token of the first two blocks is plain: the path takes them all
  // and stops only where fewer than 64 bytes are left.
  EXPECT_GT(result.state.pos, 64u);
  EXPECT_FALSE(result.refused);
  EXPECT_EQ(skeleton.text.substr(0, 33), "die regierung hat versagt und zwa");
  EXPECT_TRUE(result.state.separator_pending);
}

TEST(WordBlocksTest, StopsBeforeATokenItMustNotTake) {
  const std::string text =
      "die regierung hat versagt und zwar auf ganzer D.u.m.m.b.a.t.z linie das ist ein skandal";
  View folded;
  BuildFoldedView(text, &folded);
  std::vector<char> chars(2 * folded.text.size());
  std::vector<uint32_t> begins(chars.size()), ends(chars.size());
  const FoldedInput in{folded.text.c_str(), folded.text.size(), folded.orig_begin.data(),
                       folded.orig_end.data()};
  const BlockResult result =
      WriteWordBlocks(in, {chars.data(), begins.data(), ends.data()}, PlainState{});
  if (!BlockPathRuns()) GTEST_SKIP() << "the block path needs SSSE3";
  EXPECT_TRUE(result.refused);
  EXPECT_EQ(folded.text.substr(result.state.pos, 5), "d.u.m");
  EXPECT_EQ(std::string(chars.data(), result.state.size),
            "die regierung hat versagt und zwar auf ganzer");
}

}  // namespace
}  // namespace moderation::text::internal
