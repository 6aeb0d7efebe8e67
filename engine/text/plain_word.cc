#include "engine/text/plain_word.h"

#include <algorithm>
#include <array>

#include "engine/text/skeleton_chars.h"
#include "engine/text/utf8_internal.h"
#include "engine/text/word_blocks.h"

namespace moderation::text::internal {
namespace {

constexpr size_t kNotPlain = static_cast<size_t>(-1);

// For each byte: its canonical letter (a-z with l -> i; 0 if it is not an
// ASCII letter) in the low byte, and in the high byte the letter that would
// merge into it as the second half of a digraph ('e' after a, o or u).
constexpr std::array<uint16_t, 256> BuildAsciiLetters() {
  std::array<uint16_t, 256> letters{};
  for (char c = 'a'; c <= 'z'; ++c) {
    const char letter = c == 'l' ? 'i' : c;
    const char partner = c == 'a' || c == 'o' || c == 'u' ? 'e' : 0;
    letters[static_cast<unsigned char>(c)] = static_cast<uint16_t>(letter | partner << 8);
  }
  return letters;
}
constexpr std::array<uint16_t, 256> kAsciiLetters = BuildAsciiLetters();

uint16_t AsciiLetter(char c) { return kAsciiLetters[static_cast<unsigned char>(c)]; }

// What a byte means between and around the letters of a plain word.
enum class ByteKind : uint8_t {
  kOther,  // letters, digits, leetspeak symbols, non-ASCII: looked at closely
  kPunct,  // ASCII punctuation and control characters: a word edge
  kSpace,  // ASCII whitespace: ends a token
};

constexpr std::array<ByteKind, 256> BuildByteKinds() {
  std::array<ByteKind, 256> kinds{};
  for (size_t b = 0; b < 128; ++b) {
    const SkeletonClass cls = kAsciiSkeletonChars[b].cls;
    kinds[b] = cls == SkeletonClass::kOther        ? ByteKind::kPunct
               : cls == SkeletonClass::kWhitespace ? ByteKind::kSpace
                                                   : ByteKind::kOther;
  }
  return kinds;
}
constexpr std::array<ByteKind, 256> kByteKinds = BuildByteKinds();

// NUL is punctuation, so loops over punctuation check the size.
bool IsAsciiPunct(char c) { return kByteKinds[static_cast<unsigned char>(c)] == ByteKind::kPunct; }
bool IsAsciiSpace(char c) { return kByteKinds[static_cast<unsigned char>(c)] == ByteKind::kSpace; }

// Letters go straight into canonical form as they arrive. A local value, so
// that the compiler keeps it in registers across the stores through char*.
struct CanonicalWord {
  SkeletonBuffers out;
  size_t end;        // one past the last letter written
  char last = 0;     // the last letter written; 0 before the first
  char partner = 0;  // 'e' when the last letter read was a, o or u

