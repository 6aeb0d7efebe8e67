// Parsing of one rule, its condition and its examples (private to
// engine_rules).
//
// Why: keeps loader.cc to the file-level structure; every check of a single
// rule from rules/README.md lives here.
//
// Thread-safety: single-threaded helpers, one per file being loaded.
#ifndef MODERATION_ENGINE_RULES_RULE_PARSER_H_
#define MODERATION_ENGINE_RULES_RULE_PARSER_H_

#include <optional>

#include "engine/rules/rule.h"
#include "engine/rules/term_lists.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules::internal {

// Parses one item of `rules:`, reporting every problem through *reader.
// Sets *id_location to where the id is written (for duplicate-id messages).
// Returns nullopt only when the item is not a mapping; the caller must still
// discard the rule if any diagnostic was reported.
std::optional<Rule> ParseRule(YamlReader* reader, const YamlNode& node, const ListTable& lists,
                              SourceLocation* id_location);

// Parses `condition:`.
Condition ParseCondition(YamlReader* reader, const Entry& entry);

// Parses `examples:` into the rule's match and no_match examples.
void ParseExamples(YamlReader* reader, const Entry& entry, Rule* rule);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_RULE_PARSER_H_
