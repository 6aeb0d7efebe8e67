#include "engine/policy/decide.h"

namespace moderation::policy {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kAllow:
      return "ALLOW";
    case Verdict::kFlag:
      return "FLAG";
    case Verdict::kBlock:
      return "BLOCK";
  }
  return "ALLOW";
}

void SetTally::Add(rules::Action action, double rule_score) {
  switch (action) {
    case rules::Action::kBlock:
      any_block = true;
      break;
    case rules::Action::kFlag:
      any_flag = true;
      break;
    case rules::Action::kScore:
      score += rule_score;
      break;
  }
}

Verdict Judge(const rules::Thresholds& thresholds, const SetTally& tally) {
  if (tally.any_block || tally.score >= thresholds.block) return Verdict::kBlock;
  if (tally.any_flag || tally.score >= thresholds.flag) return Verdict::kFlag;
  return Verdict::kAllow;
}

}  // namespace moderation::policy
