#include "engine/text/skeleton_collect.h"

#include "absl/container/inlined_vector.h"
#include "engine/text/utf8.h"

namespace moderation::text::internal {
namespace {

char32_t CodePointAt(std::string_view text, size_t pos, int* len) {
  const auto byte = static_cast<unsigned char>(text[pos]);
  if (byte < 0x80) {
    *len = 1;
    return byte;
  }
  return DecodeUtf8(text, pos, len);
}

bool MapsToLetter(const SkeletonChar& c) {
  return (c.cls == SkeletonClass::kDigit || c.cls == SkeletonClass::kLeet) && c.letters[0] != 0;
}

// The digits and symbols read as letters after a word's last letter: 0 1 3 4
// 5 7 @ $ + €. Not '!', '|' or '¡' (they end sentences far more often than
// they stand for i), nor 6 8 9 (b/g are rare leet, and "Hitler88" is a
// number code, not a longer word).
bool IsTrailingLeet(char32_t cp) {
  switch (cp) {
    case U'0':
    case U'1':
    case U'3':
    case U'4':
    case U'5':
    case U'7':
    case U'@':
    case U'$':
    case U'+':
    case U'\u20AC':
      return true;
    default:
      return false;
  }
}

// '!', '|' and '¡' stand for i inside a word, but end sentences after it.
bool IsIMark(char32_t cp) { return cp == U'!' || cp == U'|' || cp == U'\u00A1'; }

// The separators that may sit inside a token between its letters and its
// trailing digits ("K-n-a-l-l-t-ü-t-3", "V_o_l_l_i_d_i_0_+").
bool IsInTokenSeparator(char c) { return c == '-' || c == '.' || c == '_' || c == '*'; }

size_t SkipInTokenSeparators(std::string_view text, size_t pos, size_t end) {
  while (pos < end && IsInTokenSeparator(text[pos])) ++pos;
  return pos;
}

bool IsAsciiPunct(char c) {
  return c > ' ' && c < 0x7F && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z');
}

}  // namespace

TokenCollector::TokenCollector(const View& folded, SkeletonBuffers out)
    : in_(folded.text),
      in_begins_(folded.orig_begin.data()),
      in_ends_(folded.orig_end.data()),
      out_(out) {}

size_t TokenCollector::Collect(size_t pos, bool separator_pending, size_t* size,
                               CollectedToken* token) {
  size_ = *size;
  held_begin_ = kNone;
  letters_ = code_points_ = 0;
  soft_pending_ = tentative_ = false;
  separator_pending_ = separator_pending;
  for (; pos < in_.size();) {
    if (in_[pos] == ' ') break;
    int len;
    const SkeletonChar c = ClassifyForSkeleton(CodePointAt(in_, pos, &len));
    if (c.cls == SkeletonClass::kWhitespace) break;
    switch (c.cls) {
      case SkeletonClass::kLetter:
        ++code_points_;
        if (held_begin_ != kNone) ResolveHeld(pos);
        Emit(c, c.LetterCount(), pos);
        break;
      case SkeletonClass::kMark:
        break;  // invisible to words, like the diacritics already dropped
      default:
        ++code_points_;
        if (held_begin_ == kNone) held_begin_ = pos;
        break;
    }
    pos += len;
  }
  EndToken(pos);
  *size = size_;
  token->letters = letters_;
  token->tentative = tentative_;
  return pos;
}

void TokenCollector::Emit(const SkeletonChar& c, int count, size_t pos) {
  if (letters_ == 0 && separator_pending_) {
    out_.text[size_] = ' ';
    out_.begins[size_] = in_begins_[pos];  // CanonicaliseWords sets the real range
    out_.ends[size_++] = in_ends_[pos];
    separator_pending_ = false;
  }
  for (int i = 0; i < count; ++i) {
    const bool soft = i == 0 && soft_pending_ && letters_ > 0;
    out_.text[size_] = soft ? SoftLetter(c.letters[i]) : c.letters[i];
    out_.begins[size_] = in_begins_[pos];
    out_.ends[size_++] = in_ends_[pos];
  }
  letters_ += count;
  soft_pending_ = false;
}

// A letter follows the held-back run [held_begin_, end): its digits and
// symbols now stand for letters; anything else separates them.
void TokenCollector::ResolveHeld(size_t end) {
  for (size_t pos = held_begin_; pos < end;) {
    int len;
    const SkeletonChar c = ClassifyForSkeleton(CodePointAt(in_, pos, &len));
    if (MapsToLetter(c)) {
      Emit(c, 1, pos);
    } else if (c.cls != SkeletonClass::kMark && letters_ > 0) {
      soft_pending_ = true;  // leading separators are a word edge: ignored
    }
    pos += len;
  }
  held_begin_ = kNone;
}

// A token that is one mappable digit or symbol becomes a tentative letter.
void TokenCollector::EmitTentative() {
  int unused_len;
  const SkeletonChar c = ClassifyForSkeleton(CodePointAt(in_, held_begin_, &unused_len));
  if (!MapsToLetter(c)) return;
  const SkeletonChar marker{SkeletonClass::kLetter, {Tentative(c.letters[0]), 0, 0}};
  Emit(marker, 1, held_begin_);
  tentative_ = true;
}

// Digits and symbols after the last letter of a token.
//  * One trailing 0, 3 or 4 is leetspeak for o, e or a ("Schl4mp3",
//    "Sp4ck0"): German words often end in those vowels, so the letter joins
//    the word directly.
//  * A short run of other mappable digits and symbols ("Idio7", "Idiot1",
//    "Hur3n$"; see IsTrailingLeet) is read as letters too, behind a soft boundary: a term may run
//    into them ("idio" + "t"), while the plain word before them keeps its word
//    edge ("Idiot1" still matches `idiot` in word mode).
//  * Longer runs ("Idiot2024") and runs holding an unmappable digit such as
//    '2' stay word edges.
// The digits may follow in-word separators ("K-n-a-l-l-t-ü-t-3").
void TokenCollector::ResolveTrailing(size_t end) {
  if (held_begin_ == kNone || letters_ == 0) return;
  const size_t digit = SkipInTokenSeparators(in_, held_begin_, end);
  if (digit >= end) return;
  const char d = in_[digit];
  // Alone: not followed, across in-token separators, by another digit or
  // trailing-leet symbol ("Idi0+" and "I_d_i_0_+" go the general way below).
  int unused_len;
  const size_t after = SkipInTokenSeparators(in_, digit + 1, end);
  const bool lone_digit = after == end || (!(in_[after] >= '0' && in_[after] <= '9') &&
                                           !IsTrailingLeet(CodePointAt(in_, after, &unused_len)));
  if ((d == '0' || d == '3' || d == '4') && lone_digit) {
    ResolveHeld(digit + 1);
    return;
  }
  // The run may hold '!' or '|' for i inside ("Vollid!0+"), and may be
  // followed by sentence punctuation ("Spa$+.", "Idio7!"), but not by
  // another digit ("Idiot12" is a number). Trailing '!' are punctuation.
  size_t run_end = digit;
  // Of the run's code points; inline for the longest run that can count,
  // so the request path allocates only for longer runs, which never do.
  absl::InlinedVector<size_t, kMaxTrailingLeet + 1> starts;
  while (run_end < end) {
    int len;
    const char32_t cp = CodePointAt(in_, run_end, &len);
    // A combining mark on a symbol ("$\u0308") is as invisible here as on a
    // letter: it neither ends the run nor counts as one of its letters.
    if (ClassifyForSkeleton(cp).cls == SkeletonClass::kMark) {
      run_end += len;
      continue;
    }
    // Separators between the run's code points, as between the letters
    // before it ("0_+"), but not ending it ("Idio7." keeps its full stop).
    if (IsInTokenSeparator(in_[run_end]) && !starts.empty()) {
      const size_t next = SkipInTokenSeparators(in_, run_end, end);
      int next_len;
      if (next < end && IsTrailingLeet(CodePointAt(in_, next, &next_len))) {
        run_end = next;
        continue;
      }
      break;
    }
    if (!IsTrailingLeet(cp) && !IsIMark(cp)) break;
    starts.push_back(run_end);
    run_end += len;
  }
  while (!starts.empty()) {
    int len;
    if (!IsIMark(CodePointAt(in_, starts.back(), &len))) break;
    run_end = starts.back();
    starts.pop_back();
  }
  if (starts.empty() || starts.size() > kMaxTrailingLeet) return;
  for (size_t pos = run_end; pos < end; ++pos) {
    if (in_[pos] >= '0' && in_[pos] <= '9') return;
  }
  soft_pending_ = true;
  ResolveHeld(run_end);
}

// Whether the held run is one code point followed only by ASCII punctuation
// ("3", "3!", "3!!!", "+,").
bool TokenCollector::HeldIsOneThenPunctuation(size_t end) const {
  int len;
  CodePointAt(in_, held_begin_, &len);
  for (size_t pos = held_begin_ + static_cast<size_t>(len); pos < end; ++pos) {
    if (!IsAsciiPunct(in_[pos])) return false;
  }
  return true;
}

void TokenCollector::EndToken(size_t end) {
  ResolveTrailing(end);
  // A lone mappable digit or symbol, possibly followed by punctuation ("3!"
  // or "3!!!" ending "S c h l 4 m p 3!"), may be a letter of a spaced run.
  const bool lone = code_points_ == 1 || (held_begin_ != kNone && HeldIsOneThenPunctuation(end));
  // Digits and symbols still held back are a word edge: dropped.
  if (letters_ == 0 && lone && held_begin_ != kNone) EmitTentative();
}

}  // namespace moderation::text::internal
