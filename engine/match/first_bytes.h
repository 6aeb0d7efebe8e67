// The bytes a match of a rule regex can begin with, read from the pattern.
//
// Why: RE2 finds a regex's leftmost span on a short text by an anchored
// search at each position in turn (regex_matcher.cc, LeftmostMatch), which
// is far cheaper than an unanchored search on texts RE2 has not seen, but
// pays RE2's per-call cost (about 50 ns) at every byte before the span. A
// match of "(ich|wir)\s+..." can only begin at an 'i' or a 'w', so the
// other positions need no call: on the realistic posts the span searches
// were a fifth of the engine's instructions, most of them such calls.
//
// The set is an over-approximation, never an under-one: everything the
// reader does not follow exactly (Unicode classes, negated classes, case
// folding beyond ASCII, \C, \Q...\E) counts as "any byte" for that part. It
// is empty of information (nullopt) when the pattern can match the empty
// string, because an empty match can begin anywhere. After the text's first
// byte the set is read without the branches that need `^` or `\A` (not in
// multi-line mode): "(?:^|[.!?])\s*du", the shape of many vetoes and near
// contexts, may begin mid-text only at a '.', '!' or '?'.
//
//   std::optional<FirstBytes> f = FirstBytesOf("(ich|wir)\\s+bring");
//   f->Contains('i');   // true (and 'I', 'w', 'W')
//   f->Contains(' ');   // false
//
// Thread-safety: FirstBytesOf is a pure function; a FirstBytes is a value.
#ifndef MODERATION_ENGINE_MATCH_FIRST_BYTES_H_
#define MODERATION_ENGINE_MATCH_FIRST_BYTES_H_

#include <bitset>
#include <cstddef>
#include <optional>
#include <string_view>

namespace moderation::match {

class FirstBytes {
 public:
  // Whether a match may begin with `byte` at the text's start.
  bool Contains(unsigned char byte) const { return bytes_[byte]; }
  // Whether a match may begin at position `pos` of the text, whose byte is
  // `byte`. After the first byte a branch that needs `^` or `\A` cannot
  // match, so "(?:^|[.!?])\s*du" may begin anywhere only with '.', '!' or
  // '?' (or a space or a 'd' at the start).
  bool MayStartAt(size_t pos, unsigned char byte) const {
    return pos == 0 ? bytes_[byte] : mid_bytes_[byte];
  }
  // The same for position `pos` of `text`, and, where every branch opens
  // with `\b`, only at a word edge: "\b(?:ist|bist)" not inside "Liste".
  // RE2's \b is ASCII whatever the encoding, as IsAsciiWordByte is.
  bool MayStartAt(std::string_view text, size_t pos) const {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (!MayStartAt(pos, byte)) return false;
    return pos == 0 || !mid_word_edge_ ||
           IsAsciiWordByte(static_cast<unsigned char>(text[pos - 1])) != IsAsciiWordByte(byte);
  }
  static bool IsAsciiWordByte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  size_t Count() const { return bytes_.count(); }
  std::bitset<256>& bits() { return bytes_; }
  std::bitset<256>& mid_bits() { return mid_bytes_; }
  void set_mid_word_edge(bool needed) { mid_word_edge_ = needed; }

 private:
  std::bitset<256> bytes_;      // at position 0
  std::bitset<256> mid_bytes_;  // at any later position
  bool mid_word_edge_ = false;  // a later position must also be a word edge
};

// The bytes a match of pattern (RE2 syntax, matched case-insensitively) can
// begin with; nullopt if the pattern may match the empty string or cannot
// be read (then any position may start a match).
std::optional<FirstBytes> FirstBytesOf(std::string_view pattern);

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_FIRST_BYTES_H_
