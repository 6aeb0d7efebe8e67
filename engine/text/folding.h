// Internal to engine_text: builds the folded view (NFKC + full case folding,
// default-ignorable code points removed) with its map back to the original
// bytes. See normalizer.h for the contract of the view.
//
// Why clusters: NFKC composes a letter with the combining marks after it
// ("o" + U+0308 -> "ö"), so each starter and its marks are folded together,
// and every folded byte maps to the bytes of that whole cluster.
//
//   View folded;
//   BuildFoldedView("BLO\u0308D", &folded);  // folded.text == "blöd"
//
// Thread-safety: pure function of its input; *out is owned by the caller.
#ifndef MODERATION_ENGINE_TEXT_FOLDING_H_
#define MODERATION_ENGINE_TEXT_FOLDING_H_

#include <string_view>

#include "engine/text/normalizer.h"

namespace moderation::text::internal {

// True for the invisible code points the folded view always drops (checked
// in addition to utf8proc's default-ignorable property).
bool IsInvisibleFormatChar(char32_t cp);

// Fills *out (reusing its buffers) with the folded view of raw, which must be
// valid UTF-8 (ValidateUtf8). Beyond View's invariants, orig_end is
// non-decreasing too: clusters are appended in order and each folded byte
// maps to its whole cluster (the skeleton's block path relies on it).
// avx2 = false keeps ASCII runs off the AVX2 path (used where the CPU has
// AVX2), for the tests that check it gives the same view.
void BuildFoldedView(std::string_view raw, View* out, bool avx2 = true);

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_FOLDING_H_
