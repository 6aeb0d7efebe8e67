// Internal to engine_text: the general way to collect the letters of one
// token (maximal run of non-whitespace) of the folded view into the scratch
// form of skeleton_scratch.h: letters, look-alikes and diacritics mapped,
// leetspeak resolved, separators inside the token dropped with a soft
// boundary. Digits and symbols are held back until the token shows whether a
// real letter follows them ("Dummb4tz" -> a; "Idiot1" -> nothing). Tokens
// without letters write nothing.
//
// skeleton_builder.cc has a faster path for plain words and falls back to
// this one for everything else.
//
//   TokenCollector collector(folded, buffers);
//   size_t size = 0;
//   CollectedToken token;
//   size_t end = collector.Collect(0, /*separator_pending=*/false, &size, &token);
//
// Thread-safety: a TokenCollector is used by one thread.
#ifndef MODERATION_ENGINE_TEXT_SKELETON_COLLECT_H_
#define MODERATION_ENGINE_TEXT_SKELETON_COLLECT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/text/normalizer.h"
#include "engine/text/skeleton_chars.h"
#include "engine/text/skeleton_scratch.h"

namespace moderation::text::internal {

// What one token contributed.
struct CollectedToken {
  int letters = 0;         // 0: the token vanished
  bool tentative = false;  // a lone digit or symbol (then letters == 1)
};

// The longest run of digits and symbols after a token's last letter that is
// still read as letters (see ResolveTrailing): "Idio7" and "Hur3n$" are
// evasions, "Idiot2024" is a year.
inline constexpr size_t kMaxTrailingLeet = 3;

class TokenCollector {
 public:
  TokenCollector(const View& folded, SkeletonBuffers out);

  // Collects the token that starts at folded position pos (not whitespace)
  // and returns its end: the next whitespace code point, or the end of the
  // text. The scratch is appended at *size, preceded by ' ' when
  // separator_pending and the token has letters.
  size_t Collect(size_t pos, bool separator_pending, size_t* size, CollectedToken* token);

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);

  void Emit(const SkeletonChar& c, int count, size_t pos);
  void ResolveHeld(size_t end);
  void EmitTentative();
  void ResolveTrailing(size_t end);
  bool HeldIsOneThenPunctuation(size_t end) const;
  void EndToken(size_t end);

  const std::string_view in_;
  const uint32_t* const in_begins_;
  const uint32_t* const in_ends_;
  const SkeletonBuffers out_;

  // State of the token being collected.
  size_t size_ = 0;
  size_t held_begin_ = kNone;  // folded offset of held-back digits/symbols
  int letters_ = 0;
  int code_points_ = 0;  // marks excluded
  bool soft_pending_ = false;
  bool separator_pending_ = false;
  bool tentative_ = false;
};

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_SKELETON_COLLECT_H_
