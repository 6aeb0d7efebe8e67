// The masked-word pass of a field scan (private to the engine): words whose
// letters are hidden behind '*' or '#' ("p*ssy", "Schl*mpe", "Sch**ße") are
// read with each mask as a vowel and matched like typed words.
//
// Why a pass of its own: the skeleton drops a '*' inside a word as a
// separator ("du*mmbatz" = "dummbatz"), so "p*ssy" reaches the literal scan
// as "pssy". Masked words are rare, so instead of teaching the normaliser
// and every matcher a wildcard, each reading (text/masked_words.h) is put
// through the ordinary field scan (FieldScanner) on a window of the field
// around the word: terms, match modes, the lexicon, phrases, regexes,
// `unless` and allow lists all apply to the reading exactly as to a typed
// word. A reading has the same byte length as the text it replaces, so its
// spans are spans of the original bytes. Only hits that touch the masked
// word are kept; the rest of the window was scanned already.
//
// The lexicon decides between readings: when some readings are dictionary
// words (of any of the set's lexicons), only those are scanned, so a masked
// harmless word is read as itself ("H*rren" is Herren, never Huren;
// "dorn*ger" is dorniger, never a compound of Neger), while an insult that
// is a dictionary word still counts (Schlampe, Fotze; cunt beside cant and
// cent). When no reading is a word ("Hurens*hn"), every reading is scanned.
//
// Cost: nothing unless the field holds a '*' or '#' (two memchr calls);
// then one pass over the field to find masked words; then, per masked word,
// a dictionary look-up per reading and at most 5 readings per mask byte
// (25 for two) times one scan of a window of at
// most 2 * kMaskWindowContext + the word's bytes. At most
// text::kMaxMaskedWordsPerText words per field are read.
//
// Thread-safety: like FieldScanner, for one thread (the scratch is used
// after the field's own scan has finished with it).
#ifndef MODERATION_ENGINE_MASKED_SCAN_H_
#define MODERATION_ENGINE_MASKED_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/post/post.h"

namespace moderation::internal {

struct Candidate;

// Bytes of context on each side of a masked word that its readings are
// scanned with (cut back to whitespace): about 20 words, enough for a
// phrase or an `unless` veto around it. A window scan costs about what the
// whole field's scan costs per byte, so the window is kept short.
inline constexpr size_t kMaskWindowContext = 160;
// At most this many readings are scanned per field (the first masked words
// first): with 8 masked words of 25 readings a field could otherwise cost
// 200 window scans; this bounds what one post can make the engine do.
inline constexpr size_t kMaxMaskedReadingsPerField = 32;

// Appends to *out the candidates that the readings of the masked words of
// `field` produce and that overlap a masked word. Duplicates of candidates
// in (*out)[first..] (the field's own, of this part: earlier ones may be
// numbered for another part) are not appended twice.
absl::Status ScanMaskedWords(const CompiledRuleSet::Impl& set, hs_scratch_t* scratch,
                             uint32_t field_index, const Field& field, size_t first,
                             std::vector<Candidate>* out);

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_MASKED_SCAN_H_
