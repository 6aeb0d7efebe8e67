// UTF-8 validation and decoding.
//
// Why: every text that reaches the engine (posts, rule terms, examples) must
// be valid UTF-8. Invalid input is an error naming the byte offset, never a
// crash and never silently "repaired", so that offsets we report always refer
// to the bytes the client sent.
//
//   absl::Status s = moderation::text::ValidateUtf8(body);
//   // s.message(): "invalid UTF-8 at byte 17"
//
// Thread-safety: pure functions, safe from any thread.
#ifndef MODERATION_ENGINE_TEXT_UTF8_H_
#define MODERATION_ENGINE_TEXT_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

namespace moderation::text {

// Returns OK, or InvalidArgument "invalid UTF-8 at byte N" for the first bad
// byte (overlong forms, surrogates, code points above U+10FFFF, truncated
// sequences and stray continuation bytes are all rejected).
absl::Status ValidateUtf8(std::string_view s);

// Decodes the code point starting at s[pos] of a string that ValidateUtf8
// accepted. Sets *len to its byte length (1..4).
char32_t DecodeUtf8(std::string_view s, size_t pos, int* len);

// Appends the UTF-8 encoding of cp to *out.
void AppendUtf8(char32_t cp, std::string* out);

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_UTF8_H_
