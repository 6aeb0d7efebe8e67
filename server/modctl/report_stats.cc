#include "server/modctl/report_stats.h"

#include <algorithm>

namespace moderation::modctl {
namespace {

void Add(const CountsRecord& r, Stats* s) {
  s->posts += r.posts;
  s->by_decision[r.decision] += r.posts;
  s->per_day[absl::FormatTime("%Y-%m-%d", r.hour, absl::UTCTimeZone())][r.decision] += r.posts;
  for (const auto& [category, n] : r.categories) s->categories[category][r.decision] += n;
  for (const auto& [rule, n] : r.rules) s->rules[rule] += n;
  for (const auto& [rule, n] : r.shadow_rules) s->shadow_rules[rule] += n;
  const absl::CivilSecond civil = absl::ToCivilSecond(r.hour, absl::UTCTimeZone());
  const int weekday = (static_cast<int>(absl::GetWeekday(absl::CivilDay(civil))) + 7 -
                       static_cast<int>(absl::Weekday::monday)) %
                      7;
  s->heatmap[weekday][civil.hour()] += r.posts;
  if (!r.ruleset_version.empty()) s->ruleset_versions.insert(r.ruleset_version);
}

}  // namespace

int64_t Stats::Decided(const std::string& decision) const {
  const auto it = by_decision.find(decision);
  return it == by_decision.end() ? 0 : it->second;
}

double Stats::Share(const std::string& decision) const {
  return posts == 0 ? 0.0 : static_cast<double>(Decided(decision)) / static_cast<double>(posts);
}

ReportStats ComputeStats(const LogData& data, const Period& period) {
  ReportStats out;
  out.period = period;
  out.current[kOverall];  // present even for an empty period
  for (const CountsRecord& r : data.counts) {
    std::map<std::string, Stats>* target = nullptr;
    if (r.hour >= period.from && r.hour < period.to) {
      target = &out.current;
      out.replicas.insert(r.replica);
    } else if (r.hour >= period.previous_from && r.hour < period.from) {
      target = &out.previous;
    } else {
      continue;
    }
    Add(r, &(*target)[r.community]);
    Add(r, &(*target)[kOverall]);
  }
  for (const auto& [key, alert] : data.alerts) {
    if (alert.started >= period.to || alert.ended < period.from) continue;
    out.current[alert.community].alerts.push_back(alert);
    out.current[kOverall].alerts.push_back(alert);
  }
  for (auto& [name, s] : out.current) {
    std::stable_sort(
        s.alerts.begin(), s.alerts.end(),
        [](const AlertRecord& a, const AlertRecord& b) { return a.started < b.started; });
  }
  return out;
}

std::vector<std::pair<std::string, int64_t>> Top(const std::map<std::string, int64_t>& counts,
                                                 size_t n) {
  std::vector<std::pair<std::string, int64_t>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > n) out.resize(n);
  return out;
}

}  // namespace moderation::modctl
