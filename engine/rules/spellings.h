// A rule file's `spellings:`: other ways people write a word (dialect and
// chat spellings), applied to every word term and phrase word of the file's
// rules when the file is loaded.
//
// Why: the normaliser undoes evasions that keep a word's letters (leet,
// spacing, look-alikes, stretching), but not the way people write as they
// speak: "I woiß wo du wohnsch" for "ich weiß wo du wohnst", "uffknüpfen" for
// "aufknüpfen", "Wichsa" for "Wichser". Writing those forms into every rule
// does not scale and is always incomplete. A table written once per file
// widens every term:
//
//   spellings:
//     ich: [i, ick, isch]       # the whole word
//     "auf*": ["uff*"]          # a word that starts with it
//     "*st": ["*sch"]           # a word that ends with it
//
// A term's words are compared case-insensitively in the folded spelling
// (ß = ss). Prefix and suffix spellings apply only when at least three
// letters remain beside them, never to the open end of a wildcard term, and
// the word spellings first, then prefixes, then suffixes (so "verdreschen"
// becomes "vadrescha"). A term gets at most kMaxSpellingsPerTerm spellings
// (its own included, first word varying slowest); a spelling too short for
// the term's match mode is skipped. Two-list compounds, allow lists and
// `unless` words are not widened.
//
// Thread-safety: single-threaded helpers, one per file being loaded.
#ifndef MODERATION_ENGINE_RULES_SPELLINGS_H_
#define MODERATION_ENGINE_RULES_SPELLINGS_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/rules/rule.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules::internal {

inline constexpr size_t kMaxSpellingsPerTerm = 64;

// One `spellings:` entry, folded: `from` and each of `to` without the '*'.
struct Spelling {
  std::string from;
  std::vector<std::string> to;
};

struct SpellingTable {
  std::vector<Spelling> words;     // "ich": [i, ick]
  std::vector<Spelling> prefixes;  // "auf*": ["uff*"]
  std::vector<Spelling> suffixes;  // "*st": ["*sch"]
  bool empty() const { return words.empty() && prefixes.empty() && suffixes.empty(); }
};

// Parses `spellings:`; a missing entry gives an empty table. Each problem is
// reported at its key or value.
SpellingTable ParseSpellings(YamlReader* reader, const Entry* entry);

// The spellings of one term (its own first, folded), at most
// kMaxSpellingsPerTerm, without ones too short for `mode`.
std::vector<std::string> SpellingsOf(const SpellingTable& table, std::string_view term,
                                     MatchMode mode);

// Adds the spellings of every word term and phrase word of `set`'s rules
// beside the term, with the term's mode and location. Charges the added
// terms against the file's budget (a table cannot multiply a file past it).
void ApplySpellings(YamlReader* reader, const SpellingTable& table, RuleSetSource* set);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_SPELLINGS_H_
