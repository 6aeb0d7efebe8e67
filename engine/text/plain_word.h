// Internal to engine_text: the fast path of the skeleton builder for the
// common token, a *plain word*: optional ASCII punctuation, then two or more
// letters (a-z, or non-ASCII letters such as umlauts and look-alikes), then
// optional ASCII punctuation ("Haus", "(Musik)", "wütete,", "\"Hex\"").
//
// Why: the letters of such a word depend on nothing outside it, so they can
// go straight into canonical form (l -> i, ae/oe/ue -> a/o/u, repeats
// collapsed: the rules of CanonicaliseWords) in one pass, without the
// scratch form and the per-character classification of the general path.
// Most posts are long stretches of plain words, so the loop runs over a
// whole stretch without returning to the builder.
//
//   PlainState state{pos, size, word_start, separator_pending};
//   state = WritePlainWords(folded_input, buffers, state);
//   // state.pos: the start of a token that needs the general path, or the end.
//
// Thread-safety: pure functions of their arguments.
#ifndef MODERATION_ENGINE_TEXT_PLAIN_WORD_H_
#define MODERATION_ENGINE_TEXT_PLAIN_WORD_H_

#include <cstddef>
#include <cstdint>

#include "engine/text/skeleton_scratch.h"

namespace moderation::text::internal {

// The folded view as raw pointers. text[size] must be readable and NUL (as
// in a std::string): it ends the letter loops without a bounds check.
struct FoldedInput {
  const char* text;
  size_t size;
  const uint32_t* begins;
  const uint32_t* ends;
};

// Where the skeleton builder stands between two tokens.
struct PlainState {
  size_t pos = 0;                  // in the folded text
  size_t size = 0;                 // skeleton bytes written, all final
  size_t word_start = 0;           // start of the last word written
  bool separator_pending = false;  // a word was written: the next needs a ' '
};

// Writes the plain words from state.pos on, each with the separator before
// it, and stops at the start of the first token that is not a plain word, or
// at the end of the text. word_blocks: take stretches of plain ASCII words
// through the block path (word_blocks.h); false only in tests, which check
// that it changes nothing.
PlainState WritePlainWords(const FoldedInput& in, SkeletonBuffers out, PlainState state,
                           bool word_blocks = true);

// The first position at or after pos that is not whitespace (the end of the
// text if there is none).
size_t SkipWhitespace(const FoldedInput& in, size_t pos);

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_PLAIN_WORD_H_
