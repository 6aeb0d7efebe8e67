// The decision log: what `modctl report` builds statistics and DSA
// statements of reasons from (issue 13 §1). JSON Lines, format version 1,
// documented in README.md ("The decision log").
//
// Why: the audit log holds FLAG/BLOCK only, without categories, so no share
// of anything can be computed from it. This log counts *every* decision,
// ALLOWs included, per hour, community, decision and rule-set version, with
// per-category and per-rule counts, and writes every FLAG/BLOCK in full
// (categories, rule sets and versions, shadow hits, legal grounds, the DSA
// mapping of each rule, automated = true, time to decision). ALLOWs stay
// aggregated (one "counts" line per group and flush), so the log grows with
// the restrictions, not with the traffic, unless Options::allow_in_full.
// Post text is never written unless Options::include_text.
//
//   DecisionLog::Options options;
//   options.path = "/var/log/moderation/decisions.jsonl";
//   options.replica = "moderationd-0";
//   auto log = DecisionLog::Open(options);
//   (*log)->Record(post, decision, {absl::Now(), took, "news-de", request_id});
//
// Counts are kept in memory and written by Flush(): every
// Options::flush_interval by a thread of the log's own, before Reopen()
// switches files, and in the destructor. So logrotate without copytruncate
// works: rename the file, send SIGHUP (moderationd calls Reopen()), and every
// count lands in either the old or the new file, none twice, none lost.
//
// Thread-safety: Record, Flush and Reopen may be called concurrently; lines
// never interleave. Record takes one mutex for its counts (and writes its
// line for a FLAG/BLOCK); it never waits for a flush's file write.
#ifndef MODERATION_SERVER_DECISION_LOG_H_
#define MODERATION_SERVER_DECISION_LOG_H_

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/decision.h"
#include "engine/post/post.h"

namespace moderation::server {

// The "v" of every line; bump it when a field changes meaning or goes away.
inline constexpr int kDecisionLogVersion = 1;

// What the caller knows about one decision besides the post and the result.
struct DecisionContext {
  absl::Time time;              // when the decision was taken (wall clock)
  absl::Duration to_decision;   // from receiving the post to the decision
  std::string_view community;   // the community it was judged for ("default" if unlisted)
  std::string_view request_id;  // x-request-id; omitted when empty
  // The post's created_at, if the client sent one. Used instead of `time`
  // with Options::time_from_post (replays).
  std::optional<absl::Time> post_time = std::nullopt;
};

// A pulse alert as the decision log records it ("alert" lines), so reports
// can list a period's alerts beside its figures. Filled by moderationd from
// server/pulse's Alert; kept apart from it so this log depends on the
// engine only.
struct AlertRecord {
  uint64_t id = 0;
  std::string community;
  std::string kind;      // e.g. "hostile_share", "volume_spike"
  std::string subject;   // category, thread or target; "" for community-wide kinds
  std::string severity;  // "warning" or "critical"
  bool open = true;      // opened (true) or ended (false)
  absl::Time started;
  absl::Time ended = absl::InfiniteFuture();
  int64_t window_posts = 0;
  double observed = 0;
  double expected = 0;
  double z = 0;
  std::vector<std::pair<std::string, int>> top_rules;
};

class DecisionLog {
 public:
  struct Options {
    // File to append to (created if missing). Required.
    std::string path;
    // Names this process in every line, so reports over several replicas'
    // logs can tell them apart. Default "" = the host name.
    std::string replica;
    // How often the hourly counts are written. Default 60 s: at most this
    // much counting is lost if the process is killed (SIGKILL, OOM);
    // shorter means more "counts" lines for the same hour (reports add
    // them up). absl::ZeroDuration() disables the thread (tests call Flush).
    absl::Duration flush_interval = absl::Seconds(60);
    // Also write ALLOW decisions as full "decision" lines. Default false:
    // an ALLOW is only counted.
    bool allow_in_full = false;
    // Write post text (title, body, display name) into "decision" lines.
    // Default false (privacy).
    bool include_text = false;
    // Count and stamp decisions at the post's created_at when it has one
    // (moderationd sets it with --pulse_clock=post_time, for replays of
    // recorded traffic). Default false: the wall clock.
    bool time_from_post = false;
  };

  static absl::StatusOr<std::unique_ptr<DecisionLog>> Open(Options options);
  // Flushes the counts and closes the file.
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  void Record(const Post& post, const Decision& decision, const DecisionContext& context);

  // Writes one "alert" line at once (alerts are rare; each open and each end
  // is a line).
  void RecordAlert(const AlertRecord& alert);

  // Writes the counts gathered since the last flush as "counts" lines and
  // forgets them.
  void Flush();

  // Flushes the counts into the current file, then opens the path again
  // (appending; creating it if it was moved away) and closes the old file.
  // On failure the old file stays in use and the error names the path.
  absl::Status Reopen();

  const std::string& replica() const { return options_.replica; }

 private:
  // One group of counted decisions: hour (unix seconds of its start),
  // community, decision, rule-set id and version.
  using GroupKey = std::tuple<int64_t, std::string, std::string, std::string, std::string>;
  struct Counts {
    int64_t posts = 0;
    std::map<std::string, int64_t> categories;    // posts with an enforced hit of it
    std::map<std::string, int64_t> rules;         // enforced rules that fired
    std::map<std::string, int64_t> shadow_rules;  // shadow rules that fired
  };

  DecisionLog(Options options, std::FILE* file);
  void Count(const Decision& decision, const DecisionContext& context);
  std::string DecisionLine(const Post& post, const Decision& decision,
                           const DecisionContext& context) const;
  // Serialises and clears the pending counts; called with mu_ held.
  std::string TakeCountLines();
  void WriteLocked(const std::string& text);  // file_mu_ held
  void FlushLoop();

  const Options options_;  // constant after construction

  std::mutex mu_;  // guards counts_ and stop_
  std::map<GroupKey, Counts> counts_;
  bool stop_ = false;
  std::condition_variable wake_;

  std::mutex file_mu_;  // guards file_; lines are written whole under it
  std::FILE* file_;

  std::thread flusher_;  // runs FlushLoop when flush_interval > 0
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_DECISION_LOG_H_
