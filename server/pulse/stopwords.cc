// The stop words the pulse leaves out of topics, one list per language:
// the most frequent German and English function words (articles, pronouns,
// prepositions, conjunctions, auxiliary and modal verbs), as the folded
// view spells them (NFKC + full case folding: "dass", not "daß"; umlauts
// kept). Shipped in the source, so the topics need no data file at run
// time, and each list is reviewed on its own: a word belongs to a list
// only if it is a function word of that language, so that "war", "die",
// "hat", "will", "also" (German function words) stay topics in an English
// post and "most", "her", "here" in a German one.
//
// Words of three or more bytes are what the tokenizer drops; the two-letter
// ones ("zu", "of") are never topics anyway and only vote for the post's
// language (StopWordHashes::TwoLetterLanguages). English contractions are
// split at the apostrophe by the tokenizer, so their stems ("don", "isn")
// are English stop words.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <span>
#include <string_view>

#include "server/pulse/topics.h"

namespace moderation::server::pulse {
namespace {

constexpr std::string_view kGermanStopWords[] = {
    "ab",       "aber",    "alle",    "allem",   "allen",   "aller",   "alles",   "als",
    "also",     "am",      "an",      "andere",  "anderem", "anderen", "anderer", "anderes",
    "anders",   "auch",    "auf",     "aus",     "bei",     "beim",    "bin",     "bis",
    "bist",     "da",      "damit",   "dann",    "das",     "dass",    "dazu",    "dein",
    "deine",    "deinem",  "deinen",  "deiner",  "dem",     "den",     "denn",    "der",
    "deren",    "des",     "dessen",  "dich",    "die",     "dies",    "diese",   "diesem",
    "diesen",   "dieser",  "dieses",  "dir",     "doch",    "dort",    "du",      "durch",
    "ein",      "eine",    "einem",   "einen",   "einer",   "eines",   "einige",  "einigen",
    "einmal",   "er",      "es",      "etwas",   "euch",    "euer",    "eure",    "euren",
    "für",      "gegen",   "gewesen", "gibt",    "habe",    "haben",   "hast",    "hat",
    "hatte",    "hatten",  "hier",    "hin",     "hinter",  "ich",     "ihm",     "ihn",
    "ihnen",    "ihr",     "ihre",    "ihrem",   "ihren",   "ihrer",   "ihres",   "im",
    "immer",    "in",      "indem",   "ins",     "ist",     "ja",      "jede",    "jedem",
    "jeden",    "jeder",   "jedes",   "jetzt",   "kann",    "kein",    "keine",   "keinem",
    "keinen",   "keiner",  "können",  "könnte",  "mal",     "man",     "manche",  "mehr",
    "mein",     "meine",   "meinem",  "meinen",  "meiner",  "mich",    "mir",     "mit",
    "muss",     "musste",  "nach",    "nicht",   "nichts",  "noch",    "nun",     "nur",
    "ob",       "oder",    "ohne",    "schon",   "sehr",    "sein",    "seine",   "seinem",
    "seinen",   "seiner",  "selbst",  "sich",    "sie",     "sind",    "so",      "solche",
    "soll",     "sollte",  "sondern", "sonst",   "über",    "um",      "und",     "uns",
    "unser",    "unsere",  "unserem", "unseren", "unter",   "viel",    "vom",     "von",
    "vor",      "während", "war",     "waren",   "warst",   "was",     "weil",    "welche",
    "welchem",  "welchen", "welcher", "wenn",    "wer",     "werde",   "werden",  "wie",
    "wieder",   "will",    "wir",     "wird",    "wirst",   "wo",      "wollen",  "wollte",
    "wurde",    "wurden",  "würde",   "würden",  "zu",      "zum",     "zur",     "zwar",
    "zwischen",
};

constexpr std::string_view kEnglishStopWords[] = {
    "about",      "above",   "after",  "again",    "against",    "ain",     "all",       "am",
    "an",         "and",     "any",    "are",      "aren",       "as",      "at",        "be",
    "because",    "been",    "before", "being",    "below",      "between", "both",      "but",
    "by",         "can",     "could",  "couldn",   "did",        "didn",    "do",        "does",
    "doesn",      "doing",   "don",    "down",     "during",     "each",    "few",       "for",
    "from",       "further", "had",    "hadn",     "has",        "hasn",    "have",      "haven",
    "having",     "he",      "her",    "here",     "hers",       "herself", "him",       "himself",
    "his",        "how",     "if",     "in",       "into",       "is",      "isn",       "it",
    "its",        "itself",  "just",   "me",       "more",       "most",    "my",        "myself",
    "no",         "nor",     "not",    "now",      "of",         "off",     "on",        "once",
    "one",        "only",    "or",     "other",    "our",        "ours",    "ourselves", "out",
    "over",       "own",     "same",   "shan",     "she",        "should",  "shouldn",   "so",
    "some",       "such",    "than",   "that",     "the",        "their",   "theirs",    "them",
    "themselves", "then",    "there",  "these",    "they",       "this",    "those",     "through",
    "to",         "too",     "under",  "until",    "up",         "us",      "very",      "was",
    "wasn",       "we",      "were",   "weren",    "what",       "when",    "where",     "which",
    "while",      "who",     "whom",   "why",      "with",       "won",     "would",     "wouldn",
    "you",        "your",    "yours",  "yourself", "yourselves",
};

// A word's bytes zero-padded to 16 as two integers (the table's key).
void PadTo16(std::string_view w, uint64_t* low, uint64_t* high) {
  char bytes[16] = {};
  std::memcpy(bytes, w.data(), w.size());
  std::memcpy(low, bytes, 8);
  std::memcpy(high, bytes + 8, 8);
}

}  // namespace

std::span<const std::string_view> StopWordList(TopicLanguage language) {
  switch (language) {
    case TopicLanguage::kGerman:
      return kGermanStopWords;
    case TopicLanguage::kEnglish:
      return kEnglishStopWords;
    case TopicLanguage::kUnknown:
      break;
  }
  return {};
}

StopWordHashes::StopWordHashes() {
  static_assert(std::size(kGermanStopWords) + std::size(kEnglishStopWords) <= kTableSlots / 2,
                "the stop word table stays at most half full");
  for (const TopicLanguage language : {TopicLanguage::kGerman, TopicLanguage::kEnglish}) {
    const uint8_t bit = LanguageBit(language);
    for (std::string_view w : StopWordList(language)) {
      if (w.size() < 2 || w.size() > 16) std::abort();  // a key holds 16 bytes
      if (w.size() == 2) {
        const int index = TwoLetterIndex(reinterpret_cast<const unsigned char*>(w.data()));
        if (index < 0) std::abort();  // two-letter words are a-z only
        two_letters_[index] |= bit;
        continue;
      }
      Insert(w, bit);
    }
  }
}

void StopWordHashes::Insert(std::string_view w, uint8_t bit) {
  if (w.find('\0') != std::string_view::npos) std::abort();  // the padding tells the size
  const uint64_t hash = TopicWordHash(w);
  Key key;
  PadTo16(w, &key.low, &key.high);
  // A word of both lists (or listed twice) takes its first slot again.
  size_t s = hash >> kSlotShift;
  while (tags_[s] != 0 && !(keys_[s].low == key.low && keys_[s].high == key.high)) {
    s = (s + 1) % kTableSlots;
  }
  tags_[s] = Tag(hash);
  keys_[s] = key;
  languages_[s] = static_cast<uint8_t>(languages_[s] | bit);
}

const StopWordHashes& StopWordHashes::Get() {
  static const StopWordHashes* const table = new StopWordHashes();
  return *table;
}

uint8_t StopWordHashes::Languages(std::string_view word, uint64_t hash) const {
  if (word.size() == 2) {
    const int index = TwoLetterIndex(reinterpret_cast<const unsigned char*>(word.data()));
    return index < 0 ? 0 : two_letters_[index];
  }
  if (word.size() < 3 || word.size() > 16) return 0;
  char padded[32] = {};
  std::memcpy(padded, word.data(), word.size());
  return LanguagesPadded(padded, word.size(), hash);
}

bool IsStopWord(std::string_view folded_word, TopicLanguage language) {
  return (StopWordHashes::Get().Languages(folded_word, TopicWordHash(folded_word)) &
          DroppedLanguages(language)) != 0;
}

}  // namespace moderation::server::pulse
