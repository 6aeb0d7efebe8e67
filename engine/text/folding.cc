#include "engine/text/folding.h"

#include <utf8proc.h>

#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "engine/text/utf8.h"
#include "engine/text/utf8_internal.h"

namespace moderation::text::internal {
namespace {

constexpr utf8proc_option_t kFoldOptions = static_cast<utf8proc_option_t>(
    UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_STABLE);

// A cluster is cut after this many code points, so that "Zalgo" text (one
// letter under hundreds of marks) cannot make composition quadratic. The
// marks after the cut are still folded, just on their own.
constexpr int kMaxClusterCodePoints = 32;

// Large enough for kMaxClusterCodePoints ordinary code points after
// decomposition; longer expansions (U+FDFA alone is 18) use the heap.
constexpr utf8proc_ssize_t kStackCodePoints = 128;

// Code points that attach to the code point before them for composition:
// combining marks (any canonical combining class, or a mark category, which
// also covers variation selectors) and Hangul vowel/trailing jamo.
bool ExtendsCluster(char32_t cp) {
  if (cp < 0x300) return false;  // nothing below U+0300 combines
  if (cp >= 0x1160 && cp <= 0x11FF) return true;
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return p->combining_class != 0 ||
         (p->category >= UTF8PROC_CATEGORY_MN && p->category <= UTF8PROC_CATEGORY_ME);
}

// Whether the code point at raw[pos] attaches to the one before it.
bool StartsWithMark(std::string_view raw, size_t pos) {
  int len;
  return ExtendsCluster(DecodeUtf8Unchecked(raw.data() + pos, &len));
}

// The end of the cluster that starts at raw[begin].
size_t ClusterEnd(std::string_view raw, size_t begin) {
  int len = 0;
  DecodeUtf8Unchecked(raw.data() + begin, &len);
  size_t end = begin + len;
  for (int n = 1; end < raw.size() && n < kMaxClusterCodePoints; ++n) {
    if (static_cast<unsigned char>(raw[end]) < 0x80) break;
    const char32_t cp = DecodeUtf8Unchecked(raw.data() + end, &len);
    if (!ExtendsCluster(cp)) break;
    end += len;
  }
  return end;
}

// Appends to a View through raw pointers: the vectors are grown ahead in
// chunks and trimmed once at the end, so each byte costs three stores rather
// than three push_backs.
class FoldedWriter {
 public:
  explicit FoldedWriter(View* out, size_t expected_size) : out_(out) { Resize(expected_size); }

  // Makes room for n more bytes.
  void Reserve(size_t n) {
    if (size_ + n > capacity_) Resize(2 * capacity_ + n);
  }

  void Put(char c, uint32_t begin, uint32_t end) {
    text_[size_] = c;
    begins_[size_] = begin;
    ends_[size_++] = end;
  }

  void PutCodePoint(char32_t cp, uint32_t begin, uint32_t end) {
    char utf8[4];
    const int len = EncodeUtf8(cp, utf8);
    Reserve(len);
    for (int i = 0; i < len; ++i) Put(utf8[i], begin, end);
  }

  // Claims n bytes (after Reserve(n)) for the caller to fill in directly.
  struct Slots {
    char* text;
    uint32_t* begins;
    uint32_t* ends;
  };
  Slots Claim(size_t n) {
    const Slots slots{text_ + size_, begins_ + size_, ends_ + size_};
    size_ += n;
    return slots;
  }

  void Finish() { Resize(size_); }

 private:
  static int EncodeUtf8(char32_t cp, char* buf) {
    if (cp < 0x80) {
      buf[0] = static_cast<char>(cp);
      return 1;
    }
    std::string tmp;  // short-string buffer: no allocation
    AppendUtf8(cp, &tmp);
    tmp.copy(buf, tmp.size());
    return static_cast<int>(tmp.size());
  }

