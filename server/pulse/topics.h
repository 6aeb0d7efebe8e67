// Rising topics of a community: the content words and word pairs that are
// much more frequent in the last hour than in the community's recent past.
//
// Why: community managers ask "what are they talking about, and what moves
// the mood". Counting every word of every post would cost unbounded memory,
// so each period keeps a space-saving top-K sketch (Metwally et al.): K
// counters; a new word takes the smallest counter's place and inherits its
// count as possible over-count (`error`). Frequent words are never lost.
//
// Words: runs of letters (ASCII letters and any non-ASCII UTF-8 byte, so
// umlauts and ß stay inside words), lower-cased (ASCII and Ä Ö Ü), at least
// 3 bytes, at most kMaxTopicBytes (longer ones are cut); @mentions (names of
// people) and parts of URLs are skipped, and so are the shipped German and
// English stop words (stopwords.cc). Pairs of neighbouring content words
// count as bigrams ("impfpflicht bundestag"). Only the first kMaxTopicText
// bytes of a post are read, and only every PulseOptions::topic_sample_every
// th post of a community is read at all, which bounds the cost per post
// (counts are then a sample; the ranking is what matters).
//
// Periods: `current` collects the running hour; when the hour turns it is
// folded into `baseline` (older counts halve, so the baseline is a decaying
// average over about the last few hours) and starts again.
// Rising() ranks current words by count minus what the baseline's share
// predicts, with at least kMinRisingCount occurrences.
//
// Thread-safety: none; the owning CommunityState is guarded by its shard
// lock. Tokenize() is a pure function.
#ifndef MODERATION_SERVER_PULSE_TOPICS_H_
#define MODERATION_SERVER_PULSE_TOPICS_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moderation::server::pulse {

inline constexpr int kTopicSlots = 48;
inline constexpr size_t kMaxTopicBytes = 40;
inline constexpr size_t kMaxTopicText = 512;
inline constexpr int kMaxPostTerms = 48;
inline constexpr int kMinRisingCount = 3;

// A post's words and bigrams, folded, in order; at most kMaxPostTerms.
// The views point into a buffer of the calling thread, valid until its next
// Tokenize call.
struct PostTerms {
  std::array<std::string_view, kMaxPostTerms> terms;
  std::array<uint64_t, kMaxPostTerms> hashes;
  int count = 0;
};

// Folds and splits the first kMaxTopicText bytes of title and body
// (together) into content words and bigrams, replacing what *out held.
// Each term's hash is TopicTermHash(term).
void Tokenize(std::string_view title, std::string_view body, PostTerms* out);
// The hash the sketches count a term by, never 0: a word's from its bytes,
// eight at a time; a pair "a b" from its two words' hashes
// (TopicPairHash), so that a bigram costs no second pass over its bytes.
uint64_t TopicTermHash(std::string_view term);
uint64_t TopicWordHash(std::string_view word);
uint64_t TopicPairHash(uint64_t first, uint64_t second);
bool IsStopWord(std::string_view folded_word);
// IsStopWord for a word whose TopicWordHash is known (the tokenizer's).
bool IsStopWordHashed(std::string_view folded_word, uint64_t word_hash);

// The stop words by their TopicWordHash, which the tokenizer has computed
// anyway (stopwords.cc builds it): an open-addressing table indexed by the
// hash's top 9 bits; on a full hash match the word's bytes, zero-padded to
// 16, are compared as two integers.
class StopWordHashes {
 public:
  static const StopWordHashes& Get();
  bool Contains(std::string_view word, uint64_t hash) const;
  // As Contains, for a word whose 16 bytes from `word` on may be read (the
  // tokenizer's buffer); bytes past `size` are ignored.
  bool ContainsPadded(const char* word, size_t size, uint64_t hash) const {
    for (size_t s = hash >> 55;; s = (s + 1) % kTableSlots) {
      const Slot& e = slots_[s];
      if (e.hash == 0) return false;  // TopicWordHash is never 0
      if (e.hash != hash) continue;
      if (size != e.size) return false;
      uint64_t low, high;
      std::memcpy(&low, word, 8);
      std::memcpy(&high, word + 8, 8);
      const uint64_t low_mask = size >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * size)) - 1;
      const uint64_t high_mask = size >= 16  ? ~uint64_t{0}
                                 : size <= 8 ? 0
                                             : (uint64_t{1} << (8 * (size - 8))) - 1;
      return (low & low_mask) == e.low && (high & high_mask) == e.high;
    }
  }

 private:
  StopWordHashes();
  static constexpr size_t kTableSlots = 512;  // at most 50 % full
  struct Slot {
    uint64_t hash = 0;  // 0 = free
    uint64_t low = 0;   // the word's bytes 0..7, zero-padded
    uint64_t high = 0;  // bytes 8..15
    size_t size = 0;
  };
  std::array<Slot, kTableSlots> slots_{};
};
// The shipped stop words (stopwords.cc), folded.
std::span<const std::string_view> StopWordList();

