// Which of a field's phrase-word occurrences belong to one phrase: the join
// of the field's occurrences (literal ids, in scan order) with the phrase's
// word list (sorted by literal id).
//
// Why: every triggered phrase looked each occurrence of every phrase word in
// the field up in its word list by binary search (O(occurrences x log words)
// per phrase, with a mispredicted branch per step); a perf profile of the
// default rules put that at about a quarter of the engine's CPU. Most
// occurrences belong to other phrases, so the fast join first builds a
// 256-bit filter of the phrase's literal ids (low 8 bits) and searches only
// for occurrences whose bit is set. The filter has no false negatives, so the
// pairs and their order (occurrence, then word: the phrase search downstream
// depends on it) are exactly the plain join's. JoinPhraseWordsPlain is that
// plain join, kept as the reference the equivalence test compares against.
// (Sorting the occurrences once per field and joining from the smaller side
// was tried first: the sort cost as much as it saved on the default rules.)
//
//   JoinPhraseWords(phrase.words, occurrences, &pairs);
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

// One occurrence of one of the phrase's words: indexes into the field's
// occurrences and into the phrase's words.
struct WordMatch {
  uint32_t occurrence;
  uint32_t word;
  bool operator==(const WordMatch& o) const = default;
};

// *out = every (occurrence, word) pair with the same literal, ordered by
// occurrence index, then word index. `words` must be sorted by literal.
void JoinPhraseWordsPlain(std::span<const PhraseWord> words,
                          std::span<const Occurrence> occurrences, std::vector<WordMatch>* out);

// The same pairs in the same order, skipping the search for occurrences
// whose literal no word can have.
void JoinPhraseWords(std::span<const PhraseWord> words, std::span<const Occurrence> occurrences,
                     std::vector<WordMatch>* out);

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_PHRASE_WORDS_H_
