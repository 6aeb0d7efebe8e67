// Internal to engine_text: an inline UTF-8 decoder and ASCII-run finder for
// the per-character loops of the normaliser and the features pass, where a
// call into utf8.cc per code point would cost more than the work itself.
//
//   int len;
//   char32_t cp = DecodeUtf8Unchecked(text.data() + pos, &len);
//   size_t next_non_ascii = AsciiRunEnd(text, pos);
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_TEXT_UTF8_INTERNAL_H_
#define MODERATION_ENGINE_TEXT_UTF8_INTERNAL_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace moderation::text::internal {

// Skips ASCII from text[begin] (begin + 32 <= text.size()) 32 bytes at a
// time with AVX2, where the CPU has it: returns the first byte >= 0x80, or a
// position with fewer than 32 bytes left and only ASCII before it (begin
// itself without AVX2). Defined in utf8.cc, out of line: few runs are long.
size_t SkipLongAscii(std::string_view text, size_t begin);

// The end of the run of ASCII bytes that starts at text[begin] (the first
// byte >= 0x80 at or after begin, or text.size()), eight bytes at a time,
// and 32 at a time past the first eight: most posts are mostly ASCII.
inline size_t AsciiRunEnd(std::string_view text, size_t begin) {
  size_t end = begin;
  if (end + 8 + 32 <= text.size()) {
    uint64_t word;
    std::memcpy(&word, text.data() + end, sizeof(word));
    const uint64_t high_bits = word & 0x8080808080808080ULL;
    if (high_bits != 0) return end + static_cast<size_t>(std::countr_zero(high_bits) / 8);
    end = SkipLongAscii(text, end + 8);
  }
  while (end + 8 <= text.size()) {
    uint64_t word;
    std::memcpy(&word, text.data() + end, sizeof(word));
    const uint64_t high_bits = word & 0x8080808080808080ULL;
    if (high_bits != 0) {
      // The first non-ASCII byte is the lowest set high bit (little-endian).
      return end + static_cast<size_t>(std::countr_zero(high_bits) / 8);
    }
    end += 8;
  }
  while (end < text.size() && static_cast<unsigned char>(text[end]) < 0x80) ++end;
  return end;
}

// Decodes the code point at p, which must start a sequence of text that
// ValidateUtf8 accepted (so no bounds or continuation checks are needed).
// Sets *len to its byte length (1..4).
inline char32_t DecodeUtf8Unchecked(const char* p, int* len) {
  const auto b = [p](int i) { return static_cast<char32_t>(static_cast<unsigned char>(p[i])); };
  const char32_t b0 = b(0);
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  if (b0 < 0xE0) {
    *len = 2;
    return ((b0 & 0x1F) << 6) | (b(1) & 0x3F);
  }
  if (b0 < 0xF0) {
    *len = 3;
    return ((b0 & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  }
  *len = 4;
  return ((b0 & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_UTF8_INTERNAL_H_
