// Which of a field's phrase-word occurrences belong to one phrase: the join
// of the field's occurrences (literal ids, in scan order) with the phrase's
// word list (sorted by literal id).
//
// Why: every triggered phrase looked each occurrence of every phrase word in
// the field up in its word list by binary search (O(occurrences x log words)
// per phrase, with a mispredicted branch per step); a perf profile of the
// default rules put that at about a quarter of the engine's CPU. Most
// occurrences belong to other phrases, so the fast join probes the phrase's
// LiteralFilter (built when the rule set is compiled) and searches only
// for occurrences whose bit is set. The filter has no false negatives, so the
// pairs and their order (occurrence, then word: the phrase search downstream
// depends on it) are exactly the plain join's. JoinPhraseWordsPlain is that
// plain join, kept as the reference the equivalence test compares against.
// (Sorting the occurrences once per field and joining from the smaller side
// was tried first: the sort cost as much as it saved on the default rules.)
//
//   JoinPhraseWords(phrase.words, phrase.filter, occurrences, &pairs);
//   for (const WordMatch& m : pairs) ... occurrences[m.occurrence], words[m.word]
//
// A field with many occurrences and a phrase with few words is joined the
// other way round (JoinPhraseWordsIndexed): an OccurrenceIndex, built once
// per field, maps each literal to its occurrences, each word looks its
// literal up, and the pairs are sorted into the same order. On the default
// rules' 1 KiB posts a phrase has tens of words against hundreds of
// occurrences, so that is the common case.
//
// Thread-safety: pure functions; an OccurrenceIndex is a plain value.
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

// The same pairs in the same order, skipping the search for occurrences the
// phrase's filter rules out. `filter` must hold every literal of `words`
// (CompiledPhrase::filter does).
void JoinPhraseWords(std::span<const PhraseWord> words, const LiteralFilter& filter,
                     std::span<const Occurrence> occurrences, std::vector<WordMatch>* out);

// The occurrences of a field grouped by literal: an open-addressing table
// from literal id to its first occurrence, and for each occurrence the next
// one with the same literal (scan order).
class OccurrenceIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Replaces the index with one of `occurrences` (reusing the buffers).
  void Build(std::span<const Occurrence> occurrences);
  // The first occurrence (index into the built-from span) of literal, or kNone.
  uint32_t First(uint32_t literal) const;
  // The next occurrence with the literal of occurrence o, or kNone.
  uint32_t Next(uint32_t o) const { return next_[o]; }

 private:
  uint32_t SlotOf(uint32_t literal) const;

  std::vector<uint32_t> keys_;   // literal per slot (valid where heads_ is not kNone)
  std::vector<uint32_t> heads_;  // first occurrence per slot, kNone = empty slot
  std::vector<uint32_t> next_;   // per occurrence
  uint32_t shift_ = 32;
};

// The pairs JoinPhraseWordsPlain gives, in the same order, found through
// `index`, which must have been built from `occurrences`.
void JoinPhraseWordsIndexed(std::span<const PhraseWord> words,
                            std::span<const Occurrence> occurrences, const OccurrenceIndex& index,
                            std::vector<WordMatch>* out);

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_PHRASE_WORDS_H_
