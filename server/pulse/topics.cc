#include "server/pulse/topics.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <initializer_list>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "engine/text/normalizer.h"

namespace moderation::server::pulse {
namespace {

// What a byte of the folded view is to the tokenizer: part of a word (ASCII
// letters and non-ASCII bytes), the lead E2 of General punctuation
// (U+2000..U+203F: dashes, typographic quotes; a word byte unless 80
// follows), the lead C2 of Latin-1 punctuation (U+0080..U+00BF: guillemets,
// inverted marks; folding has mapped the letters among them, ª º µ, to
// others), the '@' of a mention, or a separator.
enum ByteClass : uint8_t {
  kSeparator = 0,
  kWordByte = 1,
  kLeadE2 = 2,
  kMention = 3,
  kLeadC2 = 4,
};

constexpr std::array<uint8_t, 256> MakeByteClasses() {
  std::array<uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    classes[c] = letter || c >= 0x80 ? kWordByte : kSeparator;
  }
  classes[0xC2] = kLeadC2;
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

// The bytes of the separator character at p[i] (not in a word): its UTF-8
// length, as the folded view is valid UTF-8.
inline size_t SeparatorLength(const unsigned char* p, size_t i, size_t n) {
  const unsigned char c = p[i];
  const size_t length = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  return std::min(length, n - i);
}

// The end (at most n) of the run of word bytes that goes on at i: sixteen
// bytes at a time while they are plain word bytes (letters, non-ASCII but C2
// and E2), then byte by byte. 16 bytes past n may be read (the padding of
// PostWords::text), so the end of a part takes no byte-by-byte tail.
inline size_t WordEnd(const unsigned char* p, size_t i, size_t n) {
#ifdef __SSE2__
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i before_a = _mm_set1_epi8('a' - 1);
  const __m128i after_z = _mm_set1_epi8('z' + 1);
  const __m128i lead_c2 = _mm_set1_epi8(static_cast<char>(0xC2));
  const __m128i lead_e2 = _mm_set1_epi8(static_cast<char>(0xE2));
  while (i < n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Signed compares: non-ASCII bytes are negative, so never letters.
    const __m128i lower = _mm_or_si128(v, case_bit);
    const __m128i letter =
        _mm_and_si128(_mm_cmpgt_epi8(lower, before_a), _mm_cmplt_epi8(lower, after_z));
    const __m128i lead = _mm_or_si128(_mm_cmpeq_epi8(v, lead_c2), _mm_cmpeq_epi8(v, lead_e2));
    const __m128i high = _mm_andnot_si128(lead, _mm_cmplt_epi8(v, _mm_setzero_si128()));
    const auto word = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(letter, high)));
    if (word != 0xFFFF) {
      i += static_cast<size_t>(std::countr_one(word));
      break;
    }
    i += 16;
  }
#endif
  while (i < n && InWord(p, i, n)) ++i;
  return std::min(i, n);
}

