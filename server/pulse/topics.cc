#include "server/pulse/topics.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace moderation::server::pulse {
namespace {

// What a byte is to the tokenizer: part of a word (ASCII letters and
// non-ASCII bytes), the lead E2 of General punctuation (U+2000..U+203F:
// dashes, typographic quotes; a word byte unless 80 follows), the '@' of a
// mention, or a separator.
enum ByteClass : uint8_t { kSeparator = 0, kWordByte = 1, kLeadE2 = 2, kMention = 3 };

constexpr std::array<uint8_t, 256> MakeByteClasses() {
  std::array<uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    classes[c] = letter || c >= 0x80 ? kWordByte : kSeparator;
  }
  classes[0xE2] = kLeadE2;
  classes['@'] = kMention;
  return classes;
}
constexpr std::array<uint8_t, 256> kByteClass = MakeByteClasses();

// Whether byte i of a text is part of a word.
inline bool InWord(const unsigned char* p, size_t i, size_t n) {
  const uint8_t c = kByteClass[p[i]];
  return c == kWordByte || (c == kLeadE2 && (i + 1 >= n || p[i + 1] != 0x80));
}

// The end of the run of word bytes that goes on at i: sixteen bytes at a
// time while they are plain word bytes (letters, non-ASCII but E2), then
// byte by byte.
inline size_t WordEnd(const unsigned char* p, size_t i, size_t n) {
#ifdef __SSE2__
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i before_a = _mm_set1_epi8('a' - 1);
  const __m128i after_z = _mm_set1_epi8('z' + 1);
  const __m128i lead_e2 = _mm_set1_epi8(static_cast<char>(0xE2));
  while (i + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Signed compares: non-ASCII bytes are negative, so never letters.
    const __m128i lower = _mm_or_si128(v, case_bit);
    const __m128i letter =
        _mm_and_si128(_mm_cmpgt_epi8(lower, before_a), _mm_cmplt_epi8(lower, after_z));
    const __m128i high =
        _mm_andnot_si128(_mm_cmpeq_epi8(v, lead_e2), _mm_cmplt_epi8(v, _mm_setzero_si128()));
    const auto word = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(letter, high)));
    if (word != 0xFFFF) {
      i += static_cast<size_t>(std::countr_one(word));
      break;
    }
    i += 16;
  }
#endif
  while (i < n && InWord(p, i, n)) ++i;
  return i;
}

// Writes the folded form of `word` (ASCII and Ä Ö Ü lower-cased) to out
// and returns its end. A word's ASCII bytes are letters, so setting bit 5
// lower-cases them; a byte after C3 is taken as it is, unless it makes
// Ä Ö Ü. `readable` bytes from word on may be read (at least size); out
// may be written up to 48 bytes on.
inline char* WriteFolded(const unsigned char* word, size_t size, size_t readable, char* out) {
#ifdef __SSE2__
  // Sixteen bytes at a time where the read stays inside the text and the
  // word has no C3 (whose next byte may fold).
  if (size <= 48 && readable >= (size + 15) / 16 * 16) {
    const __m128i c3 = _mm_set1_epi8(static_cast<char>(0xC3));
    const __m128i case_bit = _mm_set1_epi8(0x20);
    bool has_c3 = false;
    for (size_t k = 0; k < size; k += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(word + k));
      const auto c3_at = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, c3)));
      const uint32_t inside = size - k >= 16 ? 0xFFFF : (uint32_t{1} << (size - k)) - 1;
      has_c3 |= (c3_at & inside) != 0;
      // ASCII bytes (the letters) get bit 5; non-ASCII ones stay.
      const __m128i ascii_case = _mm_andnot_si128(_mm_cmplt_epi8(v, _mm_setzero_si128()), case_bit);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), _mm_or_si128(v, ascii_case));
    }
    if (!has_c3) return out + size;
  }
#endif
  for (size_t i = 0; i < size; ++i) {
    const unsigned char c = word[i];
    if (c < 0x80) {
      *out++ = static_cast<char>(c | 0x20);
      continue;
    }
    *out++ = static_cast<char>(c);
    if (c == 0xC3 && i + 1 < size) {
      const unsigned char next = word[++i];
      const bool upper_umlaut = next == 0x84 || next == 0x96 || next == 0x9C;
      *out++ = static_cast<char>(upper_umlaut ? next + 0x20 : next);
    }
  }
  return out;
}

constexpr uint64_t kWordSeed = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kWordStep = 0xBF58476D1CE4E5B9ULL;
constexpr uint64_t kPairStep = 0xC2B2AE3D27D4EB4FULL;

inline uint64_t Finalize(uint64_t h) {
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  return h | 1;
}

