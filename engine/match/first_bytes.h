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
// string, because an empty match can begin anywhere.
//
//   std::optional<FirstBytes> f = FirstBytesOf("(ich|wir)\\s+bring");
//   f->Contains('i');   // true (and 'I', 'w', 'W')
//   f->Contains(' ');   // false
//
// Thread-safety: FirstBytesOf is a pure function; a FirstBytes is a value.
#ifndef MODERATION_ENGINE_MATCH_FIRST_BYTES_H_
#define MODERATION_ENGINE_MATCH_FIRST_BYTES_H_

#include <bitset>
#include <optional>
#include <string_view>

namespace moderation::match {

class FirstBytes {
 public:
  bool Contains(unsigned char byte) const { return bytes_[byte]; }
  size_t Count() const { return bytes_.count(); }
  std::bitset<256>& bits() { return bytes_; }

 private:
  std::bitset<256> bytes_;
};

// The bytes a match of pattern (RE2 syntax, matched case-insensitively) can
// begin with; nullopt if the pattern may match the empty string or cannot
// be read (then any position may start a match).
std::optional<FirstBytes> FirstBytesOf(std::string_view pattern);

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_FIRST_BYTES_H_
