#include "engine/text/joined_view.h"

#include <algorithm>

#include "engine/text/utf8.h"

namespace moderation::text {
namespace {

// Unicode White_Space without the line and paragraph breaks: a line break
// between two chunks is more often the end of a line of a list or a poem
// than a split word.
bool IsHorizontalSpace(char32_t cp) {
  return cp == 0x20 || cp == 0x09 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// The default-ignorable code points the folded view drops (zero-width
// space and joiners, soft hyphen, bidi controls, variation selectors, tags):
// invisible, so they do not separate what the reader sees as one gap.
bool IsInvisible(char32_t cp) {
  return cp == 0xAD || cp == 0x34F || cp == 0x61C || (cp >= 0x180B && cp <= 0x180F) ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x206F) || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
         (cp >= 0xE0000 && cp <= 0xE0FFF);
}

}  // namespace

bool IsHorizontalSpaceGap(std::string_view raw, size_t begin, size_t end) {
  bool space = false;  // an empty or all-invisible gap is no typed space
  while (begin < end) {
    const char c = raw[begin];
    if (c == ' ' || c == '\t') {  // the common case, without decoding
      space = true;
      ++begin;
      continue;
    }
    int len = 1;
    const char32_t cp = DecodeUtf8(raw, begin, &len);
    if (IsHorizontalSpace(cp)) {
      space = true;
    } else if (!IsInvisible(cp)) {
      return false;
    }
    begin += static_cast<size_t>(len);
  }
  return space;
}

// The first join whose `at` lies after pos.
static std::vector<Join>::const_iterator JoinAfter(const std::vector<Join>& joins, size_t pos) {
  return std::upper_bound(joins.begin(), joins.end(), pos,
                          [](size_t p, const Join& j) { return p < j.at; });
}

size_t JoinedView::JoinsInside(size_t begin, size_t end) const {
  size_t n = 0;
  for (auto j = JoinAfter(joins, begin); j != joins.end() && j->at < end; ++j) {
    if (begin + (j->shared ? 1 : 0) < j->at) ++n;
  }
  return n;
}

size_t JoinedView::SkeletonBegin(size_t pos) const {
  const auto j = JoinAfter(joins, pos);
  if (j != joins.end() && j->shared && j->at == pos + 1) return to_skeleton[j->at] - 1;
  return to_skeleton[pos];
}

// One pass over the skeleton's bytes: letters are copied, and a space is
// dropped when the words on both sides are chunks and only whitespace was
// typed between them. It runs on every field of every post, so it writes
// into buffers sized once and calls nothing for the common gap (one ' ').
void BuildJoinedView(const SkeletonView& sk, std::string_view raw, JoinedView* out) {
  // A local pointer: the char stores below may alias anything, so reading
  // through sk.text would reload its data pointer for every byte.
  const char* const t = sk.text.data();
  const size_t size = sk.text.size();
  out->joins.clear();
  out->text.resize(size);
  out->to_skeleton.resize(size);
  char* const text = out->text.data();
  uint32_t* const map = out->to_skeleton.data();
  size_t n = 0;           // bytes written
  size_t word_start = 0;  // skeleton offset of the word being copied
  for (size_t i = 0; i < size; ++i) {
    if (t[i] != ' ') {
      text[n] = t[i];
      map[n++] = static_cast<uint32_t>(i);
      continue;
    }
    static_assert(kMinSplitChunkLetters == 2, "the look-ahead below checks two letters");
    const bool chunks = i - word_start >= kMinSplitChunkLetters && i + 2 < size &&
                        t[i + 1] != ' ' && t[i + 2] != ' ';
    word_start = i + 1;
    if (chunks) {
      const size_t gap_begin = sk.orig_end[i - 1], gap_end = sk.orig_begin[i + 1];
      if ((gap_end == gap_begin + 1 && raw[gap_begin] == ' ') ||
          IsHorizontalSpaceGap(raw, gap_begin, gap_end)) {
        const bool shared = t[i - 1] == t[i + 1];
        out->joins.push_back({static_cast<uint32_t>(n), shared});
        if (shared) ++i;  // written once, as the last letter before the join
        continue;
      }
    }
    text[n] = ' ';
    map[n++] = static_cast<uint32_t>(i);
  }
  out->text.resize(n);
  out->to_skeleton.resize(n);
}

}  // namespace moderation::text
