// The repository's text corpora, for tests that compare a fast path with its
// reference on real text (tokenizer, stop words, topic hashes, near-duplicate
// fingerprints, folding, word blocks, feature counts).
//
// Why: those tests each listed the same corpus files and read them with the
// same loop; one list keeps them reading the same text. The realistic set is
// stored in shards (tests/corpus/realistic_corpus.py), so its files are
// listed from the directory: a new shard is read without editing any test.
//
//   for (const std::string& path : TextCorpusPaths()) { ... }
//   for (const std::string& line : TextCorpusLines()) { ... }
//
// Thread-safety: test-only; the functions hold no state.
#ifndef MODERATION_ENGINE_TESTING_TEXT_CORPORA_H_
#define MODERATION_ENGINE_TESTING_TEXT_CORPORA_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace moderation::testing {

// Paths relative to the repository root (tests run there).
inline constexpr const char* kPlainTextCorpora[] = {
    "tests/data/civil_de.txt", "tests/data/civil_en.txt", "tests/data/abusive_de.txt",
    "tests/data/abusive_en.txt"};
inline constexpr const char* kRealisticCorpusDir = "tests/corpus/realistic";

// The realistic set's JSON Lines files (every *.jsonl shard of both splits),
// sorted by name. A missing or empty directory fails the calling test.
inline std::vector<std::string> RealisticCorpusPaths() {
  std::vector<std::string> paths;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(kRealisticCorpusDir, error)) {
    if (entry.path().extension() == ".jsonl") paths.push_back(entry.path().string());
  }
  EXPECT_FALSE(error) << kRealisticCorpusDir << ": " << error.message();
  EXPECT_FALSE(paths.empty()) << kRealisticCorpusDir << " has no .jsonl files";
  std::sort(paths.begin(), paths.end());
  return paths;
}

// The plain-text corpora, then the realistic set's files.
inline std::vector<std::string> TextCorpusPaths() {
  std::vector<std::string> paths(std::begin(kPlainTextCorpora), std::end(kPlainTextCorpora));
  for (std::string& path : RealisticCorpusPaths()) paths.push_back(std::move(path));
  return paths;
}

// The whole content of one corpus file. A file that cannot be read fails the
// calling test.
inline std::string ReadCorpusFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path << " (tests run from the source directory)";
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The lines of one corpus file.
inline std::vector<std::string> CorpusFileLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path << " (tests run from the source directory)";
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  return lines;
}

// Every line of every corpus in TextCorpusPaths(), in order.
inline std::vector<std::string> TextCorpusLines() {
  std::vector<std::string> lines;
  for (const std::string& path : TextCorpusPaths()) {
    for (std::string& line : CorpusFileLines(path)) lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace moderation::testing

#endif  // MODERATION_ENGINE_TESTING_TEXT_CORPORA_H_
