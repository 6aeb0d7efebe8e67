#include "engine/text/normalizer.h"

#include <algorithm>

#include "engine/text/folding.h"
#include "engine/text/skeleton_builder.h"
#include "engine/text/utf8.h"

namespace moderation::text {

ByteRange View::ToOriginal(size_t begin, size_t end) const {
  end = std::min(end, text.size());
  if (begin >= end) {
    // Outside the contract; answer with an empty range at the nearest byte
    // rather than read out of bounds.
    if (begin < text.size()) return {orig_begin[begin], orig_begin[begin]};
    return text.empty() ? ByteRange{} : ByteRange{orig_end.back(), orig_end.back()};
  }
  // orig_begin is non-decreasing, so the first byte has the smallest begin;
  // the ends are scanned because only their union is promised.
  const uint32_t last = *std::max_element(orig_end.begin() + static_cast<ptrdiff_t>(begin),
                                          orig_end.begin() + static_cast<ptrdiff_t>(end));
  return {orig_begin[begin], last};
}

void View::Clear() {
  // clear() keeps the capacity, so a reused View stops allocating.
  text.clear();
  orig_begin.clear();
  orig_end.clear();
}

size_t SkeletonView::WordStart(size_t pos) const {
  pos = std::min(pos, text.size());
  while (pos > 0 && text[pos - 1] != ' ') --pos;
  return pos;
}

size_t SkeletonView::WordEnd(size_t pos) const {
  while (pos < text.size() && text[pos] != ' ') ++pos;
  return std::min(pos, text.size());
}

void SkeletonView::Clear() {
  View::Clear();
  soft_boundary.clear();
}

absl::Status Normalize(std::string_view raw, NormalizedText* out) {
  if (absl::Status s = ValidateUtf8(raw); !s.ok()) return s;
  out->raw = raw;
  internal::BuildFoldedView(raw, &out->folded);
  internal::BuildSkeletonView(out->folded, &out->skeleton);
  return absl::OkStatus();
}

absl::Status FoldTerm(std::string_view term, std::string* out) {
  if (absl::Status s = ValidateUtf8(term); !s.ok()) return s;
  View folded;
  internal::BuildFoldedView(term, &folded);
  *out = std::move(folded.text);
  return absl::OkStatus();
}

absl::Status FoldView(std::string_view raw, View* out) {
  if (absl::Status s = ValidateUtf8(raw); !s.ok()) return s;
  internal::BuildFoldedView(raw, out);
  return absl::OkStatus();
}

absl::Status SkeletonOfTerm(std::string_view term, std::string* out) {
  // A rule load normalises hundreds of thousands of terms (every spelling is
  // checked); one buffer per thread keeps the views' allocations out of that.
  thread_local NormalizedText n;
  if (absl::Status s = Normalize(term, &n); !s.ok()) return s;
  out->assign(n.skeleton.text);
  return absl::OkStatus();
}

}  // namespace moderation::text
