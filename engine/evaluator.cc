// CompiledRuleSet::Evaluate: the hot path from a post to a Decision.
//
// Per field: normalise once into thread-local buffers; then, per part (rule
// set) of the set, scan the skeleton once for all its literals (terms and
// allow entries), scan the folded and raw views once each for all its
// regexes, drop hits inside its allowed words. Then per post: test
// conditions, tally enforced rules per component, judge.
#include <algorithm>
#include <chrono>
#include <tuple>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/field_scanner.h"
#include "engine/policy/conditions.h"
#include "engine/text/features.h"
#include "engine/text/near_duplicate.h"
#include "engine/text/normalizer.h"

namespace moderation {
namespace {

using internal::Candidate;
using internal::EvalBuffers;
using internal::FieldScanner;
using internal::LiteralHit;

thread_local EvalBuffers buffers;

RuleHit MakeHit(const CompiledRuleSet::Layout& set, uint32_t rule_index) {
  const rules::Rule& rule = set.Rule(rule_index).rule;
  RuleHit hit;
  hit.rule_id = rule.id;
  hit.ruleset_id = set.components[set.ComponentOf(rule_index)].id;
  hit.category = rule.category;
  hit.action = rule.action;
  hit.score = rule.action == rules::Action::kScore ? rule.score : 0;
  hit.reason = rule.reason;
  hit.note = rule.note;
  hit.legal_ground = rule.legal_ground;
  hit.dsa_category = rule.dsa_category;
  hit.dsa_terms_ground = rule.dsa_terms_ground;
  hit.dsa_territorial_scope = rule.dsa_territorial_scope;
  return hit;
}

// Scans one field with every part of the set: normalised once, then each
// part's scanner appends its candidates, renumbered from the part's rule
// indices to the set's.
absl::Status ScanField(const CompiledRuleSet::Layout& set, hs_scratch_t* scratch,
                       uint32_t field_index, const Field& field, EvalBuffers& b) {
  if (absl::Status s = internal::NormalizeField(field, b); !s.ok()) return s;
  if (set.literals != nullptr) {
    // One literal scan for all parts, each hit handed to its part.
    b.part_literal_hits.resize(set.parts.size());
    for (std::vector<LiteralHit>& hits : b.part_literal_hits) hits.clear();
    absl::Status s = set.literals->Scan(
        b.normalized.skeleton.text, scratch, [&](uint32_t id, size_t begin, size_t end) {
          const size_t p = set.PartOfLiteral(id);
          b.part_literal_hits[p].push_back(
              {id - set.literal_base[p], static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
        });
    if (!s.ok()) return s;
  }
  for (size_t p = 0; p < set.parts.size(); ++p) {
    const size_t first = b.candidates.size();
    FieldScanner scanner(*set.parts[p], scratch, b);
    const std::vector<LiteralHit>* hits =
        set.literals != nullptr ? &b.part_literal_hits[p] : nullptr;
    if (absl::Status s = scanner.ScanNormalized(field_index, field, hits); !s.ok()) return s;
    const uint32_t base = set.rule_base[p];
    if (base == 0) continue;
    for (size_t c = first; c < b.candidates.size(); ++c) b.candidates[c].rule += base;
  }
  return absl::OkStatus();
}

void AddSpans(const Post& post, const Candidate* begin, const Candidate* end, size_t max_spans,
              RuleHit* hit) {
  for (const Candidate* c = begin; c != end && hit->spans.size() < max_spans; ++c) {
    const Field& field = post.fields[c->field];
    hit->spans.push_back(
        {field.name, c->begin, c->end, field.text.substr(c->begin, c->end - c->begin)});
  }
}

// The author's display name is not what they posted: copies are of content.
bool IsContentField(const Field& field) {
  return field.name != "author_display_name" && field.name != "author_name";
}

}  // namespace

absl::StatusOr<Decision> CompiledRuleSet::Evaluate(const Post& post,
                                                   ActivitySource* activity_source) const {
  const auto start = std::chrono::steady_clock::now();
  const Layout& set = *layout_;
  auto scratch = scratch_->ForThisThread();
  if (!scratch.ok()) return scratch.status();
  EvalBuffers& b = buffers;
  b.candidates.clear();
  text::TextFeatures features;
  text::NearDuplicateHasher fingerprint;
  for (uint32_t f = 0; f < post.fields.size(); ++f) {
    if (absl::Status s = ScanField(set, *scratch, f, post.fields[f], b); !s.ok()) return s;
    if (activity_source != nullptr && IsContentField(post.fields[f])) {
      fingerprint.Add(b.normalized.skeleton.text);
    }
    // Only conditions read the features: skip the extra pass over the text
    // for rule sets without any.
    if (set.any_condition) text::AccumulateFeatures(post.fields[f].text, &features);
  }
  std::sort(b.candidates.begin(), b.candidates.end(), [](const Candidate& x, const Candidate& y) {
    return std::tie(x.rule, x.field, x.begin, x.end) < std::tie(y.rule, y.field, y.begin, y.end);
  });
  b.candidates.erase(
      std::unique(b.candidates.begin(), b.candidates.end(),
                  [](const Candidate& x, const Candidate& y) { return x.SameSpan(y); }),
      b.candidates.end());

  const Activity activity = activity_source != nullptr
                                ? activity_source->Observe(post, fingerprint.Finish())
                                : post.activity;
  Decision decision;
  // Few communities combine more than a handful of sets: no heap allocation.
  absl::InlinedVector<policy::SetTally, 8> tallies(set.components.size());
  auto fire = [&](uint32_t rule_index, const Candidate* first, const Candidate* last) {
    const CompiledRule& compiled = set.Rule(rule_index);
    if (compiled.has_condition &&
        !policy::ConditionHolds(compiled.rule.condition, post.author, features, activity)) {
      return;
    }
    // `unless: {condition: ...}` vetoes the rule when it holds.
    if (!compiled.rule.unless.condition.empty() &&
        policy::ConditionHolds(compiled.rule.unless.condition, post.author, features, activity)) {
      return;
    }
    RuleHit hit = MakeHit(set, rule_index);
    AddSpans(post, first, last, set.max_spans_per_rule, &hit);
    if (compiled.rule.mode == rules::RuleMode::kShadow) {
      decision.shadow_hits.push_back(std::move(hit));
      return;
    }
    tallies[set.ComponentOf(rule_index)].Add(compiled.rule.action, compiled.rule.score);
    if (!hit.reason.empty() && std::find(decision.reasons.begin(), decision.reasons.end(),
                                         hit.reason) == decision.reasons.end()) {
      decision.reasons.push_back(hit.reason);
    }
    decision.hits.push_back(std::move(hit));
  };
  // One allocation for the hits: growing the vector hit by hit moved every
  // RuleHit (a dozen strings) once per doubling, about a third of what a
  // post with three hits spent on them (issue 15's per-post profile).
  size_t rules_with_candidates = 0;
  for (size_t i = 0; i < b.candidates.size(); ++i) {
    rules_with_candidates += i == 0 || b.candidates[i].rule != b.candidates[i - 1].rule;
  }
  if (rules_with_candidates > 0) decision.hits.reserve(rules_with_candidates);
  const Candidate* data = b.candidates.data();
  for (size_t i = 0; i < b.candidates.size();) {
    size_t j = i;
    while (j < b.candidates.size() && b.candidates[j].rule == b.candidates[i].rule) ++j;
    fire(b.candidates[i].rule, data + i, data + j);
    i = j;
  }
  for (size_t p = 0; p < set.parts.size(); ++p) {
    for (uint32_t rule_index : set.parts[p]->condition_only_rules) {
      fire(set.rule_base[p] + rule_index, nullptr, nullptr);
    }
  }

  for (size_t c = 0; c < tallies.size(); ++c) {
    decision.score += tallies[c].score;
    decision.verdict =
        policy::Stricter(decision.verdict, policy::Judge(set.thresholds[c], tallies[c]));
  }
  decision.ruleset_id = set.id;
  decision.ruleset_version = set.version;
  decision.ruleset_hash = set.content_hash;
  decision.evaluation_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count();
  return decision;
}

}  // namespace moderation