// The end of a mention whose name goes on at i: handles hold digits and
// "_.-" besides letters ("@max_muster", "@max.muster", "@anna-lena"), and
// "@" on federated platforms ("@anna@example.social"); all of it is the
// person's name, none of it a topic.
inline size_t MentionEnd(const unsigned char* p, size_t i, size_t n) {
  for (;;) {
    i = WordEnd(p, i, n);
    const unsigned char c = i < n ? p[i] : ' ';
    const bool in_handle = (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' || c == '@';
    if (!in_handle) return i;
    ++i;
  }
}

// Whether the word p[start, end) begins a URL ("https://...", "www....").
inline bool StartsUrl(const unsigned char* p, size_t start, size_t end, size_t n) {
  return (n - end >= 3 && p[end] == ':' && p[end + 1] == '/' && p[end + 2] == '/') ||
         (end - start == 3 && std::memcmp(p + start, "www", 3) == 0);
}

// The first kMaxTopicBytes bytes of a longer word, cut before a character
// that would not fit (a topic is valid UTF-8: it goes into protos and the
// page).
inline size_t TopicBytes(const unsigned char* word, size_t size) {
  if (size <= kMaxTopicBytes) return size;
  size = kMaxTopicBytes;
  while (size > 0 && (word[size] & 0xC0) == 0x80) --size;
  return size;
}

// `text` cut to at most `limit` bytes, before a character that would not
// fit, so that the part stays valid UTF-8.
std::string_view CutOnCharacter(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80) --limit;
  return text.substr(0, limit);
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

// Zero bytes after the folded text, so that a word's hash and stop-word
// lookup (16 bytes from its start) and its copy into the terms (48 bytes)
// may read past its end.
constexpr size_t kTextPadding = 64;
// The terms' bytes: each content word at most kMaxTopicBytes and a space,
// and room for the last copy's 48 bytes.
constexpr size_t kTermBufferBytes = kMaxPostTerms * (kMaxTopicBytes + 1) + 64;
constexpr size_t kWordCopyBytes = 48;
static_assert(kMaxTopicBytes <= kWordCopyBytes && kWordCopyBytes <= kTextPadding);

// A word of 3 bytes or more, or a two-letter stop word, as the tokenizer
// collected it, before the post's language is known.
struct Word {
  uint64_t hash = 0;
  uint32_t start = 0;       // in PostWords::text
  uint8_t size = 0;         // at most kMaxTopicBytes
  uint8_t languages = 0;    // the stop-word lists that hold it (LanguageBit)
  bool pairs_back = false;  // no mention, URL or title/body edge before it
};

// How many of a post's words are stop words of each language.
struct Votes {
  int german = 0;
  int english = 0;
  void Add(uint8_t languages) {
    german += (languages & LanguageBit(TopicLanguage::kGerman)) != 0;
    english += (languages & LanguageBit(TopicLanguage::kEnglish)) != 0;
  }
};

// A post's folded text and its words in order, with the votes of its stop
// words; the terms chosen from them. One per thread, reused, so a post
// allocates nothing in steady state: the terms Tokenize returns point into
// `terms`.
struct PostWords {
  text::View folded;  // of the part being folded
  std::string text;   // the folded parts one after the other, then padding
  std::array<Word, kMaxPostWords> words;
  int count = 0;
  Votes votes;
  char terms[kTermBufferBytes];  // " a b c": neighbours read as pairs
};

// Collects the words of text[begin, end) (one folded part: title or body;
// the text is padded) after the words[0, *count) of the parts before, and
// their votes. No word pairs with one of the part before. Each word of 3
// bytes or more is hashed and looked up in place: the text was written
// before, so the reads do not wait for stores. The counts stay in
// registers while the loop writes the words (kept in the thread's
// PostWords, every byte store could alias them: the loop was half as fast).
// Not inlined, nor is EmitTerms: inlined into Tokenize, the two loops were
// laid out so that the word loop's hash and table lookups overlapped less
// (pulse_tokenize 0.65 -> 1.0 us in one build for an unrelated change).
__attribute__((noinline)) void CollectWords(std::string_view text, size_t begin, size_t end,
                                            const StopWordHashes& stop_words, Word* words,
                                            int* count_io, Votes* votes_io) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = end;
  int count = *count_io;
  Votes votes = *votes_io;
  bool pairs_back = false;
  size_t i = begin;
  while (i < n && count < kMaxPostWords) {
    if (!InWord(p, i, n)) {
      // A mention (@name) is a person's name: skip it, and do not pair
      // across it.
      if (p[i] == '@') {
        i = MentionEnd(p, i + 1, n);
        pairs_back = false;
        continue;
      }
      i += SeparatorLength(p, i, n);
      continue;
    }
    const size_t start = i;
    i = WordEnd(p, i + 1, n);
    if (StartsUrl(p, start, i, n)) {  // skip to the next space
      while (i < n && p[i] != ' ' && p[i] != '\n') ++i;
      pairs_back = false;
      continue;
    }
    const size_t size = i - start;
    // Short words are no topics; two-letter stop words ("zu", "of") vote
    // and separate pairs as stop words do, other short words neither.
    if (size < 3) {
      const uint8_t languages = size == 2 ? stop_words.TwoLetterLanguages(p + start) : 0;
      if (languages != 0) {
        votes.Add(languages);
        words[count++] = Word{0, 0, 2, languages, true};
      }
      continue;
    }
    Word& w = words[count++];
    w.size = static_cast<uint8_t>(TopicBytes(p + start, size));
    w.start = static_cast<uint32_t>(start);
    w.hash = WordHashPadded(text.data() + start, w.size);
    w.languages = stop_words.LanguagesPadded(text.data() + start, w.size, w.hash);
    w.pairs_back = pairs_back;
    votes.Add(w.languages);
    pairs_back = true;
  }
  *count_io = count;
  *votes_io = votes;
}

