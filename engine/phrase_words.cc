#include "engine/phrase_words.h"

#include <algorithm>

namespace moderation::internal {
namespace {

bool WordBefore(const PhraseWord& a, const PhraseWord& b) { return a.literal < b.literal; }

// Appends the pairs of occurrence `o` (all words with its literal).
void AddPairs(std::span<const PhraseWord> words, uint32_t o, uint32_t literal,
              std::vector<WordMatch>* out) {
  auto [from, to] = std::equal_range(words.begin(), words.end(), PhraseWord{literal}, WordBefore);
  for (auto w = from; w != to; ++w) {
    out->push_back({o, static_cast<uint32_t>(w - words.begin())});
  }
}

}  // namespace

void JoinPhraseWordsPlain(std::span<const PhraseWord> words,
                          std::span<const Occurrence> occurrences, std::vector<WordMatch>* out) {
  out->clear();
  for (size_t o = 0; o < occurrences.size(); ++o) {
    AddPairs(words, static_cast<uint32_t>(o), occurrences[o].literal, out);
  }
}

void JoinPhraseWords(std::span<const PhraseWord> words, std::span<const Occurrence> occurrences,
                     std::vector<WordMatch>* out) {
  out->clear();
  uint64_t filter[4] = {0, 0, 0, 0};
  for (const PhraseWord& w : words) filter[(w.literal >> 6) & 3] |= uint64_t{1} << (w.literal & 63);
  for (size_t o = 0; o < occurrences.size(); ++o) {
    const uint32_t literal = occurrences[o].literal;
    if ((filter[(literal >> 6) & 3] >> (literal & 63) & 1) == 0) continue;
    AddPairs(words, static_cast<uint32_t>(o), literal, out);
  }
}

}  // namespace moderation::internal
