// How expensive a phrase word is as the phrase's anchor: the slot whose
// words are rarest *in posts* should trigger the phrase search, and the
// compiler cannot count posts. This estimates it from the word itself:
//   * the function words of German and English ("ich", "die", "in", "you",
//     "the", ...) occur in nearly every post, so a slot holding one is a
//     poor anchor whatever few rules use it;
//   * a short prefix term ("geil*") matches many words.
// Why: a phrase anchored on "an" ("an die Wand stellen") or "gibt" runs its
// search on almost every post; anchored on "Wand" it runs on few. Measured on
// the default rules, anchors by rule count alone made the 1 KiB evaluation
// four times slower than anchors that avoid function words.
//
//   uint64_t w = AnchorWeight("ich", match::Attachment::kWord);  // large
//
// Thread-safety: pure function; the word list is built once, thread-safely.
#ifndef MODERATION_ENGINE_ANCHOR_WEIGHT_H_
#define MODERATION_ENGINE_ANCHOR_WEIGHT_H_

#include <cstdint>
#include <string_view>

#include "engine/match/word_boundary.h"

namespace moderation::internal {

// The weight a literal adds to its slot's anchor cost, on top of the number
// of phrases that use it: 0 for an ordinary word.
uint64_t AnchorWeight(std::string_view skeleton, match::Attachment attachment);

// The weight of one function word: far above any count of phrase users.
inline constexpr uint64_t kCommonWordWeight = 1000;

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_ANCHOR_WEIGHT_H_
