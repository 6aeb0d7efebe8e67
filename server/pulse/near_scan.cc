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
  for (; i + 8 <= s.size; i += 8) {
    const auto* f = reinterpret_cast<const __m256i*>(s.fingerprints + i);
    const __m256i far_low =
        _mm256_cmpgt_epi64(Popcount64(_mm256_xor_si256(_mm256_loadu_si256(f), fingerprint)), bits);
    const __m256i far_high = _mm256_cmpgt_epi64(
        Popcount64(_mm256_xor_si256(_mm256_loadu_si256(f + 1), fingerprint)), bits);
    const int far = _mm256_movemask_pd(_mm256_castsi256_pd(far_low)) |
                    (_mm256_movemask_pd(_mm256_castsi256_pd(far_high)) << 4);
    // Most posts copy nothing: time and author only for near fingerprints.
    if (far == 0xFF) continue;
    const __m256i seconds = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.seconds + i));
    // Unsigned seconds >= oldest: max(seconds, oldest) == seconds.
    const int recent = _mm256_movemask_ps(
        _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_max_epu32(seconds, oldest), seconds)));
    const int same = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.authors + i)), author)));
    const unsigned near = static_cast<unsigned>(~far & recent);
    copies += __builtin_popcount(near);
    own += __builtin_popcount(near & static_cast<unsigned>(same));
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
  for (; i + 8 <= s.size; i += 8) {
    const __m512i distance =
        _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(s.fingerprints + i), fingerprint));
    const __mmask8 near = _mm512_cmple_epu64_mask(distance, bits);
    // Most posts copy nothing: time and author only for near fingerprints.
    if (near == 0) continue;
    const __mmask8 recent = _mm256_cmpge_epu32_mask(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.seconds + i)), oldest);
    const __mmask8 same = _mm256_cmpeq_epi32_mask(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.authors + i)), author);
    const unsigned counted = near & recent;
    copies += __builtin_popcount(counted);
    own += __builtin_popcount(counted & same);
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
