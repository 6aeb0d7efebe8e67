#include "engine/text/skeleton_scratch.h"

#include <algorithm>

namespace moderation::text::internal {
namespace {

size_t TokenLength(const char* text, size_t n, size_t start) {
  size_t end = start;
  while (end < n && text[end] != ' ') ++end;
  return end - start;
}

// The segment's first token is dropped: the separator that now leads the
// segment goes too. Tokens to its right that were dropped already took their
// own left separator, so it is the first separator not yet dropped ("+ + zz":
// the second '+' took the first ' ', the first '+' must take the second).
void DropFirstSeparatorFrom(char* text, size_t n, size_t from, char drop) {
  for (size_t i = from; i < n; ++i) {
    if (text[i] == ' ') {
      text[i] = drop;
      return;
    }
    if (text[i] != drop) return;  // a kept letter: no separator leads
  }
}

}  // namespace

namespace {

// Whether the token starting at text[start] ends a spaced run: the tokens to
// its left are single letters, tentative ones included ("S p a 5 +"), back to
// at least one real letter ("+ + zz" has none: its symbols are dropped).
bool SpacedLetterBefore(const char* text, size_t start) {
  size_t pos = start;
  while (pos >= 2 && text[pos - 1] == ' ') {
    const size_t prev_end = pos - 1;
    size_t prev_start = prev_end;
    while (prev_start > 0 && text[prev_start - 1] != ' ') --prev_start;
    if (prev_end - prev_start != 1) return false;
    if (!IsTentative(text[prev_start])) return true;
    pos = prev_start;
  }
  return false;
}

}  // namespace

size_t ResolveTentativeLetters(SkeletonBuffers s, size_t n) {
  char* const text = s.text;
  constexpr char kDrop = '#';
  bool next_is_single = false;  // the token to the right has one letter
  for (size_t end = n; end > 0;) {
    size_t start = end;
    while (start > 0 && text[start - 1] != ' ') --start;
    const bool prev_is_single = SpacedLetterBefore(text, start);
    if (end - start == 1 && IsTentative(text[start])) {
      // Ending a run, the digits and symbols that stand for o, e, a, s or t
      // count (as after a word's last letter): "S c h l 4 m p 3" and "S p a
      // 5 +" yes; "D u m m b a t z !" no, since '!' and '|' (i) end
      // sentences far more often.
      const char letter = Untentative(text[start]);
      const bool run_end_letter =
          letter == 'o' || letter == 'e' || letter == 'a' || letter == 's' || letter == 't';
      if (next_is_single || (prev_is_single && run_end_letter)) {
        text[start] = letter;
      } else {
        // Dropped: transparent, so next_is_single still describes the token
        // to its right.
        text[start] = kDrop;
        if (start > 0) {
          text[start - 1] = kDrop;
        } else {
          DropFirstSeparatorFrom(text, n, end, kDrop);
        }
      }
    }
    if (text[start] != kDrop) next_is_single = end - start == 1;
    end = start > 0 ? start - 1 : 0;
  }
  size_t write = 0;
  for (size_t read = 0; read < n; ++read) {
    if (text[read] == kDrop) continue;
    text[write] = text[read];
    s.begins[write] = s.begins[read];
    s.ends[write] = s.ends[read];
    ++write;
  }
  return write;
}

void MarkJoins(char* text, size_t n) {
  size_t prev_len = 0;  // 0: no previous token, or one outside the segment
  size_t cur_len = TokenLength(text, n, 0);
  size_t next_len = cur_len < n ? TokenLength(text, n, cur_len + 1) : 0;
  for (size_t space = cur_len; space < n;) {
    // Each token is measured once: next_next becomes next in the next round.
    const size_t next_next_start = space + next_len + 2;
    const size_t next_next_len = next_next_start < n ? TokenLength(text, n, next_next_start) : 0;
    const bool cur_single = cur_len == 1, next_single = next_len == 1;
    if (cur_single && next_single) {
      text[space] = kJoin;
    } else if ((cur_single && prev_len == 1) || (next_single && next_next_len == 1)) {
      text[space] = kNeighbourJoin;
    }
    prev_len = cur_len;
    cur_len = next_len;
    next_len = next_next_len;
    space += cur_len + 1;
  }
}

size_t CanonicaliseWords(SkeletonBuffers s, size_t begin, size_t end, size_t* word_start_io,
                         std::vector<bool>* soft_boundary) {
  char* const text = s.text;
  uint32_t* const begins = s.begins;
  uint32_t* const ends = s.ends;
  size_t write = begin, word_start = *word_start_io;
  bool join_pending = false, no_merge_pending = false;
  for (size_t read = begin; read < end;) {
    const char raw = text[read];
    if (raw == kJoin || raw == kNeighbourJoin) {
      join_pending = true;
      no_merge_pending = raw == kNeighbourJoin;
      ++read;
      continue;
    }
    if (raw == ' ') {
      // A separator needs a word before it. ResolveTentativeLetters keeps
      // the scratch free of leading and doubled separators; this guard keeps
      // a slip there from reading before the buffer (WriteSeparator reads
      // the previous letter) or from writing an empty word.
      if (write == word_start) {
        ++read;
        continue;
      }
      WriteSeparator(s, write, begins[read + 1]);
      word_start = ++write;
      ++read;
      continue;
    }
    if (raw >= 'b' && raw <= 'z' && raw != 'l' && raw != 'o' && raw != 'u' && !join_pending) {
      // Hot path: a plain letter that neither changes nor starts a digraph.
      if (write > word_start && text[write - 1] == raw) {
        ends[write - 1] = std::max(ends[write - 1], ends[read]);
      } else {
        text[write] = raw;
        begins[write] = begins[read];
        ends[write] = ends[read];
        ++write;
      }
      ++read;
      continue;
    }
    const bool soft = (join_pending || IsSoftLetter(raw)) && write > word_start;
    const bool may_merge = !no_merge_pending;
    join_pending = no_merge_pending = false;
    char letter = PlainLetter(raw);
    if (letter == 'l') letter = 'i';
    const uint32_t letter_begin = begins[read];
    uint32_t letter_end = ends[read];
    ++read;
    if (letter == 'a' || letter == 'o' || letter == 'u') {
      // The 'e' may sit across a join ("B l o e d").
      const size_t next = read < end && text[read] == kJoin ? read + 1 : read;
      if (next < end && PlainLetter(text[next]) == 'e') {
        letter_end = std::max(letter_end, ends[next]);
        read = next + 1;
        // A stretched digraph 'e' ("t u e e e t e") is absorbed whole.
        for (;;) {
          const size_t more = read < end && text[read] == kJoin ? read + 1 : read;
          if (more >= end || PlainLetter(text[more]) != 'e') break;
          letter_end = std::max(letter_end, ends[more]);
          read = more + 1;
        }
      }
    }
    if (may_merge && write > word_start && text[write - 1] == letter) {
      ends[write - 1] = std::max(ends[write - 1], letter_end);
      continue;
    }
    text[write] = letter;
    begins[write] = letter_begin;
    ends[write] = letter_end;
    if (soft) (*soft_boundary)[write] = true;
    ++write;
  }
  *word_start_io = word_start;
  return write;
}

}  // namespace moderation::text::internal
