#include "server/modctl/report_log.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_cat.h"

namespace moderation::modctl {
namespace {

using Json = nlohmann::json;

// The decision log's format version this reader understands.
constexpr int kLogVersion = 1;

absl::StatusOr<absl::Time> ParseDay(const std::string& option, const std::string& text) {
  absl::Time day;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &day, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", option, ": '", text, "' is not a date (YYYY-MM-DD)"));
  }
  return day;
}

std::string Day(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

absl::Time AddMonths(absl::Time month_start, int months) {
  absl::CivilMonth month = absl::ToCivilMonth(month_start, absl::UTCTimeZone()) + months;
  return absl::FromCivil(month, absl::UTCTimeZone());
}

bool ParseTimestamp(const Json& value, absl::Time* out) {
  if (!value.is_string()) return false;
  std::string error;
  return absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*SZ", value.get<std::string>(), absl::UTCTimeZone(),
                         out, &error);
}

std::map<std::string, int64_t> CountMap(const Json& value) {
  std::map<std::string, int64_t> out;
  if (!value.is_object()) return out;
  for (const auto& [key, n] : value.items()) {
    if (n.is_number_integer()) out[key] = n.get<int64_t>();
  }
  return out;
}

std::string Text(const Json& line, const char* key) {
  const auto it = line.find(key);
  return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
}

rules::Action ParseAction(const std::string& name) {
  for (rules::Action a : {rules::Action::kFlag, rules::Action::kBlock}) {
    if (name == rules::ActionName(a)) return a;
  }
  return rules::Action::kScore;
}

RuleHit ParseHit(const Json& hit) {
  RuleHit out;
  out.rule_id = Text(hit, "rule");
  out.ruleset_id = Text(hit, "ruleset");
  out.category = Text(hit, "category");
  out.action = ParseAction(Text(hit, "action"));
  out.legal_ground = Text(hit, "legal_ground");
  if (const auto dsa = hit.find("dsa"); dsa != hit.end() && dsa->is_object()) {
    out.dsa_category = Text(*dsa, "category");
    out.dsa_terms_ground = Text(*dsa, "terms_ground");
    if (const auto scope = dsa->find("territorial_scope");
        scope != dsa->end() && scope->is_array()) {
      for (const Json& code : *scope) {
        if (code.is_string()) out.dsa_territorial_scope.push_back(code.get<std::string>());
      }
    }
  }
  if (const auto spans = hit.find("spans"); spans != hit.end() && spans->is_array()) {
    for (const Json& span : *spans) {
      out.spans.push_back(
          {Text(span, "field"), span.value("start", 0u), span.value("end", 0u), std::string()});
    }
  }
  return out;
}

// Adds one line's record to data if it falls in [from, to); the error names
// what is wrong (the caller adds path:line).
absl::Status AddLine(const Json& line, absl::Time from, absl::Time to, LogData* data) {
  if (!line.is_object()) return absl::InvalidArgumentError("not a JSON object");
  const Json* version = line.contains("v") ? &line["v"] : nullptr;
  if (version == nullptr || !version->is_number_integer() || version->get<int>() != kLogVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("format version ", version ? version->dump() : "missing",
                     " (this modctl reads version ", kLogVersion, ")"));
  }
  const std::string type = Text(line, "type");
  if (type == "counts") {
    CountsRecord r;
    if (!ParseTimestamp(line.value("hour", Json()), &r.hour))
      return absl::InvalidArgumentError("'hour' is not a timestamp");
    if (r.hour < from || r.hour >= to) return absl::OkStatus();
    r.replica = Text(line, "replica");
    r.community = Text(line, "community");
    r.decision = Text(line, "decision");
    r.ruleset_version = Text(line, "ruleset_version");
    r.posts = line.value("posts", int64_t{0});
    r.categories = CountMap(line.value("categories", Json()));
    r.rules = CountMap(line.value("rules", Json()));
    r.shadow_rules = CountMap(line.value("shadow_rules", Json()));
    data->counts.push_back(std::move(r));
  } else if (type == "decision") {
    DecisionRecord r;
    if (!ParseTimestamp(line.value("ts", Json()), &r.ts))
      return absl::InvalidArgumentError("'ts' is not a timestamp");
    if (r.ts < from || r.ts >= to) return absl::OkStatus();
    r.replica = Text(line, "replica");
    r.post_id = Text(line, "post_id");
    r.community = Text(line, "community");
    r.decision = Text(line, "decision");
    r.decision_ms = line.value("decision_ms", 0.0);
    r.automated = line.value("automated", true);
    r.ruleset_version = Text(line, "ruleset_version");
    if (const auto hits = line.find("hits"); hits != line.end() && hits->is_array()) {
      for (const Json& hit : *hits) r.hits.push_back(ParseHit(hit));
    }
    data->decisions.push_back(std::move(r));
  } else if (type == "alert") {
    AlertRecord r;
    if (!ParseTimestamp(line.value("started", Json()), &r.started))
      return absl::InvalidArgumentError("'started' is not a timestamp");
    if (line.contains("ended") && !ParseTimestamp(line["ended"], &r.ended))
      return absl::InvalidArgumentError("'ended' is not a timestamp");
    if (r.started >= to || r.ended < from) return absl::OkStatus();
    r.replica = Text(line, "replica");
    r.id = line.value("id", int64_t{0});
    r.community = Text(line, "community");
    r.kind = Text(line, "kind");
    r.subject = Text(line, "subject");
    r.severity = Text(line, "severity");
    r.window_posts = line.value("window_posts", int64_t{0});
    r.observed = line.value("observed", 0.0);
    r.expected = line.value("expected", 0.0);
    if (const auto rules = line.find("top_rules");
        rules != line.end() && rules->is_array() && !rules->empty()) {
      r.top_rule = Text(rules->front(), "rule");
    }
    // The "ended" line comes after the "open" one and replaces it.
    data->alerts[{r.replica, r.id}] = std::move(r);
  }
  // Other types are from a newer writer of the same version: skipped.
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Period> ParsePeriod(const std::string& kind, const std::string& date,
                                   const std::string& from, const std::string& to) {
  Period p;
  if (kind == "custom") {
    if (from.empty() || to.empty())
      return absl::InvalidArgumentError("--period custom needs --from and --to");
    absl::StatusOr<absl::Time> f = ParseDay("from", from);
    if (!f.ok()) return f.status();
    absl::StatusOr<absl::Time> t = ParseDay("to", to);
    if (!t.ok()) return t.status();
    if (*t < *f) return absl::InvalidArgumentError("--to is before --from");
    p.from = *f;
    p.to = *t + absl::Hours(24);
    p.previous_from = p.from - (p.to - p.from);
    p.label = absl::StrCat(from, " .. ", to);
    return p;
  }
  if (kind != "day" && kind != "week" && kind != "month")
    return absl::InvalidArgumentError("--period must be day, week, month or custom");
  if (date.empty()) return absl::InvalidArgumentError("--date is required for --period " + kind);
  absl::StatusOr<absl::Time> day = ParseDay("date", date);
  if (!day.ok()) return day.status();
  if (kind == "day") {
    p.from = *day;
    p.to = p.from + absl::Hours(24);
    p.previous_from = p.from - absl::Hours(24);
    p.label = absl::StrCat("day ", Day(p.from));
  } else if (kind == "week") {
    const absl::CivilDay civil = absl::ToCivilDay(*day, absl::UTCTimeZone());
    const int since_monday =
        (static_cast<int>(absl::GetWeekday(civil)) + 7 - static_cast<int>(absl::Weekday::monday)) %
        7;
    p.from = absl::FromCivil(civil - since_monday, absl::UTCTimeZone());
    p.to = p.from + absl::Hours(24 * 7);
    p.previous_from = p.from - absl::Hours(24 * 7);
    p.label = absl::StrCat("week ", Day(p.from), " .. ", Day(p.to - absl::Hours(24)));
  } else if (kind == "month") {
    p.from = AddMonths(*day, 0);
    p.to = AddMonths(p.from, 1);
    p.previous_from = AddMonths(p.from, -1);
    p.label = absl::StrCat("month ", absl::FormatTime("%Y-%m", p.from, absl::UTCTimeZone()));
  } else {
    return absl::InvalidArgumentError("--period must be day, week, month or custom");
  }
  return p;
}

absl::Status ReadDecisionLog(const std::string& path, absl::Time from, absl::Time to,
                             LogData* data) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  int64_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty()) continue;
    ++data->lines_read;
    Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      // A replica killed mid-write leaves a torn last line; anything else
      // torn means the file is damaged.
      if (in.peek() == EOF) continue;
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": not JSON"));
    }
    if (absl::Status s = AddLine(json, from, to, data); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace moderation::modctl
