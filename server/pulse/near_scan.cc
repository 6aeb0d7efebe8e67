#include "server/pulse/near_scan.h"

#include <immintrin.h>

#include "engine/text/near_duplicate.h"

namespace moderation::server::pulse {
namespace {

// One entry at a time, branch-free so the compiler can pipeline it.
inline NearCounts CountNearBody(const NearScan& s, uint32_t from) {
  NearCounts c;
  for (uint32_t i = from; i < s.size; ++i) {
    const bool near =
        (s.seconds[i] >= s.oldest) &
        (__builtin_popcountll(s.fingerprint ^ s.fingerprints[i]) <= text::kNearDuplicateBits);
    c.copies += near;
    c.own += near & (s.authors[i] == s.author) & (s.author != 0);
  }
  return c;
}

// The hardware popcount when the CPU has it (x86-64 builds default to a
// library call, about 8x slower over the 512 fingerprints).
__attribute__((target("popcnt"))) NearCounts CountNearPopcnt(const NearScan& s) {
  return CountNearBody(s, 0);
}

__attribute__((target("avx2"))) inline __m256i Popcount64(__m256i x) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i low = _mm256_shuffle_epi8(table, _mm256_and_si256(x, nibble));
  const __m256i high =
      _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble));
  return _mm256_sad_epu8(_mm256_add_epi8(low, high), _mm256_setzero_si256());
}

// The distances of four fingerprints from f on to `fingerprint`.
__attribute__((target("avx2"))) inline __m256i Distances(const uint64_t* f, __m256i fingerprint) {
  return Popcount64(
      _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(f)), fingerprint));
}

// Counts the entries i..i+7 of s whose distances (entries i..i+3 in low,
// i+4..i+7 in high) are within kNearDuplicateBits and whose seconds are in
// the window, and of them those whose author is `author`.
__attribute__((target("avx2,popcnt"))) inline void CountEight(const NearScan& s, uint32_t i,
                                                              __m256i low, __m256i high,
                                                              __m256i oldest, __m256i author,
                                                              int* copies, int* own) {
  const __m256i bits = _mm256_set1_epi64x(text::kNearDuplicateBits);
  const int far = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(low, bits))) |
                  (_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(high, bits))) << 4);
  // Most posts copy nothing: time and author only for near fingerprints.
  if (far == 0xFF) return;
  const __m256i seconds = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.seconds + i));
  // Unsigned seconds >= oldest: max(seconds, oldest) == seconds.
  const int recent = _mm256_movemask_ps(
      _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_max_epu32(seconds, oldest), seconds)));
  const int same = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.authors + i)), author)));
  const unsigned near = static_cast<unsigned>(~far & recent);
  *copies += __builtin_popcount(near);
  *own += __builtin_popcount(near & static_cast<unsigned>(same));
}

// Which of the eight fingerprints from f on are within `bits` of
// `fingerprint`.
__attribute__((target("avx512f,avx512vl,avx512vpopcntdq"))) inline __mmask8 NearMask512(
    const uint64_t* f, __m512i fingerprint, __m512i bits) {
  const __m512i distance =
      _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(f), fingerprint));
  return _mm512_cmple_epu64_mask(distance, bits);
}

// Counts the entries i..i+7 of s that `near` marks and whose seconds are in
// the window, and of them those whose author is `author`.
__attribute__((target("avx512f,avx512vl,popcnt"))) inline void CountEight512(
    const NearScan& s, uint32_t i, __mmask8 near, __m256i oldest, __m256i author, int* copies,
    int* own) {
  // Most posts copy nothing: time and author only for near fingerprints.
  if (near == 0) return;
  const __mmask8 recent = _mm256_cmpge_epu32_mask(
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.seconds + i)), oldest);
  const __mmask8 same = _mm256_cmpeq_epi32_mask(
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.authors + i)), author);
  const unsigned counted = near & recent;
  *copies += __builtin_popcount(counted);
  *own += __builtin_popcount(counted & same);
}

}  // namespace

NearCounts CountNearScalar(const NearScan& s) { return CountNearBody(s, 0); }

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  return has;
}

