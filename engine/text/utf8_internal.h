// Internal to engine_text: an inline UTF-8 decoder for the per-character
// loops of the normaliser, where a call into utf8.cc per code point would
// cost more than the decoding itself.
//
//   int len;
//   char32_t cp = DecodeUtf8Unchecked(text.data() + pos, &len);
//
// Thread-safety: pure function.
#ifndef MODERATION_ENGINE_TEXT_UTF8_INTERNAL_H_
#define MODERATION_ENGINE_TEXT_UTF8_INTERNAL_H_

namespace moderation::text::internal {

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
