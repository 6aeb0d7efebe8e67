// The audit log: one JSON line per FLAG or BLOCK decision.
//
// Why: platforms must be able to show why a post was held or removed (DSA
// statements of reasons) long after the fact. Each line records the time,
// post id, community, decision, the rule ids that fired, and the rule-set id,
// version and hash. Post text is NOT recorded unless explicitly enabled
// (--audit_include_text), for privacy.
//
//   auto audit = AuditLog::Open("/var/log/moderation/audit.jsonl", false);
//   (*audit)->Record(record);
//
// Reopen() (moderationd calls it on SIGHUP) closes the file and opens the
// path again, so logrotate can move the file away and signal, without
// copytruncate losing lines.
//
// Thread-safety: Record and Reopen may be called concurrently; lines never
// interleave. Each line is flushed to the file before Record returns.
#ifndef MODERATION_SERVER_AUDIT_LOG_H_
#define MODERATION_SERVER_AUDIT_LOG_H_

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace moderation::server {

struct AuditRecord {
  double unix_seconds = 0;
  std::string request_id;  // the call's x-request-id; omitted when ""
  std::string post_id;
  std::string community;
  std::string author_id;
  std::string decision;  // "FLAG" or "BLOCK"
  double score = 0;
  std::vector<std::string> rule_ids;
  std::string ruleset_id;
  std::string ruleset_version;
  std::string ruleset_hash;
  // Only written when the log was opened with include_text.
  std::string title;
  std::string body;
  std::string author_display_name;
};

class AuditLog {
 public:
  // Opens (appending, creating if needed) the file at path.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path, bool include_text);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void Record(const AuditRecord& record);

  // Opens the path again (appending, creating it if it was moved away) and
  // closes the old file. On failure the old file stays in use and the error
  // names the path.
  absl::Status Reopen();

 private:
  AuditLog(std::string path, std::FILE* file, bool include_text)
      : path_(std::move(path)), include_text_(include_text), file_(file) {}

  const std::string path_;
  const bool include_text_;
  std::mutex mu_;
  std::FILE* file_;  // guarded by mu_
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_AUDIT_LOG_H_