inline uint64_t WordStep(uint64_t h, uint64_t chunk) {
  h = (h ^ chunk) * kWordStep;
  return h ^ (h >> 29);
}

// TopicWordHash of the `size` bytes at s, reading whole eight-byte chunks
// (up to 7 bytes past the word: the caller's buffer has room).
inline uint64_t WordHashPadded(const char* s, size_t size) {
  uint64_t h = kWordSeed ^ size;
  for (size_t k = 0; k < size; k += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, s + k, 8);
    if (size - k < 8) chunk &= (uint64_t{1} << (8 * (size - k))) - 1;
    h = WordStep(h, chunk);
  }
  return Finalize(h);
}

// The words of `text` appended to buf from *end on (each after a space),
// their terms to *out. *prev_start is where the previous content word
// starts in buf (npos: none to pair with), *prev_hash its hash.
void TokenizePart(std::string_view text, const StopWordHashes& stop_words, char* buf, size_t* end,
                  size_t* prev_start, uint64_t* prev_hash, PostTerms* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n && out->count < kMaxPostTerms) {
    if (!InWord(p, i, n)) {
      // A mention (@name) is a person's name: skip it, and do not pair
      // across it.
      if (p[i] == '@') {
        i = WordEnd(p, i + 1, n);
        *prev_start = std::string::npos;
        continue;
      }
      i += p[i] < 0x80 ? 1 : std::min<size_t>(3, n - i);
      continue;
    }
    const size_t start = i;
    i = WordEnd(p, i + 1, n);
    const size_t size = i - start;
    // A URL ("https://…", "www.…"): skip to the next space.
    if ((n - i >= 3 && p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/') ||
        (size == 3 && std::memcmp(p + start, "www", 3) == 0)) {
      while (i < n && p[i] != ' ' && p[i] != '\n') ++i;
      *prev_start = std::string::npos;
      continue;
    }
    if (size < 3) continue;  // short words neither count nor break a pair
    const size_t word_start = *end + 1;
    buf[*end] = ' ';
    const char* word_end =
        WriteFolded(p + start, std::min(size, kMaxTopicBytes), n - start, buf + word_start);
    const std::string_view word(buf + word_start, static_cast<size_t>(word_end - buf) - word_start);
    const uint64_t hash = WordHashPadded(word.data(), word.size());
    if (stop_words.ContainsPadded(word.data(), word.size(), hash)) {
      *prev_start = std::string::npos;
      continue;
    }
    *end = word_start + word.size();
    out->terms[out->count] = word;
    out->hashes[out->count] = hash;
    ++out->count;
    if (*prev_start != std::string::npos && out->count < kMaxPostTerms) {
      out->terms[out->count] = std::string_view(buf + *prev_start, *end - *prev_start);
      out->hashes[out->count] = TopicPairHash(*prev_hash, hash);
      ++out->count;
    }
    *prev_start = word_start;
    *prev_hash = hash;
  }
}

// Each word takes at most its own bytes and a space; the folding and the
// hashing may write and read up to 48 bytes past a word's start.
constexpr size_t kTermBufferBytes = 2 * kMaxTopicText + 64;

}  // namespace

void Tokenize(std::string_view title, std::string_view body, PostTerms* out) {
  thread_local char buf[kTermBufferBytes];
  size_t end = 0;
  out->count = 0;
  title = title.substr(0, kMaxTopicText);
  body = body.substr(0, kMaxTopicText - title.size());
  size_t prev_start = std::string::npos;
  uint64_t prev_hash = 0;
  const StopWordHashes& stop_words = StopWordHashes::Get();
  TokenizePart(title, stop_words, buf, &end, &prev_start, &prev_hash, out);
  prev_start = std::string::npos;
  TokenizePart(body, stop_words, buf, &end, &prev_start, &prev_hash, out);
}

uint64_t TopicWordHash(std::string_view word) {
  uint64_t h = kWordSeed ^ word.size();
  for (size_t k = 0; k < word.size(); k += 8) {
    uint64_t chunk = 0;
    std::memcpy(&chunk, word.data() + k, std::min<size_t>(8, word.size() - k));
    h = WordStep(h, chunk);
  }
  return Finalize(h);
}

uint64_t TopicPairHash(uint64_t first, uint64_t second) {
  return Finalize(first * kPairStep + std::rotl(second, 31));
}

uint64_t TopicTermHash(std::string_view term) {
  const size_t space = term.find(' ');
  if (space == std::string_view::npos) return TopicWordHash(term);
  return TopicPairHash(TopicWordHash(term.substr(0, space)), TopicWordHash(term.substr(space + 1)));
}

static_assert(kTopicSlots % 16 == 0, "Find compares tags 16 at a time");
static_assert(kTopicSlots <= 64, "smallest_slots_ has a bit per slot");

