#include "engine/text/word_blocks.h"

#include <array>
#include <bit>
#include <cstdint>

#include "engine/text/skeleton_chars.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define MODERATION_WORD_BLOCKS 1
#endif

namespace moderation::text::internal {

#if defined(MODERATION_WORD_BLOCKS)
namespace {

constexpr size_t kBlock = 64;
constexpr uint64_t kAll = ~uint64_t{0};

uint64_t Below(int bit) { return bit >= 64 ? kAll : (uint64_t{1} << bit) - 1; }

// pshufb controls that pack the selected bytes (or 4-byte lanes) of a group
// to its front, and how many there are: compaction without a loop.
struct ByteCompaction {
  alignas(8) uint8_t control[256][8];  // for the 8 bytes under an 8-bit mask
  uint8_t count[256];
};
struct LaneCompaction {
  alignas(16) uint8_t control[16][16];  // for the 4 uint32 lanes under a 4-bit mask
  uint8_t count[16];
};

constexpr ByteCompaction BuildByteCompaction() {
  ByteCompaction t{};
  for (int mask = 0; mask < 256; ++mask) {
    int n = 0;
    for (int bit = 0; bit < 8; ++bit) {
      if (mask & (1 << bit)) t.control[mask][n++] = static_cast<uint8_t>(bit);
    }
    t.count[mask] = static_cast<uint8_t>(n);
    for (int k = n; k < 8; ++k) t.control[mask][k] = 0x80;  // pshufb writes 0
  }
  return t;
}

constexpr LaneCompaction BuildLaneCompaction() {
  LaneCompaction t{};
  for (int mask = 0; mask < 16; ++mask) {
    int n = 0;
    for (int lane = 0; lane < 4; ++lane) {
      if (!(mask & (1 << lane))) continue;
      for (int b = 0; b < 4; ++b) t.control[mask][4 * n + b] = static_cast<uint8_t>(4 * lane + b);
      ++n;
    }
    t.count[mask] = static_cast<uint8_t>(n);
    for (int k = 4 * n; k < 16; ++k) t.control[mask][k] = 0x80;
  }
  return t;
}

constexpr ByteCompaction kByteCompaction = BuildByteCompaction();
constexpr LaneCompaction kLaneCompaction = BuildLaneCompaction();

// Bit i describes block byte i.
struct BlockMasks {
  // a-z, and both bytes of ä, ö, ü and ß (the folded view's umlauts; each
  // stands for a, o, u or s, as ClassifyForSkeleton says).
  uint64_t letter = 0;
  // The first byte of ä, ö or ü: a single letter in two bytes (ß is two).
  uint64_t umlaut = 0;
  uint64_t space = 0;  // ASCII whitespace
  uint64_t other = 0;  // neither: punctuation, digits, capitals, control, other non-ASCII
  uint64_t e = 0;      // 'e'
  uint64_t aou = 0;    // a, o or u (with umlauts): an 'e' after one merges (ae -> a)
  // The canonical letter (l -> i) equals the one of the byte before; only
  // meaningful where both are letters.
  uint64_t same = 0;
  // What each byte writes to the skeleton if it is kept: a letter its
  // canonical form, anything else the word separator ' '.
  alignas(16) char canonical[kBlock];
};

uint64_t Bits(__m128i lanes, int chunk) {
  return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(lanes))) << (16 * chunk);
}

__m128i Splat(int byte) { return _mm_set1_epi8(static_cast<char>(byte)); }

// Unsigned lo <= b < lo + n, as a signed compare after moving lo to -128.
__m128i InRange(__m128i b, int lo, int n) {
  return _mm_cmplt_epi8(_mm_add_epi8(b, Splat(128 - lo)), Splat(-128 + n));
}

// The letter a second byte of ä (C3 A4), ö (B6), ü (BC) or ß (9F) stands
// for, or 0.
__m128i UmlautLetter(__m128i second) {
  const auto pick = [&](int byte, char letter) {
    return _mm_and_si128(_mm_cmpeq_epi8(second, Splat(byte)), Splat(letter));
  };
  return _mm_or_si128(_mm_or_si128(pick(0xA4, 'a'), pick(0xB6, 'o')),
                      _mm_or_si128(pick(0xBC, 'u'), pick(0x9F, 's')));
}

