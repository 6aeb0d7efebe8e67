// Internal to engine_text: builds the skeleton view from the folded view.
// See normalizer.h for what the skeleton is and why.
//
// One streaming pass over the tokens (maximal runs of non-whitespace), in
// place and allocation-free once *out has grown to twice the size of the
// text:
//  * plain words ("Haus", "wütete,") go straight into final form
//    (plain_word.h): the common case, and the fast one; stretches of them
//    go 64 bytes at a time (word_blocks.h);
//  * other tokens are collected in scratch form (skeleton_collect.h):
//    letters, look-alikes and diacritics mapped, leetspeak resolved,
//    separators inside the token dropped with a soft boundary;
//  * scratch is finished by the segment passes (skeleton_scratch.h): lone
//    digit/symbol tokens ("4" in "D u m m b 4 t z") are resolved, runs of
//    single-letter tokens joined with their neighbours, and each word
//    canonicalised (l -> i, ae/oe/ue -> a/o/u, repeats collapsed), with each
//    word separator given its original range.
//
//   SkeletonView s;
//   BuildSkeletonView(folded_view_of("Du D.u.m.m.b.4.t.z"), &s);
//   // s.text == "du dumbatz"
//
// Thread-safety: pure function of its input; *out is owned by the caller.
#ifndef MODERATION_ENGINE_TEXT_SKELETON_BUILDER_H_
#define MODERATION_ENGINE_TEXT_SKELETON_BUILDER_H_

#include "engine/text/normalizer.h"

namespace moderation::text::internal {

// Fills *out (reusing its buffers) with the skeleton of a folded view.
// word_blocks = false turns the block path off (word_blocks.h), for the
// tests that check it gives the same skeleton.
void BuildSkeletonView(const View& folded, SkeletonView* out, bool word_blocks = true);

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_SKELETON_BUILDER_H_