// The hint if it names a language, else the language whose stop words are
// more of the post's words; kUnknown on a tie.
TopicLanguage ChooseLanguage(TopicLanguage hint, const PostWords& words) {
  if (hint != TopicLanguage::kUnknown) return hint;
  if (words.votes.german > words.votes.english) return TopicLanguage::kGerman;
  if (words.votes.english > words.votes.german) return TopicLanguage::kEnglish;
  return TopicLanguage::kUnknown;
}

// The words of 3 bytes or more that are no stop words of `dropped`
// (LanguageBits), each followed by its pair with the content word before
// it, if that is its neighbour in the text (no stop word of any length,
// mention, URL or part edge between; other short words do not count).
// Content words are copied to buf (PostWords::terms) one after the other,
// each after a space, so a pair is the bytes from the first word's start
// to the second's end.
__attribute__((noinline)) void EmitTerms(uint8_t dropped, const std::string& text,
                                         const Word* words, int word_count, char* buf,
                                         PostTerms* out) {
  constexpr size_t kNone = ~size_t{0};
  int count = 0;  // in a register: the byte stores below could alias out->count
  size_t end = 0;
  size_t prev_start = kNone;
  uint64_t prev_hash = 0;
  for (int k = 0; k < word_count && count < kMaxPostTerms; ++k) {
    const Word& w = words[k];
    if (!w.pairs_back) prev_start = kNone;
    if ((w.languages & dropped) != 0) {
      prev_start = kNone;
      continue;
    }
    if (w.size < 3) continue;  // a two-letter stop word of the other language
    const size_t start = end + 1;
    buf[end] = ' ';
    // A fixed-size copy (no call); the padding and the buffer's slack
    // take what goes past the word.
    std::memcpy(buf + start, text.data() + w.start, kWordCopyBytes);
    end = start + w.size;
    out->terms[count] = std::string_view(buf + start, w.size);
    out->hashes[count] = w.hash;
    ++count;
    if (prev_start != kNone && count < kMaxPostTerms) {
      out->terms[count] = std::string_view(buf + prev_start, end - prev_start);
      out->hashes[count] = TopicPairHash(prev_hash, w.hash);
      ++count;
    }
    prev_start = start;
    prev_hash = w.hash;
  }
  out->count = count;
}

// Whether `tag`'s primary subtag is `language` (lower case), ignoring case;
// '_' is taken for '-' as some clients send it.
bool IsPrimarySubtag(std::string_view tag, std::string_view language) {
  if (tag.size() < language.size()) return false;
  for (size_t i = 0; i < language.size(); ++i) {
    if ((tag[i] | 0x20) != language[i]) return false;
  }
  return tag.size() == language.size() || tag[language.size()] == '-' ||
         tag[language.size()] == '_';
}

}  // namespace

TopicLanguage TopicLanguageOfTag(std::string_view tag) {
  if (IsPrimarySubtag(tag, "de")) return TopicLanguage::kGerman;
  if (IsPrimarySubtag(tag, "en")) return TopicLanguage::kEnglish;
  return TopicLanguage::kUnknown;
}

void Tokenize(std::string_view title, std::string_view body, PostTerms* out, TopicLanguage hint) {
  thread_local PostWords words;
  words.text.clear();
  words.count = 0;
  words.votes = Votes{};
  out->count = 0;
  title = CutOnCharacter(title, kMaxTopicText);
  body = CutOnCharacter(body, kMaxTopicText - title.size());
  // Title and body folded one after the other into the padded text.
  std::array<size_t, 3> edges{};
  int part = 0;
  for (const std::string_view raw : {title, body}) {
    // Invalid UTF-8 (the server rejects it before): no words from this part.
    if (!raw.empty() && text::FoldView(raw, &words.folded).ok()) words.text += words.folded.text;
    edges[++part] = words.text.size();
  }
  words.text.append(kTextPadding, '\0');
  const StopWordHashes& stop_words = StopWordHashes::Get();
  for (int i = 0; i < part; ++i) {
    CollectWords(words.text, edges[i], edges[i + 1], stop_words, words.words.data(), &words.count,
                 &words.votes);
  }
  out->language = ChooseLanguage(hint, words);
  EmitTerms(DroppedLanguages(out->language), words.text, words.words.data(), words.count,
            words.terms, out);
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
