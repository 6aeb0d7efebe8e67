// A DSA statement of reasons (Digital Services Act Art. 17) for one FLAG or
// BLOCK, in the attributes and values of the EU DSA Transparency Database's
// submission schema (the vocabulary is rules/dsa_schema.h; README.md, "DSA
// statements of reasons", says how each field is filled and cites the
// schema's version).
//
// Why: the author of a restricted post must get a statement, and the
// platform must submit it to the database. moderationd attaches one to
// every FLAG/BLOCK it answers (ModerateResponse.statement_of_reasons) and
// `modctl report --dsa` makes the same statements later from the decision
// log. Both call MakeStatementOfReasons, so the mapping from our decisions
// to the schema exists once: a response and the export of the same
// decision cannot disagree.
//
//   absl::StatusOr<StatementOfReasons> s = MakeStatementOfReasons(
//       {decision.verdict, decision.hits, post.id, decision.ruleset_version, absl::Now()});
//   if (s.ok()) { ... ValidateStatementOfReasons(*s) is empty ... }
//
// Thread-safety: plain values and pure functions.
#ifndef MODERATION_ENGINE_STATEMENT_OF_REASONS_H_
#define MODERATION_ENGINE_STATEMENT_OF_REASONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/decision.h"

namespace moderation {

// The schema's attributes this service fills, with the schema's names. An
// empty string or list is an attribute the statement does not carry (the
// illegal_* pair for an incompatible-content ground and vice versa;
// category_addition when every hit has the deciding category).
struct StatementOfReasons {
  std::vector<std::string> decision_visibility;  // DECISION_VISIBILITY_*
  std::string decision_ground;                   // DECISION_GROUND_*
  std::string illegal_content_legal_ground;      // <= 500 characters
  std::string illegal_content_explanation;       // <= 2000
  std::string incompatible_content_ground;       // <= 500
  std::string incompatible_content_explanation;  // <= 2000
  std::string category;                          // STATEMENT_CATEGORY_*
  std::vector<std::string> category_addition;    // STATEMENT_CATEGORY_*, sorted
  std::vector<std::string> content_type;         // CONTENT_TYPE_*
  std::string content_date;                      // YYYY-MM-DD
  std::string application_date;                  // YYYY-MM-DD
  std::vector<std::string> territorial_scope;    // EU/EEA ISO 3166 alpha-2 codes
  std::string decision_facts;                    // <= 5000; never the post's text
  std::string source_type;                       // SOURCE_*
  std::string automated_detection;               // "Yes" or "No"
  std::string automated_decision;                // AUTOMATED_DECISION_*
  std::string puid;                              // [A-Za-z0-9_-], <= 500

  bool operator==(const StatementOfReasons&) const = default;
};

// What a statement is made from: the decision's verdict and enforced hits
// (with their DSA mapping, RuleHit::dsa_*), the post id, the rule-set
// versions and when the decision was taken.
struct StatementFacts {
  Verdict verdict = Verdict::kAllow;
  const std::vector<RuleHit>& hits;
  std::string_view post_id;
  std::string_view ruleset_version;
  absl::Time decided;
};

// The statement for a FLAG or BLOCK. FailedPrecondition for an ALLOW (it
// restricts nothing), for a restriction without hits, and when the deciding
// rule's set has no `dsa:` header (the message names the rule): such a
// statement would have no DSA category and no territorial scope.
absl::StatusOr<StatementOfReasons> MakeStatementOfReasons(const StatementFacts& facts);

// Problems of a statement against the schema: required attributes, values
// outside the vocabulary, formats and lengths ("category: required,
// STATEMENT_CATEGORY_*"); empty when it is valid.
std::vector<std::string> ValidateStatementOfReasons(const StatementOfReasons& statement);

// The schema's puid for a post id: the id itself when it fits
// [A-Za-z0-9_-] and 500 characters, else "x" and its bytes in hex (cut at
// 500), so that different ids stay different.
std::string StatementPuid(std::string_view post_id);

}  // namespace moderation

#endif  // MODERATION_ENGINE_STATEMENT_OF_REASONS_H_
