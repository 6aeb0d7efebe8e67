#include "server/modctl/report_dsa.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/modctl/report_writer.h"

namespace moderation::modctl {
namespace {

using Json = nlohmann::ordered_json;

// The schema's attributes in the schema's order: each a text or a list of
// texts of StatementOfReasons.
struct Attribute {
  const char* key;
  std::string StatementOfReasons::*text;
  std::vector<std::string> StatementOfReasons::*list;
};

const std::vector<Attribute>& Attributes() {
  using S = StatementOfReasons;
  static const std::vector<Attribute> kAttributes = {
      {"decision_visibility", nullptr, &S::decision_visibility},
      {"decision_ground", &S::decision_ground, nullptr},
      {"illegal_content_legal_ground", &S::illegal_content_legal_ground, nullptr},
      {"illegal_content_explanation", &S::illegal_content_explanation, nullptr},
      {"incompatible_content_ground", &S::incompatible_content_ground, nullptr},
      {"incompatible_content_explanation", &S::incompatible_content_explanation, nullptr},
      {"category", &S::category, nullptr},
      {"category_addition", nullptr, &S::category_addition},
      {"content_type", nullptr, &S::content_type},
      {"content_date", &S::content_date, nullptr},
      {"application_date", &S::application_date, nullptr},
      {"territorial_scope", nullptr, &S::territorial_scope},
      {"decision_facts", &S::decision_facts, nullptr},
      {"source_type", &S::source_type, nullptr},
      {"automated_detection", &S::automated_detection, nullptr},
      {"automated_decision", &S::automated_decision, nullptr},
      {"puid", &S::puid, nullptr},
  };
  return kAttributes;
}

// Reads one attribute of a JSON statement into *s; false (with a problem)
// when its JSON type is wrong.
bool ReadAttribute(const Json& json, const Attribute& a, StatementOfReasons* s,
                   std::vector<std::string>* problems) {
  const auto it = json.find(a.key);
  if (it == json.end()) return true;
  if (a.text != nullptr) {
    if (!it->is_string()) {
      problems->push_back(absl::StrCat(a.key, ": must be a string"));
      return false;
    }
    s->*a.text = it->get<std::string>();
    return true;
  }
  if (!it->is_array() || it->empty()) {
    problems->push_back(absl::StrCat(a.key, ": must be a non-empty array"));
    return false;
  }
  for (const Json& v : *it) {
    if (!v.is_string()) {
      problems->push_back(absl::StrCat(a.key, ": must hold strings"));
      return false;
    }
    (s->*a.list).push_back(v.get<std::string>());
  }
  return true;
}

std::string Day(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

Verdict VerdictOf(const std::string& decision) {
  if (decision == "BLOCK") return Verdict::kBlock;
  if (decision == "FLAG") return Verdict::kFlag;
  return Verdict::kAllow;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::string Transparency(const std::vector<StatementOfReasons>& statements,
                         const std::vector<double>& ms, const Period& period, std::string* csv) {
  std::map<std::pair<std::string, std::string>, int64_t> by_category_ground;
  std::map<std::string, int64_t> by_automation;
  for (const StatementOfReasons& s : statements) {
    ++by_category_ground[{s.category, s.decision_ground}];
    ++by_automation[s.automated_decision];
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
  return md;
}

}  // namespace

absl::StatusOr<StatementOfReasons> StatementFor(const DecisionRecord& r) {
  return MakeStatementOfReasons(
      {VerdictOf(r.decision), r.hits, r.post_id, r.ruleset_version, r.ts});
}

Json StatementToJson(const StatementOfReasons& s) {
  Json json = Json::object();
  for (const Attribute& a : Attributes()) {
    if (a.text != nullptr && !(s.*a.text).empty()) json[a.key] = s.*a.text;
    if (a.list != nullptr && !(s.*a.list).empty()) json[a.key] = s.*a.list;
  }
  return json;
}

std::vector<std::string> ValidateStatement(const Json& json) {
  if (!json.is_object()) return {"a statement must be a JSON object"};
  StatementOfReasons s;
  std::vector<std::string> problems;
  for (const Attribute& a : Attributes()) ReadAttribute(json, a, &s, &problems);
  for (std::string& p : ValidateStatementOfReasons(s)) {
    // A value of the wrong type is reported once, not again as missing.
    const std::string key = p.substr(0, p.find(':'));
    const bool seen = std::any_of(problems.begin(), problems.end(), [&](const std::string& q) {
      return q.substr(0, q.find(':')) == key;
    });
    if (!seen) problems.push_back(std::move(p));
  }
  return problems;
}

absl::Status WriteDsaExport(const std::vector<DecisionRecord>& decisions, const Period& period,
                            const std::string& dir) {
  std::string jsonl;
  std::vector<StatementOfReasons> statements;
  std::vector<double> ms;
  for (const DecisionRecord& r : decisions) {
    if (r.ts < period.from || r.ts >= period.to) continue;
    if (r.decision != "FLAG" && r.decision != "BLOCK") continue;
    absl::StatusOr<StatementOfReasons> s = StatementFor(r);
    std::vector<std::string> problems;
    Json json;
    if (!s.ok()) {
      problems.push_back(std::string(s.status().message()));
    } else {
      json = StatementToJson(*s);
      problems = ValidateStatement(json);  // what is written, not what was meant
    }
    if (!problems.empty()) {
      return absl::FailedPreconditionError(absl::StrCat("statement for post ", r.post_id, " (",
                                                        r.replica, ", ", Day(r.ts),
                                                        "): ", absl::StrJoin(problems, "; ")));
    }
    ms.push_back(r.decision_ms);
    jsonl += json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    statements.push_back(*std::move(s));
  }
  std::string csv = "category,decision_ground,restrictions\n";
  const std::string md = Transparency(statements, ms, period, &csv);
  if (absl::Status s = WriteTextFile(dir, "statements.jsonl", jsonl); !s.ok()) return s;
  if (absl::Status s = WriteTextFile(dir, "transparency.md", md); !s.ok()) return s;
  return WriteTextFile(dir, "transparency.csv", csv);
}

}  // namespace moderation::modctl
