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
// The sum of the AVX2 count's four lanes: up to 32 planes and two carries.
constexpr int kLaneSumPlanes = 34;

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

// Csa for four lanes of 64 bit positions at once.
__attribute__((target("avx2"))) inline void CsaLanes(__m256i* high, __m256i* low, __m256i a,
                                                     __m256i b, __m256i c) {
  const __m256i u = _mm256_xor_si256(a, b);
  *high = _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(u, c));
  *low = _mm256_xor_si256(u, c);
}

// Adds `carry` (one unit of plane `from`, per lane) to the lanes' counters;
// planes at and above *top are zero, and *top grows when the carry reaches
// it.
__attribute__((target("avx2"))) inline void RippleLanes(__m256i* planes, int planes_count, int* top,
                                                        int from, __m256i carry) {
  for (int k = from; k < planes_count && !_mm256_testz_si256(carry, carry); ++k) {
    if (k == *top) {
      planes[k] = carry;
      *top = k + 1;
      return;
    }
    const __m256i t = _mm256_and_si256(planes[k], carry);
    planes[k] = _mm256_xor_si256(planes[k], carry);
    carry = t;
  }
}

// Counts `count` hashes (a multiple of 32) into four lanes of bit-sliced
// counters, hash i into lane i % 4: eight 256-bit loads of four hashes
// each go through one carry-save adder tree (the scalar tree's shape, four
// lanes wide), about 2 instructions a hash against 9 one at a time.
// Planes 0 to 2 stay in registers; the tree's eights ripple from plane 3.
__attribute__((target("avx2"))) void CountLanes(const uint64_t* w, size_t count, __m256i* planes,
                                                int planes_count, int* top) {
  __m256i ones = planes[0], twos = planes[1], fours = planes[2];
  for (size_t i = 0; i < count; i += 32, w += 32) {
    const auto* v = reinterpret_cast<const __m256i*>(w);
    __m256i twos_a, twos_b, fours_a, fours_b, eights;
    CsaLanes(&twos_a, &ones, ones, _mm256_loadu_si256(v), _mm256_loadu_si256(v + 1));
    CsaLanes(&twos_b, &ones, ones, _mm256_loadu_si256(v + 2), _mm256_loadu_si256(v + 3));
    CsaLanes(&fours_a, &twos, twos, twos_a, twos_b);
    CsaLanes(&twos_a, &ones, ones, _mm256_loadu_si256(v + 4), _mm256_loadu_si256(v + 5));
    CsaLanes(&twos_b, &ones, ones, _mm256_loadu_si256(v + 6), _mm256_loadu_si256(v + 7));
    CsaLanes(&fours_b, &twos, twos, twos_a, twos_b);
    CsaLanes(&eights, &fours, fours, fours_a, fours_b);
    RippleLanes(planes, planes_count, top, 3, eights);
  }
  planes[0] = ones;
  planes[1] = twos;
  planes[2] = fours;
}

// The four lanes' counters added into one (out[k]: plane k of the sum,
// out needs top + 2 planes): lanes 2 and 3 onto 0 and 1 as bit-sliced
// numbers, two lanes at a time, then lane 1 onto lane 0.
__attribute__((target("avx2"))) int AddLanes(const __m256i* planes, int top, uint64_t* out) {
  alignas(16) __m128i pairs[kLaneSumPlanes];
  __m128i carry = _mm_setzero_si128();
  for (int k = 0; k < top; ++k) {
    const __m128i a = _mm256_castsi256_si128(planes[k]);
    const __m128i b = _mm256_extracti128_si256(planes[k], 1);
    const __m128i u = _mm_xor_si128(a, b);
    pairs[k] = _mm_xor_si128(u, carry);
    carry = _mm_or_si128(_mm_and_si128(a, b), _mm_and_si128(u, carry));
  }
  pairs[top] = carry;
  uint64_t c = 0;
  for (int k = 0; k <= top; ++k) {
    const auto a = static_cast<uint64_t>(_mm_cvtsi128_si64(pairs[k]));
    const auto b = static_cast<uint64_t>(_mm_extract_epi64(pairs[k], 1));
    out[k] = a ^ b ^ c;
    c = (a & b) | (c & (a ^ b));
  }
  out[top + 1] = c;
  return top + 2;
}
#else
bool HasAvx512Hashing() { return false; }
bool HasAvx2Hashing() { return false; }
#endif

}  // namespace

NearDuplicateHasher::NearDuplicateHasher(Variant variant)
    : vector_(variant == Variant::kBest && HasAvx512Hashing() && HasAvx2Hashing()),
      avx2_(!vector_ && variant != Variant::kScalar && HasAvx2Hashing()),
      lane_count_(vector_ || avx2_) {
  // Only the counters this variant uses (zeroing all 1.5 KB, with two
  // `rep stos`, was 4 % of pulse_per_post on this host).
  if (lane_count_) {
    for (int k = 0; k < lanes_top_; ++k) lanes_[k] = {};
  } else {
    planes_.fill(0);
  }
}

void NearDuplicateHasher::CountBlocks(const uint64_t* w, size_t count) {
#ifdef MODERATION_NEAR_DUPLICATE_AVX512
  if (lane_count_) {
    static_assert(kPending % 32 == 0 && sizeof(lanes_[0]) == sizeof(__m256i));
    CountLanes(w, count, reinterpret_cast<__m256i*>(lanes_.data()), kPlanes, &lanes_top_);
    return;
  }
#endif
  static_assert(kPending % 16 == 0);
  uint64_t ones = planes_[0], twos = planes_[1], fours = planes_[2], eights = planes_[3];
  for (size_t i = 0; i < count; i += 16, w += 16) {
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

int NearDuplicateHasher::SumLanes(uint64_t* sum) const {
#ifdef MODERATION_NEAR_DUPLICATE_AVX512
  return AddLanes(reinterpret_cast<const __m256i*>(lanes_.data()), lanes_top_, sum);
#else
  (void)sum;
  return 0;
#endif
}

uint64_t NearDuplicateHasher::Finish() {
  if (bytes_ < static_cast<uint32_t>(kNearDuplicateMinBytes) || shingles_ == 0) return 0;
  // The pending hashes as one more block (32 for the lanes, a multiple of
  // 16 one at a time): zeros count nothing.
  if (pending_count_ > 0) {
    const size_t block = lane_count_ ? kPending : (pending_count_ + 15) / 16 * 16;
    std::fill(pending_.begin() + pending_count_, pending_.begin() + block, 0);
    CountBlocks(pending_.data(), block);
    pending_count_ = 0;
  }
  // The AVX2 count's lanes are added up here, planes_ is the scalar count.
  uint64_t lane_sum[kLaneSumPlanes];
  static_assert(kPlanes + 2 <= kLaneSumPlanes);
  const uint64_t* planes = planes_.data();
  int planes_count = kPlanes;
  if (lane_count_) {
    planes_count = SumLanes(lane_sum);
    planes = lane_sum;
  }
  // Bit b is set where counter b > shingles / 2 (that is, 2 * count >
  // shingles), compared from the highest plane that can be set down, for
  // all 64 counters at once.
  const uint32_t half = shingles_ / 2;
  uint64_t greater = 0;
  uint64_t equal = ~uint64_t{0};
  for (int k = std::min(kPlanes, static_cast<int>(std::bit_width(shingles_))) - 1; k >= 0; --k) {
    const uint64_t plane = k < planes_count ? planes[k] : 0;
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