  void Resize(size_t n) {
    out_->text.resize(n);
    out_->orig_begin.resize(n);
    out_->orig_end.resize(n);
    text_ = out_->text.data();
    begins_ = out_->orig_begin.data();
    ends_ = out_->orig_end.data();
    capacity_ = n;
  }

  View* out_;
  char* text_ = nullptr;
  uint32_t* begins_ = nullptr;
  uint32_t* ends_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Folds one cluster's bytes with utf8proc. Returns the number of code points
// in *buffer (which may be redirected to *heap), or a negative error.
utf8proc_ssize_t FoldCodePoints(const char* data, size_t size, utf8proc_int32_t* stack,
                                std::vector<utf8proc_int32_t>* heap, utf8proc_int32_t** buffer) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(data);
  const auto length = static_cast<utf8proc_ssize_t>(size);
  *buffer = stack;
  utf8proc_ssize_t n = utf8proc_decompose(bytes, length, stack, kStackCodePoints, kFoldOptions);
  if (n > kStackCodePoints) {
    heap->resize(static_cast<size_t>(n));
    *buffer = heap->data();
    n = utf8proc_decompose(bytes, length, *buffer, n, kFoldOptions);
  }
  return n < 0 ? n : utf8proc_normalize_utf32(*buffer, n, kFoldOptions);
}

// Folds raw[begin, end) (one cluster) and appends the result.
void AppendFoldedCluster(std::string_view raw, size_t begin, size_t end, FoldedWriter* out) {
  utf8proc_int32_t stack[kStackCodePoints];
  std::vector<utf8proc_int32_t> heap;  // stays empty (no allocation) normally
  utf8proc_int32_t* buffer = nullptr;
  const utf8proc_ssize_t n = FoldCodePoints(raw.data() + begin, end - begin, stack, &heap, &buffer);
  const auto b = static_cast<uint32_t>(begin);
  const auto e = static_cast<uint32_t>(end);
  if (n < 0) {
    // Cannot happen for valid UTF-8 with these options; keep the bytes
    // rather than lose them.
    out->Reserve(end - begin);
    for (size_t i = begin; i < end; ++i) out->Put(raw[i], b, e);
    return;
  }
  for (utf8proc_ssize_t i = 0; i < n; ++i) {
    const auto cp = static_cast<char32_t>(buffer[i]);
    if (!IsInvisibleFormatChar(cp)) out->PutCodePoint(cp, b, e);
  }
}

// The folded UTF-8 of every lone 2-byte code point (U+0080..U+07FF: Latin,
// Greek, Cyrillic, ...), computed once, because German umlauts and look-alike
// attacks are common and a utf8proc call costs far more than a copy.
class TwoByteFoldTable {
 public:
  static constexpr uint8_t kUncached = 0xFF;
  struct Entry {
    uint8_t size = kUncached;
    char bytes[7] = {};
  };

  TwoByteFoldTable() {
    std::string folded;
    for (char32_t cp = 0x80; cp < 0x800; ++cp) {
      std::string utf8;
      AppendUtf8(cp, &utf8);
      utf8proc_int32_t stack[kStackCodePoints];
      std::vector<utf8proc_int32_t> heap;
      utf8proc_int32_t* buffer = nullptr;
      const utf8proc_ssize_t n = FoldCodePoints(utf8.data(), utf8.size(), stack, &heap, &buffer);
      if (n < 0) continue;
      folded.clear();
      for (utf8proc_ssize_t i = 0; i < n; ++i) {
        if (!IsInvisibleFormatChar(static_cast<char32_t>(buffer[i]))) {
          AppendUtf8(static_cast<char32_t>(buffer[i]), &folded);
        }
      }
      if (folded.size() > sizeof(Entry::bytes)) continue;
      Entry& e = entries_[cp - 0x80];
      e.size = static_cast<uint8_t>(folded.size());
      folded.copy(e.bytes, folded.size());
    }
  }

  const Entry& Get(char32_t cp) const { return entries_[cp - 0x80]; }

