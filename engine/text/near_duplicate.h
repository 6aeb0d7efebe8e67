// A fingerprint of a post's text for finding near-duplicates (copy-paste,
// lightly edited repeats): a 64-bit SimHash over 5-byte shingles of the
// skeleton view.
//
// Why (issue 12 §1): the netiquette forbids repeated posts, and raids post
// the same text from many accounts with small edits. Two texts whose
// fingerprints differ in at most kNearDuplicateBits bits share most of their
// shingles. The skeleton (normalizer.h) is used so that case, accents,
// leetspeak, spacing and invisible characters do not tell copies apart.
//
//   NearDuplicateHasher h;
//   for (each field) h.Add(normalized.skeleton.text);
//   uint64_t fp = h.Finish();            // 0: too short to compare
//   bool copy = IsNearDuplicate(fp, other);
//
// Cost: one shingle in two of the first 256 bytes, then one in four
// (chosen by the shingle's hash, so two copies choose the same ones) up to
// 2 KiB per field. Every shingle is hashed: eight at a time with AVX-512
// (one byte permutation builds eight shingles, two 64-bit multiplies mix
// them, the kept ones are compressed into a buffer) where the CPU has VBMI
// and DQ, else four at a time with AVX2 (a byte shuffle, each 64-bit
// multiply made of three 32-bit ones, the kept ones moved to the front by
// a table of permutations), else one at a time (about 16 instructions a
// byte, no branch on the hash: the buffer's write position moves only for
// kept hashes). The kept hashes are counted per bit position with
// bit-sliced counters through a carry-save adder tree (Harley and Seal's,
// as in positional popcounts): with AVX2 (either vector variant) 32 at a
// time into four lanes of counters side by side, about 2 instructions a
// hash, the lanes added together once in Finish (two at a time); else sixteen at a time,
// about 9 a hash. Finish compares
// the counters with half the shingles in the same bit-sliced form
// (bench/pulse_bench: near_duplicate_fingerprint, bench/pulse_ir). All
// variants give the fingerprint of counting every bit of every kept hash
// one by one (near_duplicate_equivalence_test.cc keeps that reference).
//
// Thread-safety: a hasher is a plain value for one thread; the functions
// are pure.
#ifndef MODERATION_ENGINE_TEXT_NEAR_DUPLICATE_H_
#define MODERATION_ENGINE_TEXT_NEAR_DUPLICATE_H_

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

namespace moderation::text {

// Texts with fewer skeleton bytes than this (all fields together) get no
// fingerprint: "Danke!" or "+1" repeated is no copy-paste.
inline constexpr int kNearDuplicateMinBytes = 32;
// Fingerprints at most this many bits apart are near-duplicates. With 64
// bits, unrelated texts land about 32 ± 4 bits apart; one changed word in a
// 20-word post moves 5 to 10. Among the 262,000 pairs of 725 posts of
// tests/data and the realistic set, one pair is within 10 bits (an edited
// copy of a spam post) and no other is closer than 13.
inline constexpr int kNearDuplicateBits = 10;

class NearDuplicateHasher {
 public:
  // kBest hashes eight shingles at a time with AVX-512 when the CPU has it
  // (VBMI and DQ), else four at a time with AVX2 where it has that; kAvx2
  // never uses AVX-512; kScalar hashes one at a time (tests compare them).
  enum class Variant { kBest, kAvx2, kScalar };
  explicit NearDuplicateHasher(Variant variant = Variant::kBest);

  // Adds one field's skeleton text; shingles do not span fields.
  void Add(std::string_view skeleton);
  // The fingerprint, never 0 for a text long enough; 0 if it is too short.
  uint64_t Finish();

 private:
  static constexpr int kPlanes = 32;   // bit-sliced counters up to 2^32 - 1
  static constexpr int kPending = 32;  // hashes counted together
  static constexpr int kLanes = 4;     // hashes side by side in the AVX2 count

  // Counts `count` kept hashes: into lanes_ four at a time (AVX2; count a
  // multiple of 32), else into planes_ one at a time (a multiple of 16).
  void CountBlocks(const uint64_t* hashes, size_t count);
  // Writes the four lanes' counters added together to sum (bit-sliced, at
  // most kPlanes + 2 planes) and returns how many planes it wrote.
  int SumLanes(uint64_t* sum) const;

  // planes_[k] holds bit k of the 64 counters: bit b of planes_[k] is bit k
  // of how many kept hashes have bit b set (kScalar only: the constructor
  // zeroes it only then).
  std::array<uint64_t, kPlanes> planes_;
  // The AVX2 count: four such sets of counters, lane j counting the hashes
  // j, j + 4, j + 8, ... of each block (lanes_[k][j] is plane k of lane j),
  // so that one 256-bit operation adds four hashes. Planes at and above
  // lanes_top_ are zero without being stored (the constructor zeroes the
  // first three, not the whole kilobyte).
  alignas(32) std::array<std::array<uint64_t, kLanes>, kPlanes> lanes_;
  int lanes_top_ = 3;
  // Kept hashes not yet counted (fewer than kPending; those past
  // pending_count_ are never read, so nothing zeroes them).
  std::array<uint64_t, kPending> pending_;
  uint32_t pending_count_ = 0;
  uint32_t shingles_ = 0;
  uint32_t bytes_ = 0;
  bool vector_ = false;      // AVX-512 hashing
  bool avx2_ = false;        // AVX2 hashing (when not AVX-512)
  bool lane_count_ = false;  // AVX2 counting (with either)
};

inline bool IsNearDuplicate(uint64_t a, uint64_t b) {
  return a != 0 && b != 0 && std::popcount(a ^ b) <= kNearDuplicateBits;
}

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_NEAR_DUPLICATE_H_
