// Decisions end to end: the score model, hard actions, shadow mode,
// conditions, allow lists, offsets across fields, rule-set identity and
// errors.
#include <string>
#include <vector>

#include "engine/rules/loader.h"
#include "engine/testing/test_rules.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using testing::CompileYaml;
using testing::FiredRules;
using testing::Judge;

const char kPolicyRules[] = R"(
ruleset: policy
version: "2026-11-22.1"
thresholds: { flag: 5, block: 10 }
allow: [Tischlampe]
rules:
  - id: mild
    category: insult
    words: [Trottel]
    score: 3
  - id: medium
    category: insult
    words: [Blödmann]
    score: 6
  - id: harsh
    category: insult
    words: [Schlampe]
    score: 6
  - id: threat
    category: threat
    regex: '(ich|wir)\s+(bring|mach)\w*\s+dich\s+(um|kalt)\s*([.!?]|$)'
    action: block
    reason: "Drohungen sind verboten."
  - id: doxx
    category: pii
    regex: '\b[\w.+-]+@[\w-]+\.[a-z]{2,}\b'
    view: raw
    action: flag
    reason: "Bitte keine persönlichen Daten."
  - id: newbie.links
    category: spam
    condition: { links_at_least: 2, author_account_age_days_below: 3 }
    action: flag
  - id: watch
    category: insult
    words: [Pappnase]
    action: block
    mode: shadow
)";

class ModeratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_ = CompileYaml(kPolicyRules);
    ASSERT_NE(rules_, nullptr);
  }
  std::shared_ptr<const CompiledRuleSet> rules_;
};

struct VerdictCase {
  std::string text;
  Verdict verdict;
  double score;
  std::vector<std::string> rules;
};

TEST_F(ModeratorTest, ScoresAddUpOncePerRuleAndHardActionsOverride) {
  const std::vector<VerdictCase> cases = {
      {"Ein ganz normaler Beitrag.", Verdict::kAllow, 0, {}},
      {"Du Trottel", Verdict::kAllow, 3, {"mild"}},
      {"Trottel, Trottel, Trottel!", Verdict::kAllow, 3, {"mild"}},
      {"Du Blödmann", Verdict::kFlag, 6, {"medium"}},
      {"Du Trottel und Blödmann", Verdict::kFlag, 9, {"medium", "mild"}},
      {"Blödmann und Schlampe", Verdict::kBlock, 12, {"harsh", "medium"}},
      {"Ich bring dich um!", Verdict::kBlock, 0, {"threat"}},
      {"ICH BRING DICH UM", Verdict::kBlock, 0, {"threat"}},
      {"Ich bring dich um acht zum Bahnhof.", Verdict::kAllow, 0, {}},
      {"Schreib an max.mustermann@example.org", Verdict::kFlag, 0, {"doxx"}},
  };
  for (const VerdictCase& c : cases) {
    const Decision d = Judge(*rules_, c.text);
    EXPECT_EQ(d.verdict, c.verdict) << c.text;
    EXPECT_DOUBLE_EQ(d.score, c.score) << c.text;
    EXPECT_EQ(FiredRules(d), c.rules) << c.text;
  }
}

TEST_F(ModeratorTest, ShadowRulesAreReportedButNeverChangeTheDecision) {
  const Decision d = Judge(*rules_, "Du Pappnase");
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_TRUE(d.hits.empty());
  ASSERT_EQ(d.shadow_hits.size(), 1u);
  EXPECT_EQ(d.shadow_hits[0].rule_id, "watch");
  EXPECT_EQ(d.shadow_hits[0].spans[0].text, "Pappnase");
}

TEST_F(ModeratorTest, ConditionOnlyRulesUseAuthorContextAndUnknownValuesNeverHold) {
  const std::string two_links = "Angebot: https://a.example/x und https://b.example/y";
  Author newbie;
  newbie.account_age_days = 1;
  Author veteran;
  veteran.account_age_days = 400;
  EXPECT_EQ(FiredRules(Judge(*rules_, two_links, newbie)),
            std::vector<std::string>{"newbie.links"});
  EXPECT_EQ(Judge(*rules_, two_links, newbie).verdict, Verdict::kFlag);
  EXPECT_EQ(Judge(*rules_, two_links, veteran).verdict, Verdict::kAllow);
  EXPECT_EQ(Judge(*rules_, two_links, Author{}).verdict, Verdict::kAllow);
  EXPECT_EQ(Judge(*rules_, "Nur https://a.example", newbie).verdict, Verdict::kAllow);
}

TEST_F(ModeratorTest, DecisionNamesRuleSetVersionHashAndReasons) {
  const Decision d = Judge(*rules_, "Ich bring dich um!");
  EXPECT_EQ(d.ruleset_id, "policy");
  EXPECT_EQ(d.ruleset_version, "2026-11-22.1");
  EXPECT_EQ(d.ruleset_hash.rfind("sha256:", 0), 0u);
  EXPECT_EQ(d.ruleset_hash.size(), 7u + 64u);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"Drohungen sind verboten."});
  ASSERT_EQ(d.hits.size(), 1u);
  EXPECT_EQ(d.hits[0].category, "threat");
}

