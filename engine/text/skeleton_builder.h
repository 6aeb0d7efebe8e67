// Internal to engine_text: builds the skeleton view from the folded view.
// See normalizer.h for what the skeleton is and why.
//
// Three passes over the output buffers, each in place and allocation-free
// once *out has grown to twice the size of the text:
//  1. collect the letters of every token (maximal run of non-whitespace):
//     letters, look-alikes and diacritics mapped, leetspeak resolved,
//     separators inside the token dropped with a soft boundary;
//  2. decide whether lone digit/symbol tokens ("4" in "D u m m b 4 t z") are
//     letters, then join runs of single-letter tokens and their neighbours;
//  3. canonicalise each word: l -> i, ae/oe/ue -> a/o/u, collapse repeats,
//     and give each word separator its original range.
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
void BuildSkeletonView(const View& folded, SkeletonView* out);

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_SKELETON_BUILDER_H_
