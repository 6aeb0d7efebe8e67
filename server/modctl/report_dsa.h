// `modctl report --dsa`: statements of reasons (DSA Art. 17) in the fields
// and enums of the EU DSA Transparency Database, and an Art. 15/24-style
// transparency summary, from the FLAG/BLOCK lines of decision logs.
//
// Why: every restriction needs a statement to its author and a submission
// to the database; the figures of a transparency report (restrictions per
// category and ground, automated share, time to decision) come from the
// same lines. How our decisions map onto the schema (README.md, "DSA
// statements of reasons"):
//   - BLOCK: decision_visibility DECISION_VISIBILITY_CONTENT_REMOVED,
//     automated_decision AUTOMATED_DECISION_FULLY;
//   - FLAG (held until a moderator decides): DECISION_VISIBILITY_CONTENT_DISABLED,
//     AUTOMATED_DECISION_PARTIALLY;
//   - the ground: the deciding rule's legal_ground (DECISION_GROUND_ILLEGAL_CONTENT)
//     or its rule set's dsa.terms_ground (DECISION_GROUND_INCOMPATIBLE_CONTENT);
//   - category: the deciding rule's dsa category, the others as category_addition.
//
// Thread-safety: plain functions.
#ifndef MODERATION_SERVER_MODCTL_REPORT_DSA_H_
#define MODERATION_SERVER_MODCTL_REPORT_DSA_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "server/modctl/report_log.h"

namespace moderation::modctl {

// The statement for one FLAG/BLOCK record (ordered as the schema lists
// its attributes).
nlohmann::ordered_json StatementOfReasons(const DecisionRecord& record);

// Problems of a statement against the schema's required fields, enums,
// formats and lengths; empty when it is valid.
std::vector<std::string> ValidateStatement(const nlohmann::ordered_json& statement);

// Writes statements.jsonl, transparency.md and transparency.csv into dir.
// A statement that fails ValidateStatement is an error naming its post.
absl::Status WriteDsaExport(const std::vector<DecisionRecord>& decisions, const Period& period,
                            const std::string& dir);

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_REPORT_DSA_H_
