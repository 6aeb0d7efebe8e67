#include "engine/text/utf8.h"

#include <bit>
#include <cstring>

#include "absl/strings/str_format.h"
#include "engine/text/utf8_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace moderation::text {
namespace {

absl::Status InvalidAt(size_t pos) {
  return absl::InvalidArgumentError(absl::StrFormat("invalid UTF-8 at byte %d", pos));
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Returns the length of the valid sequence at s[pos], or 0 if it is invalid.
// Follows the well-formed byte sequences table of Unicode 15, §3.9 (D92), so
// overlongs, surrogates and values above U+10FFFF are rejected.
int ValidSequenceLength(std::string_view s, size_t pos) {
  const auto byte = [&](size_t i) -> int {
    return pos + i < s.size() ? static_cast<unsigned char>(s[pos + i]) : -1;
  };
  const int b0 = byte(0);
  if (b0 < 0x80) return 1;
  if (b0 < 0xC2) return 0;  // continuation byte or overlong 2-byte lead
  if (b0 < 0xE0) return IsContinuation(byte(1)) && byte(1) >= 0 ? 2 : 0;
  int lo = 0x80, hi = 0xBF;
  if (b0 < 0xF0) {
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates
    const int b1 = byte(1), b2 = byte(2);
    return b1 >= lo && b1 <= hi && b2 >= 0x80 && b2 <= 0xBF ? 3 : 0;
  }
  if (b0 > 0xF4) return 0;
  if (b0 == 0xF0) lo = 0x90;
  if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  const int b1 = byte(1), b2 = byte(2), b3 = byte(3);
  return b1 >= lo && b1 <= hi && b2 >= 0x80 && b2 <= 0xBF && b3 >= 0x80 && b3 <= 0xBF ? 4 : 0;
}

}  // namespace

absl::Status ValidateUtf8(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    // ASCII fast path: most posts are mostly ASCII.
    pos = internal::AsciiRunEnd(s, pos);
    if (pos >= s.size()) break;
    const int len = ValidSequenceLength(s, pos);
    if (len == 0) return InvalidAt(pos);
    pos += len;
  }
  return absl::OkStatus();
}

namespace internal {
namespace {

#if defined(__x86_64__)
__attribute__((target("avx2"))) size_t SkipAsciiAvx2(std::string_view text, size_t begin) {
  for (; begin + 32 <= text.size(); begin += 32) {
    const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(text.data() + begin));
    const auto high_bits = static_cast<uint32_t>(_mm256_movemask_epi8(bytes));
    if (high_bits != 0) return begin + static_cast<size_t>(std::countr_zero(high_bits));
  }
  return begin;
}

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace

size_t SkipLongAscii(std::string_view text, size_t begin) {
#if defined(__x86_64__)
  if (HasAvx2()) return SkipAsciiAvx2(text, begin);
#endif
  return begin;
}

}  // namespace internal

char32_t DecodeUtf8(std::string_view s, size_t pos, int* len) {
  return internal::DecodeUtf8Unchecked(s.data() + pos, len);
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace moderation::text
