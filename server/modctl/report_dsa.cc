#include "server/modctl/report_dsa.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/rules/dsa_schema.h"
#include "server/modctl/report_writer.h"

namespace moderation::modctl {
namespace {

using Json = nlohmann::ordered_json;

// Used when a rule's set has no `dsa:` header (README.md tells how to add it).
constexpr char kUnmappedCategory[] = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC";

bool IsPuidChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// The schema allows [A-Za-z0-9_-], up to 500 characters; other post ids are
// hex-encoded so that they stay unique.
std::string Puid(const std::string& post_id) {
  if (!post_id.empty() && post_id.size() <= 500 &&
      std::all_of(post_id.begin(), post_id.end(), IsPuidChar)) {
    return post_id;
  }
  std::string hex = "x";
  for (unsigned char c : post_id) absl::StrAppendFormat(&hex, "%02x", c);
  return hex.substr(0, 500);
}

// The hit that decided: a hard action of the decision's kind, else the first.
const HitRecord* DecidingHit(const DecisionRecord& r) {
  if (r.hits.empty()) return nullptr;
  const std::string action = r.decision == "BLOCK" ? "block" : "flag";
  for (const HitRecord& hit : r.hits) {
    if (hit.action == action) return &hit;
  }
  return &r.hits.front();
}

std::string Category(const HitRecord& hit) {
  return hit.dsa_category.empty() ? kUnmappedCategory : hit.dsa_category;
}

std::string Facts(const DecisionRecord& r) {
  std::vector<std::string> rules;
  for (const HitRecord& hit : r.hits) {
    rules.push_back(absl::StrCat(hit.rule, " (", hit.category,
                                 hit.spans.empty() ? "" : "; " + absl::StrJoin(hit.spans, ", "),
                                 ")"));
  }
  return absl::StrCat("Automated rule-based detection at publication. Rules that matched: ",
                      absl::StrJoin(rules, "; "), ". Rule sets: ", r.ruleset_version,
                      ". The post's text is not reproduced here.")
      .substr(0, 5000);
}

std::string Day(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

bool InEnum(const std::vector<std::string_view>& values, const Json& value) {
  return value.is_string() && rules::IsDsaValue(values, value.get<std::string>());
}

void CheckEnumList(const Json& s, const char* key, const std::vector<std::string_view>& values,
                   bool required, std::vector<std::string>* problems) {
  if (!s.contains(key)) {
    if (required) problems->push_back(absl::StrCat(key, ": required"));
    return;
  }
  const Json& list = s.at(key);
  if (!list.is_array() || list.empty()) {
    problems->push_back(absl::StrCat(key, ": must be a non-empty array"));
    return;
  }
  for (const Json& v : list) {
    if (!InEnum(values, v)) problems->push_back(absl::StrCat(key, ": unknown value ", v.dump()));
  }
}

void CheckText(const Json& s, const char* key, size_t max, std::vector<std::string>* problems) {
  if (!s.contains(key) || !s.at(key).is_string() || s.at(key).get<std::string>().empty()) {
    problems->push_back(absl::StrCat(key, ": required text"));
  } else if (s.at(key).get<std::string>().size() > max) {
    problems->push_back(absl::StrCat(key, ": longer than ", max));
  }
}

void CheckDate(const Json& s, const char* key, std::vector<std::string>* problems) {
  absl::Time t;
  std::string error;
  if (!s.contains(key) || !s.at(key).is_string() || s.at(key).get<std::string>().size() != 10 ||
      !absl::ParseTime("%Y-%m-%d", s.at(key).get<std::string>(), &t, &error)) {
    problems->push_back(absl::StrCat(key, ": required date YYYY-MM-DD"));
  }
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::string Transparency(const std::vector<Json>& statements, const std::vector<double>& ms,
                         const Period& period, int64_t unmapped, std::string* csv) {
  std::map<std::pair<std::string, std::string>, int64_t> by_category_ground;
  std::map<std::string, int64_t> by_automation;
  for (const Json& s : statements) {
    ++by_category_ground[{s["category"].get<std::string>(),
                          s["decision_ground"].get<std::string>()}];
    ++by_automation[s["automated_decision"].get<std::string>()];
  }
  const double total = static_cast<double>(statements.size());
  std::string md = absl::StrCat("# Transparency summary (DSA Art. 15/24): ", period.label, "\n\n");
  absl::StrAppend(&md, "Restrictions (statements of reasons): ", statements.size(),
                  ". Every one was detected by automated means (automated_detection Yes).\n\n");
  if (statements.empty()) return md + "No restrictions in this period.\n";
  absl::StrAppend(&md,
                  "## Restrictions per category and ground\n\n| category | ground | restrictions "
                  "|\n|---|---|---:|\n");
  *csv = "category,decision_ground,restrictions\n";
  for (const auto& [key, n] : by_category_ground) {
    absl::StrAppend(&md, "| ", key.first, " | ", key.second, " | ", n, " |\n");
    absl::StrAppend(csv, key.first, ",", key.second, ",", n, "\n");
  }
  absl::StrAppend(
      &md, "\n## Automation\n\n| automated_decision | restrictions | share |\n|---|---:|---:|\n");
  for (const auto& [kind, n] : by_automation) {
    absl::StrAppend(&md, "| ", kind, " | ", n, " | ",
                    absl::StrFormat("%.2f %%", 100.0 * static_cast<double>(n) / total), " |\n");
  }
  absl::StrAppend(&md, "\nMedian time to decision: ", absl::StrFormat("%.3f ms", Median(ms)),
                  " (from receiving the post to the automated decision; a FLAG's review by a "
                  "moderator is not in the decision log).\n");
  if (unmapped > 0) {
    absl::StrAppend(&md, "\n", unmapped,
                    " restriction(s) came from rule sets without a `dsa:` "
                    "header; their category is ",
                    kUnmappedCategory, ".\n");
  }
  return md;
}

}  // namespace

Json StatementOfReasons(const DecisionRecord& r) {
  const HitRecord* deciding = DecidingHit(r);
  const HitRecord none;
  const HitRecord& hit = deciding != nullptr ? *deciding : none;
  const bool block = r.decision == "BLOCK";
  Json s;
  s["decision_visibility"] = Json::array(
      {block ? "DECISION_VISIBILITY_CONTENT_REMOVED" : "DECISION_VISIBILITY_CONTENT_DISABLED"});
  if (!hit.legal_ground.empty()) {
    s["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT";
    s["illegal_content_legal_ground"] = hit.legal_ground.substr(0, 500);
    s["illegal_content_explanation"] =
        absl::StrCat("The rule ", hit.rule, " (", hit.category,
                     ") matched wording that can be illegal under this ground.")
            .substr(0, 2000);
  } else {
    s["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT";
    s["incompatible_content_ground"] =
        (hit.dsa_terms_ground.empty() ? "Community rules" : hit.dsa_terms_ground).substr(0, 500);
    s["incompatible_content_explanation"] =
        absl::StrCat("The rule ", hit.rule, " (", hit.category,
                     ") matched content the community rules do not allow.")
            .substr(0, 2000);
  }
  s["category"] = Category(hit);
  std::set<std::string> additions;
  for (const HitRecord& other : r.hits) {
    if (Category(other) != s["category"].get<std::string>()) additions.insert(Category(other));
  }
  if (!additions.empty()) s["category_addition"] = additions;
  s["content_type"] = Json::array({"CONTENT_TYPE_TEXT"});
  // Posts are judged before they are published, so the content's date is the decision's.
  s["content_date"] = Day(r.ts);
  s["application_date"] = Day(r.ts);
  s["territorial_scope"] = hit.dsa_territorial_scope;
  s["decision_facts"] = Facts(r);
  s["source_type"] = "SOURCE_VOLUNTARY";
  s["automated_detection"] = "Yes";
  s["automated_decision"] = block ? "AUTOMATED_DECISION_FULLY" : "AUTOMATED_DECISION_PARTIALLY";
  s["puid"] = Puid(r.post_id);
  return s;
}

std::vector<std::string> ValidateStatement(const Json& s) {
  std::vector<std::string> problems;
  CheckEnumList(s, "decision_visibility", rules::DsaDecisionVisibilities(), true, &problems);
  if (!InEnum(rules::DsaDecisionGrounds(), s.value("decision_ground", Json()))) {
    problems.push_back("decision_ground: required, DECISION_GROUND_*");
  } else if (s["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT") {
    CheckText(s, "illegal_content_legal_ground", 500, &problems);
    CheckText(s, "illegal_content_explanation", 2000, &problems);
  } else {
    CheckText(s, "incompatible_content_ground", 500, &problems);
    CheckText(s, "incompatible_content_explanation", 2000, &problems);
  }
  if (!InEnum(rules::DsaStatementCategories(), s.value("category", Json())))
    problems.push_back("category: required, STATEMENT_CATEGORY_*");
  CheckEnumList(s, "category_addition", rules::DsaStatementCategories(), false, &problems);
  CheckEnumList(s, "content_type", rules::DsaContentTypes(), true, &problems);
  CheckEnumList(s, "territorial_scope", rules::DsaTerritories(), true, &problems);
  CheckDate(s, "content_date", &problems);
  CheckDate(s, "application_date", &problems);
  CheckText(s, "decision_facts", 5000, &problems);
  if (!InEnum(rules::DsaSourceTypes(), s.value("source_type", Json())))
    problems.push_back("source_type: required, SOURCE_*");
  const Json detection = s.value("automated_detection", Json());
  if (detection != "Yes" && detection != "No") problems.push_back("automated_detection: Yes or No");
  if (!InEnum(rules::DsaAutomatedDecisions(), s.value("automated_decision", Json())))
    problems.push_back("automated_decision: required, AUTOMATED_DECISION_*");
  const Json puid_json = s.value("puid", Json());
  const std::string puid = puid_json.is_string() ? puid_json.get<std::string>() : "";
  if (puid.empty() || puid.size() > 500 || !std::all_of(puid.begin(), puid.end(), IsPuidChar)) {
    problems.push_back("puid: required, [A-Za-z0-9_-], at most 500 characters");
  }
  return problems;
}

absl::Status WriteDsaExport(const std::vector<DecisionRecord>& decisions, const Period& period,
                            const std::string& dir) {
  std::string jsonl;
  std::vector<Json> statements;
  std::vector<double> ms;
  int64_t unmapped = 0;
  for (const DecisionRecord& r : decisions) {
    if (r.ts < period.from || r.ts >= period.to) continue;
    if (r.decision != "FLAG" && r.decision != "BLOCK") continue;
    Json s = StatementOfReasons(r);
    const std::vector<std::string> problems = ValidateStatement(s);
    if (!problems.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("statement for post ", r.post_id, " (", r.replica, ", ", Day(r.ts),
                       ") does not fit the schema: ", absl::StrJoin(problems, "; "),
                       problems.front().starts_with("territorial_scope")
                           ? " (does its rule set have a `dsa:` header?)"
                           : ""));
    }
    const HitRecord* hit = DecidingHit(r);
    if (hit == nullptr || hit->dsa_category.empty()) ++unmapped;
    ms.push_back(r.decision_ms);
    jsonl += s.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    statements.push_back(std::move(s));
  }
  std::string csv = "category,decision_ground,restrictions\n";
  const std::string md = Transparency(statements, ms, period, unmapped, &csv);
  if (absl::Status s = WriteTextFile(dir, "statements.jsonl", jsonl); !s.ok()) return s;
  if (absl::Status s = WriteTextFile(dir, "transparency.md", md); !s.ok()) return s;
  return WriteTextFile(dir, "transparency.csv", csv);
}

}  // namespace moderation::modctl
