#include "engine/text/skeleton_builder.h"

#include <cstdint>
#include <vector>

#include "engine/text/plain_word.h"
#include "engine/text/skeleton_collect.h"
#include "engine/text/skeleton_scratch.h"

namespace moderation::text::internal {
namespace {

// Streams the folded view into the skeleton, token by token.
//
// Most tokens are plain words (letters, maybe wrapped in punctuation); their
// canonical letters depend on nothing outside the token, so WritePlainWords
// writes them in final form in one pass. Everything else is collected in scratch
// form (skeleton_scratch.h) and finished by the segment passes. Only single-
// letter and tentative tokens need their neighbours: consecutive ones form a
// *run*, kept in scratch until the next multi-letter token (whose separator
// from the run depends on the run), and then finished together with it. A
// separator between two multi-letter tokens is always a plain ' ', so
// nothing before that point can change any more.
//
// The invariant that makes in-place writing safe: finished output is never
// longer than the scratch it came from, so [0, size_) is final output,
// followed by the scratch of the open run, if any.
class SkeletonWriter {
 public:
  SkeletonWriter(const View& folded, SkeletonView* out, bool word_blocks)
      : in_{folded.text.c_str(), folded.text.size(), folded.orig_begin.data(),
            folded.orig_end.data()},
        out_{out->text.data(), out->orig_begin.data(), out->orig_end.data()},
        soft_boundary_(&out->soft_boundary),
        collector_(folded, out_),
        word_blocks_(word_blocks) {}

  // Writes the whole skeleton and returns its size.
  size_t Write() {
    size_t pos = 0;
    for (;;) {
      if (!run_open_) pos = PlainWords(pos);
      pos = SkipWhitespace(in_, pos);
      if (pos >= in_.size) break;
      pos = GeneralToken(pos);
    }
    if (run_open_) FinishRun();
    return size_;
  }

 private:
  size_t PlainWords(size_t pos);
  size_t GeneralToken(size_t pos);
  void FinishRun();

  const FoldedInput in_;
  const SkeletonBuffers out_;
  std::vector<bool>* const soft_boundary_;
  TokenCollector collector_;
  const bool word_blocks_;

  size_t size_ = 0;        // end of final output, then of the run's scratch
  size_t word_start_ = 0;  // start of the last finished word
  // A token with letters came before: the next one needs a separator.
  bool separator_pending_ = false;
  // The open run of single-letter and tentative tokens, if any.
  bool run_open_ = false;
  bool run_has_tentative_ = false;
  size_t run_start_ = 0;
};

// Writes the plain words (plain_word.h) from pos on, outside a run, and
// returns the start of the next token that needs the general path.
size_t SkeletonWriter::PlainWords(size_t pos) {
  const PlainState state =
      WritePlainWords(in_, out_, {pos, size_, word_start_, separator_pending_}, word_blocks_);
  size_ = state.size;
  word_start_ = state.word_start;
  separator_pending_ = state.separator_pending;
  return state.pos;
}

// Collects any token in scratch form. A multi-letter token is finished at
// once, together with the open run before it; a single-letter or tentative
// one joins the run.
size_t SkeletonWriter::GeneralToken(size_t pos) {
  const size_t token_start = size_;
  CollectedToken token;
  pos = collector_.Collect(pos, separator_pending_, &size_, &token);
  if (token.letters == 0) return pos;
  separator_pending_ = true;
  if (token.letters >= 2) {
    if (run_open_) {
      FinishRun();
    } else {
      size_ = CanonicaliseWords(out_, token_start, size_, &word_start_, soft_boundary_);
    }
    return pos;
  }
  if (!run_open_) {
    run_open_ = true;
    run_has_tentative_ = false;
    run_start_ = token_start;
  }
  run_has_tentative_ |= token.tentative;
  return pos;
}

// Finishes the scratch from the start of the run to size_ (the run plus the
// multi-letter token after it, if any).
void SkeletonWriter::FinishRun() {
  const SkeletonBuffers segment = out_.At(run_start_);
  size_t n = size_ - run_start_;
  if (run_has_tentative_) n = ResolveTentativeLetters(segment, n);
  MarkJoins(segment.text, n);
  size_ = CanonicaliseWords(out_, run_start_, run_start_ + n, &word_start_, soft_boundary_);
  run_open_ = false;
}

}  // namespace

void BuildSkeletonView(const View& folded, SkeletonView* out, bool word_blocks) {
  // One folded byte yields at most 1.5 letters (a 2-byte code point may stand
  // for up to 3) plus at most one token separator per whitespace byte.
  const size_t capacity = 2 * folded.text.size();
  out->text.resize(capacity);
  out->orig_begin.resize(capacity);
  out->orig_end.resize(capacity);
  // Soft boundaries are rare: clear the bits once, then set only the true
  // ones.
  out->soft_boundary.assign(capacity + 1, false);
  const size_t size = SkeletonWriter(folded, out, word_blocks).Write();
  out->text.resize(size);
  out->orig_begin.resize(size);
  out->orig_end.resize(size);
  out->soft_boundary.resize(size + 1);
}

}  // namespace moderation::text::internal
