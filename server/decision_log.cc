#include "server/decision_log.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace moderation::server {
namespace {

using Json = nlohmann::ordered_json;

absl::StatusOr<std::FILE*> OpenForAppend(const std::string& path) {
  // "e": O_CLOEXEC, so the fd never leaks into child processes.
  std::FILE* file = std::fopen(path.c_str(), "ae");
  if (file == nullptr) return absl::ErrnoToStatus(errno, "cannot open decision log " + path);
  return file;
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

std::string Timestamp(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

// replace: ids and text may hold invalid UTF-8; the line must still land.
std::string Dump(const Json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Json HitJson(const RuleHit& hit, bool shadow) {
  Json out;
  out["rule"] = hit.rule_id;
  out["ruleset"] = hit.ruleset_id;
  out["category"] = hit.category;
  if (!shadow) {
    out["action"] = rules::ActionName(hit.action);
    if (hit.action == rules::Action::kScore) out["score"] = hit.score;
  }
  if (!hit.legal_ground.empty()) out["legal_ground"] = hit.legal_ground;
  if (!hit.dsa_category.empty()) {
    out["dsa"] = {{"category", hit.dsa_category},
                  {"terms_ground", hit.dsa_terms_ground},
                  {"territorial_scope", hit.dsa_territorial_scope}};
  }
  // Where it matched, never what: the text stays out (privacy).
  Json spans = Json::array();
  for (const MatchSpan& span : hit.spans) {
    spans.push_back({{"field", span.field}, {"start", span.start}, {"end", span.end}});
  }
  out["spans"] = std::move(spans);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DecisionLog>> DecisionLog::Open(Options options) {
  if (options.path.empty()) return absl::InvalidArgumentError("decision log: path is empty");
  if (options.replica.empty()) options.replica = HostName();
  absl::StatusOr<std::FILE*> file = OpenForAppend(options.path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<DecisionLog>(new DecisionLog(std::move(options), *file));
}

DecisionLog::DecisionLog(Options options, std::FILE* file)
    : options_(std::move(options)), file_(file) {
  if (options_.flush_interval > absl::ZeroDuration()) {
    flusher_ = std::thread([this] { FlushLoop(); });
  }
}

DecisionLog::~DecisionLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  Flush();
  std::fclose(file_);
}

void DecisionLog::FlushLoop() {
  const auto interval = absl::ToChronoNanoseconds(options_.flush_interval);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (wake_.wait_for(lock, interval, [this] { return stop_; })) break;
    std::string text = TakeCountLines();
    lock.unlock();
    if (!text.empty()) {
      std::lock_guard<std::mutex> file_lock(file_mu_);
      WriteLocked(text);
    }
    lock.lock();
  }
}

void DecisionLog::Record(const Post& post, const Decision& decision, const DecisionContext& given) {
  try {
    DecisionContext context = given;
    if (options_.time_from_post && context.post_time) context.time = *context.post_time;
    Count(decision, context);
    if (decision.verdict == Verdict::kAllow && !options_.allow_in_full) return;
    const std::string line = DecisionLine(post, decision, context);
    std::lock_guard<std::mutex> lock(file_mu_);
    WriteLocked(line);
  } catch (...) {
    // Only allocation failure can get here; a request must not fail.
  }
}

void DecisionLog::RecordAlert(const AlertRecord& alert) {
  try {
    Json line;
    line["v"] = kDecisionLogVersion;
    line["type"] = "alert";
    line["replica"] = options_.replica;
    line["id"] = alert.id;
    line["community"] = alert.community;
    line["kind"] = alert.kind;
    if (!alert.subject.empty()) line["subject"] = alert.subject;
    line["severity"] = alert.severity;
    line["state"] = alert.open ? "open" : "ended";
    line["started"] = Timestamp(alert.started);
    if (!alert.open) line["ended"] = Timestamp(alert.ended);
    line["window_posts"] = alert.window_posts;
    line["observed"] = alert.observed;
    line["expected"] = alert.expected;
    line["z"] = alert.z;
    Json rules = Json::array();
    for (const auto& [rule, n] : alert.top_rules) rules.push_back({{"rule", rule}, {"posts", n}});
    line["top_rules"] = std::move(rules);
    const std::string text = Dump(line);
    std::lock_guard<std::mutex> lock(file_mu_);
    WriteLocked(text);
  } catch (...) {
    // Only allocation failure can get here; the pulse must not fail.
  }
}

void DecisionLog::Count(const Decision& decision, const DecisionContext& context) {
  const int64_t unix_seconds = absl::ToUnixSeconds(context.time);
  const int64_t hour = unix_seconds - ((unix_seconds % 3600) + 3600) % 3600;
  GroupKey key(hour, std::string(context.community), VerdictName(decision.verdict),
               decision.ruleset_id, decision.ruleset_version);
  std::lock_guard<std::mutex> lock(mu_);
  Counts& counts = counts_[std::move(key)];
  ++counts.posts;
  // A post counts once per category, however many of its rules fired.
  std::set<std::string_view> categories;
  for (const RuleHit& hit : decision.hits) {
    ++counts.rules[hit.rule_id];
    if (!hit.category.empty()) categories.insert(hit.category);
  }
  for (std::string_view category : categories) ++counts.categories[std::string(category)];
  for (const RuleHit& hit : decision.shadow_hits) ++counts.shadow_rules[hit.rule_id];
}

std::string DecisionLog::DecisionLine(const Post& post, const Decision& decision,
                                      const DecisionContext& context) const {
  Json line;
  line["v"] = kDecisionLogVersion;
  line["type"] = "decision";
  line["replica"] = options_.replica;
  line["ts"] = Timestamp(context.time);
  if (!context.request_id.empty()) line["request_id"] = context.request_id;
  line["post_id"] = post.id;
  line["community"] = context.community;
  line["decision"] = VerdictName(decision.verdict);
  line["score"] = decision.score;
  line["automated"] = true;  // every decision of this service is taken by rules
  line["decision_ms"] = absl::ToDoubleMilliseconds(context.to_decision);
  line["ruleset_id"] = decision.ruleset_id;
  line["ruleset_version"] = decision.ruleset_version;
  line["ruleset_hash"] = decision.ruleset_hash;
  std::vector<std::string> categories;
  for (const RuleHit& hit : decision.hits) {
    if (std::find(categories.begin(), categories.end(), hit.category) == categories.end())
      categories.push_back(hit.category);
  }
  line["categories"] = categories;
  Json hits = Json::array();
  for (const RuleHit& hit : decision.hits) hits.push_back(HitJson(hit, false));
  line["hits"] = std::move(hits);
  Json shadow = Json::array();
  for (const RuleHit& hit : decision.shadow_hits) shadow.push_back(HitJson(hit, true));
  line["shadow"] = std::move(shadow);
  if (options_.include_text) {
    Json text = Json::object();
    for (const Field& field : post.fields) text[field.name] = field.text;
    line["text"] = std::move(text);
  }
  return Dump(line);
}

std::string DecisionLog::TakeCountLines() {
  std::string text;
  for (const auto& [key, counts] : counts_) {
    const auto& [hour, community, decision, ruleset_id, ruleset_version] = key;
    Json line;
    line["v"] = kDecisionLogVersion;
    line["type"] = "counts";
    line["replica"] = options_.replica;
    line["hour"] = Timestamp(absl::FromUnixSeconds(hour));
    line["community"] = community;
    line["decision"] = decision;
    line["ruleset_id"] = ruleset_id;
    line["ruleset_version"] = ruleset_version;
    line["posts"] = counts.posts;
    line["categories"] = counts.categories;
    line["rules"] = counts.rules;
    line["shadow_rules"] = counts.shadow_rules;
    text += Dump(line);
  }
  counts_.clear();
  return text;
}

void DecisionLog::WriteLocked(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fflush(file_);
}

void DecisionLog::Flush() {
  std::string text;
  {
    std::lock_guard<std::mutex> lock(mu_);
    text = TakeCountLines();
  }
  if (text.empty()) return;
  std::lock_guard<std::mutex> file_lock(file_mu_);
  WriteLocked(text);
}

absl::Status DecisionLog::Reopen() {
  absl::StatusOr<std::FILE*> file = OpenForAppend(options_.path);
  if (!file.ok()) return file.status();
  std::FILE* old;
  {
    // Counts taken now go to the old file, before the switch; counts made
    // after the take go to the new file at the next flush. None twice.
    std::lock_guard<std::mutex> file_lock(file_mu_);
    std::string text;
    {
      std::lock_guard<std::mutex> lock(mu_);
      text = TakeCountLines();
    }
    if (!text.empty()) WriteLocked(text);
    old = file_;
    file_ = *file;
  }
  std::fclose(old);
  return absl::OkStatus();
}

}  // namespace moderation::server
