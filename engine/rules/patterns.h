// Checks of single word-list terms and regexes (private to engine_rules).
//
// Why: a bad term or regex would either never match or match everything;
// both are rejected at load time with a message the moderator can act on.
//
// Thread-safety: pure functions (RegexProblem's memo is locked).
#ifndef MODERATION_ENGINE_RULES_PATTERNS_H_
#define MODERATION_ENGINE_RULES_PATTERNS_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/rules/rule.h"

namespace moderation::rules::internal {

// A word-list entry as written, after trimming and wildcard parsing.
struct TermSpec {
  std::string text;                   // without '*'; the list name for "@name"
  std::optional<MatchMode> wildcard;  // set when a '*' chose the mode
  bool is_list_reference = false;
};

// Parses "Blöd*", "*mann", "*blöd*", "Heil Hitler" or "@insults". On a bad
// term returns nullopt and sets *error.
std::optional<TermSpec> ParseTermSpec(std::string_view raw, std::string* error);

// The longest regex a rule may have. Hyperscan's compile time and memory grow
// with pattern size; word lists are the tool for long alternations.
inline constexpr size_t kMaxRegexBytes = 8192;

// The problem with a rule regex (too long, RE2 rejects it, or it can match
// the empty string), or nullopt if it is fine. Thread-safe: answers are
// remembered process-wide (a bounded memo), since the same patterns are
// checked on every reload.
std::optional<std::string> RegexProblem(const std::string& pattern);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_PATTERNS_H_
