// The normaliser: turns a text into the views the matchers scan, each with a
// map from every byte of the view back to the original byte range.
//
// Why: evasions ("D u m m b 4 t z", Cyrillic look-alikes, zero-width joiners,
// "Blööödmann") must match a rule term written once in plain German, and every
// match must still be reported on the exact bytes the user typed. The same
// canonicalisation is applied to rule terms (SkeletonOfTerm) and to posts
// (Normalize), so both sides always agree.
//
// Views:
//  * raw:      the original UTF-8 (validated). Not copied.
//  * folded:   NFKC + full case folding, with default-ignorable code points
//              (zero-width space/joiners, soft hyphen, bidi controls,
//              variation selectors) removed. Lower-case UTF-8. Regex rules
//              scan this view, so "ICH BRING DICH UM" and fullwidth digits are
//              seen in their plain form.
//  * skeleton: an ASCII-only stream of the letters a-z and single ' ' word
//              separators, built from the folded view by:
//                - dropping diacritics (ä -> a) and mapping look-alike letters
//                  from other scripts (Cyrillic а, Greek ο, ...) to Latin,
//                - mapping leetspeak inside words (4,@ -> a; 3,€ -> e; 1,!,| -> i;
//                  0 -> o; 5,$ -> s; 7,+ -> t; ...),
//                - merging the look-alikes l and i into 'i' (1 may stand for
//                  either),
//                - "ae"/"oe"/"ue" -> "a"/"o"/"u" and "ß" -> "ss" (so Bloedmann =
//                  Blödmann = Blodmann),
//                - collapsing runs of the same letter ("dummbaaatz" ->
//                  "dumbatz"),
//                - joining letters split by separators inside a token
//                  ("d.u.m.m", "dumm-batz", "du*mmbatz", "d_u_m_m") and runs of
//                  two or more single-letter tokens ("D u m m b a t z").
//              Where separators were removed, a *soft boundary* is recorded:
//              a position that word-boundary checks treat as a word edge, but
//              that a literal may run across.
//
// Example:
//   moderation::text::NormalizedText n;
//   absl::Status s = moderation::text::Normalize("Du Blödmаnn!", &n);
//   // n.skeleton.text == "du biodman"
//   // n.skeleton.ToOriginal(3, 10) == {3, 14}  (the bytes of "Blödmаnn")
//
// Thread-safety: Normalize and SkeletonOfTerm are safe to call concurrently;
// a NormalizedText is a plain value owned by one thread.
#ifndef MODERATION_ENGINE_TEXT_NORMALIZER_H_
#define MODERATION_ENGINE_TEXT_NORMALIZER_H_

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace moderation::text {

// An allocator whose resize() leaves new elements uninitialised. The offset
// maps are resized to their worst case on every post and then written in
// full, so value-initialising them would be a wasted memset per post.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <typename U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// Byte offsets into the original text, one per byte of a view.
using OffsetVector = std::vector<uint32_t, DefaultInitAllocator<uint32_t>>;

// A half-open byte range [begin, end) in the original text.
struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

// A derived text plus, for each of its bytes, the original bytes it came from.
// Invariants: orig_begin.size() == orig_end.size() == text.size();
// orig_begin is non-decreasing; orig_begin[i] < orig_end[i].
struct View {
  std::string text;
  OffsetVector orig_begin;
  OffsetVector orig_end;

  // Maps [begin, end) of this view (begin < end <= text.size()) to the
  // smallest original range that covers it.
  ByteRange ToOriginal(size_t begin, size_t end) const;
  void Clear();
};

// The skeleton view; see the file comment.
struct SkeletonView : View {
  // soft_boundary[i] is true when separators were removed between text[i-1]
  // and text[i]. Size text.size() + 1; entries 0 and text.size() are false.
  std::vector<bool> soft_boundary;

  // True at the start or end of the text, next to a ' ', or at a soft
  // boundary. pos is in [0, text.size()].
  // Inline: the matchers call it for every candidate end.
  bool IsWordEdge(size_t pos) const {
    if (pos == 0 || pos >= text.size()) return true;
    return text[pos - 1] == ' ' || text[pos] == ' ' || soft_boundary[pos];
  }
  // The start of the word that contains position pos (pos < text.size(),
  // text[pos] != ' '): scans back to the nearest ' ' or text start. Soft
  // boundaries do not end a word here.
  size_t WordStart(size_t pos) const;
  // The end (exclusive) of the word that contains position pos - 1.
  size_t WordEnd(size_t pos) const;
  void Clear();
};

// All views of one text. `raw` points into the caller's string, which must
// outlive this value.
struct NormalizedText {
  std::string_view raw;
  View folded;
  SkeletonView skeleton;
};

// Validates raw as UTF-8 and fills *out (reusing its buffers, so a caller that
// keeps one NormalizedText per thread allocates nothing in steady state).
// Returns InvalidArgument "invalid UTF-8 at byte N" for bad input; *out is
// then unspecified.
absl::Status Normalize(std::string_view raw, NormalizedText* out);

// The folded form of a term or of a whole string (same rules as the folded
// view). Invalid UTF-8 yields an error.
absl::Status FoldTerm(std::string_view term, std::string* out);

// Validates raw as UTF-8 and fills *out with its folded view alone, reusing
// out's buffers: for callers outside the engine that must see a text as the
// rules see it (the server's pulse counts its topics on it) without paying
// for the skeleton, nor allocating in steady state as FoldTerm does.
// Returns InvalidArgument "invalid UTF-8 at byte N" for bad input; *out is
// then unspecified.
//
//   View folded;  // kept per thread
//   if (FoldView("IMPF\u00ADPFLICHT", &folded).ok()) ...  // "impfpflicht"
absl::Status FoldView(std::string_view raw, View* out);

// The skeleton of a rule term, exactly as it would appear in the skeleton
// view of a post that spells the term plainly. Words inside the term keep a
// single ' ' between them. Returns InvalidArgument on invalid UTF-8.
absl::Status SkeletonOfTerm(std::string_view term, std::string* out);

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_NORMALIZER_H_
