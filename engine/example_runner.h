// Runs the examples embedded in rule files against a compiled rule set.
//
// Why: a rule's `examples.match` and `examples.no_match` are its moderator's
// tests. They run whenever rules are loaded (a failing example is a load
// error, so a broken rule never ships) and on demand in `modctl test`.
//
//   std::vector<ExampleResult> results = RunExamples(*set);
//   for (const auto& r : results) if (!r.passed) std::cerr << r.ToDiagnostic().ToString();
//
// Thread-safety: pure function over an immutable set.
#ifndef MODERATION_ENGINE_EXAMPLE_RUNNER_H_
#define MODERATION_ENGINE_EXAMPLE_RUNNER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/rule_set.h"

namespace moderation {

struct ExampleResult {
  std::string rule_id;
  bool expect_match = true;
  std::string text;
  rules::SourceLocation location;
  bool passed = false;
  // Why it failed: what matched instead, or the evaluation error.
  std::string detail;

  rules::Diagnostic ToDiagnostic() const;
};

// Evaluates every example of every rule in `set` (as a post with one field
// "text" and the example's author context) and checks whether its rule fired
// (enforced or shadow).
std::vector<ExampleResult> RunExamples(const CompiledRuleSet& set);

// The examples of every rule across `sets`, each rule's once (in the first
// set that holds it). A rule fires the same way in every combination of rule
// sets it belongs to, because allow lists are per rule set, so running it
// again in another combination would only repeat the work.
std::vector<ExampleResult> RunExamplesOnce(
    const std::vector<std::shared_ptr<const CompiledRuleSet>>& sets);

// The same, with some results known: a rule whose id is in `known` takes
// its results from there instead of running its examples (a reload takes
// them from the previous load of the very same file, reload_cache.h). Same
// order as above.
std::vector<ExampleResult> RunExamplesOnce(
    const std::vector<std::shared_ptr<const CompiledRuleSet>>& sets,
    const absl::flat_hash_map<std::string, std::vector<ExampleResult>>& known);

}  // namespace moderation

#endif  // MODERATION_ENGINE_EXAMPLE_RUNNER_H_
