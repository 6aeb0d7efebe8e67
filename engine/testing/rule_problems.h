// Test helpers: a minimal rule file, and the diagnostics of a rule file as
// the strings a user reads ("t.yaml:5:15: unknown category 'insutl' (did you
// mean 'insult'?)").
//
// Why: the rule module's tests assert the exact file:line:col messages; each
// used to carry its own copy of these functions. Header-only, so tests that
// link only engine_rules can use them.
//
//   EXPECT_THAT(ParseProblems("ruleset: t\n..."), ElementsAre("t.yaml:3:1: ..."));
//
// Thread-safety: test-only; plain functions.
#ifndef MODERATION_ENGINE_TESTING_RULE_PROBLEMS_H_
#define MODERATION_ENGINE_TESTING_RULE_PROBLEMS_H_

#include <string>
#include <vector>

#include "engine/rules/diagnostic.h"
#include "engine/rules/loader.h"

namespace moderation::testing {

// A valid rule file with one rule: set `set_id`, rule `rule_id` (an insult,
// the word "Dummbatz", score 3).
inline std::string OneRuleFile(const std::string& set_id, const std::string& rule_id) {
  return "ruleset: " + set_id + "\nversion: \"1\"\nrules:\n  - id: " + rule_id +
         "\n    category: insult\n    words: [Dummbatz]\n    score: 3\n";
}

// Every diagnostic, in order, as Diagnostic::ToString() prints it.
inline std::vector<std::string> Messages(const rules::Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const rules::Diagnostic& d : diagnostics) out.push_back(d.ToString());
  return out;
}

// Parses `yaml` as the rule file "t.yaml" and returns its problems (none for
// a good file).
inline std::vector<std::string> ParseProblems(const std::string& yaml) {
  rules::Diagnostics diagnostics;
  rules::ParseRuleSet(yaml, "t.yaml", &diagnostics);
  return Messages(diagnostics);
}

}  // namespace moderation::testing

#endif  // MODERATION_ENGINE_TESTING_RULE_PROBLEMS_H_
