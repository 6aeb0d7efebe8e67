#include "engine/match/split_word.h"

namespace moderation::match {

bool SplitEligible(std::string_view term_skeleton) {
  return term_skeleton.size() >= kMinSplitTermLetters &&
         term_skeleton.find(' ') == std::string_view::npos;
}

bool AcceptsSplitMatch(const text::SkeletonView& sk, const text::JoinedView& joined, size_t begin,
                       size_t end, Attachment attachment, text::SkeletonView* word, SplitHit* hit) {
  const size_t joins = joined.JoinsInside(begin, end);
  if (joins == 0 || joins >= kMaxSplitChunks) return false;
  const size_t sk_begin = joined.SkeletonBegin(begin);
  const size_t sk_end = joined.to_skeleton[end - 1] + 1;
  const size_t word_begin = sk.WordStart(sk_begin);
  const size_t word_end = sk.WordEnd(sk_end);
  // The chunks touched, joined: one stretch of the joined view, because the
  // first and last chunk are contiguous there.
  const size_t from = begin - (sk_begin - word_begin);
  const size_t to = end + (word_end - sk_end);
  word->text.assign(joined.text, from, to - from);
  // Soft boundaries inside a chunk ("Hurens-ohn") stay word edges; a removed
  // space is none.
  word->soft_boundary.assign(word->text.size() + 1, false);
  for (size_t i = from + 1; i < to; ++i) {
    const uint32_t at = joined.to_skeleton[i];
    if (at == joined.to_skeleton[i - 1] + 1 && sk.soft_boundary[at]) {
      word->soft_boundary[i - from] = true;
    }
  }
  if (!AcceptsMatch(*word, begin - from, end - from, attachment)) return false;
  *hit = {sk_begin, sk_end, word_begin, word_end};
  return true;
}

}  // namespace moderation::match
