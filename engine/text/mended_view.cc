#include "engine/text/mended_view.h"

#include <algorithm>
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/text/skeleton_chars.h"
#include "engine/text/utf8.h"

namespace moderation::text {
namespace {

using Kind = MendUnit::Kind;

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLeetSymbol(char c) { return c == '@' || c == '$' || c == '!' || c == '|' || c == '+'; }
bool IsSeparatorByte(char c) { return c == '.' || c == '-' || c == '_' || c == '*'; }
bool IsGreekOrCyrillic(char32_t cp) { return cp >= 0x370 && cp <= 0x52F; }

MendUnit Classify(char32_t cp) {
  MendUnit u;
  u.cp = cp;
  if (cp == U'·' || (cp < 128 && IsSeparatorByte(static_cast<char>(cp)))) {
    u.kind = Kind::kSeparator;
    return u;
  }
  const internal::SkeletonChar c = internal::ClassifyForSkeleton(cp);
  switch (c.cls) {
    case internal::SkeletonClass::kLetter:
      u.kind = Kind::kLetter;
      if (IsGreekOrCyrillic(cp) && c.LetterCount() == 1) u.letter = c.letters[0];
      break;
    case internal::SkeletonClass::kDigit:
      u.kind = c.letters[0] != 0 ? Kind::kLeet : Kind::kDigit;
      u.letter = c.letters[0];
      break;
    case internal::SkeletonClass::kLeet:
      u.kind = Kind::kLeet;
      u.letter = c.letters[0];
      break;
    case internal::SkeletonClass::kWhitespace:
      u.kind = Kind::kSpace;
      break;
    default:
      u.kind = Kind::kOther;
  }
  return u;
}

// Appends the characters of text[begin, end) as units.
void DecodeRange(std::string_view text, size_t begin, size_t end, std::vector<MendUnit>* units) {
  for (size_t pos = begin; pos < end;) {
    int len = 1;
    const char32_t cp = static_cast<unsigned char>(text[pos]) < 0x80
                            ? static_cast<char32_t>(text[pos])
                            : DecodeUtf8(text, pos, &len);
    MendUnit u = Classify(cp);
    u.begin = static_cast<uint32_t>(pos);
    u.end = static_cast<uint32_t>(pos + static_cast<size_t>(len));
    u.map_end = u.end;
    units->push_back(u);
    pos += static_cast<size_t>(len);
  }
}

// Folded bytes [begin, end) that hold nothing to mend, as one unit: a
// space to every step (a line break, so that no chain of single letters
// goes on across it), copied as it is.
MendUnit GapUnit(size_t begin, size_t end) {
  MendUnit u;
  u.cp = U'\n';
  u.kind = Kind::kSpace;
  u.begin = static_cast<uint32_t>(begin);
  u.end = static_cast<uint32_t>(end);
  u.map_end = u.end;
  return u;
}

// The units of the regions (whole words, ascending, apart), with one gap
// unit for the bytes before, between and after them.
void DecodeRegions(std::string_view text, const std::vector<ByteRange>& regions,
                   std::vector<MendUnit>* units) {
  units->clear();
  size_t at = 0;
  for (const ByteRange& region : regions) {
    if (region.begin > at) units->push_back(GapUnit(at, region.begin));
    DecodeRange(text, region.begin, region.end, units);
    at = region.end;
  }
  if (at < text.size()) units->push_back(GapUnit(at, text.size()));
}

bool IsAsciiLetterUnit(const MendUnit& u) {
  return u.kind == Kind::kLetter && u.cp < 128 && IsAsciiLetter(static_cast<char>(u.cp));
}

// "Аnja" with a Cyrillic А: a word that has an ASCII letter gets its Greek
// and Cyrillic look-alikes in Latin.
void MendLookalikes(std::vector<MendUnit>& units) {
  for (size_t begin = 0; begin < units.size();) {
    if (units[begin].kind == Kind::kSpace) {
      ++begin;
      continue;
    }
    size_t end = begin;
    bool ascii = false;
    bool lookalike = false;
    for (; end < units.size() && units[end].kind != Kind::kSpace; ++end) {
      ascii = ascii || IsAsciiLetterUnit(units[end]);
      lookalike = lookalike || (units[end].kind == Kind::kLetter && units[end].letter != 0);
    }
    if (ascii && lookalike) {
      for (size_t i = begin; i < end; ++i) {
        if (units[i].kind == Kind::kLetter && units[i].letter != 0) units[i].replaced = true;
      }
    }
    begin = end;
  }
}

bool InAlnumRun(const MendUnit& u) {
  return u.kind == Kind::kLetter || u.kind == Kind::kLeet || u.kind == Kind::kDigit;
}

// Leetspeak in one run of letters, digits and leet symbols [begin, end):
// only between two letters of the run, and only where the letters are at
// least as many. A digit or symbol at a run's edge is a number or
// punctuation far more often than a disguise: "a7", "5th", "9am", "80er",
// "ps5", "idiot!!", "@name". ("fr33" and "4n" are lost to this.)
void MendLeetRun(std::vector<MendUnit>& units, size_t begin, size_t end) {
  while (begin < end && units[begin].kind != Kind::kLetter) ++begin;
  while (end > begin && units[end - 1].kind != Kind::kLetter) --end;
  size_t letters = 0;
  size_t leet = 0;
  for (size_t i = begin; i < end; ++i) {
    if (units[i].kind == Kind::kLetter) ++letters;
    if (units[i].kind == Kind::kLeet) ++leet;
    if (units[i].kind == Kind::kDigit) return;  // '2': a number, not a word
  }
  if (leet == 0 || letters < leet) return;
  for (size_t i = begin; i < end; ++i) {
    if (units[i].kind == Kind::kLeet) units[i].replaced = true;
  }
}

// "jugend@tsv-eichen.de": an '@' with a dot after it in the same word is an
// address, not an 'a'.
void KeepEmailAt(std::vector<MendUnit>& units, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    if (!units[i].replaced || units[i].cp != U'@') continue;
    for (size_t k = i + 1; k < units.size() && units[k].kind != Kind::kSpace; ++k) {
      if (units[k].cp == U'.') {
        units[i].replaced = false;
        break;
      }
    }
  }
}

void MendLeet(std::vector<MendUnit>& units) {
  for (size_t begin = 0; begin < units.size();) {
    if (!InAlnumRun(units[begin])) {
      ++begin;
      continue;
    }
    size_t end = begin;
    while (end < units.size() && InAlnumRun(units[end])) ++end;
    MendLeetRun(units, begin, end);
    KeepEmailAt(units, begin, end);
    begin = end;
  }
}

// A letter as the mended view will have it: typed, or leet made a letter.
bool ReadsAsLetter(const MendUnit& u) { return u.kind == Kind::kLetter || u.replaced; }

// Whether a neighbour makes a letter part of a longer word: a letter or a
// digit does, punctuation ("l!") does not.
bool ExtendsWord(const MendUnit& u) {
  return ReadsAsLetter(u) || (u.kind != Kind::kSpace && u.cp >= U'0' && u.cp <= U'9');
}

// A single letter: no letter or digit right before or after it.
bool IsSingleLetter(const std::vector<MendUnit>& units, size_t i) {
  if (!ReadsAsLetter(units[i])) return false;
  if (i > 0 && ExtendsWord(units[i - 1])) return false;
  return i + 1 >= units.size() || !ExtendsWord(units[i + 1]);
}

// The end of the separator after a single letter at i - 1: one separator
// character, or a run of spaces and tabs. Returns i when there is none.
size_t SeparatorEnd(const std::vector<MendUnit>& units, size_t i) {
  if (i >= units.size()) return i;
  if (units[i].kind == Kind::kSeparator) return i + 1;
  size_t end = i;
  // Spaces and tabs: a line break ends a line of a list, not a word. (The
  // folded view writes the other Unicode spaces as ' '.)
  while (end < units.size() && (units[end].cp == U' ' || units[end].cp == U'\t')) ++end;
  return end;
}

// "d r a n", "N.a.c.k.t": three or more single letters, one separator apart.
void JoinSingleLetters(std::vector<MendUnit>& units) {
  for (size_t i = 0; i < units.size();) {
    if (!IsSingleLetter(units, i)) {
      ++i;
      continue;
    }
    size_t letters = 1;
    size_t last = i;
    for (;;) {
      const size_t next = SeparatorEnd(units, last + 1);
      if (next == last + 1 || next >= units.size() || !IsSingleLetter(units, next)) break;
      ++letters;
      last = next;
    }
    if (letters >= 3) {
      for (size_t k = i; k < last; ++k) {
        if (!ReadsAsLetter(units[k])) units[k].dropped = true;
      }
    }
    i = last + 1;
  }
}

char32_t MendedCodePoint(const MendUnit& u) {
  return u.replaced ? static_cast<char32_t>(u.letter) : u.cp;
}

bool IsVowel(char32_t cp) {
  switch (cp) {
    case U'a':
    case U'e':
    case U'i':
    case U'o':
    case U'u':
    case U'y':
    case U'ä':
    case U'ö':
    case U'ü':
      return true;
    default:
      return false;
  }
}

// A run of this many of one letter is a stretched word: three vowels
// ("sooo", "Lauuuch"), but four consonants, since German writes three where
// a compound's parts meet ("Schifffahrt", "Stillleben", "Rollladen").
size_t StretchedRun(char32_t cp) { return IsVowel(cp) ? 3 : 4; }

// "Opferrrrr": a stretched run, cut to as many letters as `runs` keeps; the
// last letter kept stands for the rest of the run's bytes.
void CutRuns(std::vector<MendUnit>& units, RunLength runs, MendReport* report) {
  for (size_t i = 0; i < units.size();) {
    if (units[i].dropped || !ReadsAsLetter(units[i])) {
      ++i;
      continue;
    }
    const char32_t cp = MendedCodePoint(units[i]);
    size_t end = i + 1;
    while (end < units.size() && !units[end].dropped && ReadsAsLetter(units[end]) &&
           MendedCodePoint(units[end]) == cp) {
      ++end;
    }
    if (end - i >= StretchedRun(cp)) {
      const bool vowel = IsVowel(cp);
      (vowel ? report->cut_vowel_runs : report->cut_consonant_runs) = true;
      const size_t keep =
          runs == RunLength::kOne || (runs == RunLength::kVowelsOne && vowel) ? 1 : 2;
      units[i + keep - 1].map_end = units[end - 1].end;
      for (size_t k = i + keep; k < end; ++k) units[k].dropped = true;
    }
    i = end;
  }
}

bool CopiedAsIs(const MendUnit& u) { return !u.replaced && !u.dropped && u.map_end == u.end; }

// Most of a mended text is the folded text as it was: such stretches are
// copied with their maps in one go.
void Emit(const View& folded, const std::vector<MendUnit>& units, View* out) {
  out->Clear();
  for (size_t i = 0; i < units.size();) {
    if (CopiedAsIs(units[i])) {
      size_t end = i + 1;
      while (end < units.size() && CopiedAsIs(units[end])) ++end;
      const uint32_t from = units[i].begin;
      const uint32_t to = units[end - 1].end;
      out->text.append(folded.text, from, to - from);
      out->orig_begin.insert(out->orig_begin.end(), folded.orig_begin.begin() + from,
                             folded.orig_begin.begin() + to);
      out->orig_end.insert(out->orig_end.end(), folded.orig_end.begin() + from,
                           folded.orig_end.begin() + to);
      i = end;
      continue;
    }
    const MendUnit& u = units[i++];
    if (u.dropped) continue;
    const size_t before = out->text.size();
    if (u.replaced) {
      out->text.push_back(u.letter);
    } else {
      out->text.append(folded.text, u.begin, u.end - u.begin);
    }
    const uint32_t orig_begin = folded.orig_begin[u.begin];
    const uint32_t orig_end = folded.orig_end[u.map_end - 1];
    for (size_t k = before; k < out->text.size(); ++k) {
      out->orig_begin.push_back(orig_begin);
      out->orig_end.push_back(orig_end);
    }
  }
}

bool IsAsciiVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// A letter of the folded text, or a byte of a non-ASCII character (which
// may be one): the pre-check errs on the side of "maybe".
bool MayBeLetter(char c) { return IsAsciiLetter(c) || static_cast<unsigned char>(c) >= 0x80; }

bool IsLeadByte(char c) { return static_cast<unsigned char>(c) >= 0xC0; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// The end of the separator that starts at j (one separator byte, or a run
// of blanks), or j when there is none.
size_t SeparatorBytesEnd(std::string_view folded, size_t j) {
  if (j < folded.size() && IsSeparatorByte(folded[j])) return j + 1;
  while (j < folded.size() && IsBlank(folded[j])) ++j;
  return j;
}

// Where the character at i (ASCII, or non-ASCII that is a letter) ends if
// it is a letter standing alone on its right; 0 if it is not. The left side
// is the caller's.
size_t AloneLetterEnd(std::string_view folded, size_t i) {
  const size_t n = folded.size();
  const char c = folded[i];
  if (IsAsciiLetter(c)) return i + 1 < n && IsAsciiLetter(folded[i + 1]) ? 0 : i + 1;
  if (!IsLeadByte(c)) return 0;
  int len = 1;
  const char32_t cp = DecodeUtf8(folded, i, &len);  // an emoji stands alone often
  if (internal::ClassifyForSkeleton(cp).cls != internal::SkeletonClass::kLetter) return 0;
  return i + static_cast<size_t>(len);
}

// Whether a letter (ASCII, or a non-ASCII letter) ends right before i.
bool LetterBefore(std::string_view folded, size_t i) {
  if (i == 0) return false;
  if (static_cast<unsigned char>(folded[i - 1]) < 0x80) return IsAsciiLetter(folded[i - 1]);
  size_t start = i - 1;
  while (start > 0 && (static_cast<unsigned char>(folded[start]) & 0xC0) == 0x80) --start;
  int len = 1;
  const char32_t cp = DecodeUtf8(folded, start, &len);
  return internal::ClassifyForSkeleton(cp).cls == internal::SkeletonClass::kLetter;
}

// Three letters that stand alone, one separator apart: the start of
// "d r a n", "ä . b . c". A superset of where JoinSingleLetters joins; "z.B."
// and "geht's rund" are not.
bool ChainStartAt(std::string_view folded, size_t i) {
  const size_t n = folded.size();
  if (LetterBefore(folded, i)) return false;
  size_t at = i;
  for (int letter = 0; letter < 2; ++letter) {
    const size_t end = AloneLetterEnd(folded, at);
    if (end == 0) return false;
    at = SeparatorBytesEnd(folded, end);
    if (at == end || at >= n) return false;
  }
  return MayBeLetter(folded[at]);
}

// € £ ¡, which ClassifyForSkeleton reads as leet.
bool NonAsciiLeetAt(std::string_view folded, size_t i) {
  const std::string_view at = folded.substr(i, 3);
  return at.starts_with("\xE2\x82\xAC") || at.starts_with("\xC2\xA3") || at.starts_with("\xC2\xA1");
}

// Whether position i of the folded text may start something to mend; the
// pre-check is true when any position is.
bool SuspectAt(std::string_view folded, size_t i) {
  const size_t n = folded.size();
  const char c = folded[i];
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x80) {
    // Greek and Cyrillic lead bytes (U+0370..U+052F), the middle dot, and a
    // stretched two-byte letter ("ööö").
    if (byte >= 0xCD && byte <= 0xD4) return true;
    if (byte == 0xC2 && i + 1 < n && static_cast<unsigned char>(folded[i + 1]) == 0xB7) {
      return true;
    }
    if (i + 5 < n && folded[i + 2] == c && folded[i + 4] == c && folded[i + 1] == folded[i + 3] &&
        folded[i + 3] == folded[i + 5]) {
      return true;
    }
    // Leet that is not ASCII after a letter: "H€il".
    if (NonAsciiLeetAt(folded, i) && i > 0 && MayBeLetter(folded[i - 1])) return true;
    return ChainStartAt(folded, i);
  }
  const bool letter = IsAsciiLetter(c);
  if (letter && i + 2 < n && folded[i + 1] == c && folded[i + 2] == c &&
      (IsAsciiVowel(c) || (i + 3 < n && folded[i + 3] == c))) {
    return true;
  }
  // A digit or leet symbol between letters: "h31me", "a$$hole".
  if ((IsAsciiDigit(c) || IsLeetSymbol(c)) && i > 0 && MayBeLetter(folded[i - 1])) {
    size_t j = i + 1;
    while (j < n && (IsAsciiDigit(folded[j]) || IsLeetSymbol(folded[j]))) ++j;
    if (j < n && MayBeLetter(folded[j])) return true;
  }
  return ChainStartAt(folded, i);
}

bool AnySuspect(std::string_view folded, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    if (SuspectAt(folded, i)) return true;
  }
  return false;
}

