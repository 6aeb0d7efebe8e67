#include "engine/text/utf8.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "engine/text/utf8_internal.h"

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
    // ASCII fast path, eight bytes at a time: most posts are mostly ASCII.
    while (pos + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + pos, sizeof(word));
      if ((word & 0x8080808080808080ULL) != 0) break;
      pos += 8;
    }
    if (pos >= s.size()) break;
    if (static_cast<unsigned char>(s[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const int len = ValidSequenceLength(s, pos);
    if (len == 0) return InvalidAt(pos);
    pos += len;
  }
  return absl::OkStatus();
}

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
