// Internal to engine_text: the scratch form of the skeleton, and the passes
// that turn a stretch of it into final skeleton bytes.
//
// Letters are first *collected* per token (skeleton_collect.h) into the
// skeleton's own buffers, in a scratch form of lower-case letters and
// markers, so that no per-letter flag vector has to be kept:
//  * an upper-case letter is a letter with a soft boundary before it;
//  * ' ' separates tokens; MarkJoins turns it into kJoin or kNeighbourJoin
//    when the tokens join;
//  * a byte with the high bit set is a *tentative* letter: a token that is a
//    lone digit or symbol ("4" in "D u m m b 4 t z"). It is a letter only if
//    a single-letter token follows it, just as a digit inside a token is a
//    letter only if a letter follows it.
// The passes below then rewrite a *segment* of scratch in place. A segment
// never starts or ends between two tokens whose separator depends on tokens
// outside it (see skeleton_builder.cc), so each one can be finished alone.
//
//   size_t n = ResolveTentativeLetters(buffers, n);  // only if it has some
//   MarkJoins(buffers.text, n);
//   size_t end = CanonicaliseWords(buffers, begin, begin + n, &word_start,
//                                  &soft_boundary);
//
// Thread-safety: pure functions of their arguments.
#ifndef MODERATION_ENGINE_TEXT_SKELETON_SCRATCH_H_
#define MODERATION_ENGINE_TEXT_SKELETON_SCRATCH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moderation::text::internal {

// A join between two single-letter tokens ("D u m m"): letters may merge and
// form digraphs across it.
constexpr char kJoin = '+';
// A join between a single-letter run and a whole word next to it ("ein N a z
// i", "Dumm b a t z"). Unlike kJoin, letters never merge across it: the "n"
// of "ein" must not swallow the "N" of "N a z i".
constexpr char kNeighbourJoin = '=';
constexpr unsigned char kTentativeBit = 0x80;

inline bool IsTentative(char c) { return (static_cast<unsigned char>(c) & kTentativeBit) != 0; }
inline char Tentative(char letter) {
  return static_cast<char>(static_cast<unsigned char>(letter) | kTentativeBit);
}
inline char Untentative(char c) {
  return static_cast<char>(static_cast<unsigned char>(c) & ~kTentativeBit);
}

inline bool IsSoftLetter(char c) { return c >= 'A' && c <= 'Z'; }
inline char SoftLetter(char c) { return static_cast<char>(c - ('a' - 'A')); }
inline char PlainLetter(char c) { return IsSoftLetter(c) ? static_cast<char>(c + ('a' - 'A')) : c; }

// The skeleton's three arrays as raw pointers: BuildSkeletonView sizes them
// once for the worst case, and every pass writes them in place.
struct SkeletonBuffers {
  char* text;
  uint32_t* begins;
  uint32_t* ends;

  SkeletonBuffers At(size_t offset) const {
    return {text + offset, begins + offset, ends + offset};
  }
};

// Writes the ' ' at s[at] between two words: it maps to the original bytes
// between them, or, when both come from one original cluster (a ligature of
// words) and nothing lies between, to the previous word's last range.
// s[at - 1] must be the previous word's final last letter (at > 0; the
// caller checks that a word was written); next_begin is where the next word's
// first letter begins.
inline void WriteSeparator(SkeletonBuffers s, size_t at, uint32_t next_begin) {
  const uint32_t prev_begin = s.begins[at - 1], prev_end = s.ends[at - 1];
  const bool gap = prev_end < next_begin;
  s.text[at] = ' ';
  s.begins[at] = gap ? prev_end : prev_begin;
  s.ends[at] = gap ? next_begin : prev_end;
}

// Decides, right to left, which tentative letters of the segment s[0, n)
// stand for letters (a single-letter token follows) and removes the others
// together with one adjacent separator. Returns the new size.
size_t ResolveTentativeLetters(SkeletonBuffers s, size_t n);

// A run of two or more single-letter tokens ("D u m m") becomes one word,
// together with the multi-letter token directly on each side ("Dumm b a t
// z"): the ' ' between them becomes kJoin or kNeighbourJoin. text[0, n) is a
// segment; what lies beyond either end counts as a multi-letter token.
void MarkJoins(char* text, size_t n);

// Within each word of the segment [begin, end): l -> i, then the digraphs
// ae/oe/ue -> a/o/u (greedy, left to right), then runs of one letter
// collapse; a merged letter maps to the union of its sources and loses the
// soft boundaries inside it. Each ' ' gets the original bytes between its
// neighbouring words, so the bytes before `begin` must be final. Compacts in
// place from `begin`, sets soft_boundary bits, and returns the new end;
// *word_start is the start of the last word written (in and out).
size_t CanonicaliseWords(SkeletonBuffers s, size_t begin, size_t end, size_t* word_start,
                         std::vector<bool>* soft_boundary);

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_SKELETON_SCRATCH_H_
