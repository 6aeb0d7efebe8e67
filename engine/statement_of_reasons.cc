#include "engine/statement_of_reasons.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/rules/dsa_schema.h"

namespace moderation {
namespace {

constexpr size_t kMaxGround = 500;
constexpr size_t kMaxExplanation = 2000;
constexpr size_t kMaxFacts = 5000;
constexpr size_t kMaxPuid = 500;

bool IsPuidChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// The hit that decided: StrongestHit (a hard action before any score), so
// that the ground does not depend on where its rule is written.
const RuleHit* DecidingHit(const std::vector<RuleHit>& hits) { return StrongestHit(hits); }

std::string Cut(std::string text, size_t max) {
  if (text.size() > max) text.resize(max);
  return text;
}

std::string Facts(const StatementFacts& f) {
  std::vector<std::string> rules;
  for (const RuleHit& hit : f.hits) {
    std::vector<std::string> spans;
    for (const MatchSpan& s : hit.spans) {
      spans.push_back(absl::StrCat(s.field, " bytes ", s.start, "..", s.end));
    }
    rules.push_back(absl::StrCat(hit.rule_id, " (", hit.category,
                                 spans.empty() ? "" : "; " + absl::StrJoin(spans, ", "), ")"));
  }
  return Cut(
      absl::StrCat("Automated rule-based detection at publication. Rules that matched: ",
                   absl::StrJoin(rules, "; "), ". Rule sets: ", std::string(f.ruleset_version),
                   ". The post's text is not reproduced here."),
      kMaxFacts);
}

void SetGround(const RuleHit& hit, StatementOfReasons* s) {
  if (!hit.legal_ground.empty()) {
    s->decision_ground = "DECISION_GROUND_ILLEGAL_CONTENT";
    s->illegal_content_legal_ground = Cut(hit.legal_ground, kMaxGround);
    s->illegal_content_explanation =
        Cut(absl::StrCat("The rule ", hit.rule_id, " (", hit.category,
                         ") matched wording that can be illegal under this ground."),
            kMaxExplanation);
  } else {
    s->decision_ground = "DECISION_GROUND_INCOMPATIBLE_CONTENT";
    s->incompatible_content_ground = Cut(hit.dsa_terms_ground, kMaxGround);
    s->incompatible_content_explanation =
        Cut(absl::StrCat("The rule ", hit.rule_id, " (", hit.category,
                         ") matched content the community rules do not allow."),
            kMaxExplanation);
  }
}

bool In(const std::vector<std::string_view>& values, const std::string& value) {
  return rules::IsDsaValue(values, value);
}

void CheckList(const char* key, const std::vector<std::string>& list,
               const std::vector<std::string_view>& values, bool required,
               std::vector<std::string>* problems) {
  if (list.empty()) {
    if (required) problems->push_back(absl::StrCat(key, ": required"));
    return;
  }
  for (const std::string& v : list) {
    if (!In(values, v)) problems->push_back(absl::StrCat(key, ": unknown value \"", v, "\""));
  }
}

void CheckText(const char* key, const std::string& text, size_t max,
               std::vector<std::string>* problems) {
  if (text.empty()) {
    problems->push_back(absl::StrCat(key, ": required text"));
  } else if (text.size() > max) {
    problems->push_back(absl::StrCat(key, ": longer than ", max));
  }
}

void CheckDate(const char* key, const std::string& date, std::vector<std::string>* problems) {
  absl::Time t;
  std::string error;
  if (date.size() != 10 || !absl::ParseTime("%Y-%m-%d", date, &t, &error)) {
    problems->push_back(absl::StrCat(key, ": required date YYYY-MM-DD"));
  }
}

void CheckGround(const StatementOfReasons& s, std::vector<std::string>* problems) {
  if (!In(rules::DsaDecisionGrounds(), s.decision_ground)) {
    problems->push_back("decision_ground: required, DECISION_GROUND_*");
  } else if (s.decision_ground == "DECISION_GROUND_ILLEGAL_CONTENT") {
    CheckText("illegal_content_legal_ground", s.illegal_content_legal_ground, kMaxGround, problems);
    CheckText("illegal_content_explanation", s.illegal_content_explanation, kMaxExplanation,
              problems);
  } else {
    CheckText("incompatible_content_ground", s.incompatible_content_ground, kMaxGround, problems);
    CheckText("incompatible_content_explanation", s.incompatible_content_explanation,
              kMaxExplanation, problems);
  }
}

}  // namespace

std::string StatementPuid(std::string_view post_id) {
  if (!post_id.empty() && post_id.size() <= kMaxPuid &&
      std::all_of(post_id.begin(), post_id.end(), IsPuidChar)) {
    return std::string(post_id);
  }
  std::string hex = "x";
  for (unsigned char c : post_id) absl::StrAppendFormat(&hex, "%02x", c);
  return Cut(std::move(hex), kMaxPuid);
}

absl::StatusOr<StatementOfReasons> MakeStatementOfReasons(const StatementFacts& f) {
  if (f.verdict == Verdict::kAllow) {
    return absl::FailedPreconditionError("an ALLOW restricts nothing: no statement of reasons");
  }
  const RuleHit* deciding = DecidingHit(f.hits);
  if (deciding == nullptr) {
    return absl::FailedPreconditionError("a restriction without rule hits has no reasons");
  }
  if (deciding->dsa_category.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("rule ", deciding->rule_id, " decided, and its rule set ",
                     deciding->ruleset_id, " has no `dsa:` header (rules/README.md)"));
  }
  const bool block = f.verdict == Verdict::kBlock;
  StatementOfReasons s;
  s.decision_visibility = {block ? "DECISION_VISIBILITY_CONTENT_REMOVED"
                                 : "DECISION_VISIBILITY_CONTENT_DISABLED"};
  SetGround(*deciding, &s);
  s.category = deciding->dsa_category;
  std::set<std::string> additions;
  for (const RuleHit& other : f.hits) {
    // A hit from a set without a mapping adds nothing it could name.
    if (!other.dsa_category.empty() && other.dsa_category != s.category) {
      additions.insert(other.dsa_category);
    }
  }
  s.category_addition.assign(additions.begin(), additions.end());
  s.content_type = {"CONTENT_TYPE_TEXT"};
  // Posts are judged before they are published: the content's day is the
  // decision's.
  s.content_date = absl::FormatTime("%Y-%m-%d", f.decided, absl::UTCTimeZone());
  s.application_date = s.content_date;
  s.territorial_scope = deciding->dsa_territorial_scope;
  s.decision_facts = Facts(f);
  s.source_type = "SOURCE_VOLUNTARY";
  s.automated_detection = "Yes";
  s.automated_decision = block ? "AUTOMATED_DECISION_FULLY" : "AUTOMATED_DECISION_PARTIALLY";
  s.puid = StatementPuid(f.post_id);
  return s;
}

