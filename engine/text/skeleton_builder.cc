#include "engine/text/skeleton_builder.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "engine/text/skeleton_chars.h"
#include "engine/text/utf8.h"

namespace moderation::text::internal {
namespace {

// Between passes, out->text is a scratch buffer of lower-case letters and
// markers, so that no per-letter flag vector has to be kept:
//  * an upper-case letter is a letter with a soft boundary before it;
//  * ' ' separates tokens; pass 2 turns it into kJoin when the tokens join;
//  * a byte with the high bit set is a *tentative* letter: a token that is a
//    lone digit or symbol ("4" in "D u m m b 4 t z"). It is a letter only if
//    a single-letter token follows it, just as a digit inside a token is a
//    letter only if a letter follows it.
constexpr char kJoin = '+';
// A join between a single-letter run and a whole word next to it ("ein N a z
// i", "Dumm b a t z"). Unlike kJoin, letters never merge across it: the "n"
// of "ein" must not swallow the "N" of "N a z i".
constexpr char kNeighbourJoin = '=';
constexpr unsigned char kTentativeBit = 0x80;

bool IsTentative(char c) { return (static_cast<unsigned char>(c) & kTentativeBit) != 0; }

bool IsSoftLetter(char c) { return c >= 'A' && c <= 'Z'; }
char SoftLetter(char c) { return static_cast<char>(c - ('a' - 'A')); }
char PlainLetter(char c) { return IsSoftLetter(c) ? static_cast<char>(c + ('a' - 'A')) : c; }

char32_t CodePointAt(std::string_view text, size_t pos, int* len) {
  const auto byte = static_cast<unsigned char>(text[pos]);
  if (byte < 0x80) {
    *len = 1;
    return byte;
  }
  return DecodeUtf8(text, pos, len);
}

// Pass 1. Streams over the folded code points and writes, per token, its
// letters, with a ' ' between tokens that have letters. Digits and symbols
// are held back until the token shows whether a real letter follows them
// ("Dummb4tz" -> a; "Idiot1" -> nothing). Tokens without letters vanish.
//
// Written with local pointers and state rather than members: stores through
// a char* may alias anything, which would make the compiler reload members
// on every byte.
struct CollectedLetters {
  size_t size = 0;
  // Whether two single-letter tokens follow each other, i.e. pass 2 has work.
  bool needs_joins = false;
  // Whether some token is a tentative letter (implies needs_joins).
  bool has_tentative = false;
};

CollectedLetters CollectLetters(const View& folded, SkeletonView* out) {
  constexpr size_t kNone = static_cast<size_t>(-1);
  const std::string_view in = folded.text;
  const uint32_t* const in_begins = folded.orig_begin.data();
  const uint32_t* const in_ends = folded.orig_end.data();
  char* const text = out->text.data();
  uint32_t* const begins = out->orig_begin.data();
  uint32_t* const ends = out->orig_end.data();

  CollectedLetters result;
  int unused_len = 0;
  size_t size = 0;
  size_t held_begin = kNone;  // folded offset of held-back digits/symbols
  int token_letters = 0, prev_token_letters = 0;
  int token_code_points = 0;  // of the current token, marks excluded
  bool soft_pending = false, separator_pending = false;

  const auto emit = [&](const SkeletonChar& c, int count, size_t pos) {
    if (token_letters == 0 && separator_pending) {
      text[size] = ' ';
      begins[size] = in_begins[pos];  // pass 3 sets the real range
      ends[size++] = in_ends[pos];
      separator_pending = false;
    }
    for (int i = 0; i < count; ++i) {
      const bool soft = i == 0 && soft_pending && token_letters > 0;
      text[size] = soft ? SoftLetter(c.letters[i]) : c.letters[i];
      begins[size] = in_begins[pos];
      ends[size++] = in_ends[pos];
    }
    token_letters += count;
    soft_pending = false;
  };
  // A letter follows the held-back run [held_begin, end): its digits and
  // symbols now stand for letters; anything else separates them.
  const auto resolve_held = [&](size_t end) {
    for (size_t pos = held_begin; pos < end;) {
      int len;
      const SkeletonChar c = ClassifyForSkeleton(CodePointAt(in, pos, &len));
      if ((c.cls == SkeletonClass::kDigit || c.cls == SkeletonClass::kLeet) && c.letters[0] != 0) {
        emit(c, 1, pos);
      } else if (c.cls != SkeletonClass::kMark && token_letters > 0) {
        soft_pending = true;  // leading separators are a word edge: ignored
      }
      pos += len;
    }
    held_begin = kNone;
  };
  // A token that is one mappable digit or symbol becomes a tentative letter.
  const auto emit_tentative = [&] {
    const SkeletonChar c = ClassifyForSkeleton(CodePointAt(in, held_begin, &unused_len));
    const bool maps =
        (c.cls == SkeletonClass::kDigit || c.cls == SkeletonClass::kLeet) && c.letters[0] != 0;
    if (!maps) return;
    const char tentative = static_cast<char>(static_cast<unsigned char>(c.letters[0]) |
                                             kTentativeBit);
    const SkeletonChar marker{SkeletonClass::kLetter, {tentative, 0, 0}};
    emit(marker, 1, held_begin);
    result.has_tentative = true;
  };
  // One trailing 0, 3 or 4 after letters is leetspeak for o, e or a
  // ("Schl4mp3", "Sp4ck0"): German words often end in those vowels. Other
  // trailing digits and symbols ("Idiot1", "Idiot!!!") stay word edges.
  const auto resolve_trailing = [&](size_t end) {
    if (held_begin == kNone || token_letters == 0) return;
    const char d = in[held_begin];
    const bool lone_digit = held_begin + 1 == end || in[held_begin + 1] < '0' || in[held_begin + 1] > '9';
    if ((d == '0' || d == '3' || d == '4') && lone_digit) resolve_held(held_begin + 1);
  };
  const auto end_token = [&](size_t end) {
    resolve_trailing(end);
    // A lone mappable digit or symbol, possibly followed by one punctuation
    // mark ("3!" ending "S c h l 4 m p 3!"), may be a letter of a spaced run.
    const auto is_ascii_punct = [](char c) {
      return c > ' ' && c < 0x7F && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z');
    };
    const bool lone = token_code_points == 1 ||
                      (token_code_points == 2 && held_begin + 2 == end && is_ascii_punct(in[held_begin + 1]));
    if (token_letters == 0 && lone && held_begin != kNone) emit_tentative();
    if (token_letters == 1 && prev_token_letters == 1) result.needs_joins = true;
    if (token_letters > 0) {
      separator_pending = true;
      prev_token_letters = token_letters;
    }
    token_letters = 0;
    token_code_points = 0;
    held_begin = kNone;
    soft_pending = false;
  };

  for (size_t pos = 0; pos < in.size();) {
    const auto byte = static_cast<unsigned char>(in[pos]);
    if (byte >= 'a' && byte <= 'z' && token_letters > 0 && held_begin == kNone) {
      // Hot path: an ASCII letter continuing a word.
      text[size] = static_cast<char>(byte);
      begins[size] = in_begins[pos];
      ends[size++] = in_ends[pos];
      ++token_letters;
      ++token_code_points;
      ++pos;
      continue;
    }
    if (byte == ' ') {
      end_token(pos);
      ++pos;
      continue;
    }
    int len;
    const SkeletonChar c = ClassifyForSkeleton(CodePointAt(in, pos, &len));
    switch (c.cls) {
      case SkeletonClass::kLetter:
        ++token_code_points;
        if (held_begin != kNone) resolve_held(pos);
        emit(c, c.LetterCount(), pos);
        break;
      case SkeletonClass::kWhitespace:
        end_token(pos);
        break;
      case SkeletonClass::kMark:
        break;  // invisible to words, like the diacritics already dropped
      default:
        ++token_code_points;
        if (held_begin == kNone) held_begin = pos;
        break;
    }
    pos += len;
  }
  // Digits and symbols still held back at the end are a word edge: dropped.
  end_token(in.size());
  result.size = size;
  result.needs_joins |= result.has_tentative;
  return result;
}

size_t TokenLength(std::string_view text, size_t start) {
  if (start >= text.size()) return 0;
  const size_t space = text.find(' ', start);
  return (space == std::string_view::npos ? text.size() : space) - start;
}

// Pass 2a. Decides, right to left, which tentative letters stand for letters
// (a single-letter token follows) and removes the others together with one
// adjacent separator. Returns the new size.
size_t ResolveTentativeLetters(size_t n, SkeletonView* s) {
  char* const text = s->text.data();
  constexpr char kDrop = '#';
  bool next_is_single = false;  // the token to the right has one letter
  for (size_t end = n; end > 0;) {
    size_t start = end;
    while (start > 0 && text[start - 1] != ' ') --start;
    // The token to the left has one letter: this one ends a spaced run.
    const bool prev_is_single =
        start >= 2 && text[start - 2] != ' ' && (start == 2 || text[start - 3] == ' ');
    if (end - start == 1 && IsTentative(text[start])) {
      // Ending a run, only the vowel digits count (as for a trailing digit
      // in a word): "S c h l 4 m p 3" yes, "D u m m b a t z !" no.
      const char letter = static_cast<char>(static_cast<unsigned char>(text[start]) & ~kTentativeBit);
      const bool vowel_digit = letter == 'o' || letter == 'e' || letter == 'a';
      if (next_is_single || (prev_is_single && vowel_digit)) {
        text[start] = static_cast<char>(static_cast<unsigned char>(text[start]) & ~kTentativeBit);
      } else {
        // Dropped: transparent, so next_is_single still describes the token
        // to its right.
        text[start] = kDrop;
        if (start > 0) {
          text[start - 1] = kDrop;
        } else if (end < n) {
          text[end] = kDrop;
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
    s->orig_begin[write] = s->orig_begin[read];
    s->orig_end[write] = s->orig_end[read];
    ++write;
  }
  return write;
}

// Pass 2b. A run of two or more single-letter tokens ("D u m m") becomes one
// word, together with the multi-letter token directly on each side ("Dumm b a
// t z"): the ' ' between them becomes kJoin.
void MarkJoins(std::string_view text, char* mutable_text) {
  size_t prev_len = 0;  // 0: no previous token
  size_t cur_len = TokenLength(text, 0);
  for (size_t space = cur_len; space < text.size();) {
    const size_t next_len = TokenLength(text, space + 1);
    const size_t next_next_len = TokenLength(text, space + next_len + 2);
    const bool cur_single = cur_len == 1, next_single = next_len == 1;
    if (cur_single && next_single) {
      mutable_text[space] = kJoin;
    } else if ((cur_single && prev_len == 1) || (next_single && next_next_len == 1)) {
      mutable_text[space] = kNeighbourJoin;
    }
    prev_len = cur_len;
    cur_len = next_len;
    space += next_len + 1;
  }
}

// Pass 3. Within each word: l -> i, then the digraphs ae/oe/ue -> a/o/u
// (greedy, left to right), then runs of one letter collapse; a merged letter
// maps to the union of its sources and loses the soft boundaries inside it.
// Each ' ' gets the original bytes between its neighbouring words. Compacts
// in place and sets soft_boundary (already sized and all false).
size_t CanonicaliseWords(size_t n, SkeletonView* s) {
  char* const text = s->text.data();
  uint32_t* const begins = s->orig_begin.data();
  uint32_t* const ends = s->orig_end.data();
  size_t write = 0, word_start = 0;
  bool join_pending = false, no_merge_pending = false;
  for (size_t read = 0; read < n;) {
    const char raw = text[read];
    if (raw == kJoin || raw == kNeighbourJoin) {
      join_pending = true;
      no_merge_pending = raw == kNeighbourJoin;
      ++read;
      continue;
    }
    if (raw == ' ') {
      // Pass 1 never ends the text with ' ' nor starts it with one.
      const uint32_t prev_begin = begins[write - 1], prev_end = ends[write - 1];
      const uint32_t next_begin = begins[read + 1];
      // Two words from one original cluster (a ligature of words) have no
      // bytes between them: reuse the previous word's last range.
      const bool gap = prev_end < next_begin;
      text[write] = ' ';
      begins[write] = gap ? prev_end : prev_begin;
      ends[write] = gap ? next_begin : prev_end;
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
    const uint32_t begin = begins[read];
    uint32_t end = ends[read];
    ++read;
    if (letter == 'a' || letter == 'o' || letter == 'u') {
      // The 'e' may sit across a join ("B l o e d").
      const size_t next = read < n && text[read] == kJoin ? read + 1 : read;
      if (next < n && PlainLetter(text[next]) == 'e') {
        end = std::max(end, ends[next]);
        read = next + 1;
      }
    }
    if (may_merge && write > word_start && text[write - 1] == letter) {
      ends[write - 1] = std::max(ends[write - 1], end);
      continue;
    }
    text[write] = letter;
    begins[write] = begin;
    ends[write] = end;
    if (soft) s->soft_boundary[write] = true;
    ++write;
  }
  return write;
}

}  // namespace

void BuildSkeletonView(const View& folded, SkeletonView* out) {
  // One folded byte yields at most 1.5 letters (a 2-byte code point may stand
  // for up to 3) plus at most one token separator per whitespace byte.
  const size_t capacity = 2 * folded.text.size();
  out->text.resize(capacity);
  out->orig_begin.resize(capacity);
  out->orig_end.resize(capacity);
  const CollectedLetters collected = CollectLetters(folded, out);
  size_t collected_size = collected.size;
  if (collected.has_tentative) collected_size = ResolveTentativeLetters(collected_size, out);
  if (collected.needs_joins) {
    MarkJoins(std::string_view(out->text.data(), collected_size), out->text.data());
  }
  out->soft_boundary.assign(collected_size + 1, false);
  const size_t size = CanonicaliseWords(collected_size, out);
  out->text.resize(size);
  out->orig_begin.resize(size);
  out->orig_end.resize(size);
  out->soft_boundary.resize(size + 1);
}

}  // namespace moderation::text::internal
