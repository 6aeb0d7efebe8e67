#include "server/audit_log.h"

#include <cerrno>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace moderation::server {

namespace {

absl::StatusOr<std::FILE*> OpenForAppend(const std::string& path) {
  // "e": O_CLOEXEC, so the audit fd never leaks into child processes.
  std::FILE* file = std::fopen(path.c_str(), "ae");
  if (file == nullptr) return absl::ErrnoToStatus(errno, "cannot open audit log " + path);
  return file;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path,
                                                         bool include_text) {
  absl::StatusOr<std::FILE*> file = OpenForAppend(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<AuditLog>(new AuditLog(path, *file, include_text));
}

AuditLog::~AuditLog() { std::fclose(file_); }

absl::Status AuditLog::Reopen() {
  absl::StatusOr<std::FILE*> file = OpenForAppend(path_);
  if (!file.ok()) return file.status();
  std::FILE* old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = file_;
    file_ = *file;
  }
  std::fclose(old);
  return absl::OkStatus();
}

void AuditLog::Record(const AuditRecord& record) {
  std::string text;
  try {
    nlohmann::ordered_json line;
    const absl::Time ts = absl::UnixEpoch() + absl::Seconds(record.unix_seconds);
    line["ts"] = absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", ts, absl::UTCTimeZone());
    if (!record.request_id.empty()) line["request_id"] = record.request_id;
    line["post_id"] = record.post_id;
    line["community"] = record.community;
    line["author_id"] = record.author_id;
    line["decision"] = record.decision;
    line["score"] = record.score;
    line["rules"] = record.rule_ids;
    line["ruleset_id"] = record.ruleset_id;
    line["ruleset_version"] = record.ruleset_version;
    line["ruleset_hash"] = record.ruleset_hash;
    if (include_text_) {
      line["title"] = record.title;
      line["body"] = record.body;
      line["author_display_name"] = record.author_display_name;
    }
    // replace: user text may hold invalid UTF-8; the record must still land.
    text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (...) {
    return;  // Only allocation failure can get here; a request must not fail.
  }
  text.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fflush(file_);
}

}  // namespace moderation::server