 private:
  Entry entries_[0x800 - 0x80];
};

const TwoByteFoldTable& TwoByteFolds() {
  static const TwoByteFoldTable* const table = new TwoByteFoldTable();
  return *table;
}

// Lower-cases eight ASCII bytes at once. A byte b < 0x80 is in 'A'..'Z'
// when b + (0x80 - 'A') reaches the high bit but b + (0x80 - 'Z' - 1) does
// not; neither sum carries into the next byte. The high bit, moved down to
// 0x20, is the case bit.
uint64_t LowerAscii8(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t at_least_a = word + kOnes * (0x80 - 'A');
  const uint64_t above_z = word + kOnes * (0x80 - 'Z' - 1);
  const uint64_t upper = at_least_a & ~above_z & (kOnes * 0x80);
  return word | (upper >> 2);
}

// Byte i of an ASCII run starting at original offset `first` maps to
// [first + i, first + i + 1). count is a multiple of eight, so the
// vectorised loop never falls into its scalar tail; __restrict (the arrays
// never overlap) spares it a run-time overlap check.
// The counter is 32-bit like the offsets, so each vector lane is a plain add.
void WriteAsciiOffsets(uint32_t* __restrict begins, uint32_t* __restrict ends, uint32_t first,
                       uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    begins[i] = first + i;
    ends[i] = first + i + 1;
  }
}

// Appends raw[begin, end), all ASCII and none followed by a combining mark:
// folding is just lower-casing, one byte to one byte. Runs are short (a few
// words between umlauts), so the work goes in fixed chunks of eight bytes
// rather than a vectorised loop whose set-up and scalar tail would dominate;
// the offsets of the last chunk may spill past the run into reserved space,
// which the next append overwrites.
void AppendAsciiRun(std::string_view raw, size_t begin, size_t end, FoldedWriter* out) {
  constexpr size_t kChunk = 8;
  const size_t n = end - begin;
  const size_t chunks = (n + kChunk - 1) / kChunk;
  out->Reserve(chunks * kChunk);
  const FoldedWriter::Slots slots = out->Claim(n);
  const char* const in = raw.data() + begin;
  size_t i = 0;
  // Whole words while they stay inside raw (they may read past the run).
  for (; i < n && begin + i + kChunk <= raw.size(); i += kChunk) {
    uint64_t word;
    std::memcpy(&word, in + i, sizeof(word));
    word = LowerAscii8(word);
    std::memcpy(slots.text + i, &word, sizeof(word));
  }
  for (; i < n; ++i) {
    const char c = in[i];
    slots.text[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  WriteAsciiOffsets(slots.begins, slots.ends, static_cast<uint32_t>(begin),
                    static_cast<uint32_t>(chunks * kChunk));
}

#if defined(__x86_64__)
#define MODERATION_FOLD_AVX2 1

// AppendAsciiRun with AVX2: 32 bytes lower-cased and 8 offsets written per
// step. The text goes in whole steps inside the run, the rest as above;
// the offsets spill like AppendAsciiRun's. Same bytes and offsets as
// AppendAsciiRun (folding_equivalence_test checks it).
__attribute__((target("avx2"))) void AppendAsciiRunAvx2(std::string_view raw, size_t begin,
                                                        size_t end, FoldedWriter* out) {
  constexpr size_t kChunk = 8;
  const size_t n = end - begin;
  const size_t chunks = (n + kChunk - 1) / kChunk;
  out->Reserve(chunks * kChunk);
  const FoldedWriter::Slots slots = out->Claim(n);
  const char* const in = raw.data() + begin;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
    // 'A' <= b <= 'Z' as a signed compare after moving 'A' to -128 (all
    // bytes are ASCII here).
    const __m256i upper = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 26),
                                            _mm256_add_epi8(v, _mm256_set1_epi8(128 - 'A')));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(slots.text + i),
                        _mm256_or_si256(v, _mm256_and_si256(upper, _mm256_set1_epi8(0x20))));
  }
  for (; i < n && begin + i + kChunk <= raw.size(); i += kChunk) {
    uint64_t word;
    std::memcpy(&word, in + i, sizeof(word));
    word = LowerAscii8(word);
    std::memcpy(slots.text + i, &word, sizeof(word));
  }
  for (; i < n; ++i) {
    const char c = in[i];
    slots.text[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  __m256i offsets = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(begin)),
                                     _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const __m256i one = _mm256_set1_epi32(1);
  for (size_t k = 0; k < chunks * kChunk; k += kChunk) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(slots.begins + k), offsets);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(slots.ends + k), _mm256_add_epi32(offsets, one));
    offsets = _mm256_add_epi32(offsets, _mm256_set1_epi32(kChunk));
  }
}

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

