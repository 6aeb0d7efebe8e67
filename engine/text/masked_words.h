// Masked words: a word whose letters are hidden behind '*' or '#'
// ("p*ssy", "Schl*mpe", "Sch**ße", "f*ck*ng"), found in a post's raw text,
// and the readings that fill each mask with a letter.
//
// Why: the skeleton drops a '*' inside a token as a separator, which is right
// for a star between letters that are all there ("du*mmbatz"), but turns
// "p*ssy" into "pssy", which no term matches. A masked word is rare, so it
// gets its own pass: each reading (every mask byte replaced by one of the
// vowels a e i o u, the letters people mask; ä/ö/ü fold to them in the
// skeleton) is matched like a typed word by the caller. A reading has the
// same byte length as the word, so every offset stays an offset of the
// original text.
//
// Guards (what is NOT a masked word), because '*' has everyday uses:
//  * masks at a word's edge: "*seufz*", "**wichtig**" (Markdown), "5*",
//    "Fußnote*", "#hashtag";
//  * the German gender star and its relatives: a mask followed by "in…"
//    ("Bürger*innen", "Schüler*in", "Lehrer*innenzimmer") or by a bare
//    ending ("jede*r", "ein*e", "Kolleg*en");
//  * a mask not directly between letters (or leet digits/symbols inside
//    the word): "2*3", "Wort.*Wort";
//  * no letter before the first mask or after the last ("2*3", "5*x");
//  * more than kMaxMaskBytes mask bytes in the word (the readings would
//    multiply: 5^n), or a URL-like token (containing '/', ':', '=', '&').
//
//   std::vector<MaskedWord> words;
//   FindMaskedWords("dm me your p*ssy pics", kMaxMaskedWordsPerText, &words);
//   // words[0]: begin 11, end 16, masks {12}; ReadingCount(words[0]) == 5
//   std::string reading(raw);
//   WriteReading(words[0], 4, &reading);  // "dm me your pussy pics"
//
// Thread-safety: pure functions, safe from any thread.
#ifndef MODERATION_ENGINE_TEXT_MASKED_WORDS_H_
#define MODERATION_ENGINE_TEXT_MASKED_WORDS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moderation::text {

// At most two mask bytes per word ("Sch**ße", "f*ck*ng"): 25 readings.
inline constexpr size_t kMaxMaskBytes = 2;
// A post with more masked words than this has only its first ones read:
// bounds the extra work an adversary can cause.
inline constexpr size_t kMaxMaskedWordsPerText = 8;

// One masked word of a text: its bytes [begin, end) without leading or
// trailing punctuation, and the offsets of its mask bytes.
struct MaskedWord {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::array<uint32_t, kMaxMaskBytes> masks{};
  uint32_t mask_count = 0;
};

// Whether raw holds a mask byte at all: the cheap test that keeps the
// normal path free of this pass.
bool MayHoldMasks(std::string_view raw);

// Appends to *out (cleared first) the masked words of raw (valid UTF-8), in
// text order, at most max_words of them.
void FindMaskedWords(std::string_view raw, size_t max_words, std::vector<MaskedWord>* out);

// The number of readings of a word: 5^mask_count.
size_t ReadingCount(const MaskedWord& word);

// Writes reading `index` (< ReadingCount) of `word` into *text, a copy of
// the raw text the word was found in: each mask byte becomes a vowel.
void WriteReading(const MaskedWord& word, size_t index, std::string* text);

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_MASKED_WORDS_H_