  // entry: from kAsciiLetters. A letter merges into the last one when it
  // repeats it or completes a digraph; the merged letter maps to the union
  // of their ranges.
  void Put(uint16_t entry, uint32_t begin, uint32_t end_offset) {
    const char letter = static_cast<char>(entry & 0xFF);
    const bool merges = letter == last || letter == partner;
    // A digraph's 'e' may be stretched ("Knalltueeete"): keep absorbing e's.
    if (!(merges && letter == partner)) partner = static_cast<char>(entry >> 8);
    if (merges) {
      out.ends[end - 1] = std::max(out.ends[end - 1], end_offset);
      return;
    }
    out.text[end] = letter;
    out.begins[end] = begin;
    out.ends[end++] = end_offset;
    last = letter;
  }
};

struct PlainWord {
  size_t token_end = kNotPlain;  // kNotPlain: not a plain word
  size_t letters_end = 0;        // == first letter if the token vanishes
};

// Writes the canonical letters of the token at in.text[pos] (not
// whitespace) from out[first_letter] on. For a token that is not a plain
// word, the letters written mean nothing.
PlainWord WritePlainWord(const FoldedInput& in, SkeletonBuffers out, size_t pos,
                         size_t first_letter) {
  // Locals, not in.*: stores through char* could alias the struct, which
  // would make the compiler reload its fields for every letter.
  const char* const text = in.text;
  const size_t n = in.size;
  const uint32_t* const begins = in.begins;
  const uint32_t* const ends = in.ends;
  while (pos < n && IsAsciiPunct(text[pos])) ++pos;  // a word edge: skipped
  CanonicalWord word{out, first_letter};
  size_t letters = 0;     // before canonicalisation: a lone letter is no plain word
  bool at_space = false;  // stopped on non-ASCII whitespace
  for (;;) {
    const size_t run_start = pos;
    for (uint16_t entry; (entry = AsciiLetter(text[pos])) != 0; ++pos) {
      word.Put(entry, begins[pos], ends[pos]);
    }
    letters += pos - run_start;
    if (static_cast<unsigned char>(text[pos]) < 0x80) break;  // also at the NUL
    int len;
    const SkeletonChar c = ClassifyForSkeleton(DecodeUtf8Unchecked(text + pos, &len));
    if (c.cls == SkeletonClass::kWhitespace) {
      at_space = true;
      break;
    }
    if (c.cls != SkeletonClass::kLetter) return {};
    const int count = c.LetterCount();
    for (int i = 0; i < count; ++i) word.Put(AsciiLetter(c.letters[i]), begins[pos], ends[pos]);
    letters += static_cast<size_t>(count);
    pos += static_cast<size_t>(len);
  }
  // Trailing punctuation is a word edge too; anything else (a separator
  // inside the word, a digit, a non-ASCII symbol) needs the general path.
  if (!at_space) {
    while (pos < n && IsAsciiPunct(text[pos])) ++pos;
    if (pos < n && !IsAsciiSpace(text[pos])) return {};
  }
  if (letters == 1) return {};  // may be a letter of a spaced run
  return {pos, word.end};
}

}  // namespace

size_t SkipWhitespace(const FoldedInput& in, size_t pos) {
  while (pos < in.size) {
    if (IsAsciiSpace(in.text[pos])) {
      ++pos;
    } else if (static_cast<unsigned char>(in.text[pos]) < 0x80) {
      break;
    } else {
      int len;
      const char32_t cp = DecodeUtf8Unchecked(in.text + pos, &len);
      if (ClassifyForSkeleton(cp).cls != SkeletonClass::kWhitespace) break;
      pos += static_cast<size_t>(len);
    }
  }
  return pos;
}

PlainState WritePlainWords(const FoldedInput& in, SkeletonBuffers out, PlainState state,
                           bool word_blocks) {
  bool refused = false;  // the block path refused the next token: not again
  for (;;) {
    // Words are mostly one ' ' apart: skip that inline (the NUL at the end
    // stops it) and leave other whitespace to SkipWhitespace.
    size_t token = state.pos;
    while (in.text[token] == ' ') ++token;
    if (AsciiLetter(in.text[token]) == 0) token = SkipWhitespace(in, token);
    state.pos = token;
    if (token >= in.size) break;
    if (word_blocks && !refused) {
      const BlockResult blocks = WriteWordBlocks(in, out, state);
      refused = blocks.refused;
      if (blocks.state.pos != token) {
        state = blocks.state;
        continue;
      }
    }
    refused = false;
    const size_t first_letter = state.separator_pending ? state.size + 1 : state.size;
    const PlainWord word = WritePlainWord(in, out, token, first_letter);
    if (word.token_end == kNotPlain) break;
    state.pos = word.token_end;
    if (word.letters_end == first_letter) continue;  // only punctuation: vanishes
    if (state.separator_pending) WriteSeparator(out, state.size, out.begins[first_letter]);
    state.size = word.letters_end;
    state.word_start = first_letter;
    state.separator_pending = true;
  }
  return state;
}

}  // namespace moderation::text::internal
