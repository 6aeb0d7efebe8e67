// The output of a moderation decision: ALLOW / FLAG / BLOCK with its reasons.
//
// Why: platforms must be able to explain every decision to the author and to
// moderators: which rules fired, where (byte spans in the *original* field, so
// a client can highlight or redact exactly what the user typed), what the
// author is told, and which rule-set version decided.
//
// Thread-safety: a plain value.
#ifndef MODERATION_ENGINE_DECISION_H_
#define MODERATION_ENGINE_DECISION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/policy/decide.h"
#include "engine/rules/rule.h"

namespace moderation {

using policy::Verdict;
using policy::VerdictName;

// One matched span: [start, end) are byte offsets into the original field.
struct MatchSpan {
  std::string field;
  uint32_t start = 0;
  uint32_t end = 0;
  std::string text;  // the original bytes of the span
};

// A rule that fired. Condition-only rules have no spans.
struct RuleHit {
  std::string rule_id;
  std::string ruleset_id;
  std::string category;
  rules::Action action = rules::Action::kScore;
  double score = 0;
  std::string reason;
  std::string note;
  std::string legal_ground;
  // The rule set's DSA mapping for this rule (rules::Rule::dsa_*).
  std::string dsa_category;
  std::string dsa_terms_ground;
  std::vector<std::string> dsa_territorial_scope;
  std::vector<MatchSpan> spans;
};

// Identity of one rule set that took part in the decision.
struct RuleSetRef {
  std::string id;
  std::string version;
  std::string content_hash;
};

struct Decision {
  Verdict verdict = Verdict::kAllow;
  double score = 0;                  // sum of the scores of enforced rules that fired
  std::vector<RuleHit> hits;         // enforced rules that fired
  std::vector<RuleHit> shadow_hits;  // shadow rules that fired (never enforced)
  std::vector<std::string> reasons;  // distinct author-facing reasons of `hits`
  std::string ruleset_id;            // e.g. "de+pii+spam"
  std::string ruleset_version;       // e.g. "de@2026-11-22.1,pii@2026-11-22.1"
  std::string ruleset_hash;          // "sha256:..." over the component hashes
  // (Each component's id, version and hash: CompiledRuleSet::components().
  // Not copied into every decision, which would cost allocations per post.)
  int64_t evaluation_ns = 0;
};

// The hit that speaks for `hits` (the category counted in metrics and the
// pulse, the ground of a statement of reasons): the hardest action (block,
// then flag, then score), then the highest score, then the hit whose first
// span starts at the lowest byte offset (of any field; hits without spans
// last), then the first listed. Ties but the very last never depend on where
// a rule is written (its file or its place in it), so moving rules between
// the files of a set changes no figure. nullptr when `hits` is empty.
const RuleHit* StrongestHit(const std::vector<RuleHit>& hits);

}  // namespace moderation

#endif  // MODERATION_ENGINE_DECISION_H_
