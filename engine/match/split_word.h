// Decides whether a literal found on the joined view (text/joined_view.h) is
// a split word: a term typed as two or three chunks with spaces between them
// ("du Arsch loch", "Hurens ohn", "you dick head").
//
// Why: the chunks of a split word must, joined, form the term exactly as the
// term's match mode would accept it in a single word, and the term must run
// across a removed space (a term inside one chunk is the ordinary scan's
// business). So the chunks the hit touches are joined into a one-word
// skeleton of their own, and the ordinary AcceptsMatch (word_boundary.h)
// judges the hit there: `word` and `inflected` need the whole joined word to
// be the term (plus an allowed ending), `compound` the compound rules, and so
// on. "du Arsch loch ey" matches arschloch; "Arsch lochfrei" does not.
//
// Guards against innocent word pairs: only terms of at least
// kMinSplitTermLetters skeleton letters without spaces are split-eligible
// ("Pen is" would be penis: 5 letters), chunks have at least
// text::kMinSplitChunkLetters letters, at most kMaxSplitChunks chunks are
// joined, and only whitespace may be typed between them (joined_view.h).
// The term must start the first chunk (at a word edge: "Verwende Perl" is
// not Depperl), and no chunk may be a German or English function word
// ("wie blöd man ist" is not Blödmann, "unter Menschen" not Untermensch).
//
//   SplitHit hit;
//   if (AcceptsSplitMatch(sk, raw, joined, b, e, Attachment::kWord, &word, &hit)) {
//     // skeleton [hit.begin, hit.end) is the term, across the chunks
//   }
//
// Thread-safety: pure functions; the `word` scratch belongs to the caller.
#ifndef MODERATION_ENGINE_MATCH_SPLIT_WORD_H_
#define MODERATION_ENGINE_MATCH_SPLIT_WORD_H_

#include <cstddef>
#include <string_view>

#include "engine/match/word_boundary.h"
#include "engine/text/joined_view.h"
#include "engine/text/normalizer.h"

namespace moderation::match {

// The minimum skeleton letters of a term that may match split.
inline constexpr size_t kMinSplitTermLetters = 6;
// The most chunks a split word may have (2: one removed space; 3: two).
inline constexpr size_t kMaxSplitChunks = 3;

// Whether a term's skeleton may match split: long enough, one word.
bool SplitEligible(std::string_view term_skeleton);

// A split hit, in skeleton offsets.
struct SplitHit {
  size_t begin = 0;  // of the term
  size_t end = 0;
  size_t word_begin = 0;  // of the first chunk the term touches
  size_t word_end = 0;    // of the last one
};

// True if joined.text[begin, end) runs across 1 .. kMaxSplitChunks - 1
// removed spaces, starts a chunk, no chunk was typed as a function word, and
// it is accepted under `attachment` in the word the touched chunks form when
// joined. `raw` is the text the skeleton was built from. `word` is scratch
// (its offset maps are left empty). Fills *hit on success.
bool AcceptsSplitMatch(const text::SkeletonView& skeleton, std::string_view raw,
                       const text::JoinedView& joined, size_t begin, size_t end,
                       Attachment attachment, text::SkeletonView* word, SplitHit* hit);

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_SPLIT_WORD_H_
