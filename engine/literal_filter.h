// A blocked Bloom filter of literal ids (two bits in one 64-bit word per
// literal): "may this literal be one of the set's?", with no false negatives.
//
// Why: a triggered phrase joins the field's occurrences with its words
// (phrase_words.h). It used to build a 4,096-bit filter of its words on every
// trigger. The default rules' phrases have about 800 words (their @lists), a
// 1 KiB post triggers dozens of phrases and has a few dozen occurrences, so
// building the filter cost more than the join it saved: a quarter of the
// engine's instructions (issue 15, callgrind of 2026-12-04). Built once when
// the rule set is compiled (CompiledPhrase::filter), a triggered phrase pays
// one probe per occurrence. A 1 KiB post has about 500 occurrences of phrase
// words, nearly all of other phrases' words, so false positives matter: each
// costs a binary search over the phrase's words. At 16 bits per literal and
// two bits per literal in one word, about 1.5 % pass by mistake (a one-bit
// filter at 8 bits per literal let 12 % through).
//
//   LiteralFilter f = LiteralFilter::Of({3, 17, 17, 400});
//   f.MayContain(17);  // true; MayContain(5) is false unless 5 collides
//
// Thread-safety: immutable after Of(); share it freely.
#ifndef MODERATION_ENGINE_LITERAL_FILTER_H_
#define MODERATION_ENGINE_LITERAL_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moderation::internal {

class LiteralFilter {
 public:
  // A filter that may contain every literal (the default: never wrong).
  LiteralFilter() = default;

  // Sized to about 16 bits per distinct literal, between 64 and kMaxBits.
  static LiteralFilter Of(std::vector<uint32_t> literals);

  bool MayContain(uint32_t literal) const {
    const uint64_t h = Hash(literal);
    const uint64_t mask = Mask(h);
    return (blocks_[Block(h)] & mask) == mask;
  }
  size_t bit_count() const { return blocks_.size() * 64; }

  static constexpr size_t kMaxBits = 65536;

 private:
  // Fibonacci hashing: literal ids of one @list are consecutive, and the
  // multiplication spreads them; the block comes from the top bits and the
  // two bits from the middle ones (the low bits of a product mix poorly).
  static uint64_t Hash(uint32_t literal) { return literal * 0x9E3779B97F4A7C15ull; }
  size_t Block(uint64_t h) const { return static_cast<size_t>((h >> 1) >> block_shift_); }
  static uint64_t Mask(uint64_t h) {
    return (uint64_t{1} << ((h >> 20) & 63)) | (uint64_t{1} << ((h >> 26) & 63));
  }

  std::vector<uint64_t> blocks_ = std::vector<uint64_t>(1, ~uint64_t{0});
  uint32_t block_shift_ = 63;  // 63 - log2(blocks)
};

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_LITERAL_FILTER_H_
