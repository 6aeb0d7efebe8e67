// Rising topics of a community: the content words and word pairs that are
// much more frequent in the last hour than in the community's recent past.
//
// Why: community managers ask "what are they talking about, and what moves
// the mood". Counting every word of every post would cost unbounded memory,
// so each period keeps a space-saving top-K sketch (Metwally et al.): K
// counters; a new word takes the smallest counter's place and inherits its
// count as possible over-count (`error`). Frequent words are never lost.
//
// Words are read on the engine's folded view (text::FoldView: NFKC, full
// case folding, invisible characters such as soft hyphens and zero-width
// spaces removed), the view the regex rules scan, so "Impf\u00ADpflicht",
// "IMPFPFLICHT" and "Impfpflicht" are one topic, Cyrillic and Greek
// capitals are lower-cased and "Straße" is "strasse". A word is a run of
// letters (ASCII letters and any non-ASCII character but General
// punctuation U+2000..U+203F and Latin-1 punctuation U+0080..U+00BF, so
// typographic quotes and guillemets separate words), at least 3 bytes, cut
// at kMaxTopicBytes on a character boundary. @mentions (names of people:
// the whole handle, "@max_muster", "@anna@example.social") and URLs are
// skipped. Pairs of neighbouring content words count
// as bigrams ("impfpflicht bundestag"); a stop word (two-letter ones like
// "im", "of" too), a mention, a URL or the edge between title and body
// separates pairs (other words under 3 bytes do not).
//
// Stop words are per language (stopwords.cc ships a German and an English
// list), because one merged list is wrong for real traffic: German "war",
// "die", "hat", "will" are English topics. A post's list is chosen by the
// request's language hint (Post.language, TopicLanguageOfTag) when it is
// German or English, else by a vote: whichever language's stop words (the
// two-letter ones like "zu", "of" included) occur more often among the
// post's first kMaxPostWords words; on a tie both lists' words are dropped.
// The chosen language is in PostTerms::language.
//
// Cost: only the first kMaxTopicText bytes of a post are read (cut on a
// character boundary), and only every PulseOptions::topic_sample_every th
// post of a community is read at all (counts are then a sample; the
// ranking is what matters). Folding reuses a per-thread view, so a post
// allocates nothing in steady state.
//
// Periods: `current` collects the running hour; when the hour turns it is
// folded into `baseline` (older counts halve, so the baseline is a decaying
// average over about the last few hours) and starts again.
// Rising() ranks current words by count minus what the baseline's share
// predicts, with at least kMinRisingCount occurrences.
//
// Thread-safety: SpaceSaving and TopicTracker have none; the owning
// CommunityState is guarded by its shard lock. Tokenize() may run on any
// thread: its scratch (folded view, word buffer) is per thread, and the
// terms it returns are views into it, valid until the thread's next call.
// StopWordHashes::Get() is built once and read-only after.
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
// The words (3 bytes or more, stop words included, and two-letter stop
// words) a post's vote and terms are taken from: about what 512 bytes hold.
inline constexpr int kMaxPostWords = 128;
inline constexpr int kMinRisingCount = 3;

// The language whose stop words a post's topics leave out; kUnknown leaves
// out the words of both lists.
enum class TopicLanguage : uint8_t { kUnknown = 0, kGerman = 1, kEnglish = 2 };

// The language of a BCP 47 tag, by its primary subtag: "de", "de-AT",
// "DE_ch" are kGerman, "en", "en-GB" kEnglish, anything else ("", "fr",
// "den") kUnknown.
TopicLanguage TopicLanguageOfTag(std::string_view tag);

// A language's bit among the stop-word lists that hold a word
// (StopWordHashes::Languages).
constexpr uint8_t LanguageBit(TopicLanguage language) {
  return language == TopicLanguage::kGerman ? 1 : language == TopicLanguage::kEnglish ? 2 : 0;
}
// The lists whose words a post of `language` leaves out: its own, or both.
constexpr uint8_t DroppedLanguages(TopicLanguage language) {
  return language == TopicLanguage::kUnknown ? 3 : LanguageBit(language);
}

// A post's words and bigrams, folded, in order; at most kMaxPostTerms.
// The views point into a buffer of the calling thread, valid until its next
// Tokenize call.
struct PostTerms {
  std::array<std::string_view, kMaxPostTerms> terms;
  std::array<uint64_t, kMaxPostTerms> hashes;
  int count = 0;
  // Whose stop words were left out: the hint, else the vote's winner,
  // kUnknown after a tie (both lists').
  TopicLanguage language = TopicLanguage::kUnknown;
};

