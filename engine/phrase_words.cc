#include "engine/phrase_words.h"

#include <algorithm>

namespace moderation::internal {
namespace {

bool WordBefore(const PhraseWord& a, const PhraseWord& b) { return a.literal < b.literal; }
bool OccurrenceBefore(const SortedOccurrence& a, const SortedOccurrence& b) {
  return a.literal < b.literal;
}

uint64_t Key(uint32_t occurrence, uint32_t word) {
  return (static_cast<uint64_t>(occurrence) << 32) | word;
}

}  // namespace

void SortOccurrences(std::span<const Occurrence> occurrences,
                     std::vector<SortedOccurrence>* sorted) {
  sorted->clear();
  for (size_t i = 0; i < occurrences.size(); ++i) {
    sorted->push_back({occurrences[i].literal, static_cast<uint32_t>(i)});
  }
  std::sort(sorted->begin(), sorted->end(),
            [](const SortedOccurrence& a, const SortedOccurrence& b) {
              return a.literal != b.literal ? a.literal < b.literal : a.index < b.index;
            });
}

void JoinPhraseWordsPlain(std::span<const PhraseWord> words,
                          std::span<const Occurrence> occurrences, std::vector<WordMatch>* out) {
  out->clear();
  for (size_t o = 0; o < occurrences.size(); ++o) {
    auto [from, to] = std::equal_range(words.begin(), words.end(),
                                       PhraseWord{occurrences[o].literal}, WordBefore);
    for (auto w = from; w != to; ++w) {
      out->push_back({static_cast<uint32_t>(o), static_cast<uint32_t>(w - words.begin())});
    }
  }
}

// Walks runs of one literal on the smaller side and finds the run of the
// same literal on the other by binary search; then sorts the pairs back into
// the plain join's order.
void JoinPhraseWords(std::span<const PhraseWord> words, std::span<const SortedOccurrence> sorted,
                     std::vector<uint64_t>* keys, std::vector<WordMatch>* out) {
  keys->clear();
  out->clear();
  auto add = [&](auto w_from, auto w_to, auto o_from, auto o_to) {
    for (auto o = o_from; o != o_to; ++o) {
      for (auto w = w_from; w != w_to; ++w) {
        keys->push_back(Key(o->index, static_cast<uint32_t>(w - words.begin())));
      }
    }
  };
  if (words.size() <= sorted.size()) {
    for (auto w = words.begin(); w != words.end();) {
      const auto w_end = std::upper_bound(w, words.end(), *w, WordBefore);
      auto [o_from, o_to] = std::equal_range(sorted.begin(), sorted.end(),
                                             SortedOccurrence{w->literal, 0}, OccurrenceBefore);
      add(w, w_end, o_from, o_to);
      w = w_end;
    }
  } else {
    for (auto o = sorted.begin(); o != sorted.end();) {
      const auto o_end = std::upper_bound(o, sorted.end(), *o, OccurrenceBefore);
      auto [w_from, w_to] =
          std::equal_range(words.begin(), words.end(), PhraseWord{o->literal}, WordBefore);
      add(w_from, w_to, o, o_end);
      o = o_end;
    }
  }
  std::sort(keys->begin(), keys->end());
  for (uint64_t k : *keys) {
    out->push_back({static_cast<uint32_t>(k >> 32), static_cast<uint32_t>(k)});
  }
}

}  // namespace moderation::internal
