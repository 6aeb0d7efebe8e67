// Word-list terms, named lists and "@list" expansion (private to
// engine_rules).
//
// Why: lists let moderators keep one insult list for many rules. Expansion
// keeps each term's own location (the list item), so later errors about a
// term point at the line where the term is written, not at the "@list".
//
// Thread-safety: single-threaded helpers, one per file being loaded.
#ifndef MODERATION_ENGINE_RULES_TERM_LISTS_H_
#define MODERATION_ENGINE_RULES_TERM_LISTS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/rules/patterns.h"
#include "engine/rules/rule.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules::internal {

struct LocatedTerm {
  TermSpec spec;
  SourceLocation location;
};

// The `lists:` of one file by name, and its `patterns:`: named regex
// fragments that regexes reference with the same "{@name}" syntax (a veto
// for quoted reports written once per file, not once per rule).
struct ListTable : std::map<std::string, std::vector<LocatedTerm>, std::less<>> {
  std::map<std::string, std::string, std::less<>> patterns;  // name -> regex, lists expanded
};

// Parses a list of terms (`words:`, `allow:` or one named list), reporting
// bad terms at their location. List references are kept for ExpandTerms;
// `allow_references` = false reports them instead (lists within lists).
std::vector<LocatedTerm> ParseTerms(YamlReader* reader, const Entry& entry, bool allow_references);

// Parses `lists:`; a missing entry gives an empty table.
ListTable ParseLists(YamlReader* reader, const Entry* entry);

// Replaces "@name" by the list's terms and gives every term its mode: the
// wildcard's if it has one, else `default_mode`. Reports unknown lists.
std::vector<Term> ExpandTerms(YamlReader* reader, const std::vector<LocatedTerm>& terms,
                              const ListTable& lists, MatchMode default_mode);

// The two list names of a two-list compound entry "@modifiers+@heads", or
// nullopt for any other entry. The views point into `text`.
struct PairSpec {
  std::string_view modifiers;
  std::string_view heads;
};
std::optional<PairSpec> ParsePairSpec(std::string_view text);

// Parses a rule's `words:`: plain terms and "@list" references into *terms
// (expanded, `default_mode` where no wildcard chose one), "@a+@b" entries
// into *pairs. Every bad entry is reported at its own location.
void ParseWordEntries(YamlReader* reader, const Entry& entry, const ListTable& lists,
                      MatchMode default_mode, std::vector<Term>* terms,
                      std::vector<CompoundPair>* pairs);

// Parses alternatives written as one string "a|b|@list" or as a list of such
// strings. With `digits` non-null, the built-in "@digits" (a number) is
// accepted and sets *digits instead of adding a term.
std::vector<Term> ParseAlternatives(YamlReader* reader, const YamlNode& node,
                                    const ListTable& lists, MatchMode default_mode, bool* digits);

// Parses `patterns:` into lists->patterns: each a regex on the folded view,
// whose own "{@list}" references are expanded. A name that is also a list,
// or a pattern that is not a valid regex, is reported at its entry.
void ParsePatterns(YamlReader* reader, const Entry* entry, ListTable* lists);

// Replaces every "{@name}" in a regex by a non-capturing alternation of the
// list's terms, folded as the folded view is and quoted; a '*' wildcard
// becomes \w*. A pattern's name is replaced by the pattern itself, as a
// non-capturing group. Reports unknown names at `location`; nullopt on any
// problem.
std::optional<std::string> ExpandRegexLists(YamlReader* reader, const std::string& regex,
                                            const SourceLocation& location, const ListTable& lists);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_TERM_LISTS_H_