#if defined(__SSE2__)
__m128i Load(const char* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
__m128i Bytes(char c) { return _mm_set1_epi8(c); }
// Lanes whose unsigned byte lies in [lo, hi].
__m128i InRange(__m128i x, unsigned char lo, unsigned char hi) {
  const __m128i t = _mm_sub_epi8(x, Bytes(static_cast<char>(lo)));
  return _mm_cmpeq_epi8(_mm_min_epu8(t, Bytes(static_cast<char>(hi - lo))), t);
}
__m128i Letters(__m128i x) { return InRange(_mm_or_si128(x, Bytes(0x20)), 'a', 'z'); }
__m128i High(__m128i x) { return _mm_cmplt_epi8(x, _mm_setzero_si128()); }
__m128i Eq(__m128i x, char c) { return _mm_cmpeq_epi8(x, Bytes(c)); }
__m128i Or(__m128i a, __m128i b) { return _mm_or_si128(a, b); }
__m128i And(__m128i a, __m128i b) { return _mm_and_si128(a, b); }
__m128i Separator(__m128i x) {
  return Or(Or(Or(Eq(x, ' '), Eq(x, '\t')), Or(Eq(x, '.'), Eq(x, '-'))),
            Or(Eq(x, '_'), Eq(x, '*')));
}

// The lanes of the 16 positions from p on where SuspectAt may be true: a
// superset, worked out from p[-1] to p[19] at once.
int SuspectLanes(const char* p) {
  const __m128i before = Load(p - 1), b0 = Load(p), b1 = Load(p + 1), b2 = Load(p + 2),
                b3 = Load(p + 3), b4 = Load(p + 4);
  const __m128i l0 = Letters(b0), high0 = High(b0);
  const __m128i euro = And(Eq(b0, static_cast<char>(0xE2)),
                           And(Eq(b1, static_cast<char>(0x82)), Eq(b2, static_cast<char>(0xAC))));
  const __m128i non_ascii =
      And(high0, Or(Or(InRange(b0, 0xCD, 0xD4), Eq(b0, static_cast<char>(0xC2))),
                    Or(euro, And(_mm_cmpeq_epi8(b0, b2), _mm_cmpeq_epi8(b2, b4)))));
  const __m128i run = And(l0, And(_mm_cmpeq_epi8(b0, b1), _mm_cmpeq_epi8(b1, b2)));
  const __m128i leet = Or(Or(InRange(b0, '0', '9'), Or(Eq(b0, '@'), Eq(b0, '$'))),
                          Or(Eq(b0, '!'), Or(Eq(b0, '|'), Eq(b0, '+'))));
  const __m128i after_letter = And(leet, Or(Letters(before), High(before)));
  // A letter after no letter with a separator right after it; or a lead
  // byte so, whose character (two to four bytes) a separator follows.
  const __m128i alone = _mm_andnot_si128(Letters(before), Or(l0, high0));
  const __m128i chain = And(
      alone, Or(And(l0, Separator(b1)),
                And(InRange(b0, 0xC0, 0xFF), Or(Separator(b2), Or(Separator(b3), Separator(b4))))));
  return _mm_movemask_epi8(Or(Or(non_ascii, run), Or(after_letter, chain)));
}
#endif

}  // namespace

