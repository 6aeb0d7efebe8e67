// Internal to engine_text: how the skeleton builder sees one code point of the
// folded view (letter, leetspeak digit or symbol, whitespace, combining mark,
// or anything else).
//
// Why a table: the classification of a non-ASCII code point needs utf8proc
// (dropping diacritics) and ICU's spoof checker (look-alikes from other
// scripts), which are far too slow to call per character of every post. The
// answers are computed once per 256-code-point block, on first use, and then
// read without locks.
//
//   SkeletonChar c = ClassifyForSkeleton(U'\u0430');  // Cyrillic а
//   // c.cls == SkeletonClass::kLetter, c.letters == "a"
//
// Thread-safety: ClassifyForSkeleton is safe to call from any thread.
#ifndef MODERATION_ENGINE_TEXT_SKELETON_CHARS_H_
#define MODERATION_ENGINE_TEXT_SKELETON_CHARS_H_

#include <array>
#include <cstdint>

namespace moderation::text::internal {

enum class SkeletonClass : uint8_t {
  kOther,       // punctuation, symbols, emoji, letters with no Latin look-alike
  kLetter,      // reduces to 1..3 ASCII letters
  kDigit,       // 0-9; a letter inside a word (letters[0]) except '2'
  kLeet,        // @ $ € £ ! ¡ | +; a letter inside a word (letters[0])
  kWhitespace,  // Unicode White_Space: separates tokens
  kMark,        // combining mark left over after NFKC: invisible to words
};

// Four bytes, so a block of 256 entries is 1 KiB.
struct SkeletonChar {
  SkeletonClass cls = SkeletonClass::kOther;
  // Lower-case ASCII letters, NUL-padded. kLetter: 1..3 of them ("a" for ä,
  // "ae" for æ, "th" for þ). kDigit/kLeet: the letter it stands for, or NUL
  // when it has none.
  char letters[3] = {0, 0, 0};

  int LetterCount() const {
    return letters[0] == 0 ? 0 : letters[1] == 0 ? 1 : letters[2] == 0 ? 2 : 3;
  }
};

// The classes of ASCII, exposed so the per-character call inlines.
extern const std::array<SkeletonChar, 128> kAsciiSkeletonChars;

// The slow path of ClassifyForSkeleton, for cp >= 128.
SkeletonChar ClassifyNonAsciiForSkeleton(char32_t cp);

// Classifies a code point of the folded view (already NFKC + case folded, so
// upper-case input is not expected, though ASCII A-Z is handled).
inline SkeletonChar ClassifyForSkeleton(char32_t cp) {
  return cp < 128 ? kAsciiSkeletonChars[cp] : ClassifyNonAsciiForSkeleton(cp);
}

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_SKELETON_CHARS_H_
