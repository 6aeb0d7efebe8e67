// The stop words the pulse leaves out of topics: the most frequent German
// and English function words, folded (lower case, umlauts kept), three
// letters or more (shorter words are skipped anyway). Shipped here, so the
// topics need no data file at run time.
#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <span>
#include <string_view>

#include "server/pulse/topics.h"

namespace moderation::server::pulse {
namespace {

constexpr std::string_view kStopWords[] = {
    "aber",   "about",  "after",  "alle",  "allem",    "allen",   "aller", "alles",  "also",
    "als",    "also",   "am",     "and",   "andere",   "anderen", "any",   "are",    "auch",
    "auf",    "aus",    "bei",    "been",  "before",   "being",   "beim",  "bin",    "bis",
    "bist",   "but",    "can",    "could", "dann",     "das",     "dass",  "dem",    "den",
    "denn",   "der",    "des",    "dich",  "did",      "die",     "dies",  "diese",  "diesem",
    "diesen", "dieser", "dieses", "dir",   "doch",     "does",    "dort",  "durch",  "ein",
    "eine",   "einem",  "einen",  "einer", "eines",    "etwas",   "euch",  "euer",   "eure",
    "for",    "from",   "für",    "gegen", "gibt",     "had",     "has",   "hat",    "hatte",
    "have",   "her",    "here",   "hier",  "him",      "his",     "how",   "ich",    "ihm",
    "ihn",    "ihr",    "ihre",   "ihrem", "ihren",    "ihrer",   "immer", "into",   "ist",
    "its",    "jetzt",  "just",   "kann",  "kein",     "keine",   "man",   "mehr",   "mein",
    "meine",  "mich",   "mir",    "mit",   "more",     "most",    "muss",  "nach",   "nicht",
    "nichts", "noch",   "not",    "now",   "nur",      "oder",    "ohne",  "one",    "only",
    "other",  "our",    "out",    "over",  "schon",    "sehr",    "she",   "sein",   "seine",
    "seinem", "seinen", "seiner", "sich",  "sie",      "sind",    "so",    "some",   "such",
    "than",   "that",   "the",    "their", "them",     "then",    "there", "these",  "they",
    "this",   "those",  "über",   "um",    "und",      "uns",     "unser", "unsere", "unter",
    "very",   "viel",   "vom",    "von",   "vor",      "war",     "waren", "was",    "weil",
    "wenn",   "wer",    "were",   "what",  "when",     "where",   "which", "who",    "wie",
    "wieder", "will",   "wir",    "wird",  "with",     "wird",    "would", "wurde",  "you",
    "your",   "zum",    "zur",    "zwar",  "zwischen", "habe",    "haben", "hast",   "ist",
    "sein",   "werden", "wurden", "dein",  "deine",    "mal",     "was",
};

// Longer words are never stop words; kMaxStopWordBytes bounds the table
// below.
constexpr size_t kMaxStopWordBytes = 16;

// A cheap exact filter in front of the set: most words of a post are
// longer than any stop word or start with a byte no stop word of their
// length starts with.
struct FirstBytes {
  std::array<std::bitset<256>, kMaxStopWordBytes + 1> by_length;
  size_t longest = 0;
};

const FirstBytes& StopWordFirstBytes() {
  static const FirstBytes* const table = [] {
    auto* t = new FirstBytes();
    for (std::string_view w : kStopWords) {
      if (w.size() > kMaxStopWordBytes) std::abort();  // the table would miss it
      t->by_length[w.size()].set(static_cast<unsigned char>(w[0]));
      t->longest = std::max(t->longest, w.size());
    }
    return t;
  }();
  return *table;
}

// The stop words by their bytes, zero-padded to 16, and their length: an
// open-addressing table of kTableSlots, a multiplicative hash of the two
// halves. A lookup is a copy of the word, one hash and (almost always) one
// comparison of two integers, where a hash set of strings hashes the bytes
// and compares them.
class StopWordTable {
 public:
  void Insert(std::string_view w) {
    const Key k = KeyOf(w);
    size_t s = Slot(k);
    while (slots_[s].size != 0) s = (s + 1) % kTableSlots;
    slots_[s] = k;
  }
  // `w` at most kMaxStopWordBytes long.
  bool Contains(std::string_view w) const {
    const Key k = KeyOf(w);
    for (size_t s = Slot(k);; s = (s + 1) % kTableSlots) {
      const Key& e = slots_[s];
      if (e.size == 0) return false;
      if (e.low == k.low && e.high == k.high && e.size == k.size) return true;
    }
  }

 private:
  static constexpr size_t kTableSlots = 512;  // at most 50 % full (below)
  struct Key {
    uint64_t low = 0;
    uint64_t high = 0;
    uint64_t size = 0;  // 0 = free slot
  };
  static Key KeyOf(std::string_view w) {
    char bytes[kMaxStopWordBytes] = {};
    std::memcpy(bytes, w.data(), w.size());
    Key k;
    std::memcpy(&k.low, bytes, 8);
    std::memcpy(&k.high, bytes + 8, 8);
    k.size = w.size();
    return k;
  }
  static size_t Slot(const Key& k) {
    const uint64_t h = (k.low * 0x9E3779B97F4A7C15ULL) ^ (k.high * 0xC2B2AE3D27D4EB4FULL) ^ k.size;
    return static_cast<size_t>((h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ULL >> 55);  // 9 bits
  }
  std::array<Key, kTableSlots> slots_{};
};
static_assert(std::size(kStopWords) <= 256, "the stop word table stays at most half full");
static_assert(kMaxStopWordBytes == 16, "a key holds 16 bytes");

}  // namespace

std::span<const std::string_view> StopWordList() { return kStopWords; }

StopWordHashes::StopWordHashes() {
  for (std::string_view w : kStopWords) {
    if (w.size() > kMaxStopWordBytes) std::abort();  // a key holds 16 bytes
    Slot key;
    key.hash = TopicWordHash(w);
    char bytes[16] = {};
    std::memcpy(bytes, w.data(), w.size());
    std::memcpy(&key.low, bytes, 8);
    std::memcpy(&key.high, bytes + 8, 8);
    key.size = w.size();
    // A word listed twice takes its first slot again.
    size_t s = key.hash >> 55;
    while (slots_[s].hash != 0 && !(slots_[s].low == key.low && slots_[s].high == key.high &&
                                    slots_[s].size == key.size)) {
      s = (s + 1) % kTableSlots;
    }
    slots_[s] = key;
  }
}

const StopWordHashes& StopWordHashes::Get() {
  static const StopWordHashes* const table = new StopWordHashes();
  return *table;
}

bool StopWordHashes::Contains(std::string_view word, uint64_t hash) const {
  if (word.size() > 16) return false;
  char padded[32] = {};
  std::memcpy(padded, word.data(), word.size());
  return ContainsPadded(padded, word.size(), hash);
}

bool IsStopWordHashed(std::string_view folded_word, uint64_t word_hash) {
  return StopWordHashes::Get().Contains(folded_word, word_hash);
}

bool IsStopWord(std::string_view folded_word) {
  const FirstBytes& first = StopWordFirstBytes();
  if (folded_word.empty() || folded_word.size() > first.longest ||
      !first.by_length[folded_word.size()].test(static_cast<unsigned char>(folded_word[0]))) {
    return false;
  }
  static const StopWordTable* const table = [] {
    auto* t = new StopWordTable();
    for (std::string_view w : kStopWords) t->Insert(w);
    return t;
  }();
  return table->Contains(folded_word);
}

}  // namespace moderation::server::pulse
