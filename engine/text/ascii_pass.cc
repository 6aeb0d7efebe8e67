#include "engine/text/ascii_pass.h"

#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace moderation::text::internal {
namespace {

// Byte i of text, with i >= 0: the scalar path for the head and tail.
void ScanByte(const unsigned char* bytes, size_t i, AsciiPass* p) {
  const unsigned char b = bytes[i];
  const auto lower = static_cast<unsigned char>(b | 0x20);
  p->code_points += (b & 0xC0) != 0x80;
  p->letters += static_cast<unsigned char>(lower - 'a') < 26;
  p->upper += static_cast<unsigned char>(b - 'A') < 26;
  p->non_ascii |= b >= 0x80;
  const unsigned char run = IsRunByte(b);
  p->run_byte |= run != 0;
  const bool pair = run && i >= 1 && b == bytes[i - 1];
  p->pair |= pair;
  p->triple |= pair && i >= 2 && b == bytes[i - 2];
}

#if defined(__SSE2__)

__m128i Splat(int byte) { return _mm_set1_epi8(static_cast<char>(byte)); }

// Unsigned lo <= b < lo + n, as a signed compare after moving lo to -128.
__m128i InRange(__m128i b, int lo, int n) {
  return _mm_cmplt_epi8(_mm_add_epi8(b, Splat(128 - lo)), Splat(-128 + n));
}

// The sum of the 16 byte counters.
uint32_t Sum(__m128i counters) {
  const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
  return static_cast<uint32_t>(_mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4));
}

// Bytes [from, to) of text, 16 at a time (from >= 2, to - from a multiple
// of 16). Byte counters count down from 0 (a compare gives -1) and are
// summed before they can wrap.
void ScanBlocks(const unsigned char* bytes, size_t from, size_t to, AsciiPass* p) {
  __m128i high = _mm_setzero_si128(), run_any = high, pair_any = high, triple_any = high;
  uint32_t continuation = 0, letters = 0, upper = 0;
  for (size_t i = from; i < to;) {
    __m128i cont_n = _mm_setzero_si128(), letter_n = cont_n, upper_n = cont_n;
    for (int round = 0; round < 255 && i < to; ++round, i += 16) {
      const auto load = [&](size_t at) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + at));
      };
      const __m128i v = load(i), v1 = load(i - 1), v2 = load(i - 2);
      cont_n = _mm_add_epi8(cont_n, _mm_cmpeq_epi8(_mm_and_si128(v, Splat(0xC0)), Splat(0x80)));
      letter_n = _mm_add_epi8(letter_n, InRange(_mm_or_si128(v, Splat(0x20)), 'a', 26));
      upper_n = _mm_add_epi8(upper_n, InRange(v, 'A', 26));
      high = _mm_or_si128(high, v);
      const __m128i space = _mm_or_si128(_mm_cmpeq_epi8(v, Splat(' ')), InRange(v, '\t', 5));
      const __m128i ascii = _mm_cmpgt_epi8(v, Splat(-1));
      const __m128i run = _mm_andnot_si128(space, ascii);
      const __m128i pair = _mm_and_si128(run, _mm_cmpeq_epi8(v, v1));
      run_any = _mm_or_si128(run_any, run);
      pair_any = _mm_or_si128(pair_any, pair);
      triple_any = _mm_or_si128(triple_any, _mm_and_si128(pair, _mm_cmpeq_epi8(v, v2)));
    }
    // Each counter went down by one per hit: negate to count.
    const __m128i zero = _mm_setzero_si128();
    continuation += Sum(_mm_sub_epi8(zero, cont_n));
    letters += Sum(_mm_sub_epi8(zero, letter_n));
    upper += Sum(_mm_sub_epi8(zero, upper_n));
  }
  p->code_points += static_cast<uint32_t>(to - from) - continuation;
  p->letters += letters;
  p->upper += upper;
  p->non_ascii |= _mm_movemask_epi8(high) != 0;
  p->run_byte |= _mm_movemask_epi8(run_any) != 0;
  p->pair |= _mm_movemask_epi8(pair_any) != 0;
  p->triple |= _mm_movemask_epi8(triple_any) != 0;
}

#endif

}  // namespace

AsciiPass ScanAscii(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  AsciiPass p;
  size_t i = 0;
#if defined(__SSE2__)
  if (n >= 2 + 16) {
    ScanByte(bytes, 0, &p);
    ScanByte(bytes, 1, &p);
    const size_t blocks_end = 2 + (n - 2) / 16 * 16;
    ScanBlocks(bytes, 2, blocks_end, &p);
    i = blocks_end;
  }
#endif
  for (; i < n; ++i) ScanByte(bytes, i, &p);
  return p;
}

}  // namespace moderation::text::internal