std::vector<std::string> ValidateStatementOfReasons(const StatementOfReasons& s) {
  std::vector<std::string> problems;
  CheckList("decision_visibility", s.decision_visibility, rules::DsaDecisionVisibilities(), true,
            &problems);
  CheckGround(s, &problems);
  if (!In(rules::DsaStatementCategories(), s.category)) {
    problems.push_back("category: required, STATEMENT_CATEGORY_*");
  }
  CheckList("category_addition", s.category_addition, rules::DsaStatementCategories(), false,
            &problems);
  CheckList("content_type", s.content_type, rules::DsaContentTypes(), true, &problems);
  CheckList("territorial_scope", s.territorial_scope, rules::DsaTerritories(), true, &problems);
  CheckDate("content_date", s.content_date, &problems);
  CheckDate("application_date", s.application_date, &problems);
  CheckText("decision_facts", s.decision_facts, kMaxFacts, &problems);
  if (!In(rules::DsaSourceTypes(), s.source_type)) {
    problems.push_back("source_type: required, SOURCE_*");
  }
  if (s.automated_detection != "Yes" && s.automated_detection != "No") {
    problems.push_back("automated_detection: Yes or No");
  }
  if (!In(rules::DsaAutomatedDecisions(), s.automated_decision)) {
    problems.push_back("automated_decision: required, AUTOMATED_DECISION_*");
  }
  if (s.puid.empty() || s.puid.size() > kMaxPuid ||
      !std::all_of(s.puid.begin(), s.puid.end(), IsPuidChar)) {
    problems.push_back("puid: required, [A-Za-z0-9_-], at most 500 characters");
  }
  return problems;
}

}  // namespace moderation
