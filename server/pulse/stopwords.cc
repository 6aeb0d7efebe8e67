// The stop words the pulse leaves out of topics: the most frequent German
// and English function words, folded (lower case, umlauts kept), three
// letters or more (shorter words are skipped anyway). Shipped here, so the
// topics need no data file at run time.
#include <algorithm>
#include <array>
#include <bitset>
#include <cstdlib>
#include <span>
#include <string_view>

#include "absl/container/flat_hash_set.h"
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

}  // namespace

std::span<const std::string_view> StopWordList() { return kStopWords; }

bool IsStopWord(std::string_view folded_word) {
  const FirstBytes& first = StopWordFirstBytes();
  if (folded_word.empty() || folded_word.size() > first.longest ||
      !first.by_length[folded_word.size()].test(static_cast<unsigned char>(folded_word[0]))) {
    return false;
  }
  static const auto* const set = [] {
    auto* s = new absl::flat_hash_set<std::string_view>();
    for (std::string_view w : kStopWords) s->insert(w);
    return s;
  }();
  return set->contains(folded_word);
}

}  // namespace moderation::server::pulse
