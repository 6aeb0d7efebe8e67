// Fuzz target: the normaliser (engine/text) on arbitrary bytes.
//
// Invariants checked on every input:
//  * Normalize accepts exactly what ValidateUtf8 accepts, with the same error.
//  * Each view has one (begin, end) pair per byte; begins never decrease;
//    begin < end <= raw.size(); both lie on UTF-8 boundaries of the raw text.
//  * The folded view is valid UTF-8 and equals FoldTerm of the same text.
//  * The skeleton holds only a-z and single spaces, with soft boundaries
//    sized text + 1 and false at both ends; its word helpers stay in range.
//  * ToOriginal of any view range lies in the raw text on UTF-8 boundaries.
//  * A NormalizedText reused from a previous (different) text gives the same
//    views as a fresh one, so per-thread buffer reuse cannot leak old bytes.
//  * Each mended view (engine/text/mended_view.h) keeps the folded view's
//    map invariants and is valid UTF-8; an unchanged one equals the folded
//    view; the vector pre-check answers as the byte loop, and a "no" from it
//    comes with an unchanged view.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/text/mended_view.h"
#include "engine/text/normalizer.h"
#include "engine/text/utf8.h"
#include "tests/fuzz/fuzz_check.h"

namespace moderation::fuzz {
namespace {

void CheckOffsets(std::string_view raw, const text::View& view, const char* name) {
  FUZZ_CHECK(view.orig_begin.size() == view.text.size() && view.orig_end.size() == view.text.size())
      << name << ": " << view.text.size() << " bytes, maps " << view.orig_begin.size() << "/"
      << view.orig_end.size();
  for (size_t i = 0; i < view.text.size(); ++i) {
    const uint32_t b = view.orig_begin[i], e = view.orig_end[i];
    FUZZ_CHECK(b < e && e <= raw.size())
        << name << "[" << i << "] maps to " << b << ".." << e << " of " << raw.size();
    FUZZ_CHECK(IsUtf8Boundary(raw, b) && IsUtf8Boundary(raw, e))
        << name << "[" << i << "] maps to " << b << ".." << e << ", inside a character of "
        << Excerpt(raw);
    if (i > 0) {
      FUZZ_CHECK(view.orig_begin[i - 1] <= b) << name << ": begin map decreases at " << i << " ("
                                              << view.orig_begin[i - 1] << " > " << b << ")";
    }
  }
}

// ToOriginal on a spread of ranges (every range for short views).
void CheckToOriginal(std::string_view raw, const text::View& view, const char* name) {
  const size_t n = view.text.size();
  const size_t step = n <= 16 ? 1 : n / 8;
  for (size_t begin = 0; begin < n; begin += step) {
    for (size_t end = begin + 1; end <= n; end += step) {
      const text::ByteRange r = view.ToOriginal(begin, end);
      FUZZ_CHECK(r.begin < r.end && r.end <= raw.size())
          << name << ".ToOriginal(" << begin << ", " << end << ") = " << r.begin << ".." << r.end;
      FUZZ_CHECK(IsUtf8Boundary(raw, r.begin) && IsUtf8Boundary(raw, r.end))
          << name << ".ToOriginal(" << begin << ", " << end << ") = " << r.begin << ".." << r.end
          << " splits a character";
      FUZZ_CHECK(r.begin == view.orig_begin[begin] && r.end >= view.orig_end[end - 1])
          << name << ".ToOriginal(" << begin << ", " << end << ") does not cover its bytes";
    }
  }
}

void CheckSkeleton(const text::SkeletonView& sk) {
  const std::string& t = sk.text;
  for (size_t i = 0; i < t.size(); ++i) {
    FUZZ_CHECK((t[i] >= 'a' && t[i] <= 'z') || t[i] == ' ')
        << "skeleton byte " << i << " is " << Excerpt(t.substr(i, 1)) << " in " << Excerpt(t);
    FUZZ_CHECK(t[i] != ' ' || i == 0 || t[i - 1] != ' ')
        << "two spaces in a row at " << i << " in " << Excerpt(t);
  }
  FUZZ_CHECK(sk.soft_boundary.size() == t.size() + 1)
      << "soft_boundary has " << sk.soft_boundary.size() << " entries for " << t.size() << " bytes";
  FUZZ_CHECK(!sk.soft_boundary.front() && !sk.soft_boundary.back())
      << "a soft boundary at the start or end of " << Excerpt(t);
  // Each word (a maximal run of letters) as the word helpers see it, from
  // its first and from its last letter.
  for (size_t start = 0; start < t.size();) {
    if (t[start] == ' ') {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < t.size() && t[end] != ' ') ++end;
    FUZZ_CHECK(sk.WordStart(start) == start && sk.WordStart(end - 1) == start &&
               sk.WordEnd(start + 1) == end && sk.WordEnd(end) == end)
        << "word helpers disagree on the word " << start << ".." << end << " of " << Excerpt(t);
    FUZZ_CHECK(sk.IsWordEdge(start) && sk.IsWordEdge(end))
        << "word " << start << ".." << end << " does not start and end at word edges";
    start = end;
  }
}

void CheckSameViews(const text::NormalizedText& a, const text::NormalizedText& b) {
  FUZZ_CHECK(a.folded.text == b.folded.text && a.folded.orig_begin == b.folded.orig_begin &&
             a.folded.orig_end == b.folded.orig_end)
      << "folded view differs between a fresh and a reused NormalizedText";
  FUZZ_CHECK(a.skeleton.text == b.skeleton.text && a.skeleton.orig_begin == b.skeleton.orig_begin &&
             a.skeleton.orig_end == b.skeleton.orig_end &&
             a.skeleton.soft_boundary == b.skeleton.soft_boundary)
      << "skeleton differs between a fresh and a reused NormalizedText: "
      << Excerpt(a.skeleton.text) << " vs " << Excerpt(b.skeleton.text);
}

void CheckMendedViews(std::string_view raw, const text::View& folded) {
  const bool maybe = text::MayNeedMending(folded.text);
  FUZZ_CHECK(maybe == text::internal::MayNeedMendingScalar(folded.text))
      << "the vector and the byte pre-check disagree on " << Excerpt(folded.text);
  static text::MendScratch* scratch = new text::MendScratch();
  static text::View* mended = new text::View();
  static text::View* whole = new text::View();
  for (text::RunLength runs :
       {text::RunLength::kOne, text::RunLength::kTwo, text::RunLength::kVowelsOne}) {
    text::MendReport report;
    text::MendReport whole_report;
    text::internal::MendFoldedViewWhole(folded, runs, scratch, whole, &whole_report);
    text::MendFoldedView(folded, runs, scratch, mended, &report);
    FUZZ_CHECK(mended->text == whole->text && mended->orig_begin == whole->orig_begin &&
               mended->orig_end == whole->orig_end && report.changed == whole_report.changed &&
               report.cut_vowel_runs == whole_report.cut_vowel_runs &&
               report.cut_consonant_runs == whole_report.cut_consonant_runs)
        << "reading the suspect words gives " << Excerpt(mended->text)
        << ", reading the whole text " << Excerpt(whole->text);
    CheckOffsets(raw, *mended, "mended");
    CheckToOriginal(raw, *mended, "mended");
    FUZZ_CHECK(text::ValidateUtf8(mended->text).ok())
        << "mended view is not UTF-8: " << Excerpt(mended->text);
    FUZZ_CHECK(report.changed || mended->text == folded.text)
        << "mended view " << Excerpt(mended->text) << " differs but reports no change";
    FUZZ_CHECK(maybe || !whole_report.changed)
        << "the pre-check skipped a text that mends to " << Excerpt(mended->text);
  }
}

}  // namespace
}  // namespace moderation::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moderation;
  using namespace moderation::fuzz;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  // The reused value first normalises a different text, as a thread's buffers
  // would have, then this one.
  static text::NormalizedText* reused = new text::NormalizedText();
  const absl::Status valid = text::ValidateUtf8(raw);
  text::NormalizedText fresh;
  const absl::Status status = text::Normalize(raw, &fresh);
  FUZZ_CHECK(status == valid) << "Normalize said '" << status << "', ValidateUtf8 said '" << valid
                              << "' for " << Excerpt(raw);
  if (!status.ok()) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument) << status;
    std::string ignored;
    FUZZ_CHECK(!text::FoldTerm(raw, &ignored).ok()) << "FoldTerm accepted invalid UTF-8";
    FUZZ_CHECK(!text::SkeletonOfTerm(raw, &ignored).ok())
        << "SkeletonOfTerm accepted invalid UTF-8";
    return 0;
  }
  FUZZ_CHECK(fresh.raw.data() == raw.data() && fresh.raw.size() == raw.size())
      << "raw view is not the caller's text";
  CheckOffsets(raw, fresh.folded, "folded");
  CheckOffsets(raw, fresh.skeleton, "skeleton");
  FUZZ_CHECK(text::ValidateUtf8(fresh.folded.text).ok())
      << "folded view is not UTF-8: " << Excerpt(fresh.folded.text);
  CheckSkeleton(fresh.skeleton);
  CheckToOriginal(raw, fresh.folded, "folded");
  CheckToOriginal(raw, fresh.skeleton, "skeleton");
  CheckMendedViews(raw, fresh.folded);

  std::string folded_term;
  FUZZ_CHECK(text::FoldTerm(raw, &folded_term).ok()) << "FoldTerm rejected valid UTF-8";
  FUZZ_CHECK(folded_term == fresh.folded.text)
      << "FoldTerm " << Excerpt(folded_term) << " != folded view " << Excerpt(fresh.folded.text);
  std::string skeleton_term;
  FUZZ_CHECK(text::SkeletonOfTerm(raw, &skeleton_term).ok()) << "SkeletonOfTerm rejected UTF-8";
  FUZZ_CHECK(skeleton_term == fresh.skeleton.text) << "SkeletonOfTerm differs from the view";

  FUZZ_CHECK(text::Normalize(raw, reused).ok()) << "second Normalize failed";
  CheckSameViews(fresh, *reused);
  // Leave the reused buffers holding something else for the next input.
  static const std::string kOther = "Ein anderer T3xt mit Ümläuten, a.r.s.c.h und 😀 zum Schluss";
  FUZZ_CHECK(text::Normalize(kOther, reused).ok()) << "Normalize of a fixed text failed";
  return 0;
}
