// The joined view: the skeleton with the spaces between chunks of a split
// word removed, so that "du Arsch loch" can be scanned as "duarschioch".
//
// Why: a word split by a space into chunks of several letters ("Arsch loch",
// "Hurens ohn", "ass hole") is a common evasion, and the skeleton keeps such
// chunks apart (only separators *inside* a token and runs of single letters
// are joined there; see normalizer.h). Scanning this view with the
// split-eligible terms finds a term that runs across such a space; whether
// the chunks then really form the term is decided by match/split_word.h.
//
// A space is removed only where a user could have meant one word:
//  * both neighbouring skeleton words (chunks) have at least
//    kMinSplitChunkLetters letters (single letters are the spaced-out case,
//    which the skeleton already joins);
//  * the original bytes between the two chunks are horizontal whitespace
//    only (space, tab, NBSP and the other Unicode spaces, and invisible
//    characters): "Arsch, loch", "Arsch! loch", "Arsch\nloch" and
//    "Arsch 🙂 loch" stay apart.
// Every other space stays a ' ', so no literal runs across it.
//
// Example:
//   NormalizedText n;  Normalize("du Arsch\u00A0loch!", &n);
//   JoinedView j;  BuildJoinedView(n.skeleton, n.raw, &j);
//   // j.text == "duarschioch", j.joins.size() == 2, j.ToSkeleton(2) == 3
//
// Thread-safety: BuildJoinedView is a pure function; a JoinedView is a plain
// value owned by one thread (reused across posts to avoid allocation).
#ifndef MODERATION_ENGINE_TEXT_JOINED_VIEW_H_
#define MODERATION_ENGINE_TEXT_JOINED_VIEW_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text/normalizer.h"

namespace moderation::text {

// The minimum letters of each chunk of a split word.
inline constexpr size_t kMinSplitChunkLetters = 2;

// Where chunks were joined. `at` is the offset in JoinedView::text of the
// first letter that belongs to the next chunk only. `shared`: the chunks
// met on the same letter ("Voll idiot"), which the view writes once, as the
// skeleton collapses repeated letters inside a word ("voiidiot" would miss
// the term's "voidiot"); that letter, at - 1, belongs to both chunks.
// `removed`: the skeleton bytes the view has left out up to and including
// this join (its space, and the repeated letter of a shared join), so that
// an offset's skeleton offset is found from the joins alone.
struct Join {
  uint32_t at = 0;
  bool shared = false;
  uint32_t removed = 0;
};

// The view keeps no offset map: the skeleton offset of a byte is its own
// offset plus the bytes removed before it, which the joins record. The view
// is built for every field of every post and read only where a split-word
// literal matched, so a map written per byte cost more than the few
// lookups (BENCHMARKS.md, "The joined view without its map").
struct JoinedView {
  std::string text;         // skeleton bytes, removed spaces left out
  std::vector<Join> joins;  // by offset

  // The skeleton offset of text[pos] (pos < text.size()); a shared letter
  // maps to the earlier chunk's.
  size_t ToSkeleton(size_t pos) const;
  // How many joins text[begin, end) runs across: it holds a letter of the
  // chunk before the join only, and one of the chunk after it only.
  size_t JoinsInside(size_t begin, size_t end) const;
  // The skeleton offset of the letter text[pos] when it starts a range: a
  // shared letter then counts as the later chunk's first letter.
  size_t SkeletonBegin(size_t pos) const;
  void Clear() {
    text.clear();
    joins.clear();
  }
};

// Fills *out from the skeleton of `raw` (see the file comment). When
// out->joins is 0 the view holds nothing a split-word scan could find.
void BuildJoinedView(const SkeletonView& skeleton, std::string_view raw, JoinedView* out);

// True if raw[begin, end) holds at least one horizontal whitespace character
// and nothing but those and invisible characters (raw is valid UTF-8).
bool IsHorizontalSpaceGap(std::string_view raw, size_t begin, size_t end);

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_JOINED_VIEW_H_
