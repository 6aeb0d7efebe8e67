// Decides whether a literal found on the skeleton view counts as a match of a
// word-list term under its match mode (word, prefix, suffix, compound,
// substring).
//
// Why: Hyperscan finds the letters anywhere; whether "arsch" inside
// "nachbarschaft" is an insult is a question about the letters around it.
// `compound` is the German-aware mode: the term may stand alone or be the head
// (last part) of a compound whose first part is a real word part (>= 3
// letters with a vowel: Ober|blödmann, Riesen|dummbatz), and may carry an
// inflection ending (Blödmänn|er, Blödmann|s). Nothing else may follow, so
// Nachb|arsch|aft and Ti|schlampe are not matches, without any allow list.
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_MATCH_WORD_BOUNDARY_H_
#define MODERATION_ENGINE_MATCH_WORD_BOUNDARY_H_

#include <cstddef>
#include <string_view>

#include "engine/text/normalizer.h"

namespace moderation::match {

enum class Attachment {
  kWord,       // both ends on a word edge
  kPrefix,     // start on a word edge
  kSuffix,     // end on a word edge
  kCompound,   // see file comment
  kSubstring,  // anywhere
  kInflected,  // start on a word edge; end on one, or (for >= 4 letters)
               // after an inflection ending (IsPhraseEnding) and then on one
};

// True if skeleton[begin, end) is a match under `attachment`.
bool AcceptsMatch(const text::SkeletonView& skeleton, size_t begin, size_t end,
                  Attachment attachment);

// True if `ending` (skeleton letters) is a German/English inflection ending a
// compound head may carry: e en er ern es s n in innen (in skeleton spelling).
bool IsInflectionEnding(std::string_view ending);

// True if `ending` (skeleton letters) is an ending kInflected accepts: the
// noun endings above plus the verb and adjective ones (e en em er ern es s n
// st t et est, in skeleton spelling).
bool IsPhraseEnding(std::string_view ending);

// The minimum letters a kInflected term needs before an ending counts, so
// short function words keep their meaning ("ab" is not "aber", "die" not
// "dies", "wir" not "wirt").
inline constexpr size_t kMinInflectedLetters = 4;

// The compound checks of kCompound, one side each: a compound head may start
// at `begin` (a word edge, or after a real modifier), and may end at `end`
// (a word edge, or an inflection ending and then one).
bool CompoundStartOk(const text::SkeletonView& skeleton, size_t begin);
bool CompoundEndOk(const text::SkeletonView& skeleton, size_t end);

// True if a two-list compound's modifier ending at `modifier_end` joins its
// head starting at `head_begin` (both skeleton offsets): directly, across a
// hyphen (a soft edge), through a German linking element (s es n en er e ens
// ern), or sharing one letter that the repeated-letter collapse merged
// ("Ausländer" + "ratte" -> "ausianderate").
bool JoinsAsCompound(const text::SkeletonView& skeleton, size_t modifier_end, size_t head_begin);

// The minimum number of letters the first part of a compound must have.
inline constexpr size_t kMinCompoundModifierLetters = 3;

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_WORD_BOUNDARY_H_
