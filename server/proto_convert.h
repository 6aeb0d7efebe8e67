// Translation between the moderation.v1 protobuf messages and the engine's
// plain types, including request validation.
//
// Why: RPC handlers stay thin (proto -> engine call -> proto); all field
// checks and their precise INVALID_ARGUMENT messages live here, in one
// testable place. Messages name the field with its path ("post.body: invalid
// UTF-8 at byte 17", "requests[3].post.community: required").
//
// Thread-safety: pure functions.
#ifndef MODERATION_SERVER_PROTO_CONVERT_H_
#define MODERATION_SERVER_PROTO_CONVERT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/decision.h"
#include "engine/post/post.h"
#include "engine/rule_set.h"
#include "engine/rules/diagnostic.h"
#include "moderation/v1/moderation.pb.h"
#include "moderation/v1/rule_admin.pb.h"

namespace moderation::server {

struct PostLimits {
  int64_t max_post_bytes = 65536;  // all content fields together
  bool require_community = true;   // false for TestPost
};

// Validates and converts a proto Post. `path` prefixes field names in
// errors ("post", "requests[3].post"). Content fields are named "title",
// "body" and "author_display_name" in the engine Post (matches carry them).
absl::StatusOr<Post> PostFromProto(const v1::Post& proto, const PostLimits& limits,
                                   const std::string& path);

// Fills *out from an engine decision for `post`. With include_redacted, the
// enforced matches' bytes are masked in out->redacted (one '*' per
// character).
void DecisionToProto(const Post& post, const Decision& decision, bool include_redacted,
                     v1::ModerateResponse* out);

// Sets out->statement_of_reasons for a FLAG or BLOCK whose deciding rule's
// set has a `dsa:` header (engine/statement_of_reasons.h), dated `decided`;
// leaves it unset otherwise.
void StatementOfReasonsToProto(const Post& post, const Decision& decision, absl::Time decided,
                               v1::ModerateResponse* out);

// The proto enum of an engine verdict (ModerateResponse.decision, and the
// live and candidate verdicts of an impact preview).
v1::Decision VerdictToProto(Verdict verdict);

v1::Field FieldToProto(const std::string& engine_field_name);

void DiagnosticToProto(const rules::Diagnostic& d, v1::Diagnostic* out);

// One ActiveRuleSet entry for a community's compiled set.
void ActiveRuleSetToProto(const std::string& community, const CompiledRuleSet& set,
                          double loaded_unix_seconds, v1::ActiveRuleSet* out);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PROTO_CONVERT_H_
