// Reading moderationd's decision logs (format version 1, README.md "The
// decision log") for `modctl report`, and the report's periods.
//
// Why: a report covers one period over the logs of one or many replicas
// (and their rotated files); reading keeps only the lines in the period and
// the one before it (for trends), so a month of logs fits in memory as
// counts, not as posts.
//
//   absl::StatusOr<Period> period = ParsePeriod("week", "2026-11-23", "", "");
//   LogData data;
//   absl::Status s = ReadDecisionLog("decisions.jsonl", period->previous_from, period->to, &data);
//
// Thread-safety: plain values and functions.
#ifndef MODERATION_SERVER_MODCTL_REPORT_LOG_H_
#define MODERATION_SERVER_MODCTL_REPORT_LOG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/decision.h"

namespace moderation::modctl {

// [from, to) in UTC, whole days; previous_from..from is the period before,
// of the same kind (the previous calendar month for a month).
struct Period {
  std::string label;  // "week 2026-11-23 .. 2026-11-29"
  absl::Time from;
  absl::Time to;
  absl::Time previous_from;
};

// kind: day | week (Monday to Sunday) | month | custom. date (YYYY-MM-DD)
// picks the day, week or month containing it; custom takes from and to
// (YYYY-MM-DD, both days included). InvalidArgument naming the option.
absl::StatusOr<Period> ParsePeriod(const std::string& kind, const std::string& date,
                                   const std::string& from, const std::string& to);

// One "counts" line.
struct CountsRecord {
  absl::Time hour;
  std::string replica;
  std::string community;
  std::string decision;  // ALLOW | FLAG | BLOCK
  std::string ruleset_version;
  int64_t posts = 0;
  std::map<std::string, int64_t> categories;
  std::map<std::string, int64_t> rules;
  std::map<std::string, int64_t> shadow_rules;
};

// One "decision" line.
struct DecisionRecord {
  absl::Time ts;
  std::string replica;
  std::string post_id;
  std::string community;
  std::string decision;
  double decision_ms = 0;
  bool automated = true;
  std::string ruleset_version;
  // Its enforced hits as the engine made them: rule, rule set, category,
  // action, legal ground, DSA mapping and spans (without text).
  std::vector<RuleHit> hits;
};

// One pulse alert: its "open" line, updated by its "ended" line if any.
struct AlertRecord {
  std::string replica;
  int64_t id = 0;
  std::string community;
  std::string kind;
  std::string subject;
  std::string severity;
  absl::Time started;
  absl::Time ended = absl::InfiniteFuture();  // still open at the end of the log
  int64_t window_posts = 0;
  double observed = 0;
  double expected = 0;
  std::string top_rule;  // the rule with most hostile posts, if any
};

struct LogData {
  std::vector<CountsRecord> counts;
  std::vector<DecisionRecord> decisions;
  // Alerts that were open at some time in [from, to), by (replica, id).
  std::map<std::pair<std::string, int64_t>, AlertRecord> alerts;
  int64_t lines_read = 0;
};

// Appends the records of `path` with a time in [from, to) (alerts: open at
// some time in it). A line that is not
// JSON, has another "v" or lacks a field is an error naming path:line.
absl::Status ReadDecisionLog(const std::string& path, absl::Time from, absl::Time to,
                             LogData* data);

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_REPORT_LOG_H_
