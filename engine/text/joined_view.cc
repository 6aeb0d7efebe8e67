#include "engine/text/joined_view.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
    // Any other ASCII byte (a comma, a line break) is visible or breaks the
    // line: no need to decode it.
    if (static_cast<unsigned char>(c) < 0x80) return false;
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

size_t JoinedView::ToSkeleton(size_t pos) const {
  // Joins at or before pos have removed their bytes before it; a shared
  // letter (at - 1) still lies before its own join.
  const auto j = JoinAfter(joins, pos);
  return j == joins.begin() ? pos : pos + std::prev(j)->removed;
}

size_t JoinedView::SkeletonBegin(size_t pos) const {
  const auto j = JoinAfter(joins, pos);
  if (j != joins.end() && j->shared && j->at == pos + 1) return ToSkeleton(j->at) - 1;
  return ToSkeleton(pos);
}

namespace {

// Copies t[from, first ' ' at or after from) to out (which may be up to 16
// bytes past the copy's end writable, and never overlaps t) and returns
// that space's offset, or size. Sixteen bytes at a time while that many are
// left to read: a skeleton word is about six letters, and a byte loop paid
// a load, a compare, a branch and a store for each of them.
size_t CopyToSpace(const char* t, size_t from, size_t size, char* out) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  while (from + 16 <= size) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + from));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), block);
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, space)));
    if (mask != 0) return from + static_cast<size_t>(__builtin_ctz(mask));
    from += 16;
    out += 16;
  }
#endif
  while (from < size && t[from] != ' ') *out++ = t[from++];
  return from;
}

}  // namespace

// The skeleton's words are copied a run at a time; each space between them
// is kept, or dropped when the words on both sides are chunks and only
// whitespace was typed between them. It runs on every field of every post,
// so it writes into a buffer sized once and calls nothing for the common
// gap (one ' ').
void BuildJoinedView(const SkeletonView& sk, std::string_view raw, JoinedView* out) {
  const char* const t = sk.text.data();
  const size_t size = sk.text.size();
  out->joins.clear();
  out->text.resize(size);
  char* const text = out->text.data();
  size_t n = 0;           // bytes written
  size_t i = 0;           // next skeleton byte to copy
  size_t word_start = 0;  // skeleton offset of the word being copied
  uint32_t removed = 0;   // skeleton bytes left out so far
  while (i < size) {
    // n <= i: the view only ever leaves bytes out, so a 16-byte store at
    // text + n for a read at t + i (i + 16 <= size) stays inside the buffer.
    const size_t space = CopyToSpace(t, i, size, text + n);
    n += space - i;
    if (space == size) break;
    static_assert(kMinSplitChunkLetters == 2, "the look-ahead below checks two letters");
    const bool chunks = space - word_start >= kMinSplitChunkLetters && space + 2 < size &&
                        t[space + 1] != ' ' && t[space + 2] != ' ';
    word_start = space + 1;
    i = space + 1;
    if (chunks) {
      const size_t gap_begin = sk.orig_end[space - 1], gap_end = sk.orig_begin[space + 1];
      if ((gap_end == gap_begin + 1 && raw[gap_begin] == ' ') ||
          IsHorizontalSpaceGap(raw, gap_begin, gap_end)) {
        const bool shared = t[space - 1] == t[space + 1];
        removed += shared ? 2 : 1;
        out->joins.push_back({static_cast<uint32_t>(n), shared, removed});
        if (shared) ++i;  // written once, as the last letter before the join
        continue;
      }
    }
    text[n++] = ' ';
  }
  out->text.resize(n);
}

}  // namespace moderation::text
