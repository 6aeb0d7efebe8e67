#include "engine/testing/test_rules.h"

#include <algorithm>

#include "engine/rules/loader.h"
#include "gtest/gtest.h"

namespace moderation::testing {

std::shared_ptr<const CompiledRuleSet> CompileYaml(const std::string& yaml,
                                                   const CompileOptions& options) {
  rules::Diagnostics problems;
  std::optional<rules::RuleSetSource> source = rules::ParseRuleSet(yaml, "test.yaml", &problems);
  if (source) {
    std::vector<rules::RuleSetSource> sources;
    sources.push_back(std::move(*source));
    auto set = CompiledRuleSet::Compile(std::move(sources), options, &problems);
    if (set.ok()) return *set;
  }
  std::string all;
  for (const auto& d : problems) all += d.ToString() + "\n";
  ADD_FAILURE() << "rules failed to load:\n" << all;
  return nullptr;
}

rules::Diagnostics CompileProblems(const std::string& yaml) {
  rules::Diagnostics problems;
  std::optional<rules::RuleSetSource> source = rules::ParseRuleSet(yaml, "test.yaml", &problems);
  if (source) {
    std::vector<rules::RuleSetSource> sources;
    sources.push_back(std::move(*source));
    CompiledRuleSet::Compile(std::move(sources), CompileOptions{}, &problems).IgnoreError();
  }
  return problems;
}

Decision Judge(const CompiledRuleSet& set, const std::string& body, const Author& author) {
  Post post;
  post.id = "t";
  post.author = author;
  post.fields.push_back({"body", body});
  absl::StatusOr<Decision> d = set.Evaluate(post);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *d : Decision{};
}

std::vector<std::string> FiredRules(const Decision& d) {
  std::vector<std::string> ids;
  for (const RuleHit& h : d.hits) ids.push_back(h.rule_id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> SpanTexts(const Decision& d) {
  std::vector<std::string> texts;
  for (const RuleHit& h : d.hits) {
    for (const MatchSpan& s : h.spans) texts.push_back(s.text);
  }
  return texts;
}

void ExpectFirstProblemAt(const std::string& yaml, int line, std::string_view message) {
  const rules::Diagnostics problems = CompileProblems(yaml);
  ASSERT_FALSE(problems.empty()) << yaml;
  EXPECT_EQ(problems[0].location.line, line) << problems[0].ToString();
  EXPECT_NE(problems[0].message.find(message), std::string::npos) << problems[0].ToString();
}

}  // namespace moderation::testing