TEST_F(ModeratorTest, SpansAreByteOffsetsIntoTheOriginalFieldTheyCameFrom) {
  Post post;
  post.fields = {{"title", "Ärger mit dem Blödmann"},
                 {"body", "Der ＢＬÖＤＭＡＮＮ ist wieder da"}};
  absl::StatusOr<Decision> d = rules_->Evaluate(post);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->hits.size(), 1u);
  const std::vector<MatchSpan>& spans = d->hits[0].spans;
  ASSERT_EQ(spans.size(), 2u);
  for (const MatchSpan& span : spans) {
    const std::string& field = span.field == "title" ? post.fields[0].text : post.fields[1].text;
    EXPECT_EQ(field.substr(span.start, span.end - span.start), span.text);
  }
  EXPECT_EQ(spans[0].field, "title");
  EXPECT_EQ(spans[0].text, "Blödmann");
  EXPECT_EQ(spans[0].start, 15u);  // "Ärger mit dem " is 15 bytes (Ä is two)
  EXPECT_EQ(spans[1].field, "body");
  EXPECT_EQ(spans[1].text, "ＢＬÖＤＭＡＮＮ");
  EXPECT_EQ(spans[1].start, 4u);
}

TEST_F(ModeratorTest, RegexSpansOnTheFoldedViewMapBackToTheOriginalBytes) {
  const std::string text = "Hey: ICH\u200B BRING DICH UM!";
  const Decision d = Judge(*rules_, text);
  ASSERT_EQ(FiredRules(d), std::vector<std::string>{"threat"});
  ASSERT_EQ(d.hits[0].spans.size(), 1u);
  EXPECT_EQ(d.hits[0].spans[0].start, 5u);
  EXPECT_EQ(d.hits[0].spans[0].text.rfind("ICH\u200B BRING DICH UM", 0), 0u)
      << d.hits[0].spans[0].text;
}

TEST_F(ModeratorTest, AllowListSuppressesHitsInsideAllowedWordsOnly) {
  auto rules = CompileYaml(R"(
ruleset: allow
version: "1"
allow: [Giraffe]
rules:
  - id: affe
    category: insult
    words: [Affe]
    action: block
)");
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(Judge(*rules, "Die Giraffe frisst Blätter").verdict, Verdict::kAllow);
  EXPECT_EQ(Judge(*rules, "Die GIRAFFEN fressen").verdict, Verdict::kAllow);
  EXPECT_EQ(Judge(*rules, "Du Affe").verdict, Verdict::kBlock);
  EXPECT_EQ(Judge(*rules, "Du Lackaffe und die Giraffe").verdict, Verdict::kBlock);
}

TEST_F(ModeratorTest, InvalidUtf8IsAnErrorNamingTheFieldAndByte) {
  Post post;
  post.fields = {{"title", "ok"}, {"body", std::string("abc\xC3\x28", 5)}};
  absl::StatusOr<Decision> d = rules_->Evaluate(post);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("'body'"), absl::string_view::npos) << d.status();
  EXPECT_NE(d.status().message().find("byte 3"), absl::string_view::npos) << d.status();
}

TEST_F(ModeratorTest, EmptyAndPunctuationOnlyPostsAreAllowed) {
  for (const char* text : {"", " ", "!!!", "...", "\u200B\u200B", "12345"}) {
    EXPECT_EQ(Judge(*rules_, text).verdict, Verdict::kAllow) << text;
  }
}

TEST(MultiSetTest, EachSetJudgesWithItsOwnThresholdsAndTheStrictestWins) {
  rules::Diagnostics problems;
  auto parse = [&](const std::string& yaml, const char* file) {
    return *rules::ParseRuleSet(yaml, file, &problems);
  };
  std::vector<rules::RuleSetSource> sources;
  sources.push_back(
      parse("ruleset: lenient\nversion: \"1\"\nthresholds: {flag: 50, block: 100}\n"
            "rules:\n  - id: a\n    category: insult\n    words: [Trottel]\n    score: 6\n",
            "lenient.yaml"));
  sources.push_back(
      parse("ruleset: strict\nversion: \"2\"\nthresholds: {flag: 1, block: 2}\n"
            "rules:\n  - id: b\n    category: insult\n    words: [Pappnase]\n    score: 1\n",
            "strict.yaml"));
  ASSERT_TRUE(problems.empty());
  auto set = CompiledRuleSet::Compile(std::move(sources), {}, &problems);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ((*set)->id(), "lenient+strict");
  EXPECT_EQ((*set)->version(), "lenient@1,strict@2");
  EXPECT_EQ(Judge(**set, "Trottel").verdict, Verdict::kAllow);  // 6 < lenient flag 50
  EXPECT_EQ(Judge(**set, "Pappnase").verdict, Verdict::kFlag);  // 1 >= strict flag 1
  EXPECT_EQ(Judge(**set, "Trottel Pappnase").score, 7);
}

TEST(MultiSetTest, DuplicateRuleIdsAcrossSetsAreAnError) {
  rules::Diagnostics problems;
  std::vector<rules::RuleSetSource> sources;
  for (const char* id : {"one", "two"}) {
    sources.push_back(
        *rules::ParseRuleSet(std::string("ruleset: ") + id +
                                 "\nversion: \"1\"\nrules:\n  - id: same\n    category: insult\n"
                                 "    words: [Trottel]\n    score: 1\n",
                             std::string(id) + ".yaml", &problems));
  }
  auto set = CompiledRuleSet::Compile(std::move(sources), {}, &problems);
  EXPECT_FALSE(set.ok());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].location.file, "two.yaml");
  EXPECT_NE(problems[0].message.find("duplicate rule id 'same'"), std::string::npos)
      << problems[0].message;
}

}  // namespace
}  // namespace moderation
