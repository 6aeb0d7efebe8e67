// A dictionary of real words that protects them from word-list terms which
// hit them only by accident.
//
// Why: the skeleton view that defeats evasions is lossy on purpose (repeated
// letters collapse, l and 1 read as i, ö as o), and `match: compound` accepts
// a term as the head of any compound. On a whole dictionary that costs
// precision: Minuten hits `nutte`, flicken hits `fick`, Moses hits `möse`,
// Vormarsch hits `arsch`, every "-ische" adjective hits `ische`. A post word
// that is itself a dictionary word is checked against the term in its mild
// form (MildKey: lower case, umlauts as ae/oe/ue, ß as ss; nothing lossy):
//
//   A dictionary word W stays a hit of term T only when W plausibly IS that
//   term: W = T (+ an inflection ending; in German also with the plural
//   umlaut, Arschlöcher, Blödmänner), or, for compound and suffix terms,
//   W = modifier + T (+ ending) where the modifier (without a linking -s-,
//   -n-, -en-, -er-, -es-, -e-) is itself a dictionary word of at least 4
//   letters, no dictionary word longer than T ends W (Vormarsch: "marsch"),
//   and T is neither a productive suffix nor a common head (see Productive
//   and CommonHead). Prefix terms need W to
//   start with T; substring terms need T anywhere in W (in German also T's
//   umlauted stem: dumm* in dümmste).
//
// Everything else a dictionary word is protected. Words that are not in the
// dictionary are never protected, and evasions are not dictionary words
// ("Idi0t", "Blööödmann", "A r s c h"), so recall on abuse is unchanged;
// insults that are dictionary words (Arschloch, Schlampe, Vollidiot,
// Dreckschlampe) remain hits because they are the term or a compound of a
// real modifier and the term.
//
//   auto lexicon = Lexicon::FromWords({"Minuten", "Marsch", "Vormarsch"}, "de");
//   lexicon->Protects(MildKey("Minuten"), {"nutte", TermMode::kCompound, false});  // true
//
// Thread-safety: immutable after construction; share through shared_ptr.
// LexiconCache is safe for concurrent use.
#ifndef MODERATION_ENGINE_TEXT_LEXICON_H_
#define MODERATION_ENGINE_TEXT_LEXICON_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"

namespace moderation::text {

// German linking elements between the parts of a compound (-s-, -en-, ...),
// spelled the same in mild keys and on the skeleton; word_boundary.h uses
// them too.
inline constexpr std::array<std::string_view, 8> kCompoundLinks = {"s",  "es", "n",   "en",
                                                                   "er", "e",  "ens", "ern"};

// Lower case (ASCII and Latin-1/Latin Extended-A capitals), ä/ö/ü as
// ae/oe/ue, ß as ss; every other byte kept. Lossless for words as typed.
std::string MildKey(std::string_view word);
// The same with ä/ö/ü as a/o/u: how people type without umlauts.
std::string MildKeyWithoutUmlauts(std::string_view word);

// The German plural or feminine stem of a mild term: its last vowel umlauted
// (arschloch -> arschloech, bloedmann -> bloedmaenn, sau -> saeu). Empty when
// the last vowel cannot take an umlaut (-e-, -ei-, -ie-, already umlauted).
std::string UmlautPluralStem(std::string_view term);

// How a term attaches to the post word, as rules::MatchMode does.
enum class TermMode { kWord, kPrefix, kSuffix, kCompound, kSubstring };

struct LexiconTerm {
  std::string mild;  // MildKey of the term as written
  TermMode mode = TermMode::kCompound;
  // Only W = term (+ ending) stays a hit: Lexicon::Productive or CommonHead.
  bool productive = false;
};

class Lexicon {
 public:
  // Reads one word per line (UTF-8, as Debian's /usr/share/dict lists).
  // `language` ("de" or "en") chooses the inflection endings.
  static absl::StatusOr<std::shared_ptr<const Lexicon>> Load(const std::string& path,
                                                             std::string language);
  static std::shared_ptr<const Lexicon> FromWords(const std::vector<std::string>& words,
                                                  std::string language);

  // A word's mild key in the arena: offset and length.
  using WordSpan = std::pair<uint32_t, uint32_t>;

  Lexicon(const Lexicon&) = delete;  // words_ and reversed_ point into the arenas
  Lexicon& operator=(const Lexicon&) = delete;

  bool Contains(std::string_view mild) const {
    return words_.contains(absl::string_view(mild.data(), mild.size()));
  }
  // Every word's mild key, sorted (reports scan them all).
  const std::vector<std::string_view>& words() const { return sorted_; }
  size_t size() const { return sorted_.size(); }
  const std::string& language() const { return language_; }

