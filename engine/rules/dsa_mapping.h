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
// A rule may override its category's mapping with its own
// `dsa_category: STATEMENT_CATEGORY_SCAMS_AND_FRAUD` (a scam rule among spam
// rules); it still takes the header's terms ground and territory, so it
// needs the header (else an error at the rule).
//
// ApplyDsaMapping checks every value against dsa_schema.h (unknown enum ->
// error at its file:line:col with a did-you-mean hint), requires a mapping
// for every category the set's rules use (unless each of its rules has its
// own) once a `dsa:` header exists, and copies the resolved values into each
// rule (Rule::dsa_*). A file without a `dsa:` header is valid unless a rule
// has a dsa_category; its decisions carry no DSA category.
//
// Thread-safety: pure functions over the reader's document.
#ifndef MODERATION_ENGINE_RULES_DSA_MAPPING_H_
#define MODERATION_ENGINE_RULES_DSA_MAPPING_H_

#include "engine/rules/rule.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules::internal {

// entry: the header's `dsa:` (null: none). Run after CheckCategories.
void ApplyDsaMapping(YamlReader* reader, const Entry* entry, RuleSetSource* set);

// A rule's own `dsa_category:` into rule->dsa_category, checked against the
// vocabulary at its file:line:col. Kept even when wrong (the load fails
// anyway), so that ApplyDsaMapping does not report the rule again as
// unmapped: a non-empty dsa_category before ApplyDsaMapping is the rule's
// own.
void ParseOwnDsaCategory(YamlReader* reader, const Entry& entry, Rule* rule);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_DSA_MAPPING_H_
