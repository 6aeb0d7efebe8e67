// Structured logging: one JSON object per line on stderr.
//
// Why: operators ship logs to aggregators that parse JSON; a line per event
// with stable keys ("ts", "level", "event", then fields) is greppable and
// parseable. Post text and credentials are never logged: callers pass ids,
// counts and versions only.
//
//   logger.Info("rules_loaded", {{"version", "de@1"}, {"seconds", 0.12}});
//   //
//   {"ts":"2026-11-22T03:10:00.123Z","level":"info","event":"rules_loaded","version":"de@1","seconds":0.12}
//
// Thread-safety: every method may be called from any thread; lines never
// interleave.
#ifndef MODERATION_SERVER_LOG_H_
#define MODERATION_SERVER_LOG_H_

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace moderation::server {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Parses "debug" | "info" | "warning" | "error"; false on anything else.
bool ParseLogLevel(std::string_view text, LogLevel* level);

class Logger {
 public:
  // Writes to `out` (stderr by default; tests pass a temporary file).
  explicit Logger(LogLevel min_level = LogLevel::kInfo, std::FILE* out = stderr);

  void Log(LogLevel level, std::string_view event,
           nlohmann::json fields = nlohmann::json::object());
  void Debug(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    Log(LogLevel::kDebug, event, std::move(fields));
  }
  void Info(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    Log(LogLevel::kInfo, event, std::move(fields));
  }
  void Warning(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    Log(LogLevel::kWarning, event, std::move(fields));
  }
  void Error(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    Log(LogLevel::kError, event, std::move(fields));
  }

 private:
  const LogLevel min_level_;
  std::FILE* const out_;
  std::mutex mu_;  // serialises writes so lines never interleave
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_LOG_H_
