// The category vocabulary of rules, and its check (private to engine_rules).
//
// Why: a rule's category names its metric series, its pulse window and the
// DSA category in a statement of reasons. A typo ("insutl") would silently
// split them, so categories come from a fixed vocabulary (rules/README.md)
// that a rule set may extend in its header:
//
//   ruleset: de
//   categories: [gambling]       # adds to the built-in vocabulary
//   rules:
//     - id: de.casino
//       category: gambling
//
// A category outside both gets an error at its file:line:col with a
// did-you-mean hint.
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_RULES_CATEGORIES_H_
#define MODERATION_ENGINE_RULES_CATEGORIES_H_

#include <string_view>
#include <vector>

#include "engine/rules/rule.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules::internal {

// The built-in vocabulary, in the order rules/README.md documents it.
const std::vector<std::string_view>& BuiltInCategories();

// Parses the header's `categories:` (null entry: none) into
// set->extra_categories and checks every rule's category against the
// built-in and extra ones. Run after the rules are parsed.
void CheckCategories(YamlReader* reader, const Entry* header_entry, RuleSetSource* set);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_CATEGORIES_H_
