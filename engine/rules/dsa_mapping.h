// The `dsa:` header of a rule file (private to engine_rules): how the set's
// categories become DSA statements of reasons (issue 13 §3).
//
// Why: a statement of reasons names a DSA statement category, a legal ground
// (the rule's `legal_ground`) or a contractual one (the netiquette clause),
// and the territory. Moderators know which clause and which DSA category
// fit their rules, so the mapping lives beside the rules:
//
//   dsa:
//     terms_ground: "Netiquette, Abschnitt 2: keine Beleidigungen"
//     territorial_scope: [DE, AT]      # or [EU], [EEA]
//     categories:
//       insult: STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH
//       threat: STATEMENT_CATEGORY_VIOLENCE
//
// ApplyDsaMapping checks every value against dsa_schema.h (unknown enum ->
// error at its file:line:col with a did-you-mean hint), requires a mapping
// for every category the set's rules use once a `dsa:` header exists, and
// copies the resolved values into each rule (Rule::dsa_*). A file without a
// `dsa:` header is valid; its decisions carry no DSA category.
//
// Thread-safety: pure functions over the reader's document.
#ifndef MODERATION_ENGINE_RULES_DSA_MAPPING_H_
#define MODERATION_ENGINE_RULES_DSA_MAPPING_H_

#include "engine/rules/rule.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules::internal {

// entry: the header's `dsa:` (null: none). Run after CheckCategories.
void ApplyDsaMapping(YamlReader* reader, const Entry* entry, RuleSetSource* set);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_DSA_MAPPING_H_
