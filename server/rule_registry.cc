#include "server/rule_registry.h"

#include <chrono>

namespace moderation::server {
namespace {

double NowUnixSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json DiagnosticsJson(const rules::Diagnostics& diagnostics) {
  nlohmann::json out = nlohmann::json::array();
  for (const rules::Diagnostic& d : diagnostics) out.push_back(d.ToString());
  return out;
}

std::vector<RuleSetInfoLabels> InfoLabels(const RuleCatalog& catalog) {
  std::vector<RuleSetInfoLabels> labels;
  for (const auto& [community, set] : catalog.communities()) {
    labels.push_back({community, set->id(), set->version(), set->content_hash()});
  }
  return labels;
}

}  // namespace

RuleRegistry::RuleRegistry(std::string rules_path, RuleCatalog::Options options, Logger* logger,
                           Metrics* metrics)
    : rules_path_(std::move(rules_path)),
      options_(std::move(options)),
      logger_(logger),
      metrics_(metrics) {}

ReloadOutcome RuleRegistry::Reload(std::string_view reason) {
  std::lock_guard<std::mutex> reload_lock(reload_mu_);
  ReloadOutcome outcome;
  outcome.attempted_unix_seconds = NowUnixSeconds();
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::shared_ptr<const RuleCatalog>> loaded =
      RuleCatalog::Load(rules_path_, options_, &outcome.errors);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!loaded.ok() && outcome.errors.empty()) {
    outcome.errors.push_back({{rules_path_, 0, 0}, std::string(loaded.status().message())});
  }
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    last_attempt_unix_seconds_ = outcome.attempted_unix_seconds;
    last_attempt_ok_ = loaded.ok();
    last_errors_ = outcome.errors;
    if (loaded.ok()) {
      // Publish: requests that already hold the old catalog finish on it.
      active_.store(*loaded, std::memory_order_release);
      active_loaded_unix_seconds_ = outcome.attempted_unix_seconds;
    }
  }
  if (loaded.ok()) {
    outcome.ok = true;
    nlohmann::json sets = nlohmann::json::object();
    for (const auto& [community, set] : (*loaded)->communities()) {
      sets[community.empty() ? "(default)" : community] = set->version();
    }
    logger_->Info("rules_loaded", {{"reason", std::string(reason)},
                                   {"path", rules_path_},
                                   {"seconds", seconds},
                                   {"communities", sets}});
    metrics_->SetRuleSets(InfoLabels(**loaded));
  } else {
    logger_->Error("rules_load_failed", {{"reason", std::string(reason)},
                                         {"path", rules_path_},
                                         {"seconds", seconds},
                                         {"errors", DiagnosticsJson(outcome.errors)},
                                         {"serving", Current() ? "previous rules" : "nothing"}});
  }
  metrics_->RecordReload(outcome.ok, outcome.attempted_unix_seconds);
  outcome.active = Current();
  if (listener_) listener_(outcome);
  return outcome;
}

RegistryStatus RuleRegistry::Status() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  RegistryStatus status;
  status.rules_path = rules_path_;
  status.active = Current();
  status.active_loaded_unix_seconds = active_loaded_unix_seconds_;
  status.last_attempt_unix_seconds = last_attempt_unix_seconds_;
  status.last_attempt_ok = last_attempt_ok_;
  status.last_errors = last_errors_;
  return status;
}

}  // namespace moderation::server
