#include "engine/text/near_duplicate.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace moderation::text {
namespace {

constexpr int kShingle = 5;
constexpr size_t kHalfShinglesBytes = 256;
constexpr size_t kMaxFieldBytes = 2048;
// Positions hashed before their kept hashes are counted: the whole first
// 256 bytes (whose end a chunk never straddles), then 256 at a time, so a
// 300-byte post is two chunks (with 64 it was five, each copying the
// pending hashes and calling CountBlocks).
constexpr size_t kChunk = 256;

uint64_t Mix(uint64_t x) {
  x *= 0x9E3779B97F4A7C15ULL;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 32;
  return x;
}

// A carry-save adder over 64 bit positions at once: per position,
// 2 * high + low = a + b + c.
inline void Csa(uint64_t* high, uint64_t* low, uint64_t a, uint64_t b, uint64_t c) {
  const uint64_t u = a ^ b;
  *high = (a & b) | (u & c);
  *low = u ^ c;
}

// Adds `carry` (one unit of plane `from`) to the bit-sliced counters.
inline void Ripple(uint64_t* planes, int planes_count, int from, uint64_t carry) {
  for (int k = from; carry != 0 && k < planes_count; ++k) {
    const uint64_t t = planes[k] & carry;
    planes[k] ^= carry;
    carry = t;
  }
}

#if defined(__x86_64__)
#define MODERATION_NEAR_DUPLICATE_AVX512 1
// Hashes the shingles ending at positions [i, end), eight at a time, while
// the 16 bytes from i - 4 are inside the field (i + 12 <= n), and appends
// the kept hashes to kept[m...] (kept needs 8 spare slots). Returns the
// first position not hashed and updates *m. The same hashes and choice as
// the scalar loop: each 64-bit lane gets its shingle's five bytes, the last
// one lowest, by one byte permutation.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vbmi,popcnt"))) size_t HashEightAtATime(
    const unsigned char* bytes, size_t n, size_t i, size_t end, uint64_t top_bits, uint64_t* kept,
    size_t* m) {
  alignas(64) static constexpr uint8_t kIndex[64] = {
      4, 3, 2, 1, 0,  0, 0, 0, 5, 4, 3, 2, 1,  0,  0, 0, 6, 5, 4, 3, 2, 0,
      0, 0, 7, 6, 5,  4, 3, 0, 0, 0, 8, 7, 6,  5,  4, 0, 0, 0, 9, 8, 7, 6,
      5, 0, 0, 0, 10, 9, 8, 7, 6, 0, 0, 0, 11, 10, 9, 8, 7, 0, 0, 0};
  const __m512i index = _mm512_load_si512(kIndex);
  const __m512i c1 = _mm512_set1_epi64(static_cast<int64_t>(0x9E3779B97F4A7C15ULL));
  const __m512i c2 = _mm512_set1_epi64(static_cast<int64_t>(0xBF58476D1CE4E5B9ULL));
  const __m512i top = _mm512_set1_epi64(static_cast<int64_t>(top_bits));
  // The count in a local: kept and m could alias (both unsigned long), and
  // a count reloaded from memory after every store would chain the
  // iterations through store forwarding.
  size_t count = *m;
  for (; i + 8 <= end && i + 12 <= n; i += 8) {
    const __m512i source = _mm512_maskz_loadu_epi8(0xFFFF, bytes + i - (kShingle - 1));
    __m512i x = _mm512_maskz_permutexvar_epi8(0x1F1F1F1F1F1F1F1FULL, index, source);
    x = _mm512_mullo_epi64(x, c1);
    x = _mm512_xor_si512(x, _mm512_maskz_srli_epi64(0xFF, x, 29));
    x = _mm512_mullo_epi64(x, c2);
    x = _mm512_xor_si512(x, _mm512_maskz_srli_epi64(0xFF, x, 32));
    const __mmask8 keep = _mm512_testn_epi64_mask(x, top);
    _mm512_storeu_si512(kept + count, _mm512_maskz_compress_epi64(keep, x));
    count += static_cast<size_t>(__builtin_popcount(keep));
  }
  *m = count;
  return i;
}

bool HasAvx512Hashing() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                          __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("popcnt");
  return has;
}

