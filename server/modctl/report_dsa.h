// `modctl report --dsa`: statements of reasons (DSA Art. 17) in the fields
// and enums of the EU DSA Transparency Database, and an Art. 15/24-style
// transparency summary, from the FLAG/BLOCK lines of decision logs.
//
// Why: every restriction needs a statement to its author and a submission
// to the database; the figures of a transparency report (restrictions per
// category and ground, automated share, time to decision) come from the
// same lines. The statement itself is engine/statement_of_reasons.h's, the
// one moderationd attaches to its answers, so the export and the answer of
// a decision are the same statement (README.md, "DSA statements of
// reasons", says how each field is filled). This file turns it into the
// schema's JSON and checks JSON against the schema.
//
// Thread-safety: plain functions.
#ifndef MODERATION_SERVER_MODCTL_REPORT_DSA_H_
#define MODERATION_SERVER_MODCTL_REPORT_DSA_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/statement_of_reasons.h"
#include "server/modctl/report_log.h"

namespace moderation::modctl {

// The statement for one FLAG/BLOCK record (MakeStatementOfReasons's
// errors: an ALLOW, or a deciding rule from a set without a `dsa:` header).
absl::StatusOr<StatementOfReasons> StatementFor(const DecisionRecord& record);

// The schema's JSON object, attributes in the schema's order; attributes a
// statement does not carry (empty) are left out.
nlohmann::ordered_json StatementToJson(const StatementOfReasons& statement);

// Problems of a JSON statement against the schema: a value of the wrong JSON
// type, then ValidateStatementOfReasons's (required fields, enums, formats,
// lengths); empty when it is valid.
std::vector<std::string> ValidateStatement(const nlohmann::ordered_json& statement);

// Writes statements.jsonl, transparency.md and transparency.csv into dir.
// A statement that fails ValidateStatement is an error naming its post.
absl::Status WriteDsaExport(const std::vector<DecisionRecord>& decisions, const Period& period,
                            const std::string& dir);

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_REPORT_DSA_H_