// text[64] is read (the byte after a lead on bit 63): it must be readable.
BlockMasks Classify(const char* text) {
  BlockMasks m;
  // The bytes before the block: whitespace (or nothing), never a letter.
  __m128i previous_raw = _mm_setzero_si128();
  __m128i previous = _mm_setzero_si128();
  const __m128i zero = _mm_setzero_si128();
  for (int chunk = 0; chunk < 4; ++chunk) {
    const char* const at = text + 16 * chunk;
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 1));
    const __m128i raw_before =
        _mm_or_si128(_mm_slli_si128(raw, 1), _mm_srli_si128(previous_raw, 15));
    previous_raw = raw;
    const __m128i ascii = InRange(raw, 'a', 26);
    const __m128i is_l = _mm_cmpeq_epi8(raw, Splat('l'));
    const __m128i ascii_canonical = _mm_and_si128(
        ascii, _mm_or_si128(_mm_andnot_si128(is_l, raw), _mm_and_si128(is_l, Splat('i'))));
    const __m128i lead_letter = _mm_and_si128(_mm_cmpeq_epi8(raw, Splat(0xC3)), UmlautLetter(next));
    const __m128i second_letter =
        _mm_and_si128(_mm_cmpeq_epi8(raw_before, Splat(0xC3)), UmlautLetter(raw));
    const __m128i umlaut_letter = _mm_or_si128(lead_letter, second_letter);
    const __m128i letter =
        _mm_or_si128(ascii, _mm_cmpgt_epi8(_mm_min_epu8(umlaut_letter, Splat(1)), zero));
    const __m128i canonical = _mm_or_si128(_mm_or_si128(ascii_canonical, umlaut_letter),
                                           _mm_andnot_si128(letter, Splat(' ')));
    const __m128i before = _mm_or_si128(_mm_slli_si128(canonical, 1), _mm_srli_si128(previous, 15));
    previous = canonical;
    _mm_store_si128(reinterpret_cast<__m128i*>(m.canonical + 16 * chunk), canonical);
    const __m128i space = _mm_or_si128(_mm_cmpeq_epi8(raw, Splat(' ')), InRange(raw, '\t', 5));
    const __m128i aou = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(canonical, Splat('a')), _mm_cmpeq_epi8(canonical, Splat('o'))),
        _mm_cmpeq_epi8(canonical, Splat('u')));
    const __m128i umlaut =
        _mm_and_si128(_mm_cmpgt_epi8(_mm_min_epu8(lead_letter, Splat(1)), zero),
                      _mm_xor_si128(_mm_cmpeq_epi8(lead_letter, Splat('s')), _mm_set1_epi8(-1)));
    m.letter |= Bits(letter, chunk);
    m.umlaut |= Bits(umlaut, chunk);
    m.space |= Bits(space, chunk);
    m.e |= Bits(_mm_cmpeq_epi8(canonical, Splat('e')), chunk);
    m.aou |= Bits(aou, chunk);
    m.same |= Bits(_mm_cmpeq_epi8(canonical, before), chunk);
  }
  m.other = ~(m.letter | m.space);
  return m;
}

#define AVX2 __attribute__((target("avx2")))

AVX2 inline __m256i Splat32(int byte) { return _mm256_set1_epi8(static_cast<char>(byte)); }

AVX2 inline __m256i InRange32(__m256i b, int lo, int n) {
  return _mm256_cmpgt_epi8(Splat32(-128 + n), _mm256_add_epi8(b, Splat32(128 - lo)));
}

AVX2 inline __m256i UmlautLetter32(__m256i second) {
  const auto pick = [&](int byte, char letter) AVX2 {
    return _mm256_and_si256(_mm256_cmpeq_epi8(second, Splat32(byte)), Splat32(letter));
  };
  return _mm256_or_si256(_mm256_or_si256(pick(0xA4, 'a'), pick(0xB6, 'o')),
                         _mm256_or_si256(pick(0xBC, 'u'), pick(0x9F, 's')));
}

// v moved up by one byte, with the last byte of `previous` in byte 0.
AVX2 inline __m256i ShiftInByte(__m256i v, __m256i previous) {
  return _mm256_alignr_epi8(v, _mm256_permute2x128_si256(previous, v, 0x21), 15);
}

