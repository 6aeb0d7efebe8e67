// Invariants of a moderation decision, shared by the fuzz targets that judge
// posts (moderate, rule_loader, proto_convert).
//
// Why: every client highlights and redacts on the spans we report, and every
// moderator trusts that the same post gets the same answer. These are the
// promises of engine/decision.h and engine/rule_set.h, checked on whatever
// input the fuzzer invents.
//
//   CheckDecision(post, *decision, set);      // spans, rules, verdict, score
//   CheckSameDecision(*first, *second);       // stable when judged twice
//
// Thread-safety: pure functions (they abort via FUZZ_CHECK on a violation).
#ifndef MODERATION_TESTS_FUZZ_DECISION_CHECKS_H_
#define MODERATION_TESTS_FUZZ_DECISION_CHECKS_H_

#include <cstddef>

#include "engine/decision.h"
#include "engine/post/post.h"
#include "engine/rule_set.h"

namespace moderation::fuzz {

// Checks `decision` for `post`, judged by `set`:
//  * every span names a field of the post, start < end <= the field's size,
//    both on UTF-8 boundaries, text == the field's bytes there, and at most
//    max_spans_per_rule spans per hit;
//  * every hit is a rule of `set` (same category and set), fires once, sits
//    in hits or shadow_hits by its mode, and has spans unless it is a
//    condition-only rule;
//  * a block hit blocks, a flag hit flags at least, no enforced hit allows;
//  * score is the sum of the enforced hits' scores; reasons are the distinct
//    non-empty reasons of the enforced hits;
//  * the decision names the set's id, version and hash.
void CheckDecision(const Post& post, const Decision& decision, const CompiledRuleSet& set,
                   size_t max_spans_per_rule = 16);

// Two decisions on the same post agree in everything but evaluation time.
void CheckSameDecision(const Decision& a, const Decision& b);

}  // namespace moderation::fuzz

#endif  // MODERATION_TESTS_FUZZ_DECISION_CHECKS_H_