bool internal::MayNeedMendingScalar(std::string_view folded) {
  return AnySuspect(folded, 0, folded.size());
}

namespace {

constexpr size_t kNone = std::string_view::npos;

// The first position from `from` on where SuspectAt is true, or kNone. Most
// posts hold nothing to mend and every field is checked, so it looks at 16
// bytes a step and asks SuspectAt only where a lane may match.
size_t FindSuspect(std::string_view folded, size_t from) {
  const size_t n = folded.size();
  size_t i = from;
#if defined(__SSE2__)
  if (i == 0 && n >= 21) {
    if (SuspectAt(folded, 0)) return 0;
    i = 1;
  }
  // A block reads from one byte before it to four after it.
  for (; i >= 1 && i + 20 <= n; i += 16) {
    int lanes = SuspectLanes(folded.data() + i);
    while (lanes != 0) {
      const int lane = __builtin_ctz(static_cast<unsigned>(lanes));
      if (SuspectAt(folded, i + static_cast<size_t>(lane))) return i + static_cast<size_t>(lane);
      lanes &= lanes - 1;
    }
  }
#endif
  for (; i < n; ++i) {
    if (SuspectAt(folded, i)) return i;
  }
  return kNone;
}

// The bytes the folded view writes for whitespace: ASCII's (it writes the
// other Unicode spaces as ' '). Words are what lies between them.
bool IsSpaceByte(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
bool ExtendsAsciiWord(char c) { return IsAsciiLetter(c) || IsAsciiDigit(c); }

size_t WordStartAt(std::string_view folded, size_t i) {
  while (i > 0 && !IsSpaceByte(folded[i - 1])) --i;
  return i;
}

size_t WordEndAt(std::string_view folded, size_t i) {
  while (i < folded.size() && !IsSpaceByte(folded[i])) ++i;
  return i;
}

// Whether the first character of the word [begin, end) may be a letter
// standing alone, and so a link of a chain ("d r a n"). Only a letter may
// be: leet at a word's edge is never read as a letter. A character that is
// not ASCII may be; so may one whose neighbour is not ASCII.
bool FirstMayStandAlone(std::string_view folded, size_t begin, size_t end) {
  if (!MayBeLetter(folded[begin])) return false;
  size_t next = begin + 1;
  while (next < end && IsContinuationByte(folded[next])) ++next;
  return next >= end || !ExtendsAsciiWord(folded[next]);
}

// The same for the word's last character.
bool LastMayStandAlone(std::string_view folded, size_t begin, size_t end) {
  size_t last = end - 1;
  while (last > begin && IsContinuationByte(folded[last])) --last;
  if (!MayBeLetter(folded[last])) return false;
  return last == begin || !ExtendsAsciiWord(folded[last - 1]);
}

// Grows the whole words [*begin, *end) by the words next to them while a
// chain of single letters may go on across an edge. A chain goes on only
// over blanks (SeparatorEnd), so a line break ends it.
void GrowOverChains(std::string_view folded, size_t* begin, size_t* end) {
  const size_t n = folded.size();
  size_t first_end = WordEndAt(folded, *begin);
  while (FirstMayStandAlone(folded, *begin, first_end)) {
    size_t gap = *begin;
    while (gap > 0 && IsBlank(folded[gap - 1])) --gap;
    if (gap == *begin || gap == 0 || IsSpaceByte(folded[gap - 1])) break;
    const size_t before = WordStartAt(folded, gap);
    if (!LastMayStandAlone(folded, before, gap)) break;
    first_end = gap;
    *begin = before;
  }
  size_t last_begin = WordStartAt(folded, *end);
  while (LastMayStandAlone(folded, last_begin, *end)) {
    size_t gap = *end;
    while (gap < n && IsBlank(folded[gap])) ++gap;
    if (gap == *end || gap >= n || IsSpaceByte(folded[gap])) break;
    const size_t after = WordEndAt(folded, gap);
    if (!FirstMayStandAlone(folded, gap, after)) break;
    last_begin = gap;
    *end = after;
  }
}

}  // namespace

bool MayNeedMending(std::string_view folded) { return FindSuspect(folded, 0) != kNone; }

void internal::FindMendRegions(std::string_view folded, std::vector<ByteRange>* regions) {
  regions->clear();
  for (size_t s = FindSuspect(folded, 0); s != kNone;) {
    if (IsSpaceByte(folded[s])) {
      s = FindSuspect(folded, s + 1);
      continue;
    }
    size_t begin = WordStartAt(folded, s);
    size_t end = WordEndAt(folded, s);
    GrowOverChains(folded, &begin, &end);
    while (!regions->empty() && begin <= regions->back().end) {
      begin = std::min<size_t>(begin, regions->back().begin);
      end = std::max<size_t>(end, regions->back().end);
      regions->pop_back();
    }
    regions->push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
    s = FindSuspect(folded, end);
  }
}

namespace {

// Lookalikes, leet and chains; the runs each RunLength cuts its own way.
void MendAllButRunsOf(std::vector<MendUnit>& units) {
  MendLookalikes(units);
  MendLeet(units);
  JoinSingleLetters(units);
}

// Everything but the runs, read only in the words where something may need
// mending (every step decides within a word, but for chains of single
// letters, which the regions take whole): the rest is copied as it is.
void MendAllButRuns(const View& folded, MendScratch* scratch) {
  internal::FindMendRegions(folded.text, &scratch->regions);
  DecodeRegions(folded.text, scratch->regions, &scratch->units);
  MendAllButRunsOf(scratch->units);
}

// Cuts the runs of `units` (mended but for runs) as `runs` says and writes
// the view.
void CutAndEmit(const View& folded, RunLength runs, std::vector<MendUnit>& units, View* out,
                MendReport* report) {
  *report = MendReport{};
  CutRuns(units, runs, report);
  for (const MendUnit& u : units) report->changed = report->changed || u.replaced || u.dropped;
  Emit(folded, units, out);
}

}  // namespace

void MendFoldedView(const View& folded, RunLength runs, MendScratch* scratch, View* out,
                    MendReport* report) {
  MendAllButRuns(folded, scratch);
  CutAndEmit(folded, runs, scratch->units, out, report);
}

void internal::MendFoldedViewWhole(const View& folded, RunLength runs, MendScratch* scratch,
                                   View* out, MendReport* report) {
  scratch->units.clear();
  DecodeRange(folded.text, 0, folded.text.size(), &scratch->units);
  MendAllButRunsOf(scratch->units);
  CutAndEmit(folded, runs, scratch->units, out, report);
}

size_t MendFoldedViews(const View& folded, MendScratch* scratch, View (&out)[kMaxMendedViews]) {
  MendAllButRuns(folded, scratch);
  if (scratch->regions.empty()) return 0;
  MendReport report;
  scratch->cut = scratch->units;
  CutAndEmit(folded, RunLength::kOne, scratch->cut, &out[0], &report);
  if (!report.changed) return 0;
  const bool vowels = report.cut_vowel_runs;
  const bool consonants = report.cut_consonant_runs;
  if (!vowels && !consonants) return 1;
  scratch->cut = scratch->units;
  CutAndEmit(folded, RunLength::kTwo, scratch->cut, &out[1], &report);
  if (!vowels || !consonants) return 2;
  CutAndEmit(folded, RunLength::kVowelsOne, scratch->units, &out[2], &report);
  return 3;
}

}  // namespace moderation::text
