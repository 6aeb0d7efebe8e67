// Which of a field's phrase-word occurrences belong to one phrase: the join
// of the field's occurrences (literal ids, in scan order) with the phrase's
// word list (sorted by literal id).
//
// Why: a post may trigger dozens of phrases, and every one of them looked up
// each occurrence of every phrase word in the field (O(occurrences x log
// words) per phrase); on the default rules that was about a quarter of the
// server's CPU. The fast join sorts the occurrences by literal once per field
// (SortOccurrences), then per phrase walks the smaller of the two lists and
// binary-searches the other, and finally puts the pairs back in the plain
// join's order (occurrence, then word), so that the phrase search downstream
// (phrase_match.h), whose result depends on the order of its hits, sees
// exactly what it saw before. JoinPhraseWordsPlain is that plain join, kept
// as the reference the equivalence test compares against.
//
//   SortOccurrences(occurrences, &sorted);                  // once per field
//   JoinPhraseWords(phrase.words, sorted, &scratch, &pairs);  // per phrase
//   for (const WordMatch& m : pairs) ... occurrences[m.occurrence], words[m.word]
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_PHRASE_WORDS_H_
#define MODERATION_ENGINE_PHRASE_WORDS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "engine/compiled_rule_set_internal.h"

namespace moderation::internal {

// Where a literal some phrase listens to occurred (skeleton offsets).
struct Occurrence {
  uint32_t literal;
  uint32_t begin;
  uint32_t end;
};

// An occurrence's literal and its index in the field's occurrence list.
struct SortedOccurrence {
  uint32_t literal;
  uint32_t index;
};

// One occurrence of one of the phrase's words: indexes into the field's
// occurrences and into the phrase's words.
struct WordMatch {
  uint32_t occurrence;
  uint32_t word;
  bool operator==(const WordMatch& o) const = default;
};

// *sorted = occurrences' (literal, index), ordered by literal, then index.
void SortOccurrences(std::span<const Occurrence> occurrences,
                     std::vector<SortedOccurrence>* sorted);

// *out = every (occurrence, word) pair with the same literal, ordered by
// occurrence index, then word index. `words` must be sorted by literal.
void JoinPhraseWordsPlain(std::span<const PhraseWord> words,
                          std::span<const Occurrence> occurrences, std::vector<WordMatch>* out);

// The same pairs in the same order, from the sorted occurrences; `keys` is
// scratch reused across calls.
void JoinPhraseWords(std::span<const PhraseWord> words, std::span<const SortedOccurrence> sorted,
                     std::vector<uint64_t>* keys, std::vector<WordMatch>* out);

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_PHRASE_WORDS_H_
