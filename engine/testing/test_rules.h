// Test helpers: compile rule-file text and judge posts in one line.
//
// Why: engine tests read best as "this rule file, this post, this verdict";
// these helpers keep the YAML -> CompiledRuleSet -> Decision plumbing out of
// the test bodies. Failures to load are test failures with every diagnostic.
//
// Thread-safety: test-only; plain functions.
#ifndef MODERATION_ENGINE_TESTING_TEST_RULES_H_
#define MODERATION_ENGINE_TESTING_TEST_RULES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decision.h"
#include "engine/rule_set.h"

namespace moderation::testing {

// Parses and compiles one rule file's text; ADD_FAILUREs and returns null on
// any problem.
std::shared_ptr<const CompiledRuleSet> CompileYaml(const std::string& yaml,
                                                   const CompileOptions& options = {});

// Same, but returns the problems instead of failing.
rules::Diagnostics CompileProblems(const std::string& yaml);

// Expects `yaml` to fail with its first problem at `line`, the message
// containing `message` (the file:line the moderator is pointed to).
void ExpectFirstProblemAt(const std::string& yaml, int line, std::string_view message);

// Judges a post with a single "body" field (and optional author context).
Decision Judge(const CompiledRuleSet& set, const std::string& body, const Author& author = {});

// The ids of the enforced rules that fired, sorted.
std::vector<std::string> FiredRules(const Decision& d);

// All span texts of all enforced hits, in order.
std::vector<std::string> SpanTexts(const Decision& d);

}  // namespace moderation::testing

#endif  // MODERATION_ENGINE_TESTING_TEST_RULES_H_
