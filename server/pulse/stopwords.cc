// The stop words the pulse leaves out of topics: the most frequent German
// and English function words, folded (lower case, umlauts kept), three
// letters or more (shorter words are skipped anyway). Shipped here, so the
// topics need no data file at run time.
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

}  // namespace

bool IsStopWord(std::string_view folded_word) {
  static const auto* const set = [] {
    auto* s = new absl::flat_hash_set<std::string_view>();
    for (std::string_view w : kStopWords) s->insert(w);
    return s;
  }();
  return set->contains(folded_word);
}

}  // namespace moderation::server::pulse
