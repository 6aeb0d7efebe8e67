#include "server/pulse/event.h"

namespace moderation::server::pulse {

PulseEvent PulseEventFrom(const Post& post, const Decision& decision) {
  PulseEvent e;
  e.community = post.community;
  e.post_id = post.id;
  e.author_id = post.author.id;
  e.account_age_days = post.author.account_age_days;
  e.outcome = static_cast<Outcome>(static_cast<int>(decision.verdict));
  if (const RuleHit* strongest = StrongestHit(decision.hits)) {
    e.category = strongest->category;
    e.rule_id = strongest->rule_id;
  }
  for (const Field& field : post.fields) {
    if (field.name == "title") e.title = field.text;
    if (field.name == "body" || field.name == "text") e.body = field.text;
  }
  for (const RuleHit& hit : decision.shadow_hits) {
    if (e.shadow_count == kMaxShadowPerPost) break;
    e.shadow_rules[e.shadow_count++] = hit.rule_id;
  }
  return e;
}

}  // namespace moderation::server::pulse