  // True when the dictionary word (mild key) `word` must not count as a hit
  // of `term` (file comment). False for words not in the dictionary.
  bool Protects(std::string_view word, const LexiconTerm& term) const {
    return Contains(word) && ProtectsHeld(word, term);
  }
  // The same for a word known to be in the dictionary (one lookup less).
  bool ProtectsHeld(std::string_view word, const LexiconTerm& term) const;

  // A term is a productive suffix when at least kProductiveMinimum dictionary
  // words end with it (plus an ending) and at least a tenth of them are not
  // modifier + term splits ("-ische": politische, afrikanische, tische): such
  // a tail is grammar, not the word, so only W = term (+ ending) stays a hit.
  bool Productive(std::string_view term_mild) const;

  // A term is a common head when it is itself a dictionary word and at least
  // kCommonHeadMinimum dictionary words are modifier + term compounds of it
  // (Knochen: Backenknochen, Kieferknochen, Markknochen, Rinderknochen, ...).
  // That is an ordinary noun, as lists machine-translated from English hold
  // (Knochen for "bone", Stich, Abstand, Huhn): its dictionary compounds are
  // words of their own, so, as for a productive suffix, only W = term
  // (+ ending) stays a hit. Insults head few dictionary compounds (Idiot: 3,
  // Schwein: 2, Schlampe: none); a list that names an insulting compound of
  // a common head (Schweinehund for Hund) lists it as a term of its own.
  // German only: English dictionary compounds are protected anyway.
  bool CommonHead(std::string_view term_mild) const;

  static constexpr size_t kProductiveMinimum = 20;
  static constexpr size_t kCommonHeadMinimum = 5;

 private:
  Lexicon(std::string arena, std::vector<WordSpan> spans, std::string language);
  std::span<const std::string_view> Endings() const;
  bool IsEnding(std::string_view ending) const;
  bool IsTermWithEnding(std::string_view word, std::string_view term) const;
  bool StartsWithUmlautedStem(std::string_view word, std::string_view term) const;
  bool ContainsUmlautedStem(std::string_view word, std::string_view term) const;
  bool PlausibleCompound(std::string_view word, std::string_view term) const;
  bool PlausibleCompoundOf(std::string_view word, std::string_view head) const;
  bool IsModifierWord(std::string_view modifier) const;
  bool LongerWordEnds(std::string_view stem, size_t term_size) const;
  template <typename Fn>
  void ForEachWordEndingWith(std::string_view tail, Fn fn) const;

  // Memory: one arena of all words and one of them reversed; the set and
  // the two sorted indexes are views into them (a set of 356,000
  // std::strings plus their reversed copies cost about three times as much).
  std::string arena_;
  std::string reversed_arena_;
  absl::flat_hash_set<absl::string_view> words_;
  std::vector<std::string_view> sorted_;
  std::vector<std::string_view> reversed_;  // every word reversed, sorted: tail lookups
  std::string language_;
};

// The dictionaries one rule set protects words with: `lexicon: de` or
// `lexicon: [de, en]`. The first is the set's own language; its endings
// decide whether a term is a productive suffix or a common head. The others
// are languages the set's posts mix in. German rules meet English words in
// German posts ("Deep Learning") and in the English communities that also
// use them, and the skeleton makes some of those look like German insults:
// "deep" collapses to "Depp", "statuses" holds "Tusse", "mongoose" starts
// with "Mongo". A word is protected from a term when some dictionary holds
// it and none of the dictionaries that hold it reads it as that term
// (Lexicon::Protects): "Depp" and "Idiot" are English dictionary words too,
// and stay hits because they are the term.
//
// Thread-safety: immutable after construction.
class LexiconGroup {
 public:
  // `lexicons` is not empty; the first is the set's own language.
  explicit LexiconGroup(std::vector<std::shared_ptr<const Lexicon>> lexicons);

  const Lexicon& own() const { return *lexicons_.front(); }
  const std::vector<std::shared_ptr<const Lexicon>>& lexicons() const { return lexicons_; }
  bool Holds(const Lexicon* lexicon) const;
  // "de", or "de+en" for a group of two.
  std::string languages() const;

  // True when some dictionary holds the mild key `word` and every one that
  // holds it protects it from `term`.
  bool Protects(std::string_view word, const LexiconTerm& term) const;

 private:
  std::vector<std::shared_ptr<const Lexicon>> lexicons_;
};

// Loaded dictionaries by path, so every compile of a process shares one copy
// (a reload of many communities must not read 350,000 words each time).
class LexiconCache {
 public:
  absl::StatusOr<std::shared_ptr<const Lexicon>> Get(const std::string& path,
                                                     const std::string& language);

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Lexicon>> loaded_;  // guarded by mu_
};

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_LEXICON_H_
