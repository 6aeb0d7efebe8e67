// Load-time check of every word-list term's skeleton (private to the engine:
// engine_rules at load, the compiler for phrase words and compound parts).
//
// Why: a term that has no letters, or too few, after normalisation would
// match inside far too many words; the compiler rejects it. Checking it when
// the file is parsed as well means one `modctl validate` run reports every
// bad term of a file, even when the same file has other errors that stop it
// from being compiled, and a term of a list that several rules use once.
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_RULES_TERM_CHECK_H_
#define MODERATION_ENGINE_RULES_TERM_CHECK_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/rules/rule.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules::internal {

// Why `term` cannot be matched safely (the compiler's rule: at least one
// letter, and 3 letters, or 2 for match: word), or nullopt. `what` names it
// in the message ("term", "allow entry").
std::optional<std::string> TermSkeletonProblem(const Term& term, const char* what);

// The same check, and when it passes, the term's skeleton in *skeleton
// (text::SkeletonOfTerm), so a caller that needs both normalises once.
std::optional<std::string> TermSkeletonProblem(const Term& term, const char* what,
                                               std::string* skeleton);

// For a term with letters of a script other than Latin ("дурак"), what to
// write instead, beginning with "; "; otherwise "". Word lists match on the
// skeleton, which reads Greek and Cyrillic letters as the Latin letters they
// look like (an evasion) and other scripts' letters as separators, so such a
// term is matched as something else ("upak"), or has no letters at all.
std::string ForeignScriptAdvice(std::string_view term);

// Reports every bad term of the set's rules and allow list at its location,
// each location once.
void CheckTermSkeletons(YamlReader* reader, const RuleSetSource& set);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_TERM_CHECK_H_
