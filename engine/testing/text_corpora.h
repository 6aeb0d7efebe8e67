// The lines of the repository's text corpora, for tests that compare a fast
// path with its reference on real text (tokenizer, stop words, topic hashes,
// near-duplicate fingerprints).
//
// Why: those tests each listed the same corpus files and read them with the
// same loop; one list keeps them reading the same text.
//
//   for (const std::string& line : TextCorpusLines()) { ... }
//
// Thread-safety: test-only; the function holds no state.
#ifndef MODERATION_ENGINE_TESTING_TEXT_CORPORA_H_
#define MODERATION_ENGINE_TESTING_TEXT_CORPORA_H_

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace moderation::testing {

// Paths relative to the repository root (tests run there).
inline constexpr std::array<const char*, 6> kTextCorpora = {
    "tests/data/civil_de.txt",          "tests/data/civil_en.txt",
    "tests/data/abusive_de.txt",        "tests/data/abusive_en.txt",
    "tests/corpus/realistic/dev.jsonl", "tests/corpus/realistic/validation.jsonl"};

// Every line of every corpus in kTextCorpora, in order. A file that cannot be
// read fails the calling test.
inline std::vector<std::string> TextCorpusLines() {
  std::vector<std::string> lines;
  for (const char* path : kTextCorpora) {
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << path;
    for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace moderation::testing

#endif  // MODERATION_ENGINE_TESTING_TEXT_CORPORA_H_