// The 16 ways to move the kept ones of four 64-bit lanes to the front (by
// their 32-bit halves, for _mm256_permutevar8x32_epi32), by keep mask.
struct CompressTable {
  alignas(32) int32_t index[16][8];
};
constexpr CompressTable MakeCompressTable() {
  CompressTable t{};
  for (int mask = 0; mask < 16; ++mask) {
    int out = 0;
    for (int lane = 0; lane < 4; ++lane) {
      if ((mask >> lane) & 1) {
        t.index[mask][2 * out] = 2 * lane;
        t.index[mask][2 * out + 1] = 2 * lane + 1;
        ++out;
      }
    }
  }
  return t;
}
constexpr CompressTable kCompress = MakeCompressTable();

// The low 64 bits of a * c per lane with AVX2 (which multiplies only 32 by
// 32 bits): a_lo * c_lo + ((a_hi * c_lo + a_lo * c_hi) << 32).
__attribute__((target("avx2"))) inline __m256i MulLow64(__m256i a, __m256i c_lo, __m256i c_hi) {
  const __m256i low = _mm256_mul_epu32(a, c_lo);
  const __m256i cross =
      _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), c_lo), _mm256_mul_epu32(a, c_hi));
  return _mm256_add_epi64(low, _mm256_slli_epi64(cross, 32));
}

// As HashEightAtATime, four at a time with AVX2: the shingles ending at
// positions [i, end) while four fit, their kept hashes appended to
// kept[m...] (kept needs 4 spare slots). The 8 bytes from i - 4 hold the
// four shingles; one byte shuffle puts each in its lane, the last byte
// lowest, as the scalar loop's window.
__attribute__((target("avx2,popcnt"))) size_t HashFourAtATime(const unsigned char* bytes, size_t i,
                                                              size_t end, uint64_t top_bits,
                                                              uint64_t* kept, size_t* m) {
  const __m256i index = _mm256_setr_epi8(4, 3, 2, 1, 0, -1, -1, -1, 5, 4, 3, 2, 1, -1, -1, -1, 6, 5,
                                         4, 3, 2, -1, -1, -1, 7, 6, 5, 4, 3, -1, -1, -1);
  constexpr uint64_t kC1 = 0x9E3779B97F4A7C15ULL;
  constexpr uint64_t kC2 = 0xBF58476D1CE4E5B9ULL;
  const __m256i c1_lo = _mm256_set1_epi64x(static_cast<int64_t>(kC1 & 0xFFFFFFFF));
  const __m256i c1_hi = _mm256_set1_epi64x(static_cast<int64_t>(kC1 >> 32));
  const __m256i c2_lo = _mm256_set1_epi64x(static_cast<int64_t>(kC2 & 0xFFFFFFFF));
  const __m256i c2_hi = _mm256_set1_epi64x(static_cast<int64_t>(kC2 >> 32));
  const __m256i top = _mm256_set1_epi64x(static_cast<int64_t>(top_bits));
  const __m256i zero = _mm256_setzero_si256();
  size_t count = *m;  // in a register (see HashEightAtATime)
  for (; i + 4 <= end; i += 4) {
    const __m128i source = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes + i - 4));
    __m256i x = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(source), index);
    x = MulLow64(x, c1_lo, c1_hi);
    x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 29));
    x = MulLow64(x, c2_lo, c2_hi);
    x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 32));
    const int keep =
        _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(x, top), zero)));
    const __m256i order =
        _mm256_load_si256(reinterpret_cast<const __m256i*>(kCompress.index[keep]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(kept + count),
                        _mm256_permutevar8x32_epi32(x, order));
    count += static_cast<size_t>(__builtin_popcount(static_cast<unsigned>(keep)));
  }
  *m = count;
  return i;
}

bool HasAvx2Hashing() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  return has;
}
#else
bool HasAvx512Hashing() { return false; }
bool HasAvx2Hashing() { return false; }
#endif

}  // namespace

NearDuplicateHasher::NearDuplicateHasher(Variant variant)
    : vector_(variant == Variant::kBest && HasAvx512Hashing()),
      avx2_(!vector_ && variant != Variant::kScalar && HasAvx2Hashing()) {}

