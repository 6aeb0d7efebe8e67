#include "server/log.h"

#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace moderation::server {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "unknown";
}

// Keys the logger writes itself; a field with one of these names is renamed
// so the line never carries a duplicate key.
bool IsReservedKey(const std::string& key) {
  return key == "ts" || key == "level" || key == "event";
}

}  // namespace

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  if (text == "debug") {
    *level = LogLevel::kDebug;
  } else if (text == "info") {
    *level = LogLevel::kInfo;
  } else if (text == "warning") {
    *level = LogLevel::kWarning;
  } else if (text == "error") {
    *level = LogLevel::kError;
  } else {
    return false;
  }
  return true;
}

Logger::Logger(LogLevel min_level, std::FILE* out) : min_level_(min_level), out_(out) {}

void Logger::Log(LogLevel level, std::string_view event, nlohmann::json fields) {
  if (level < min_level_) return;
  // ordered_json keeps "ts", "level", "event" first, as operators expect.
  nlohmann::ordered_json line;
  line["ts"] = absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["event"] = std::string(event);
  if (fields.is_object()) {
    for (auto& [key, value] : fields.items()) {
      line[IsReservedKey(key) ? "field_" + key : key] = std::move(value);
    }
  } else if (!fields.is_null()) {
    line["fields"] = std::move(fields);
  }
  // replace: a post id or rule id with invalid UTF-8 must never throw here.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace moderation::server