// Classify with AVX2: the same masks, 32 bytes per step instead of 16.
// word_blocks_test checks it against Classify at every token start.
AVX2 BlockMasks ClassifyAvx2(const char* text) {
  BlockMasks m;
  __m256i previous_raw = _mm256_setzero_si256();
  __m256i previous = _mm256_setzero_si256();
  const __m256i zero = _mm256_setzero_si256();
  for (int chunk = 0; chunk < 2; ++chunk) {
    const char* const at = text + 32 * chunk;
    const __m256i raw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
    const __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at + 1));
    const __m256i raw_before = ShiftInByte(raw, previous_raw);
    previous_raw = raw;
    const __m256i ascii = InRange32(raw, 'a', 26);
    const __m256i is_l = _mm256_cmpeq_epi8(raw, Splat32('l'));
    const __m256i ascii_canonical = _mm256_and_si256(
        ascii,
        _mm256_or_si256(_mm256_andnot_si256(is_l, raw), _mm256_and_si256(is_l, Splat32('i'))));
    const __m256i lead_letter =
        _mm256_and_si256(_mm256_cmpeq_epi8(raw, Splat32(0xC3)), UmlautLetter32(next));
    const __m256i second_letter =
        _mm256_and_si256(_mm256_cmpeq_epi8(raw_before, Splat32(0xC3)), UmlautLetter32(raw));
    const __m256i umlaut_letter = _mm256_or_si256(lead_letter, second_letter);
    const __m256i letter =
        _mm256_or_si256(ascii, _mm256_cmpgt_epi8(_mm256_min_epu8(umlaut_letter, Splat32(1)), zero));
    const __m256i canonical = _mm256_or_si256(_mm256_or_si256(ascii_canonical, umlaut_letter),
                                              _mm256_andnot_si256(letter, Splat32(' ')));
    const __m256i before = ShiftInByte(canonical, previous);
    previous = canonical;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(m.canonical + 32 * chunk), canonical);
    const __m256i space =
        _mm256_or_si256(_mm256_cmpeq_epi8(raw, Splat32(' ')), InRange32(raw, '\t', 5));
    const __m256i aou = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(canonical, Splat32('a')),
                                                        _mm256_cmpeq_epi8(canonical, Splat32('o'))),
                                        _mm256_cmpeq_epi8(canonical, Splat32('u')));
    const __m256i umlaut =
        _mm256_andnot_si256(_mm256_cmpeq_epi8(lead_letter, Splat32('s')),
                            _mm256_cmpgt_epi8(_mm256_min_epu8(lead_letter, Splat32(1)), zero));
    const auto bits = [chunk](__m256i lanes) AVX2 {
      return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(lanes)))
             << (32 * chunk);
    };
    m.letter |= bits(letter);
    m.umlaut |= bits(umlaut);
    m.space |= bits(space);
    m.e |= bits(_mm256_cmpeq_epi8(canonical, Splat32('e')));
    m.aou |= bits(aou);
    m.same |= bits(_mm256_cmpeq_epi8(canonical, before));
  }
  m.other = ~(m.letter | m.space);
  return m;
}

// The "other" bytes that are ASCII punctuation (plain_word.h: a word edge),
// up to the first one that is not; *stop is that one's bit, or 0.
uint64_t Punctuation(const char* text, uint64_t other, uint64_t* stop) {
  uint64_t punct = 0;
  *stop = 0;
  for (; other != 0; other &= other - 1) {
    const int i = std::countr_zero(other);
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x80 || kAsciiSkeletonChars[b].cls != SkeletonClass::kOther) {
      *stop = uint64_t{1} << i;
      break;
    }
    punct |= uint64_t{1} << i;
  }
  return punct;
}

// The first byte of the first token the block path must not take, or 64.
int FirstRefusedByte(const BlockMasks& m, uint64_t punct, uint64_t stop) {
  const uint64_t after_letter = m.letter << 1;
  // Adding the first byte of each punctuation run that follows a letter
  // carries through the run onto the byte after it: a letter there means
  // punctuation inside a token ("a.r.s.c.h", "geht's").
  const uint64_t inner = (punct + (punct & after_letter)) & ~punct & m.letter;
  // A token with one letter: maybe part of a spaced-out word. Letters of a
  // token are contiguous here (else `inner`), so that is a run of one byte,
  // or of the two bytes of one ä, ö or ü. Bit 63 is left out: what follows
  // it is unknown, and a token there reaches past the block anyway.
  const uint64_t run_starts = m.letter & ~after_letter;
  const uint64_t run_ends = m.letter & ~(m.letter >> 1);
  const uint64_t lone =
      ((run_starts & run_ends) | (run_starts & m.umlaut & (run_ends >> 1))) & Below(63);
  // a/o/u after an 'e' that followed an 'e' or a/o/u: per letter, "oeo"
  // collapses to "o" (the digraph leaves 'o' as the last letter written),
  // which the pairwise masks cannot see. Rare; the per-word path takes it.
  const uint64_t chain = m.aou & (m.e << 1) & ((m.e | m.aou) << 2);
  const uint64_t refused = stop | inner | lone | chain;
  return refused == 0 ? 64 : std::countr_zero(refused);
}

