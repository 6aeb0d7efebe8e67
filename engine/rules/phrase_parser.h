// Parsing of a rule's `phrase:`/`phrases:` and `unless:` (private to
// engine_rules).
//
// Why: phrases are the rule kind for threats and calls to violence in free
// word order ("ich bring dich um", "dich bring ich heute noch um"); they have
// enough structure (slots, alternatives, optional slots, negative
// neighbours, a window) that their parsing lives apart from rule_parser.cc.
// Every problem is reported at the slot or key it concerns.
//
//   phrase: ["ich", "bring*|mach*", "dich|euch", "um|kalt"]
//   phrases:
//     - slots: ["bring*", "dich", {words: "um", not_followed_by: ["@digits", "acht"]}]
//       ordered: false
//       within: 4
//
// Thread-safety: single-threaded helpers, one per file being loaded.
#ifndef MODERATION_ENGINE_RULES_PHRASE_PARSER_H_
#define MODERATION_ENGINE_RULES_PHRASE_PARSER_H_

#include <vector>

#include "engine/rules/rule.h"
#include "engine/rules/term_lists.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules::internal {

// Limits that keep one phrase's matching cost bounded (phrase_match.h).
inline constexpr size_t kMaxPhraseSlots = 8;
inline constexpr int kMaxPhraseWithin = 20;
inline constexpr int kMaxUnlessWithin = 50;
// A negation denies the words next to it; further away it is another clause.
inline constexpr int kMaxNegationWithin = 5;
inline constexpr size_t kMaxNearContexts = 32;

// The phrases of `phrase:` (one) and `phrases:` (a list); both may be given.
std::vector<Phrase> ParsePhrases(YamlReader* reader, MapReader* rule, const ListTable& lists);

// `unless:` {words, negation, regex, within, negation_within, condition}.
Unless ParseUnless(YamlReader* reader, const Entry& entry, const ListTable& lists);

// `near:` one context {words, regex, within, side} or a list of them.
std::vector<NearContext> ParseNear(YamlReader* reader, const Entry& entry, const ListTable& lists);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_PHRASE_PARSER_H_
