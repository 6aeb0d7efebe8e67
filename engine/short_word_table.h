// Words of one to seven bytes, each with an id, looked up by their bytes in
// a text: "is there a listed word of length L starting here?".
//
// Why: short phrase words ("er", "ne", "ich", "eine", "nicht") are found
// among a field's words instead of by the Hyperscan scan, which reported
// them inside nearly every longer word ("nicht" in "vernichten", "eine" in
// "deine", "keiner", "Leinen"; CompileOptions::short_phrase_word_lookup). The lookup
// runs at every word start of every field, so it must cost a few
// instructions where no short word starts: a table indexed by the first two
// bytes says which lengths can match at all, and only then is the word's
// packed key looked up.
//
//   ShortWordTable t;
//   t.Add("er", 7);
//   t.Lengths('e', 'r');          // bit 2 set: a two-byte word starts "er"
//   t.Find("er")                  // 7; Find("es") is kNone
//
// Thread-safety: immutable after the Adds; share it freely.
#ifndef MODERATION_ENGINE_SHORT_WORD_TABLE_H_
#define MODERATION_ENGINE_SHORT_WORD_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace moderation::internal {

class ShortWordTable {
 public:
  static constexpr size_t kMaxBytes = 7;
  static constexpr uint32_t kNone = UINT32_MAX;

  // Adds a word of 1..kMaxBytes bytes, none of them NUL. A second Add of the
  // same word keeps the first id.
  void Add(std::string_view word, uint32_t id);

  bool empty() const { return ids_.empty(); }

  // Bit L (1..7) is set if a word of L bytes may start with `first` (and,
  // for L >= 2, `second`). Pass second = 0 at the text's last byte.
  uint8_t Lengths(uint8_t first, uint8_t second) const {
    if (starts_.empty()) return 0;
    return static_cast<uint8_t>((starts_[first << 8] & 2) | (starts_[first << 8 | second] & 0xFC));
  }

  // The id of `word`, or kNone (always for a word of more than kMaxBytes
  // bytes, which Key could not pack).
  uint32_t Find(std::string_view word) const {
    if (word.size() > kMaxBytes) return kNone;
    const auto it = ids_.find(Key(word));
    return it == ids_.end() ? kNone : it->second;
  }

 private:
  // The length in the low byte, the bytes above it: 8 bytes for 7. word
  // holds at most kMaxBytes bytes.
  static uint64_t Key(std::string_view word) {
    uint64_t key = word.size();
    for (size_t i = 0; i < word.size(); ++i) {
      key |= uint64_t{static_cast<uint8_t>(word[i])} << (8 * (i + 1));
    }
    return key;
  }

  std::vector<uint8_t> starts_;  // 65,536 entries once a word is added
  absl::flat_hash_map<uint64_t, uint32_t> ids_;
};

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_SHORT_WORD_TABLE_H_