// Packs the bytes of canonical[] under `mask` (no bits from `bytes` on) to
// out; returns how many. Writes up to 7 bytes beyond them, which later output
// overwrites.
__attribute__((target("ssse3"))) size_t PackBytes(const char* canonical, uint64_t mask, int bytes,
                                                  char* out) {
  size_t n = 0;
  for (int group = 0; group < (bytes + 7) / 8; ++group) {
    const unsigned bits = static_cast<unsigned>(mask >> (8 * group)) & 0xFF;
    const __m128i source = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(canonical + 8 * group));
    const __m128i control =
        _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kByteCompaction.control[bits]));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + n), _mm_shuffle_epi8(source, control));
    n += kByteCompaction.count[bits];
  }
  return n;
}

// The same for uint32 offsets; writes up to 3 values beyond.
__attribute__((target("ssse3"))) void PackOffsets(const uint32_t* source, uint64_t mask, int bytes,
                                                  uint32_t* out) {
  size_t n = 0;
  for (int group = 0; group < (bytes + 3) / 4; ++group) {
    const unsigned bits = static_cast<unsigned>(mask >> (4 * group)) & 0xF;
    const __m128i values = _mm_loadu_si128(reinterpret_cast<const __m128i*>(source + 4 * group));
    const __m128i control =
        _mm_load_si128(reinterpret_cast<const __m128i*>(kLaneCompaction.control[bits]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), _mm_shuffle_epi8(values, control));
    n += kLaneCompaction.count[bits];
  }
}

// PackOffsets with AVX2: 8 lanes per step, the lane indices widened from
// kByteCompaction's byte controls; writes up to 7 values beyond.
AVX2 void PackOffsetsAvx2(const uint32_t* source, uint64_t mask, int bytes, uint32_t* out) {
  size_t n = 0;
  for (int group = 0; group < (bytes + 7) / 8; ++group) {
    const unsigned bits = static_cast<unsigned>(mask >> (8 * group)) & 0xFF;
    const __m256i values = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(source + 8 * group));
    const __m256i control = _mm256_cvtepu8_epi32(
        _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kByteCompaction.control[bits])));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + n),
                        _mm256_permutevar8x32_epi32(values, control));
    n += kByteCompaction.count[bits];
  }
}

