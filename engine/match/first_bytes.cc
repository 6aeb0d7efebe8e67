#include "engine/match/first_bytes.h"

#include <cstdint>

namespace moderation::match {
namespace {

using Bytes = std::bitset<256>;

// What a piece of a pattern contributes to the first byte of a match: at
// any position, and at a position after the text's first byte ("mid"),
// where `^` and `\A` never hold, so a branch that needs one cannot match
// there at all.
struct Part {
  Bytes first;            // the bytes a non-empty match of the piece begins with
  bool nullable = false;  // the piece can match the empty string
  Bytes mid_first;        // the same for matches beginning mid-text (if mid_possible)
  bool mid_nullable = false;
  bool mid_possible = true;   // the piece can match beginning mid-text
  bool zero_width = false;    // the piece never consumes a character
  bool mid_boundary = false;  // every mid-text match begins at a \b
};

// A piece that consumes one character of `bytes`.
Part Consuming(const Bytes& bytes) { return Part{bytes, false, bytes, false, true, false, false}; }
// A zero-width piece that may hold anywhere ($, \B, a flag group).
Part ZeroWidth() { return Part{Bytes(), true, Bytes(), true, true, true, false}; }
// `\b`: zero-width, and a match that begins with it begins at a word edge.
Part WordBoundary() { return Part{Bytes(), true, Bytes(), true, true, true, true}; }
// `^` or `\A`: holds only at the text's start.
Part TextStart() { return Part{Bytes(), true, Bytes(), false, false, true, false}; }

Bytes AllBytes() { return Bytes().set(); }

Bytes NonAsciiBytes() {
  Bytes b;
  for (int c = 0x80; c < 256; ++c) b.set(static_cast<size_t>(c));
  return b;
}

bool IsAsciiLetter(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Adds code point cp as a match's first character. Matching ignores case,
// and RE2 folds with Unicode's orbits: 's' also matches U+017F (ſ) and 'k'
// U+212A (the Kelvin sign), so a letter also adds every non-ASCII byte, as
// does any non-ASCII character (its own lead byte, or its other case's).
void AddCodePoint(uint32_t cp, Bytes* b) {
  if (cp >= 0x80) {
    *b |= NonAsciiBytes();
    return;
  }
  b->set(cp);
  if (IsAsciiLetter(cp)) {
    b->set(cp ^ 0x20);
    *b |= NonAsciiBytes();
  }
}

Bytes DigitBytes() {
  Bytes b;
  for (char c = '0'; c <= '9'; ++c) b.set(static_cast<unsigned char>(c));
  return b;
}

// \w is ASCII in RE2; the non-ASCII bytes are added for the case folding a
// class may get (see AddCodePoint).
Bytes WordBytes() {
  Bytes b = DigitBytes();
  for (char c = 'a'; c <= 'z'; ++c) AddCodePoint(static_cast<uint32_t>(c), &b);
  b.set('_');
  return b;
}

Bytes SpaceBytes() {
  Bytes b;
  for (char c : {' ', '\t', '\n', '\v', '\f', '\r'}) b.set(static_cast<unsigned char>(c));
  return b;
}

// The complement of an ASCII set: every other ASCII byte and every
// non-ASCII one (a non-ASCII character is never in the set it negates).
Bytes Negated(const Bytes& ascii) {
  Bytes b = NonAsciiBytes();
  for (size_t c = 0; c < 0x80; ++c) {
    if (!ascii[c]) b.set(c);
  }
  return b;
}

// A character of the pattern: one code point, or a set (\d, \pL, ...).
struct Char {
  uint32_t cp = 0;
  std::optional<Bytes> set;
};

// Reads a pattern in RE2 syntax; ok() is false where the reader does not
// follow it (the caller then assumes any byte may start a match).
class Reader {
 public:
  explicit Reader(std::string_view pattern) : p_(pattern), multiline_(SetsMultiline(pattern)) {}

  std::optional<Part> Whole() {
    Part part = Alternation();
    if (!ok_ || i_ != p_.size()) return std::nullopt;
    return part;
  }

 private:
  bool AtEnd() const { return i_ >= p_.size(); }
  char Peek(size_t ahead = 0) const { return i_ + ahead < p_.size() ? p_[i_ + ahead] : '\0'; }
  // Whether a flag group turns on multi-line mode ("(?m)", "(?im:"), in
  // which `^` also holds after a line break. Anywhere in the pattern: `^`
  // then counts as zero-width everywhere (too wide is safe).
  static bool SetsMultiline(std::string_view p) {
    for (size_t at = p.find("(?"); at != std::string_view::npos; at = p.find("(?", at + 2)) {
      for (size_t j = at + 2; j < p.size() && p[j] != ':' && p[j] != ')'; ++j) {
        if (p[j] == 'm') return true;
      }
    }
    return false;
  }

  Part Fail() {
    ok_ = false;
    return Part{AllBytes(), true, AllBytes(), true, true, false, false};
  }

  Part Alternation() {
    Part out;
    out.mid_possible = false;
    out.zero_width = true;
    out.mid_boundary = true;  // while no branch says otherwise
    for (;;) {
      const Part branch = Sequence();
      out.first |= branch.first;
      out.nullable = out.nullable || branch.nullable;
      out.zero_width = out.zero_width && branch.zero_width;
      if (branch.mid_possible) {
        out.mid_first |= branch.mid_first;
        out.mid_nullable = out.mid_nullable || branch.mid_nullable;
        out.mid_possible = true;
        out.mid_boundary = out.mid_boundary && branch.mid_boundary;
      }
      if (!ok_ || AtEnd() || Peek() != '|') return out;
      ++i_;
    }
  }

  // Mid-text, an atom that cannot match there (a `^`) rules the whole
  // sequence out: positions only grow along a match. A `\b` before the
  // first atom that consumes anything holds where the match begins.
  Part Sequence() {
    Part out = ZeroWidth();
    while (ok_ && !AtEnd() && Peek() != '|' && Peek() != ')') {
      Part atom = Atom();
      Quantify(&atom);
      if (out.nullable) out.first |= atom.first;
      out.nullable = out.nullable && atom.nullable;
      if (out.mid_nullable) out.mid_first |= atom.mid_first;
      out.mid_nullable = out.mid_nullable && atom.mid_nullable;
      out.mid_possible = out.mid_possible && atom.mid_possible;
      if (out.zero_width && atom.mid_boundary) out.mid_boundary = true;
      out.zero_width = out.zero_width && atom.zero_width;
    }
    return out;
  }

  // A repeat that may run zero times can be skipped: it may be empty, and
  // mid-text a `^` inside it no longer rules anything out.
  static void MayRunZeroTimes(Part* atom) {
    atom->nullable = true;
    atom->mid_boundary = false;
    if (!atom->mid_possible) atom->mid_first.reset();
    atom->mid_possible = true;
    atom->mid_nullable = true;
  }

  // `*`, `?`, `+`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy. A `{` that
  // starts no repeat is a literal, read as the next atom (as RE2 does).
  void Quantify(Part* atom) {
    while (ok_ && !AtEnd()) {
      const char c = Peek();
      if (c == '*' || c == '?') {
        MayRunZeroTimes(atom);
        ++i_;
      } else if (c == '+') {
        ++i_;
      } else if (c == '{') {
        size_t min = 0;
        if (!ReadRepeat(&min)) return;
        if (min == 0) MayRunZeroTimes(atom);
      } else {
        return;
      }
      if (Peek() == '?') ++i_;  // lazy
    }
  }

  // At `{`: reads {n}, {n,} or {n,m} and its minimum; false (nothing read)
  // if it is none of them.
  bool ReadRepeat(size_t* min) {
    size_t j = i_ + 1;
    size_t n = 0, digits = 0;
    while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9') {
      n = n * 10 + static_cast<size_t>(p_[j] - '0');
      ++j;
      ++digits;
    }
    if (digits == 0 || j >= p_.size()) return false;
    if (p_[j] == ',') {
      ++j;
      while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9') ++j;
    }
    if (j >= p_.size() || p_[j] != '}') return false;
    i_ = j + 1;
    *min = n;
    return true;
  }

  Part Atom() {
    switch (Peek()) {
      case '(':
        return Group();
      case '[':
        return Class();
      case '\\':
        return Escape();
      case '.':
        ++i_;
        return Consuming(AllBytes());
      case '^':
        ++i_;
        return multiline_ ? ZeroWidth() : TextStart();
      case '$':
        ++i_;
        return ZeroWidth();
      default: {
        Bytes b;
        AddCodePoint(ReadUtf8(), &b);
        return Consuming(b);
      }
    }
  }

  // Reads one UTF-8 character and returns its code point (0x80 for any
  // non-ASCII one: only "non-ASCII" matters here).
  uint32_t ReadUtf8() {
    const auto lead = static_cast<unsigned char>(p_[i_++]);
    if (lead < 0x80) return lead;
    while (!AtEnd() && (static_cast<unsigned char>(Peek()) & 0xC0) == 0x80) ++i_;
    return 0x80;
  }

  Part Group() {
    ++i_;  // (
    if (Peek() == '?') {
      ++i_;
      if (Peek() == 'P' && Peek(1) == '<') {  // (?P<name>...)
        while (!AtEnd() && Peek() != '>') ++i_;
        if (AtEnd()) return Fail();
        ++i_;
      } else {  // flags: (?i) sets them, (?i:...) groups
        while (!AtEnd() && (Peek() == 'i' || Peek() == 'm' || Peek() == 's' || Peek() == 'U' ||
                            Peek() == '-')) {
          ++i_;
        }
        if (Peek() == ')') {
          ++i_;
          return ZeroWidth();
        }
        if (Peek() != ':') return Fail();  // look-arounds and the like: RE2 has none
        ++i_;
      }
    }
    const Part inner = Alternation();
    if (!ok_ || Peek() != ')') return Fail();
    ++i_;
    return inner;
  }

  Part Escape() {
    const char c = Peek(1);
    if (c == 'b' || c == 'B' || c == 'A' || c == 'z') {  // zero-width
      i_ += 2;
      return c == 'A' ? TextStart() : c == 'b' ? WordBoundary() : ZeroWidth();
    }
    if (c == 'Q' || c == 'C') return Fail();
    const Char ch = ReadChar();
    if (!ok_) return Fail();
    Bytes b;
    if (ch.set) {
      b = *ch.set;
    } else {
      AddCodePoint(ch.cp, &b);
    }
    return Consuming(b);
  }

  // One character of a class or an escape outside one: a code point, or a
  // set for \d \w \s (and their negations) and \p.
  Char ReadChar() {
    if (Peek() != '\\') return Char{ReadUtf8(), std::nullopt};
    ++i_;
    if (AtEnd()) return FailChar();
    const char c = p_[i_++];
    switch (c) {
      case 'd':
        return Char{0, DigitBytes()};
      case 'D':
        return Char{0, Negated(DigitBytes())};
      case 'w':
        return Char{0, WordBytes()};
      case 'W':
        return Char{0, Negated(WordBytes())};
      case 's':
        return Char{0, SpaceBytes()};
      case 'S':
        return Char{0, Negated(SpaceBytes())};
      case 'p':
      case 'P':
        if (Peek() == '{') {
          while (!AtEnd() && Peek() != '}') ++i_;
          if (AtEnd()) return FailChar();
          ++i_;
        } else if (!AtEnd()) {
          ++i_;
        }
        return Char{0, AllBytes()};
      case 'n':
        return Char{'\n', std::nullopt};
      case 't':
        return Char{'\t', std::nullopt};
      case 'r':
        return Char{'\r', std::nullopt};
      case 'f':
        return Char{'\f', std::nullopt};
      case 'v':
        return Char{'\v', std::nullopt};
      case 'a':
        return Char{'\a', std::nullopt};
      case 'x':
        return ReadHex();
      default:
        break;
    }
    // Any other escaped punctuation is itself ("\.", "\-", "\["); letters
    // and digits are escapes this reader does not know.
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !IsAsciiLetter(u) && !(c >= '0' && c <= '9')) return Char{u, std::nullopt};
    return FailChar();
  }

