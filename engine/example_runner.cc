#include "engine/example_runner.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/util/parallel.h"

namespace moderation {
namespace {

const RuleHit* FindHit(const Decision& d, const std::string& rule_id) {
  for (const auto* hits : {&d.hits, &d.shadow_hits}) {
    for (const RuleHit& hit : *hits) {
      if (hit.rule_id == rule_id) return &hit;
    }
  }
  return nullptr;
}

std::string DescribeSpans(const RuleHit& hit) {
  std::vector<std::string> parts;
  for (const MatchSpan& span : hit.spans) {
    parts.push_back(absl::StrCat("'", span.text, "' at ", span.start, "..", span.end));
  }
  return parts.empty() ? "its condition held" : absl::StrJoin(parts, ", ");
}

ExampleResult Check(const CompiledRuleSet& set, const rules::Rule& rule,
                    const rules::Example& example, bool expect_match) {
  ExampleResult result{rule.id, expect_match, example.text, example.location, false, ""};
  Post post;
  post.id = "example";
  post.author = example.author;
  post.activity = example.activity;
  // A rule scoped to fields sees its examples in the first of them.
  post.fields.push_back({rule.fields.empty() ? "text" : rule.fields.front(), example.text});
  absl::StatusOr<Decision> decision = set.Evaluate(post);
  if (!decision.ok()) {
    result.detail = std::string(decision.status().message());
    return result;
  }
  const RuleHit* hit = FindHit(*decision, rule.id);
  result.passed = (hit != nullptr) == expect_match;
  if (!result.passed) {
    result.detail = expect_match ? "the rule did not fire"
                                 : absl::StrCat("the rule fired: ", DescribeSpans(*hit));
  }
  return result;
}

void RunRuleExamples(const CompiledRuleSet& set, const rules::Rule& rule,
                     std::vector<ExampleResult>* results) {
  for (const rules::Example& e : rule.match_examples) results->push_back(Check(set, rule, e, true));
  for (const rules::Example& e : rule.no_match_examples)
    results->push_back(Check(set, rule, e, false));
}

}  // namespace

rules::Diagnostic ExampleResult::ToDiagnostic() const {
  return {location, absl::StrCat("rule '", rule_id, "': ", expect_match ? "match" : "no_match",
                                 " example \"", text, "\" failed: ", detail)};
}

std::vector<ExampleResult> RunExamples(const CompiledRuleSet& set) {
  std::vector<ExampleResult> results;
  for (size_t i = 0; i < set.rule_count(); ++i) RunRuleExamples(set, set.rule(i), &results);
  return results;
}

std::vector<ExampleResult> RunExamplesOnce(
    const std::vector<std::shared_ptr<const CompiledRuleSet>>& sets) {
  return RunExamplesOnce(sets, {});
}

std::vector<ExampleResult> RunExamplesOnce(
    const std::vector<std::shared_ptr<const CompiledRuleSet>>& sets,
    const absl::flat_hash_map<std::string, std::vector<ExampleResult>>& known) {
  // Each rule's results in a slot of its own, filled on all cores (the
  // default rules hold over 6,000 examples, a tenth of a second of a start),
  // and joined in rule order, so the order does not depend on the threads.
  struct RuleExamples {
    const CompiledRuleSet* set;
    const rules::Rule* rule;
    const std::vector<ExampleResult>* known;
    std::vector<ExampleResult> results;
  };
  std::vector<RuleExamples> work;
  absl::flat_hash_set<std::string> done;
  for (const auto& set : sets) {
    for (size_t i = 0; i < set->rule_count(); ++i) {
      const rules::Rule& rule = set->rule(i);
      if (!done.insert(rule.id).second) continue;
      auto it = known.find(rule.id);
      work.push_back({set.get(), &rule, it != known.end() ? &it->second : nullptr, {}});
    }
  }
  util::ForEachOnCores(work.size(), [&](size_t i) {
    if (work[i].known == nullptr) RunRuleExamples(*work[i].set, *work[i].rule, &work[i].results);
  });
  std::vector<ExampleResult> results;
  for (const RuleExamples& w : work) {
    const std::vector<ExampleResult>& of_rule = w.known != nullptr ? *w.known : w.results;
    results.insert(results.end(), of_rule.begin(), of_rule.end());
  }
  return results;
}

}  // namespace moderation
