// Phrase matching on the skeleton word stream, after Lucene's span-near:
// given where each slot's terms were found, pick one hit per required slot
// (and per optional slot if one fits) such that no two hits overlap, the
// order is kept when the phrase is ordered, and at most `within` other words
// lie between the first and the last chosen word.
//
// Why: threats and calls to violence come in free word order and with words
// in between ("ich bring dich um", "dich bring ich heute noch um"). Matching
// them on the skeleton word stream keeps every evasion the normaliser undoes
// (spaced, leet, stretched words count as one word). The literal scan already
// found the slot words in one Hyperscan pass; this search only runs on posts
// where a phrase's words occur, so the cost follows the text, not the number
// of phrase rules. The search is bounded (kMaxPhraseSearchSteps).
//
//   std::vector<PhraseSlotHit> hits = ...;  // from the literal scan
//   PhraseShape shape{.slots = 3, .optional = {}, .ordered = false, .within = 3};
//   std::vector<size_t> chosen;
//   if (FindPhrase(shape, hits, &chosen)) { ... hits[chosen[i]] ... }
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_MATCH_PHRASE_MATCH_H_
#define MODERATION_ENGINE_MATCH_PHRASE_MATCH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moderation::match {

// Where one slot's term was found: skeleton bytes [begin, end) and the
// indexes of the first and last skeleton word they touch.
struct PhraseSlotHit {
  uint32_t slot = 0;
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t first_word = 0;
  uint32_t last_word = 0;
};

struct PhraseShape {
  size_t slots = 0;
  std::vector<bool> optional;  // per slot; empty = none optional
  bool ordered = false;
  int within = 3;
};

// The most assignments one phrase search tries before giving up (no match).
inline constexpr size_t kMaxPhraseSearchSteps = 4096;

// Buffers one search needs, kept by the caller so that a field's many
// searches allocate nothing once the buffers have grown (a post triggers
// dozens of phrase searches; their allocations were a fifth of the search's
// instructions). No state carries over from one search to the next.
struct PhraseSearchScratch {
  std::vector<uint32_t> slot_begin;  // per slot + 1: where its hits start in by_slot
  std::vector<uint32_t> by_slot;     // hit indexes grouped by slot, in hit order
  std::vector<size_t> order;         // the slots in search order
  std::vector<size_t> chosen;
  std::vector<size_t> sorted;
};

// Finds one assignment; on success *chosen holds the indexes into `hits` of
// the chosen hits (required slots always, optional ones when they fit).
bool FindPhrase(const PhraseShape& shape, const std::vector<PhraseSlotHit>& hits,
                std::vector<size_t>* chosen, PhraseSearchScratch* scratch);
// The same with buffers of its own (tests, one-off searches).
bool FindPhrase(const PhraseShape& shape, const std::vector<PhraseSlotHit>& hits,
                std::vector<size_t>* chosen);

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_PHRASE_MATCH_H_
