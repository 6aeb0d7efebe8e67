// Warnings about patterns that cannot do what they say.
//
// Why: a rule can load cleanly and still never fire as written. A folded-view
// regex that contains 'ß', 'ẞ' or a full-width 'Ａ' can never match, because
// the folded view has none of them (they become "ss", "ss" and 'a'; regexes
// are case-insensitive, so 'A' and 'Ä' are fine). A word-list term written with
// digits or symbols ("88", "H1tler") is matched as the letters the
// normaliser reads them as ("bb", "hitier"), which is rarely what its author
// meant. A `\b` next to a non-ASCII letter ("\büber") is no word edge to
// RE2, whose \b and \w know only ASCII letters, so that branch matches only
// inside a word. None of these is an error (the set still works, and a moderator may mean
// it), so `modctl validate`, ValidateRules and the load log show them as
// warnings with the file:line:col of the pattern.
//
//   rules::Diagnostics warnings = PatternWarnings(loaded.sets);
//   // de.yaml:12:12: regex: 'ß' never occurs in the folded view (it becomes "ss"); write "ss"
//
// Thread-safety: pure function.
#ifndef MODERATION_ENGINE_PATTERN_WARNINGS_H_
#define MODERATION_ENGINE_PATTERN_WARNINGS_H_

#include <vector>

#include "engine/rules/diagnostic.h"
#include "engine/rules/rule.h"

namespace moderation {

// Every warning about the regexes and terms of `sets`, in rule order.
rules::Diagnostics PatternWarnings(const std::vector<rules::RuleSetSource>& sets);

}  // namespace moderation

#endif  // MODERATION_ENGINE_PATTERN_WARNINGS_H_
