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

constexpr SkeletonChar MakeSkeletonChar(SkeletonClass cls, char a = 0, char b = 0, char c = 0) {
  SkeletonChar ch;
  ch.cls = cls;
  ch.letters[0] = a;
  ch.letters[1] = b;
  ch.letters[2] = c;
  return ch;
}

// ASCII is classified by a constant table: it is most of every post.
constexpr std::array<SkeletonChar, 128> BuildAsciiSkeletonChars() {
  std::array<SkeletonChar, 128> t{};
  for (char c = 'a'; c <= 'z'; ++c) t[c] = MakeSkeletonChar(SkeletonClass::kLetter, c);
  for (char c = 'A'; c <= 'Z'; ++c) {
    t[c] = MakeSkeletonChar(SkeletonClass::kLetter, static_cast<char>(c - 'A' + 'a'));
  }
  // '2' has no letter it could stand for: it stays a separator.
  constexpr char kDigitLetters[] = "oi\0easgtbg";
  for (int d = 0; d < 10; ++d)
    t['0' + d] = MakeSkeletonChar(SkeletonClass::kDigit, kDigitLetters[d]);
  t['@'] = MakeSkeletonChar(SkeletonClass::kLeet, 'a');
  t['$'] = MakeSkeletonChar(SkeletonClass::kLeet, 's');
  t['!'] = MakeSkeletonChar(SkeletonClass::kLeet, 'i');
  t['|'] = MakeSkeletonChar(SkeletonClass::kLeet, 'i');
  t['+'] = MakeSkeletonChar(SkeletonClass::kLeet, 't');
  for (char c : {' ', '\t', '\n', '\v', '\f', '\r'}) {
    t[c] = MakeSkeletonChar(SkeletonClass::kWhitespace);
  }
  return t;
}

// The classes of ASCII, a compile-time constant so that the per-character
// call inlines and other tables can be derived from it.
inline constexpr std::array<SkeletonChar, 128> kAsciiSkeletonChars = BuildAsciiSkeletonChars();

// The slow path of ClassifyForSkeleton, for cp >= 128.
SkeletonChar ClassifyNonAsciiForSkeleton(char32_t cp);

// Classifies a code point of the folded view (already NFKC + case folded, so
// upper-case input is not expected, though ASCII A-Z is handled).
inline SkeletonChar ClassifyForSkeleton(char32_t cp) {
  return cp < 128 ? kAsciiSkeletonChars[cp] : ClassifyNonAsciiForSkeleton(cp);
}

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_SKELETON_CHARS_H_
