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

// One pass over the skeleton's words. The space before a word is dropped
// when both that word and the one before it are chunks and only whitespace
// was typed between them.
void BuildJoinedView(const SkeletonView& sk, std::string_view raw, JoinedView* out) {
  out->Clear();
  const std::string& t = sk.text;
  out->text.reserve(t.size());
  out->to_skeleton.reserve(t.size());
  size_t previous_letters = 0;  // of the word before the pending space
  size_t pos = 0;
  while (pos < t.size()) {
    size_t end = t.find(' ', pos);
    if (end == std::string::npos) end = t.size();
    size_t from = pos;
    if (pos > 0) {
      const size_t space = pos - 1;
      const bool join = previous_letters >= kMinSplitChunkLetters &&
                        end - pos >= kMinSplitChunkLetters &&
                        IsHorizontalSpaceGap(raw, sk.orig_end[space - 1], sk.orig_begin[pos]);
      if (!join) {
        out->text.push_back(' ');
        out->to_skeleton.push_back(static_cast<uint32_t>(space));
      } else {
        const bool shared = t[space - 1] == t[pos];
        if (shared) ++from;
        out->joins.push_back({static_cast<uint32_t>(out->text.size()), shared});
      }
    }
    out->text.append(t, from, end - from);
    for (size_t i = from; i < end; ++i) out->to_skeleton.push_back(static_cast<uint32_t>(i));
    previous_letters = end - pos;
    pos = end + 1;
  }
}

}  // namespace moderation::text