void NearDuplicateHasher::CountBlocks(const uint64_t* w, size_t count) {
  uint64_t ones = planes_[0], twos = planes_[1], fours = planes_[2], eights = planes_[3];
  for (size_t i = 0; i < count; i += kPending, w += kPending) {
    uint64_t twos_a, twos_b, fours_a, fours_b, eights_a, eights_b, sixteens;
    Csa(&twos_a, &ones, ones, w[0], w[1]);
    Csa(&twos_b, &ones, ones, w[2], w[3]);
    Csa(&fours_a, &twos, twos, twos_a, twos_b);
    Csa(&twos_a, &ones, ones, w[4], w[5]);
    Csa(&twos_b, &ones, ones, w[6], w[7]);
    Csa(&fours_b, &twos, twos, twos_a, twos_b);
    Csa(&eights_a, &fours, fours, fours_a, fours_b);
    Csa(&twos_a, &ones, ones, w[8], w[9]);
    Csa(&twos_b, &ones, ones, w[10], w[11]);
    Csa(&fours_a, &twos, twos, twos_a, twos_b);
    Csa(&twos_a, &ones, ones, w[12], w[13]);
    Csa(&twos_b, &ones, ones, w[14], w[15]);
    Csa(&fours_b, &twos, twos, twos_a, twos_b);
    Csa(&eights_b, &fours, fours, fours_a, fours_b);
    Csa(&sixteens, &eights, eights, eights_a, eights_b);
    Ripple(planes_.data(), kPlanes, 4, sixteens);
  }
  planes_[0] = ones;
  planes_[1] = twos;
  planes_[2] = fours;
  planes_[3] = eights;
}

void NearDuplicateHasher::Add(std::string_view skeleton) {
  const size_t n = std::min(skeleton.size(), kMaxFieldBytes);
  bytes_ += static_cast<uint32_t>(n);
  if (n < kShingle) return;
  const auto* bytes = reinterpret_cast<const unsigned char*>(skeleton.data());
  // The pending hashes first, then up to kChunk new ones.
  uint64_t kept[kPending + kChunk + 8];
  size_t i = kShingle - 1;
  while (i < n) {
    // One shingle in two (by hash, so copies keep the same ones), one in
    // four after the first 256 bytes; a chunk never straddles byte 256.
    const size_t end =
        std::min(n, i < kHalfShinglesBytes ? std::min(kHalfShinglesBytes, i + kChunk) : i + kChunk);
    const int shift = i < kHalfShinglesBytes ? 63 : 62;
    size_t m = pending_count_;
    std::memcpy(kept, pending_.data(), m * sizeof(uint64_t));
#ifdef MODERATION_NEAR_DUPLICATE_AVX512
    if (vector_) i = HashEightAtATime(bytes, n, i, end, ~uint64_t{0} << shift, kept, &m);
    if (avx2_) i = HashFourAtATime(bytes, i, end, ~uint64_t{0} << shift, kept, &m);
#endif
    // The shingle before position i, then one byte at a time.
    uint64_t window = 0;
    for (size_t j = i + 1 - kShingle; j < i; ++j) window = (window << 8) | bytes[j];
    for (; i < end; ++i) {
      window = ((window << 8) | bytes[i]) & 0xFFFFFFFFFFULL;
      const uint64_t h = Mix(window);
      kept[m] = h;
      m += (h >> shift) == 0;
    }
    shingles_ += static_cast<uint32_t>(m - pending_count_);
    const size_t blocks = m / kPending * kPending;
    CountBlocks(kept, blocks);
    pending_count_ = static_cast<uint32_t>(m - blocks);
    std::memcpy(pending_.data(), kept + blocks, pending_count_ * sizeof(uint64_t));
  }
}

uint64_t NearDuplicateHasher::Finish() {
  if (bytes_ < static_cast<uint32_t>(kNearDuplicateMinBytes) || shingles_ == 0) return 0;
  // The pending hashes as one more block: zeros count nothing.
  std::fill(pending_.begin() + pending_count_, pending_.end(), 0);
  CountBlocks(pending_.data(), kPending);
  pending_count_ = 0;
  // Bit b is set where counter b > shingles / 2 (that is, 2 * count >
  // shingles), compared from the highest plane that can be set down, for
  // all 64 counters at once.
  const uint32_t half = shingles_ / 2;
  uint64_t greater = 0;
  uint64_t equal = ~uint64_t{0};
  for (int k = std::min(kPlanes, static_cast<int>(std::bit_width(shingles_))) - 1; k >= 0; --k) {
    const uint64_t plane = planes_[k];
    if ((half >> k) & 1) {
      equal &= plane;
    } else {
      greater |= equal & plane;
      equal &= ~plane;
    }
  }
  return greater == 0 ? 1 : greater;
}

}  // namespace moderation::text
