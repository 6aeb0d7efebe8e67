// Embedded examples: passing and failing ones are told apart, with the
// example's own location and a useful explanation.
#include "engine/example_runner.h"

#include "engine/testing/test_rules.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

TEST(ExampleRunnerTest, ReportsEachExampleWithItsOutcomeAndLocation) {
  // CompileYaml does not run examples, so failing ones can be inspected here.
  auto set = testing::CompileYaml(R"(
ruleset: ex
version: "1"
rules:
  - id: insult
    category: insult
    words: [Trottel]
    score: 3
    examples:
      match: ["Du Trottel", "Du Depp"]
      no_match: ["Ein Trottellumme", "Der Trottel da"]
  - id: links
    category: spam
    condition: { links_at_least: 2, author_account_age_days_below: 3 }
    action: flag
    examples:
      match:
        - text: "https://a.example https://b.example"
          author: { account_age_days: 1 }
      no_match:
        - text: "https://a.example https://b.example"
          author: { account_age_days: 100 }
)");
  ASSERT_NE(set, nullptr);
  const std::vector<ExampleResult> results = RunExamples(*set);
  ASSERT_EQ(results.size(), 6u);
  EXPECT_TRUE(results[0].passed);
  EXPECT_FALSE(results[1].passed);
  EXPECT_EQ(results[1].detail, "the rule did not fire");
  EXPECT_EQ(results[1].location.line, 10);
  EXPECT_TRUE(results[2].passed) << results[2].detail;
  EXPECT_FALSE(results[3].passed);
  EXPECT_NE(results[3].detail.find("'Trottel'"), std::string::npos) << results[3].detail;
  EXPECT_NE(results[3].ToDiagnostic().ToString().find("test.yaml:11:"), std::string::npos)
      << results[3].ToDiagnostic().ToString();
  EXPECT_TRUE(results[4].passed) << results[4].detail;
  EXPECT_TRUE(results[5].passed) << results[5].detail;
}

TEST(ExampleRunnerTest, ExamplesCarryTheMultiPostingCountsTheirRuleNeeds) {
  auto set = testing::CompileYaml(R"(
ruleset: ex
version: "1"
rules:
  - id: copy_paste
    category: spam
    condition: { duplicates_recent_at_least: 3 }
    action: flag
    examples:
      match:
        - text: "Schreibt alle dem Bürgermeister!"
          activity: { duplicates_recent: 3 }
      no_match:
        - text: "Schreibt alle dem Bürgermeister!"
          activity: { duplicates_recent: 2 }
        - "Schreibt alle dem Bürgermeister!"
  - id: flood
    category: spam
    condition: { author_posts_last_minute_at_least: 10 }
    action: flag
    examples:
      match:
        - text: "noch einer"
          activity: { author_posts_last_minute: 12, author_duplicates_recent: 1 }
)");
  ASSERT_NE(set, nullptr);
  const std::vector<ExampleResult> results = RunExamples(*set);
  ASSERT_EQ(results.size(), 4u);
  for (const ExampleResult& r : results) {
    EXPECT_TRUE(r.passed) << r.rule_id << " line " << r.location.line << ": " << r.detail;
  }
}

}  // namespace
}  // namespace moderation