  // After \x: two hex digits or {hex}.
  Char ReadHex() {
    uint32_t cp = 0;
    auto hex = [](char h, uint32_t* v) {
      if (h >= '0' && h <= '9')
        *v = static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        *v = static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        *v = static_cast<uint32_t>(h - 'A' + 10);
      else
        return false;
      return true;
    };
    uint32_t v = 0;
    if (Peek() == '{') {
      ++i_;
      size_t digits = 0;
      while (!AtEnd() && hex(Peek(), &v)) {
        cp = cp * 16 + v;
        ++i_;
        if (++digits > 8) return FailChar();
      }
      if (digits == 0 || Peek() != '}') return FailChar();
      ++i_;
      return Char{cp, std::nullopt};
    }
    for (int k = 0; k < 2; ++k) {
      if (AtEnd() || !hex(Peek(), &v)) return FailChar();
      cp = cp * 16 + v;
      ++i_;
    }
    return Char{cp, std::nullopt};
  }

  Char FailChar() {
    ok_ = false;
    return Char{0, AllBytes()};
  }

  Part Class() {
    ++i_;  // [
    bool negated = false;
    if (Peek() == '^') {
      negated = true;
      ++i_;
    }
    Bytes set;
    bool first_item = true;
    for (;;) {
      if (AtEnd()) return Fail();
      if (Peek() == ']' && !first_item) {
        ++i_;
        break;
      }
      first_item = false;
      if (Peek() == '[' && Peek(1) == ':') {  // [:alpha:] and the like
        const size_t close = p_.find(":]", i_ + 2);
        if (close == std::string_view::npos) return Fail();
        i_ = close + 2;
        set = AllBytes();
        continue;
      }
      const Char lo = ReadChar();
      if (!ok_) return Fail();
      if (lo.set) {
        set |= *lo.set;
        continue;
      }
      uint32_t hi = lo.cp;
      if (Peek() == '-' && Peek(1) != ']' && i_ + 1 < p_.size()) {
        ++i_;
        const Char end = ReadChar();
        if (!ok_ || end.set) return Fail();
        hi = end.cp;
      }
      if (hi < lo.cp) return Fail();
      for (uint32_t cp = lo.cp; cp <= hi && cp < 0x80; ++cp) AddCodePoint(cp, &set);
      if (hi >= 0x80) set |= NonAsciiBytes();
    }
    if (negated) {
      // Case folding widens what the class holds, so what it leaves out is
      // taken from its ASCII letters as typed and folded alike: Negated()
      // keeps every byte the set lacks, and every non-ASCII byte.
      Bytes ascii;
      for (size_t c = 0; c < 0x80; ++c) ascii[c] = set[c];
      set = Negated(ascii);
    }
    return Consuming(set);
  }

  std::string_view p_;
  size_t i_ = 0;
  bool ok_ = true;
  bool multiline_ = false;
};

}  // namespace

std::optional<FirstBytes> FirstBytesOf(std::string_view pattern) {
  std::optional<Part> part = Reader(pattern).Whole();
  if (!part || part->nullable) return std::nullopt;
  FirstBytes out;
  out.bits() = part->first;
  if (part->mid_possible) {
    out.mid_bits() = part->mid_first;
    out.set_mid_word_edge(part->mid_boundary);
  }
  return out;
}

}  // namespace moderation::match