int SpaceSaving::Find(uint64_t hash) const {
  // Slots whose tag (the hash's top byte) matches, then the full hash: at
  // most one slot holds a hash with a count (Add only inserts what it did
  // not find).
  uint64_t candidates = 0;
#ifdef __SSE2__
  const __m128i tag = _mm_set1_epi8(static_cast<char>(Tag(hash)));
  for (int i = 0; i < kTopicSlots; i += 16) {
    const __m128i tags = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tags_.data() + i));
    candidates |=
        static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(tags, tag))))
        << i;
  }
#else
  for (int i = 0; i < kTopicSlots; ++i) candidates |= uint64_t{tags_[i] == Tag(hash)} << i;
#endif
  for (; candidates != 0; candidates &= candidates - 1) {
    const int i = std::countr_zero(candidates);
    if (hashes_[i] == hash && counts_[i] != 0) return i;
  }
  return -1;
}

void SpaceSaving::Add(uint64_t hash, std::string_view term, uint32_t weight) {
  total_ += weight;
  if (const int i = Find(hash); i >= 0) {
    counts_[i] += weight;
    // A slot of the smallest count that grew is no longer one.
    if (weight != 0) smallest_slots_ &= ~(uint64_t{1} << i);
    return;
  }
  // The first free slot, else the first with the smallest count: free
  // slots count 0, so both are the first slot of the smallest count.
  if (smallest_slots_ == 0) FindSmallest();
  const int slot = std::countr_zero(smallest_slots_);
  errors_[slot] = smallest_;
  counts_[slot] = smallest_ + weight;
  if (weight != 0) smallest_slots_ &= ~(uint64_t{1} << slot);
  SetHash(slot, hash);
  SetTerm(slot, term);
}

void SpaceSaving::FindSmallest() {
  uint32_t smallest = counts_[0];
  for (int i = 1; i < kTopicSlots; ++i) smallest = std::min(smallest, counts_[i]);
  uint64_t slots = 0;
  for (int i = 0; i < kTopicSlots; ++i) slots |= uint64_t{counts_[i] == smallest} << i;
  smallest_ = smallest;
  smallest_slots_ = slots;
}

uint32_t SpaceSaving::Count(uint64_t hash) const {
  const int i = Find(hash);
  return i >= 0 ? counts_[i] : 0;
}

void SpaceSaving::Decay() {
  total_ /= 2;
  smallest_slots_ = 0;  // counts change: found again by the next Add
  for (int i = 0; i < kTopicSlots; ++i) {
    counts_[i] /= 2;
    errors_[i] /= 2;
    if (counts_[i] == 0) {
      SetHash(i, 0);
      term_sizes_[i] = 0;
    }
  }
}

void SpaceSaving::Merge(const SpaceSaving& other) {
  for (int i = 0; i < kTopicSlots; ++i) {
    if (other.counts_[i] > 0) Add(other.hashes_[i], other.term(i), other.counts_[i]);
  }
}

void TopicTracker::Roll(uint32_t hour_epoch) {
  if (hour_epoch <= current_hour_) return;
  if (current_hour_ != 0) {
    baseline_.Decay();
    baseline_.Merge(current_);
    // Hours without posts age the baseline too (at most a day's worth).
    for (uint32_t h = current_hour_ + 1; h < hour_epoch && h <= current_hour_ + 24; ++h) {
      baseline_.Decay();
    }
  }
  current_.Clear();
  current_hour_ = hour_epoch;
}

void TopicTracker::Add(uint32_t hour_epoch, const PostTerms& terms) {
  Roll(hour_epoch);
  if (hour_epoch != current_hour_) return;  // a late post of an earlier hour
  for (int i = 0; i < terms.count; ++i) current_.Add(terms.hashes[i], terms.terms[i]);
}

std::vector<RisingTopic> TopicTracker::Rising(uint32_t hour_epoch, size_t limit) const {
  std::vector<RisingTopic> out;
  if (hour_epoch != current_hour_) return out;  // nothing this hour yet
  const double base_total = static_cast<double>(std::max<uint64_t>(baseline_.total(), 1));
  for (int i = 0; i < kTopicSlots; ++i) {
    const uint32_t count = current_.count(i);
    if (count < static_cast<uint32_t>(kMinRisingCount)) continue;
    const double expected = baseline_.Count(current_.hash(i)) / base_total * current_.total();
    if (count <= expected) continue;
    out.push_back({std::string(current_.term(i)), count, expected});
  }
  std::sort(out.begin(), out.end(), [](const RisingTopic& a, const RisingTopic& b) {
    const double sa = a.count - a.expected;
    const double sb = b.count - b.expected;
    if (sa != sb) return sa > sb;
    return a.term < b.term;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace moderation::server::pulse
