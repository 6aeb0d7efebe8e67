// The figures of a `modctl report`: per community and overall, for a period
// and the one before it, computed from decision-log records (report_log.h).
//
// Why: the Markdown and CSV writers only format; every figure a community
// manager reads is computed here once, so the formats cannot disagree and
// the test checks the figures, not the formatting.
//
//   ReportStats stats = ComputeStats(data, period);
//   const Stats& news = stats.current.at("news-de");
//
// Thread-safety: plain values and functions.
#ifndef MODERATION_SERVER_MODCTL_REPORT_STATS_H_
#define MODERATION_SERVER_MODCTL_REPORT_STATS_H_

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/modctl/report_log.h"

namespace moderation::modctl {

// The name of the all-communities entry (not a valid community id).
inline constexpr char kOverall[] = "(all communities)";

struct Stats {
  int64_t posts = 0;
  std::map<std::string, int64_t> by_decision;  // ALLOW/FLAG/BLOCK -> posts
  // "YYYY-MM-DD" -> decision -> posts
  std::map<std::string, std::map<std::string, int64_t>> per_day;
  // category -> decision -> posts with an enforced hit of that category
  std::map<std::string, std::map<std::string, int64_t>> categories;
  std::map<std::string, int64_t> rules;         // enforced rule -> times fired
  std::map<std::string, int64_t> shadow_rules;  // shadow rule -> times fired
  // [weekday 0 = Monday][hour UTC] -> posts
  std::array<std::array<int64_t, 24>, 7> heatmap{};
  std::set<std::string> ruleset_versions;
  std::vector<AlertRecord> alerts;  // pulse alerts open during the period, by start

  int64_t Decided(const std::string& decision) const;
  // Share of all posts (0 when there are none).
  double Share(const std::string& decision) const;
};

struct ReportStats {
  Period period;
  std::map<std::string, Stats> current;   // community (and kOverall) -> figures
  std::map<std::string, Stats> previous;  // the period before, same keys where present
  std::set<std::string> replicas;
};

ReportStats ComputeStats(const LogData& data, const Period& period);

// The n largest entries, largest first, ties by name.
std::vector<std::pair<std::string, int64_t>> Top(const std::map<std::string, int64_t>& counts,
                                                 size_t n);

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_REPORT_STATS_H_
