#include "tests/fuzz/decision_checks.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/fuzz/fuzz_check.h"

namespace moderation::fuzz {
namespace {

const Field* FindField(const Post& post, const std::string& name) {
  for (const Field& f : post.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const rules::Rule* FindRule(const CompiledRuleSet& set, const std::string& id) {
  for (size_t i = 0; i < set.rule_count(); ++i) {
    if (set.rule(i).id == id) return &set.rule(i);
  }
  return nullptr;
}

void CheckSpan(const Post& post, const RuleHit& hit, const MatchSpan& span) {
  const Field* field = FindField(post, span.field);
  FUZZ_CHECK(field != nullptr) << hit.rule_id << ": span in unknown field '" << span.field << "'";
  const std::string& text = field->text;
  FUZZ_CHECK(span.start < span.end && span.end <= text.size())
      << hit.rule_id << ": span " << span.start << ".." << span.end << " outside field '"
      << span.field << "' of " << text.size() << " bytes";
  FUZZ_CHECK(IsUtf8Boundary(text, span.start) && IsUtf8Boundary(text, span.end))
      << hit.rule_id << ": span " << span.start << ".." << span.end << " splits a character of "
      << Excerpt(text);
  FUZZ_CHECK(span.text == text.substr(span.start, span.end - span.start))
      << hit.rule_id << ": span text " << Excerpt(span.text) << " is not the field's bytes";
}

void CheckHit(const Post& post, const CompiledRuleSet& set, const RuleHit& hit, bool shadow,
              size_t max_spans) {
  const rules::Rule* rule = FindRule(set, hit.rule_id);
  FUZZ_CHECK(rule != nullptr) << "hit of unknown rule '" << hit.rule_id << "'";
  FUZZ_CHECK(hit.category == rule->category)
      << hit.rule_id << ": category '" << hit.category << "' vs '" << rule->category << "'";
  FUZZ_CHECK((rule->mode == rules::RuleMode::kShadow) == shadow)
      << hit.rule_id << ": reported as " << (shadow ? "shadow" : "enforced") << " hit";
  FUZZ_CHECK(hit.action == rule->action) << hit.rule_id << ": action differs from the rule's";
  FUZZ_CHECK(std::isfinite(hit.score)) << hit.rule_id << ": score " << hit.score;
  // Only a condition-only rule fires without a span.
  FUZZ_CHECK(!hit.spans.empty() || !rule->condition.empty())
      << hit.rule_id << ": fired without a span and without a condition";
  FUZZ_CHECK(hit.spans.size() <= max_spans)
      << hit.rule_id << ": " << hit.spans.size() << " spans, more than " << max_spans;
  for (const MatchSpan& span : hit.spans) CheckSpan(post, hit, span);
}

auto SpanKey(const MatchSpan& s) { return std::tie(s.field, s.start, s.end, s.text); }

void CheckSameHits(const std::vector<RuleHit>& a, const std::vector<RuleHit>& b, const char* what) {
  FUZZ_CHECK(a.size() == b.size()) << what << ": " << a.size() << " vs " << b.size();
  for (size_t i = 0; i < a.size(); ++i) {
    FUZZ_CHECK(a[i].rule_id == b[i].rule_id && a[i].score == b[i].score &&
               a[i].spans.size() == b[i].spans.size())
        << what << "[" << i << "]: " << a[i].rule_id << " vs " << b[i].rule_id;
    for (size_t s = 0; s < a[i].spans.size(); ++s) {
      FUZZ_CHECK(SpanKey(a[i].spans[s]) == SpanKey(b[i].spans[s]))
          << what << "[" << i << "] " << a[i].rule_id << ": span " << s << " differs";
    }
  }
}

}  // namespace

void CheckDecision(const Post& post, const Decision& decision, const CompiledRuleSet& set,
                   size_t max_spans_per_rule) {
  std::set<std::string> fired;
  double score = 0, magnitude = 0;
  bool any_block = false, any_flag = false;
  std::vector<std::string> reasons;
  for (const RuleHit& hit : decision.hits) {
    CheckHit(post, set, hit, /*shadow=*/false, max_spans_per_rule);
    FUZZ_CHECK(fired.insert(hit.rule_id).second) << hit.rule_id << " fired twice";
    score += hit.score;
    magnitude += std::abs(hit.score);
    any_block |= hit.action == rules::Action::kBlock;
    any_flag |= hit.action == rules::Action::kFlag;
    if (!hit.reason.empty() &&
        std::find(reasons.begin(), reasons.end(), hit.reason) == reasons.end()) {
      reasons.push_back(hit.reason);
    }
  }
  for (const RuleHit& hit : decision.shadow_hits) {
    CheckHit(post, set, hit, /*shadow=*/true, max_spans_per_rule);
    FUZZ_CHECK(fired.insert(hit.rule_id).second) << hit.rule_id << " fired twice";
  }
  // Summed per rule set, then across sets: allow for the rounding of another order.
  FUZZ_CHECK(std::abs(decision.score - score) <= 1e-9 * std::max(1.0, magnitude))
      << "score " << decision.score << " is not the sum of the hits' scores " << score;
  FUZZ_CHECK(decision.reasons == reasons) << "reasons are not the distinct reasons of the hits";
  if (any_block) {
    FUZZ_CHECK(decision.verdict == Verdict::kBlock) << "a block rule fired";
  }
  if (any_flag) {
    FUZZ_CHECK(decision.verdict != Verdict::kAllow) << "a flag rule fired";
  }
  if (decision.hits.empty()) {
    FUZZ_CHECK(decision.verdict == Verdict::kAllow)
        << VerdictName(decision.verdict) << " without an enforced hit";
  }
  FUZZ_CHECK(decision.ruleset_id == set.id() && decision.ruleset_version == set.version() &&
             decision.ruleset_hash == set.content_hash())
      << "decision names set '" << decision.ruleset_id << "', judged by '" << set.id() << "'";
}

void CheckSameDecision(const Decision& a, const Decision& b) {
  FUZZ_CHECK(a.verdict == b.verdict)
      << "verdict " << VerdictName(a.verdict) << " then " << VerdictName(b.verdict);
  FUZZ_CHECK(a.score == b.score) << "score " << a.score << " then " << b.score;
  CheckSameHits(a.hits, b.hits, "hits");
  CheckSameHits(a.shadow_hits, b.shadow_hits, "shadow_hits");
  FUZZ_CHECK(a.reasons == b.reasons) << "reasons differ";
  FUZZ_CHECK(a.ruleset_id == b.ruleset_id && a.ruleset_version == b.ruleset_version &&
             a.ruleset_hash == b.ruleset_hash)
      << "rule set identity differs";
}

}  // namespace moderation::fuzz
