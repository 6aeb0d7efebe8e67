// The `modctl scan` JSON Lines contract: one post per input line, one
// decision per output line, in order.
//
// Why: other tools (the benchmark harness, corpus evaluation, platform batch
// jobs) depend on this format, so it lives in one place and is tested.
//
// Input line:  {"id": "p1", "text": "..."}  or  {"id": 7, "title": "...", "body": "..."},
//              optional "community": "news-de",
//              optional "author": {"id", "account_age_days", "trust_level", "prior_violations"}.
// Output line: {"id", "decision": "ALLOW"|"FLAG"|"BLOCK", "score",
//               "matches": [{"rule", "category", "field", "start", "end", "text"}],
//               "shadow": [same shape], "rules": [fired rule ids],
//               "shadow_rules": [fired shadow rule ids], "reasons": [...],
//               "ruleset_id", "ruleset_version", "ruleset_hash"}
//          or {"id", "line", "error": "..."} for a malformed line.
//
// Thread-safety: pure functions.
#ifndef MODERATION_SERVER_MODCTL_JSON_CODEC_H_
#define MODERATION_SERVER_MODCTL_JSON_CODEC_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/decision.h"
#include "engine/post/post.h"

namespace moderation::modctl {

// Parses one input line. On error, *id receives the line's id if it could be
// read (else stays empty) and the status message names the offending field.
absl::StatusOr<Post> PostFromJsonLine(std::string_view line, nlohmann::json* id);

// The output line for a decision (without '\n'): the line `modctl scan` and
// `check --json` write. It is exactly what DumpLine would write for the same
// object (sorted keys, nlohmann's escaping and number format), but written
// directly: building a JSON tree and dumping it cost several times more than
// judging a short post. `id` is the line's id as read (string or integer).
std::string DecisionLine(const nlohmann::json& id, const Decision& decision);

// Which optional parts a decision line holds. id, decision and score are
// always there; matches, shadow, rules, shadow_rules and reasons are written
// when not empty, or always with empty_arrays; the ruleset_* fields with
// ruleset.
struct DecisionLineParts {
  bool empty_arrays = true;
  bool ruleset = true;
};

// Appends the decision line (without '\n') to *out, the keys sorted as in
// DecisionLine. id_json is the id as JSON text (IdJson).
void AppendDecisionLine(std::string_view id_json, const Decision& decision,
                        const DecisionLineParts& parts, std::string* out);

// Appends {"error", "id", "line"}: exactly DumpLine(ErrorToJson(...)), with
// id null when id_json is empty.
void AppendErrorLine(std::string_view id_json, size_t line_number, std::string_view message,
                     std::string* out);

// The JSON text of an id (a string or an integer), as DumpLine writes it.
std::string IdJson(const nlohmann::json& id);

// Appends s as a JSON string exactly as DumpLine writes it.
void AppendJsonString(std::string_view s, std::string* out);

nlohmann::json ErrorToJson(const nlohmann::json& id, size_t line_number,
                           const std::string& message);

// One compact line, invalid UTF-8 replaced (it cannot occur in our own output,
// but a dump must never throw).
std::string DumpLine(const nlohmann::json& value);

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_JSON_CODEC_H_