bool HasAvx512Popcount() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                          __builtin_cpu_supports("avx512vpopcntdq") &&
                          __builtin_cpu_supports("popcnt");
  return has;
}

__attribute__((target("avx2,popcnt"))) NearCounts CountNearAvx2(const NearScan& s) {
  const __m256i fingerprint = _mm256_set1_epi64x(static_cast<int64_t>(s.fingerprint));
  const __m256i bits = _mm256_set1_epi64x(text::kNearDuplicateBits);
  const __m256i oldest = _mm256_set1_epi32(static_cast<int>(s.oldest));
  const __m256i author = _mm256_set1_epi32(static_cast<int>(s.author));
  int copies = 0;
  int own = 0;
  uint32_t i = 0;
  // Sixteen at a time: one test whether the nearest of them is near at all
  // (a distance is at most 64, so the 64-bit lanes' high halves are 0 and
  // a 32-bit minimum is the 64-bit one), then eight by eight as below.
  for (; i + 16 <= s.size; i += 16) {
    const __m256i d0 = Distances(s.fingerprints + i, fingerprint);
    const __m256i d1 = Distances(s.fingerprints + i + 4, fingerprint);
    const __m256i d2 = Distances(s.fingerprints + i + 8, fingerprint);
    const __m256i d3 = Distances(s.fingerprints + i + 12, fingerprint);
    const __m256i nearest = _mm256_min_epu32(_mm256_min_epu32(d0, d1), _mm256_min_epu32(d2, d3));
    if (_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(nearest, bits))) == 0xF) continue;
    CountEight(s, i, d0, d1, oldest, author, &copies, &own);
    CountEight(s, i + 8, d2, d3, oldest, author, &copies, &own);
  }
  for (; i + 8 <= s.size; i += 8) {
    CountEight(s, i, Distances(s.fingerprints + i, fingerprint),
               Distances(s.fingerprints + i + 4, fingerprint), oldest, author, &copies, &own);
  }
  const NearCounts tail = CountNearBody(s, i);
  return {copies + tail.copies, (s.author != 0 ? own : 0) + tail.own};
}

__attribute__((target("avx512f,avx512vl,avx512vpopcntdq,popcnt"))) NearCounts CountNearAvx512(
    const NearScan& s) {
  const __m512i fingerprint = _mm512_set1_epi64(static_cast<int64_t>(s.fingerprint));
  const __m512i bits = _mm512_set1_epi64(text::kNearDuplicateBits);
  const __m256i oldest = _mm256_set1_epi32(static_cast<int>(s.oldest));
  const __m256i author = _mm256_set1_epi32(static_cast<int>(s.author));
  int copies = 0;
  int own = 0;
  uint32_t i = 0;
  // Sixteen at a time while none of them is near (one test of both masks),
  // then eight.
  for (; i + 16 <= s.size; i += 16) {
    const __mmask8 near_a = NearMask512(s.fingerprints + i, fingerprint, bits);
    const __mmask8 near_b = NearMask512(s.fingerprints + i + 8, fingerprint, bits);
    if ((near_a | near_b) == 0) continue;
    CountEight512(s, i, near_a, oldest, author, &copies, &own);
    CountEight512(s, i + 8, near_b, oldest, author, &copies, &own);
  }
  for (; i + 8 <= s.size; i += 8) {
    CountEight512(s, i, NearMask512(s.fingerprints + i, fingerprint, bits), oldest, author, &copies,
                  &own);
  }
  const NearCounts tail = CountNearBody(s, i);
  return {copies + tail.copies, (s.author != 0 ? own : 0) + tail.own};
}

NearCounts CountNear(const NearScan& s) {
  using Variant = NearCounts (*)(const NearScan&);
  static const Variant best = [] {
    if (HasAvx512Popcount()) return static_cast<Variant>(&CountNearAvx512);
    if (HasAvx2()) return static_cast<Variant>(&CountNearAvx2);
    if (__builtin_cpu_supports("popcnt")) return static_cast<Variant>(&CountNearPopcnt);
    return static_cast<Variant>(&CountNearScalar);
  }();
  return best(s);
}

}  // namespace moderation::server::pulse