// Folds (text::FoldView) and splits the first kMaxTopicText bytes of title
// and body (together) into content words and bigrams, replacing what *out
// held. `hint` (the request's language, TopicLanguageOfTag) chooses the
// stop words; kUnknown lets the post's words vote. A part that is not
// valid UTF-8 gives no words (the server has validated posts before).
// Each term's hash is TopicTermHash(term).
void Tokenize(std::string_view title, std::string_view body, PostTerms* out,
              TopicLanguage hint = TopicLanguage::kUnknown);
// The hash the sketches count a term by, never 0: a word's from its bytes,
// eight at a time; a pair "a b" from its two words' hashes
// (TopicPairHash), so that a bigram costs no second pass over its bytes.
uint64_t TopicTermHash(std::string_view term);
uint64_t TopicWordHash(std::string_view word);
uint64_t TopicPairHash(uint64_t first, uint64_t second);
// Whether a folded word is a stop word of `language` (kUnknown: of either
// list). Two-letter words count as listed, though Tokenize never keeps them.
bool IsStopWord(std::string_view folded_word, TopicLanguage language);

// Which stop-word lists hold a word, found by the TopicWordHash the
// tokenizer has computed anyway (stopwords.cc builds it): an open-addressing
// table indexed by the hash's top 10 bits. A slot's one-byte tag (another
// byte of the hash) is read first, so a word that is no stop word mostly
// costs a read of the 1 KB of tags and never of the keys: each the word's
// bytes zero-padded to 16, compared as two integers. Two-letter words,
// which only vote, sit in a 26 x 26 table.
class StopWordHashes {
 public:
  static const StopWordHashes& Get();
  // The LanguageBits of the lists that hold `word`; 0 for none.
  uint8_t Languages(std::string_view word, uint64_t hash) const;
  // As Languages, for a word of 3 bytes or more (longer than 16: 0) whose
  // 16 bytes from `word` on may be read (the tokenizer's padded text);
  // bytes past `size` are ignored.
  uint8_t LanguagesPadded(const char* word, size_t size, uint64_t hash) const {
    if (size > 16) return 0;
    const uint8_t tag = Tag(hash);
    for (size_t s = hash >> kSlotShift; tags_[s] != 0; s = (s + 1) % kTableSlots) {
      if (tags_[s] != tag) continue;
      uint64_t low, high;
      std::memcpy(&low, word, 8);
      std::memcpy(&high, word + 8, 8);
      const uint64_t low_mask = size >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * size)) - 1;
      const uint64_t high_mask = size >= 16  ? ~uint64_t{0}
                                 : size <= 8 ? 0
                                             : (uint64_t{1} << (8 * (size - 8))) - 1;
      // Words hold no zero byte, so the padded bytes also say the size.
      if ((low & low_mask) == keys_[s].low && (high & high_mask) == keys_[s].high) {
        return languages_[s];
      }
    }
    return 0;
  }
  // The LanguageBits of a two-letter word (its two bytes at `word`).
  uint8_t TwoLetterLanguages(const unsigned char* word) const {
    const int index = TwoLetterIndex(word);
    return index < 0 ? 0 : two_letters_[index];
  }

 private:
  StopWordHashes();
  void Insert(std::string_view word, uint8_t bit);
  // A byte of the hash other than the slot's bits, never 0 (= free slot).
  static uint8_t Tag(uint64_t hash) { return static_cast<uint8_t>(hash >> 8) | 1; }
  // a-z a-z -> 0..675, else -1.
  static int TwoLetterIndex(const unsigned char* word) {
    const unsigned first = word[0] - 'a';
    const unsigned second = word[1] - 'a';
    return first < 26 && second < 26 ? static_cast<int>(first * 26 + second) : -1;
  }
  static constexpr size_t kTableSlots = 1024;  // at most 50 % full
  static constexpr int kSlotShift = 54;        // the hash's top 10 bits
  struct Key {
    uint64_t low = 0;   // the word's bytes 0..7, zero-padded
    uint64_t high = 0;  // bytes 8..15
  };
  std::array<uint8_t, kTableSlots> tags_{};
  std::array<uint8_t, kTableSlots> languages_{};  // LanguageBits
  std::array<Key, kTableSlots> keys_{};
  std::array<uint8_t, 26 * 26> two_letters_{};
};
// A language's shipped stop words (stopwords.cc), folded; kUnknown: none.
std::span<const std::string_view> StopWordList(TopicLanguage language);

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
