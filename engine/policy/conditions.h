// Evaluates a rule's conditions against the author context and the post's
// text features, and the multi-posting counts the server passed in.
//
// Why: some rules are about who posts and how, not what words are used ("a
// new account posting >= 2 links"). Conditions are ANDed; a condition on an
// author value the platform did not send never holds, so missing data never
// makes a rule fire.
//
//   bool fires = policy::ConditionHolds(rule.condition, post.author, features);
//
// Thread-safety: pure function.
#ifndef MODERATION_ENGINE_POLICY_CONDITIONS_H_
#define MODERATION_ENGINE_POLICY_CONDITIONS_H_

#include "engine/post/post.h"
#include "engine/rules/rule.h"
#include "engine/text/features.h"

namespace moderation::policy {

// True if every set field of `condition` holds (an empty condition holds).
bool ConditionHolds(const rules::Condition& condition, const Author& author,
                    const text::TextFeatures& features, const Activity& activity = {});

}  // namespace moderation::policy

#endif  // MODERATION_ENGINE_POLICY_CONDITIONS_H_