// The ASCII run appender for this call of BuildFoldedView.
using AsciiRunFn = void (*)(std::string_view, size_t, size_t, FoldedWriter*);
AsciiRunFn PickAsciiRun(bool avx2) {
#if defined(MODERATION_FOLD_AVX2)
  if (avx2 && HasAvx2()) return AppendAsciiRunAvx2;
#endif
  (void)avx2;
  return AppendAsciiRun;
}

// Appends the fold of raw[begin, end): one code point with no marks after it.
void AppendLoneCodePoint(std::string_view raw, size_t begin, size_t end, FoldedWriter* out) {
  if (end - begin == 2) {
    int len;
    const TwoByteFoldTable::Entry& e =
        TwoByteFolds().Get(DecodeUtf8Unchecked(raw.data() + begin, &len));
    if (e.size != TwoByteFoldTable::kUncached) {
      out->Reserve(e.size);
      for (int i = 0; i < e.size; ++i) {
        out->Put(e.bytes[i], static_cast<uint32_t>(begin), static_cast<uint32_t>(end));
      }
      return;
    }
  }
  AppendFoldedCluster(raw, begin, end, out);
}

}  // namespace

bool IsInvisibleFormatChar(char32_t cp) {
  return cp == 0x00AD ||                    // soft hyphen
         (cp >= 0x200B && cp <= 0x200F) ||  // zero-width space/joiners, LRM, RLM
         (cp >= 0x202A && cp <= 0x202E) ||  // bidi embeddings and overrides
         (cp >= 0x2060 && cp <= 0x206F) ||  // word joiner, bidi isolates, ...
         cp == 0xFEFF ||                    // BOM / zero-width no-break space
         (cp >= 0xFE00 && cp <= 0xFE0F) ||  // variation selectors
         (cp >= 0xE0100 && cp <= 0xE01EF);  // variation selectors supplement
}

void BuildFoldedView(std::string_view raw, View* out, bool avx2) {
  const AsciiRunFn append_ascii_run = PickAsciiRun(avx2);
  // Folding rarely makes a text longer (ß -> ss, ligatures): start with
  // room for the input plus a little.
  FoldedWriter writer(out, raw.size() + 16);
  size_t i = 0;
  while (i < raw.size()) {
    const size_t ascii_end = AsciiRunEnd(raw, i);
    if (ascii_end > i) {
      // The last ASCII byte takes any combining marks after it, so it then
      // goes through the cluster path below.
      const size_t run_end =
          ascii_end < raw.size() && StartsWithMark(raw, ascii_end) ? ascii_end - 1 : ascii_end;
      if (run_end > i) {
        append_ascii_run(raw, i, run_end, &writer);
        i = run_end;
        continue;
      }
    }
    int len;
    DecodeUtf8Unchecked(raw.data() + i, &len);
    const size_t end = ClusterEnd(raw, i);
    if (end == i + static_cast<size_t>(len)) {
      if (len == 1) {
        AppendAsciiRun(raw, i, end, &writer);
      } else {
        AppendLoneCodePoint(raw, i, end, &writer);
      }
    } else {
      AppendFoldedCluster(raw, i, end, &writer);
    }
    i = end;
  }
  writer.Finish();
}

}  // namespace moderation::text::internal
