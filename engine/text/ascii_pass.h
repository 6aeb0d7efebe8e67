// Internal to engine_text: one pass over a text's bytes for the features
// that bytes alone decide (code points, ASCII letters and capitals, runs of
// one ASCII character), SSE2-vectorised.
//
// Why: AccumulateFeatures runs on every post of a rule set with conditions.
// Counting these in one 16-bytes-at-a-time pass costs about two instructions
// per 16 bytes per feature, where separate passes read the text several times.
// Non-ASCII letters and runs of three or more are left to the callers, which
// only look closer when this pass says there is something to see.
//
//   AsciiPass p = ScanAscii(text);
//   if (p.non_ascii) { ...decode the non-ASCII code points... }
//
// Thread-safety: pure function.
#ifndef MODERATION_ENGINE_TEXT_ASCII_PASS_H_
#define MODERATION_ENGINE_TEXT_ASCII_PASS_H_

#include <cstdint>
#include <string_view>

namespace moderation::text::internal {

struct AsciiPass {
  uint32_t code_points = 0;  // bytes that are not UTF-8 continuation bytes
  uint32_t letters = 0;      // A-Z and a-z
  uint32_t upper = 0;        // A-Z
  bool non_ascii = false;    // some byte is >= 0x80
  // Among ASCII bytes that are not whitespace ("run bytes"): is there one,
  // one equal to the byte before it, one equal to the two bytes before it?
  bool run_byte = false;
  bool pair = false;
  bool triple = false;
};

AsciiPass ScanAscii(std::string_view text);

// 1 for an ASCII byte that is not whitespace, else 0.
inline unsigned char IsRunByte(unsigned char b) {
  return static_cast<unsigned char>((b < 0x80) & (b != ' ') &
                                    (static_cast<unsigned char>(b - '\t') > 4));
}

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_ASCII_PASS_H_
