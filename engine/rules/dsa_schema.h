// The vocabulary of the EU DSA Transparency Database's statements of reasons
// (DSA Art. 17 and 24(5)): the enum values a statement may carry, as of the
// submission schema of 1 July 2025 ("API v2" attribute options; README.md,
// "DSA statements of reasons", cites the source).
//
// Why: rule files map our categories to DSA statement categories (the `dsa:`
// header), `modctl validate` rejects values outside this vocabulary at their
// file:line, and `modctl report --dsa` checks every statement it writes
// against it. One list, so the three cannot disagree.
//
//   if (!rules::IsDsaValue(rules::DsaStatementCategories(), "STATEMENT_CATEGORY_VIOLENCE")) ...
//
// Thread-safety: immutable data and pure functions.
#ifndef MODERATION_ENGINE_RULES_DSA_SCHEMA_H_
#define MODERATION_ENGINE_RULES_DSA_SCHEMA_H_

#include <string_view>
#include <vector>

namespace moderation::rules {

// When this vocabulary was taken from the schema (its changelog date).
inline constexpr std::string_view kDsaSchemaDate = "2025-07-01";

// `category` (and `category_addition`): STATEMENT_CATEGORY_*.
const std::vector<std::string_view>& DsaStatementCategories();
// `decision_visibility` (a list): DECISION_VISIBILITY_*.
const std::vector<std::string_view>& DsaDecisionVisibilities();
// `decision_ground`: DECISION_GROUND_ILLEGAL_CONTENT / _INCOMPATIBLE_CONTENT.
const std::vector<std::string_view>& DsaDecisionGrounds();
// `automated_decision`: AUTOMATED_DECISION_FULLY / _PARTIALLY / _NOT_AUTOMATED.
const std::vector<std::string_view>& DsaAutomatedDecisions();
// `content_type` (a list): CONTENT_TYPE_*.
const std::vector<std::string_view>& DsaContentTypes();
// `source_type`: SOURCE_ARTICLE_16, SOURCE_TRUSTED_FLAGGER, ...
const std::vector<std::string_view>& DsaSourceTypes();
// `territorial_scope` (a list): the EU/EEA ISO 3166 alpha-2 codes accepted.
const std::vector<std::string_view>& DsaTerritories();

bool IsDsaValue(const std::vector<std::string_view>& values, std::string_view value);

}  // namespace moderation::rules

#endif  // MODERATION_ENGINE_RULES_DSA_SCHEMA_H_