// Writes the tokens of block bits `region` (whole tokens, accepted by
// FirstRefusedByte) and returns the state after them.
//
// Each letter that does not merge into the one before is kept, and each word
// but the text's first gets one separator, represented by the byte before its
// first letter (whitespace or punctuation). Text and begins are packed from
// the first letter of each group of merged letters, ends from its last
// (folded ends never decrease, so the last one is the group's end). A
// separator's offsets are then set from its neighbours, as WriteSeparator
// does everywhere else.
template <bool kAvx2>
PlainState WriteRegion(const uint32_t* begins, const uint32_t* ends, const BlockMasks& m, int cut,
                       SkeletonBuffers out, PlainState s) {
  const uint64_t region = Below(cut);
  const uint64_t after_letter = m.letter << 1;
  const uint64_t merges = m.letter & after_letter & (m.same | (m.e & (m.aou << 1)));
  const uint64_t word_starts = m.letter & ~after_letter & region;
  if (word_starts == 0) return s;  // punctuation only: nothing to write
  uint64_t separated = word_starts;
  if (!s.separator_pending) separated &= separated - 1;  // the text's first word
  size_t start = s.size;
  if (separated & 1) {
    // A word on the block's first byte: its separator's byte lies before
    // the block.
    WriteSeparator(out, start++, begins[0]);
    separated &= ~uint64_t{1};
  }
  const uint64_t separators = separated >> 1;
  const uint64_t letters = m.letter & region;
  const uint64_t firsts = (letters & ~merges) | separators;
  const uint64_t lasts = (letters & ~(merges >> 1)) | separators;
  const size_t n = PackBytes(m.canonical, firsts, cut, out.text + start);
  if constexpr (kAvx2) {
    PackOffsetsAvx2(begins, firsts, cut, out.begins + start);
    PackOffsetsAvx2(ends, lasts, cut, out.ends + start);
  } else {
    PackOffsets(begins, firsts, cut, out.begins + start);
    PackOffsets(ends, lasts, cut, out.ends + start);
  }
  // Separator offsets, left to right: each needs the final letter before it.
  size_t last_separator = 0;
  for (size_t chunk = 0; chunk < n; chunk += 16) {
    const __m128i packed =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(out.text + start + chunk));
    uint64_t spaces = static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(packed, Splat(' '))));
    spaces &= Below(static_cast<int>(n - chunk));
    for (; spaces != 0; spaces &= spaces - 1) {
      const size_t at = start + chunk + static_cast<size_t>(std::countr_zero(spaces));
      WriteSeparator(out, at, out.begins[at + 1]);
      last_separator = at;
    }
  }
  // The last word starts after the last separator; with none packed, the
  // only word starts at `start` (no separator before a separator's place:
  // position 0 is never one).
  s.word_start = last_separator != 0 ? last_separator + 1 : start;
  s.size = start + n;
  s.separator_pending = true;
  return s;
}

template <bool kAvx2>
BlockResult BlockLoop(const FoldedInput& in, SkeletonBuffers out, PlainState s) {
  while (s.pos + kBlock <= in.size) {
    const char* const text = in.text + s.pos;
    BlockMasks m;
    if constexpr (kAvx2) {
      m = ClassifyAvx2(text);
    } else {
      m = Classify(text);
    }
    uint64_t stop = 0;
    const uint64_t punct = Punctuation(text, m.other, &stop);
    const int refused = FirstRefusedByte(m, punct, stop);
    // Whole tokens only: up to the whitespace before the first refused
    // token, or before the token that runs past the block.
    const uint64_t spaces = m.space & Below(refused);
    if (spaces == 0) return {s, refused < 64};
    const int cut = std::bit_width(spaces);
    s = WriteRegion<kAvx2>(in.begins + s.pos, in.ends + s.pos, m, cut, out, s);
    s.pos += static_cast<size_t>(cut);
    if (refused < 64) return {s, true};
  }
  return {s, false};
}

// The loop compiled for each instruction set, so that its helpers inline.
__attribute__((target("ssse3"))) BlockResult BlocksSsse3(const FoldedInput& in, SkeletonBuffers out,
                                                         PlainState s) {
  return BlockLoop<false>(in, out, s);
}
AVX2 BlockResult BlocksAvx2(const FoldedInput& in, SkeletonBuffers out, PlainState s) {
  return BlockLoop<true>(in, out, s);
}

}  // namespace

bool BlockIsaSupported(BlockIsa isa) {
  static const bool ssse3 = __builtin_cpu_supports("ssse3");
  static const bool avx2 = __builtin_cpu_supports("avx2");
  switch (isa) {
    case BlockIsa::kBest:
    case BlockIsa::kSsse3:
      return ssse3;
    case BlockIsa::kAvx2:
      return avx2;
  }
  return false;
}

BlockResult WriteWordBlocks(const FoldedInput& in, SkeletonBuffers out, PlainState s,
                            BlockIsa isa) {
  if (isa == BlockIsa::kBest) {
    isa = BlockIsaSupported(BlockIsa::kAvx2) ? BlockIsa::kAvx2 : BlockIsa::kSsse3;
  }
  if (!BlockIsaSupported(isa)) return {s, false};
  return isa == BlockIsa::kAvx2 ? BlocksAvx2(in, out, s) : BlocksSsse3(in, out, s);
}

#else  // no x86-64: the per-word path takes every word

bool BlockIsaSupported(BlockIsa) { return false; }

BlockResult WriteWordBlocks(const FoldedInput&, SkeletonBuffers, PlainState state, BlockIsa) {
  return {state, false};
}

#endif

#undef AVX2

}  // namespace moderation::text::internal
