#include "engine/text/masked_words.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "engine/text/skeleton_chars.h"
#include "engine/text/utf8.h"

namespace moderation::text {
namespace {

constexpr char kVowels[] = "aeiou";
// A token of more code points is no word anyone masks ("Schl*mpe" has 8).
constexpr size_t kMaxWordCodePoints = 64;
constexpr size_t kVowelCount = sizeof(kVowels) - 1;

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
// Characters of addresses, paths and code, never of a masked insult.
bool IsUrlish(char c) {
  return c == '/' || c == ':' || c == '=' || c == '&' || c == '\\' || c == '.';
}

enum class Kind : uint8_t { kLetter, kLeet, kMask, kOther };

struct CodePoint {
  uint32_t begin;
  uint32_t end;
  Kind kind;
};

Kind KindOf(char32_t cp) {
  if (cp == U'*' || cp == U'#') return Kind::kMask;
  const internal::SkeletonChar c = internal::ClassifyForSkeleton(cp);
  switch (c.cls) {
    case internal::SkeletonClass::kLetter:
    case internal::SkeletonClass::kMark:
      return Kind::kLetter;
    case internal::SkeletonClass::kDigit:
    case internal::SkeletonClass::kLeet:
      return c.letters[0] != 0 ? Kind::kLeet : Kind::kOther;
    default:
      // The table expects folded text: raw ß and some capitals are letters
      // it does not know.
      return cp >= 128 && u_isalpha(static_cast<UChar32>(cp)) ? Kind::kLetter : Kind::kOther;
  }
}

bool InWord(Kind k) { return k == Kind::kLetter || k == Kind::kLeet; }

// The letters right after a mask run up to the word's end (or a
// punctuation mark), lower-cased: what the gender guard reads. Empty when
// another mask follows first ("H*r*nsohn": the first mask is no gender
// star).
std::string LettersAfter(std::string_view raw, const CodePoint* cps, size_t i, size_t last) {
  std::string out;
  for (; i < last; ++i) {
    if (cps[i].kind == Kind::kMask) return {};
    if (cps[i].kind == Kind::kOther) break;
    for (uint32_t b = cps[i].begin; b < cps[i].end; ++b) {
      const char c = raw[b];
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

// "Bürger*innen", "Schüler*in", "jede*r", "ein*e", "Kolleg*en": the gender
// star (and its '#' variant) before a feminine or inflection ending.
bool IsGenderEnding(std::string_view after) {
  if (after.starts_with("in")) return true;
  for (std::string_view ending : {"r", "e", "n", "m", "s", "x", "en", "er", "es", "em"}) {
    if (after == ending) return true;
  }
  return false;
}

// Whether the code points [first, last) of one token are a masked word; if
// so fills *word.
bool ReadMaskedWord(std::string_view raw, const CodePoint* cps, size_t first, size_t last,
                    MaskedWord* word) {
  while (first < last && !InWord(cps[first].kind)) ++first;
  // '!' and '|' stand for i inside a word but end sentences after it.
  while (last > first && (!InWord(cps[last - 1].kind) ||
                          (cps[last - 1].end - cps[last - 1].begin == 1 &&
                           (raw[cps[last - 1].begin] == '!' || raw[cps[last - 1].begin] == '|')))) {
    --last;
  }
  if (first == last) return false;
  *word = MaskedWord{cps[first].begin, cps[last - 1].end, {}, 0};
  int letters_before = 0, letters_after = 0;
  for (size_t i = first; i < last; ++i) {
    const CodePoint& cp = cps[i];
    if (cp.kind == Kind::kLetter) {
      (word->mask_count == 0 ? letters_before : letters_after) += 1;
      continue;
    }
    if (cp.end - cp.begin == 1 && IsUrlish(raw[cp.begin])) return false;
    if (cp.kind != Kind::kMask) continue;
    // A run of masks must sit between word characters (the trim above makes
    // the word's first and last code points word characters).
    if (!InWord(cps[i - 1].kind) && cps[i - 1].kind != Kind::kMask) return false;
    if (i + 1 < last && cps[i + 1].kind != Kind::kMask) {
      if (!InWord(cps[i + 1].kind)) return false;
      if (IsGenderEnding(LettersAfter(raw, cps, i + 1, last))) return false;
    }
    if (word->mask_count == kMaxMaskBytes) return false;
    word->masks[word->mask_count++] = cp.begin;
    letters_after = 0;
  }
  return word->mask_count > 0 && letters_before >= 1 && letters_after >= 1;
}

}  // namespace

bool MayHoldMasks(std::string_view raw) {
  return std::memchr(raw.data(), '*', raw.size()) != nullptr ||
         std::memchr(raw.data(), '#', raw.size()) != nullptr;
}

size_t Find(std::string_view raw, char c, size_t from) {
  if (from >= raw.size()) return std::string_view::npos;
  const void* hit = std::memchr(raw.data() + from, c, raw.size() - from);
  return hit == nullptr ? std::string_view::npos
                        : static_cast<size_t>(static_cast<const char*>(hit) - raw.data());
}

// Jumps from mask to mask (memchr), so a post with a hashtag or an edge
// star costs the tokens around its masks, not a walk over every byte.
void FindMaskedWords(std::string_view raw, size_t max_words, std::vector<MaskedWord>* out) {
  out->clear();
  std::array<CodePoint, kMaxWordCodePoints> cps;  // no allocation for hashtags
  size_t star = Find(raw, '*', 0), hash = Find(raw, '#', 0);
  while (out->size() < max_words) {
    const size_t mask = std::min(star, hash);
    if (mask == std::string_view::npos) break;
    size_t begin = mask, end = mask;
    while (begin > 0 && !IsAsciiSpace(raw[begin - 1])) --begin;
    while (end < raw.size() && !IsAsciiSpace(raw[end])) ++end;
    size_t n = 0;
    bool fits = true;
    for (size_t p = begin; p < end; ++n) {
      if (n == cps.size()) {
        fits = false;  // too long for a word
        break;
      }
      int len = 1;
      const char32_t cp = DecodeUtf8(raw, p, &len);
      cps[n] = {static_cast<uint32_t>(p), static_cast<uint32_t>(p + len), KindOf(cp)};
      p += static_cast<size_t>(len);
    }
    MaskedWord word;
    if (fits && ReadMaskedWord(raw, cps.data(), 0, n, &word)) out->push_back(word);
    if (star < end) star = Find(raw, '*', end);
    if (hash < end) hash = Find(raw, '#', end);
  }
}

size_t ReadingCount(const MaskedWord& word) {
  size_t n = 1;
  for (uint32_t i = 0; i < word.mask_count; ++i) n *= kVowelCount;
  return n;
}

void WriteReading(const MaskedWord& word, size_t index, std::string* text) {
  for (uint32_t i = 0; i < word.mask_count; ++i) {
    (*text)[word.masks[i]] = kVowels[index % kVowelCount];
    index /= kVowelCount;
  }
}

}  // namespace moderation::text
