// Internal to engine_text: the block path of the skeleton builder, for
// stretches of plain lower-case ASCII words ("die regierung hat versagt, ich").
//
// Why: most of a German or English post is such words, and the per-word path
// (plain_word.h) pays a few dozen instructions and a mispredicted branch at
// the end of every word. Here 64 bytes are classified at once with SSE2
// (part of every x86-64 CPU; AVX2 where there is one) into bit masks: letters, whitespace,
// punctuation, letters that merge into the one before (repeats, the 'e' of
// ae/oe/ue). A loop over the set bits of "letters that stay" then writes the
// skeleton, so the cost follows the letters written, not the words.
//
// The block path only takes what it can do exactly as plain_word.h does:
// tokens of ASCII punctuation, two or more contiguous letters a-z, ASCII
// punctuation. It stops before the first token that holds anything else (a
// digit, a capital, a non-ASCII byte, punctuation between letters, a lone
// letter, or a digraph chain such as "oeo" whose canonical form needs the
// letter written last rather than the letter read last), and leaves that
// token to the per-word path. normalizer_test.cc checks on random and real
// texts that the skeleton is the same with and without it.
//
//   PlainState s{token, size, word_start, separator_pending};
//   s = WriteWordBlocks(folded_input, buffers, s);  // s.pos: where it stopped
//
// Thread-safety: pure function of its arguments.
#ifndef MODERATION_ENGINE_TEXT_WORD_BLOCKS_H_
#define MODERATION_ENGINE_TEXT_WORD_BLOCKS_H_

#include "engine/text/plain_word.h"

namespace moderation::text::internal {

struct BlockResult {
  PlainState state;
  // The block path stopped because of the next token (not at the end of the
  // text): the per-word path should take that token before it tries again.
  bool refused = false;
};

// state.pos must be the start of a token (the byte before it, if any, is
// whitespace). Writes whole blocks of plain words from there on and returns
// the state after the last one; state.pos is then just past a whitespace
// byte, or unchanged if the first token needs the per-word path. Without
// SSSE3 (or the requested instruction set) it returns state unchanged.
//
// Blocks are classified and packed with AVX2 where the CPU has it (half the
// instructions of the SSSE3 variant), else with SSSE3; both write the same
// bytes, which word_blocks_test checks at every token start of its texts.
// isa: kBest normally; the tests ask for one variant.
enum class BlockIsa { kBest, kSsse3, kAvx2 };
BlockResult WriteWordBlocks(const FoldedInput& in, SkeletonBuffers out, PlainState state,
                            BlockIsa isa = BlockIsa::kBest);

// Whether this CPU can run the block path with isa.
bool BlockIsaSupported(BlockIsa isa);

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_WORD_BLOCKS_H_
