// The decision policy: from the enforced rules that fired to ALLOW / FLAG /
// BLOCK.
//
// Why: one place states the score model (as in Rspamd / SpamAssassin) so that
// modctl, the server and the tests agree: a firing `block` rule or a score at
// or above the block threshold blocks; otherwise a `flag` rule or a score at or
// above the flag threshold flags; otherwise the post is allowed. Each rule
// counts once per post. When a community uses several rule sets, each judges
// with its own thresholds and the strictest verdict wins.
//
//   policy::SetTally tally;
//   tally.Add(rules::Action::kScore, 6);
//   policy::Verdict v = policy::Judge(thresholds, tally);  // kFlag at flag: 5
//
// Thread-safety: pure functions on values.
#ifndef MODERATION_ENGINE_POLICY_DECIDE_H_
#define MODERATION_ENGINE_POLICY_DECIDE_H_

#include "engine/rules/rule.h"

namespace moderation::policy {

// Ordered by severity, so max() is "stricter".
enum class Verdict { kAllow = 0, kFlag = 1, kBlock = 2 };

const char* VerdictName(Verdict v);  // "ALLOW", "FLAG", "BLOCK"

// What the enforced rules of one rule set that fired add up to.
struct SetTally {
  double score = 0;
  bool any_block = false;
  bool any_flag = false;

  void Add(rules::Action action, double rule_score);
};

Verdict Judge(const rules::Thresholds& thresholds, const SetTally& tally);

inline Verdict Stricter(Verdict a, Verdict b) { return a > b ? a : b; }

}  // namespace moderation::policy

#endif  // MODERATION_ENGINE_POLICY_DECIDE_H_
