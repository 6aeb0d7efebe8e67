#include "engine/statement_of_reasons.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace moderation {
namespace {

const absl::Time kDecided =
    absl::FromCivil(absl::CivilSecond(2026, 11, 25, 23, 59, 59), absl::UTCTimeZone());

RuleHit Hit(const char* rule, const char* category, rules::Action action, const char* legal_ground,
            const char* dsa_category) {
  RuleHit hit;
  hit.rule_id = rule;
  hit.ruleset_id = "de";
  hit.category = category;
  hit.action = action;
  hit.legal_ground = legal_ground;
  hit.dsa_category = dsa_category;
  if (*dsa_category != '\0') {
    hit.dsa_terms_ground = "Netiquette 2";
    hit.dsa_territorial_scope = {"AT", "DE"};
  }
  hit.spans = {{"body", 4, 13, "secret words"}};
  return hit;
}

TEST(StatementOfReasonsTest, BlockAndFlagMapToTheSchemasVisibilityAutomationAndGround) {
  struct Case {
    Verdict verdict;
    std::vector<RuleHit> hits;
    const char* visibility;
    const char* automated;
    const char* ground;
    const char* category;
    std::vector<std::string> additions;
  };
  const RuleHit threat =
      Hit("de.threat", "threat", rules::Action::kBlock, "StGB §241", "STATEMENT_CATEGORY_VIOLENCE");
  const RuleHit insult = Hit("de.insult", "insult", rules::Action::kScore, "",
                             "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH");
  const RuleHit pii = Hit("pii.phone", "pii", rules::Action::kFlag, "",
                          "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS");
  const RuleHit unmapped = Hit("x.spam", "spam", rules::Action::kScore, "", "");
  const Case cases[] = {
      // The hit with the decision's hard action decides, wherever it is.
      {Verdict::kBlock,
       {insult, threat},
       "DECISION_VISIBILITY_CONTENT_REMOVED",
       "AUTOMATED_DECISION_FULLY",
       "DECISION_GROUND_ILLEGAL_CONTENT",
       "STATEMENT_CATEGORY_VIOLENCE",
       {"STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"}},
      {Verdict::kFlag,
       {pii},
       "DECISION_VISIBILITY_CONTENT_DISABLED",
       "AUTOMATED_DECISION_PARTIALLY",
       "DECISION_GROUND_INCOMPATIBLE_CONTENT",
       "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
       {}},
      // A decision by score: the first hit decides; an unmapped hit adds nothing.
      {Verdict::kFlag,
       {insult, unmapped},
       "DECISION_VISIBILITY_CONTENT_DISABLED",
       "AUTOMATED_DECISION_PARTIALLY",
       "DECISION_GROUND_INCOMPATIBLE_CONTENT",
       "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
       {}},
  };
  for (const Case& c : cases) {
    absl::StatusOr<StatementOfReasons> s =
        MakeStatementOfReasons({c.verdict, c.hits, "post-1", "de@1", kDecided});
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->decision_visibility, std::vector<std::string>{c.visibility});
    EXPECT_EQ(s->automated_decision, c.automated);
    EXPECT_EQ(s->decision_ground, c.ground);
    EXPECT_EQ(s->category, c.category);
    EXPECT_EQ(s->category_addition, c.additions);
    EXPECT_EQ(s->automated_detection, "Yes");
    EXPECT_EQ(s->territorial_scope, (std::vector<std::string>{"AT", "DE"}));
    EXPECT_EQ(s->application_date, "2026-11-25");  // UTC, the last second of the day
    EXPECT_TRUE(ValidateStatementOfReasons(*s).empty()) << c.category;
    // The facts name rule and span, never the text.
    EXPECT_NE(s->decision_facts.find(c.hits[0].rule_id + " (" + c.hits[0].category +
                                     "; body bytes 4..13)"),
              std::string::npos)
        << s->decision_facts;
    EXPECT_EQ(s->decision_facts.find("secret words"), std::string::npos);
  }
}

TEST(StatementOfReasonsTest, TheGroundIsTheRulesLegalGroundOrTheSetsTerms) {
  const std::vector<RuleHit> illegal = {Hit("de.threat", "threat", rules::Action::kBlock,
                                            "StGB §241 Bedrohung", "STATEMENT_CATEGORY_VIOLENCE")};
  absl::StatusOr<StatementOfReasons> s =
      MakeStatementOfReasons({Verdict::kBlock, illegal, "p", "de@1", kDecided});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->illegal_content_legal_ground, "StGB §241 Bedrohung");
  EXPECT_TRUE(s->incompatible_content_ground.empty());
  const std::vector<RuleHit> terms = {Hit("de.shout", "shouting", rules::Action::kFlag, "",
                                          "STATEMENT_CATEGORY_OTHER_VIOLATION_TC")};
  s = MakeStatementOfReasons({Verdict::kFlag, terms, "p", "de@1", kDecided});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->incompatible_content_ground, "Netiquette 2");
  EXPECT_TRUE(s->illegal_content_legal_ground.empty());
}

TEST(StatementOfReasonsTest, NoStatementForAnAllowOrARuleSetWithoutDsaHeader) {
  const std::vector<RuleHit> unmapped = {Hit("x.spam", "spam", rules::Action::kBlock, "", "")};
  absl::StatusOr<StatementOfReasons> s =
      MakeStatementOfReasons({Verdict::kBlock, unmapped, "p", "x@1", kDecided});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("x.spam"), std::string::npos) << s.status();
  EXPECT_NE(s.status().message().find("dsa:"), std::string::npos) << s.status();
  EXPECT_FALSE(MakeStatementOfReasons({Verdict::kAllow, unmapped, "p", "x@1", kDecided}).ok());
  const std::vector<RuleHit> none;
  EXPECT_FALSE(MakeStatementOfReasons({Verdict::kFlag, none, "p", "x@1", kDecided}).ok());
}

TEST(StatementOfReasonsTest, PostIdsOutsideThePuidAlphabetAreHexEncoded) {
  EXPECT_EQ(StatementPuid("post_1-A"), "post_1-A");
  EXPECT_EQ(StatementPuid("a/b"), "x612f62");
  EXPECT_EQ(StatementPuid(""), "x");
  EXPECT_EQ(StatementPuid(std::string(600, 'a')).size(), 500u);
}

TEST(StatementOfReasonsTest, ValidationNamesEachBrokenAttribute) {
  const std::vector<RuleHit> hits = {Hit("de.threat", "threat", rules::Action::kBlock, "StGB §241",
                                         "STATEMENT_CATEGORY_VIOLENCE")};
  absl::StatusOr<StatementOfReasons> s =
      MakeStatementOfReasons({Verdict::kBlock, hits, "p", "de@1", kDecided});
  ASSERT_TRUE(s.ok());
  StatementOfReasons broken = *s;
  broken.decision_visibility = {"DECISION_VISIBILITY_GONE"};
  broken.illegal_content_legal_ground.clear();
  broken.content_date = "2026-13-01";
  broken.territorial_scope = {"US"};
  broken.automated_detection = "yes";
  broken.puid = "a b";
  const std::vector<std::string> want = {
      "decision_visibility: unknown value \"DECISION_VISIBILITY_GONE\"",
      "illegal_content_legal_ground: required text",
      "territorial_scope: unknown value \"US\"",
      "content_date: required date YYYY-MM-DD",
      "automated_detection: Yes or No",
      "puid: required, [A-Za-z0-9_-], at most 500 characters"};
  EXPECT_EQ(ValidateStatementOfReasons(broken), want);
}

}  // namespace
}  // namespace moderation
