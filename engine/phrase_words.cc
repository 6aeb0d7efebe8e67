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

void JoinPhraseWords(std::span<const PhraseWord> words, const LiteralFilter& filter,
                     std::span<const Occurrence> occurrences, std::vector<WordMatch>* out) {
  out->clear();
  for (size_t o = 0; o < occurrences.size(); ++o) {
    const uint32_t literal = occurrences[o].literal;
    if (!filter.MayContain(literal)) continue;
    AddPairs(words, static_cast<uint32_t>(o), literal, out);
  }
}

void OccurrenceIndex::Build(std::span<const Occurrence> occurrences) {
  // A power of two at least twice the occurrences: short probe runs.
  uint32_t bits = 4;
  while ((size_t{1} << bits) < 2 * occurrences.size()) ++bits;
  shift_ = 32 - bits;
  keys_.resize(size_t{1} << bits);
  heads_.assign(size_t{1} << bits, kNone);
  next_.resize(occurrences.size());
  // Back to front, each occurrence becomes its literal's head: the chains
  // run in scan order.
  for (size_t o = occurrences.size(); o-- > 0;) {
    const uint32_t literal = occurrences[o].literal;
    const uint32_t slot = SlotOf(literal);
    if (heads_[slot] == kNone) keys_[slot] = literal;
    next_[o] = heads_[slot];
    heads_[slot] = static_cast<uint32_t>(o);
  }
}

// The slot of literal, or the empty slot where it would go.
uint32_t OccurrenceIndex::SlotOf(uint32_t literal) const {
  const uint32_t mask = static_cast<uint32_t>(heads_.size() - 1);
  uint32_t slot = (literal * 2654435761u) >> shift_;
  while (heads_[slot] != kNone && keys_[slot] != literal) slot = (slot + 1) & mask;
  return slot;
}

uint32_t OccurrenceIndex::First(uint32_t literal) const { return heads_[SlotOf(literal)]; }

void JoinPhraseWordsIndexed(std::span<const PhraseWord> words,
                            std::span<const Occurrence> occurrences, const OccurrenceIndex& index,
                            std::vector<WordMatch>* out) {
  out->clear();
  if (occurrences.empty()) return;
  for (size_t first = 0; first < words.size();) {
    const uint32_t literal = words[first].literal;
    size_t last = first + 1;
    while (last < words.size() && words[last].literal == literal) ++last;
    for (uint32_t o = index.First(literal); o != OccurrenceIndex::kNone; o = index.Next(o)) {
      for (size_t w = first; w < last; ++w) out->push_back({o, static_cast<uint32_t>(w)});
    }
    first = last;
  }
  std::sort(out->begin(), out->end(), [](const WordMatch& a, const WordMatch& b) {
    return a.occurrence != b.occurrence ? a.occurrence < b.occurrence : a.word < b.word;
  });
}

}  // namespace moderation::internal