class SpaceSaving {
 public:
  void Add(uint64_t hash, std::string_view term, uint32_t weight = 1);
  // The count of the term with this hash, 0 if not tracked.
  uint32_t Count(uint64_t hash) const;
  uint64_t total() const { return total_; }
  // Slot i (0 <= i < kTopicSlots): free while its count is 0. A slot's
  // error is how much of its count may belong to evicted terms.
  uint64_t hash(int i) const { return hashes_[i]; }
  uint32_t count(int i) const { return counts_[i]; }
  uint32_t error(int i) const { return errors_[i]; }
  std::string_view term(int i) const {
    return std::string_view(term_bytes_[i].data(), term_sizes_[i]);
  }
  // Halves every count (and the total); entries that reach 0 are freed.
  void Decay();
  void Merge(const SpaceSaving& other);
  void Clear() { *this = SpaceSaving(); }

 private:
  // The slot holding `hash` with a count, or -1.
  int Find(uint64_t hash) const;
  static uint8_t Tag(uint64_t hash) { return static_cast<uint8_t>(hash >> 56); }
  void SetHash(int slot, uint64_t hash) {
    hashes_[slot] = hash;
    tags_[slot] = Tag(hash);
  }
  void SetTerm(int slot, std::string_view term) {
    const size_t size = std::min(term.size(), kMaxTopicBytes);
    CopyShort(term.data(), size, term_bytes_[slot].data());
    term_sizes_[slot] = static_cast<uint8_t>(size);
  }
  // Copies size <= kMaxTopicBytes bytes with two fixed-size copies that
  // may overlap (no call to memmove for a few bytes).
  static void CopyShort(const char* from, size_t size, char* to) {
    static_assert(kMaxTopicBytes <= 64);
    if (size >= 32) {
      std::memcpy(to, from, 32);
      std::memcpy(to + size - 32, from + size - 32, 32);
    } else if (size >= 16) {
      std::memcpy(to, from, 16);
      std::memcpy(to + size - 16, from + size - 16, 16);
    } else if (size >= 8) {
      std::memcpy(to, from, 8);
      std::memcpy(to + size - 8, from + size - 8, 8);
    } else if (size >= 4) {
      std::memcpy(to, from, 4);
      std::memcpy(to + size - 4, from + size - 4, 4);
    } else {
      for (size_t i = 0; i < size; ++i) to[i] = from[i];
    }
  }
  // Sets smallest_ and smallest_slots_ from the counts.
  void FindSmallest();

  // Slot by slot, in separate arrays so that the searches of Add read
  // only the tags (the match, a byte of each hash, 16 compared at once) or
  // only the counts (the smallest).
  std::array<uint8_t, kTopicSlots> tags_{};
  std::array<uint64_t, kTopicSlots> hashes_{};
  std::array<uint32_t, kTopicSlots> counts_{};
  std::array<uint32_t, kTopicSlots> errors_{};
  // The terms' bytes in place (at most kMaxTopicBytes each), so that a
  // new term costs a copy of 40 bytes and never an allocation.
  std::array<std::array<char, kMaxTopicBytes>, kTopicSlots> term_bytes_{};
  std::array<uint8_t, kTopicSlots> term_sizes_{};
  uint64_t total_ = 0;
  // The slots whose count is the smallest of all (bit i: slot i), and that
  // count; 0 = not known, found again by the next Add that needs it. Add
  // keeps them as counts grow, so most new terms find their slot without
  // a search (the smallest count changes only when all its slots grew).
  uint64_t smallest_slots_ = 0;
  uint32_t smallest_ = 0;
};

struct RisingTopic {
  std::string term;
  uint32_t count = 0;   // in the current hour
  double expected = 0;  // what the baseline's share predicts for this hour's volume
};

class TopicTracker {
 public:
  // Counts a post's terms in the hour `hour_epoch` (hours since the epoch).
  void Add(uint32_t hour_epoch, const PostTerms& terms);
  // The most risen terms of the current hour, at most `limit`.
  std::vector<RisingTopic> Rising(uint32_t hour_epoch, size_t limit) const;

 private:
  void Roll(uint32_t hour_epoch);
  uint32_t current_hour_ = 0;
  SpaceSaving current_;
  SpaceSaving baseline_;
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_TOPICS_H_
