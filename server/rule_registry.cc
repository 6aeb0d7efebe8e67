#include "server/rule_registry.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "server/heap_trim.h"

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
    labels.push_back({community, set->id(), set->version(), set->content_hash(), set->rule_count(),
                      set->report().total_seconds});
  }
  return labels;
}

// Every reload of the registry shares one ReloadCache: a reload parses only
// the files that changed and compiles only the rule sets they hold.
RuleCatalog::Options WithReuse(RuleCatalog::Options options) {
  if (options.reuse == nullptr) options.reuse = std::make_shared<ReloadCache>();
  return options;
}

}  // namespace

RuleRegistry::RuleRegistry(std::string rules_path, RuleCatalog::Options options, Logger* logger,
                           Metrics* metrics)
    : rules_path_(std::move(rules_path)),
      options_(WithReuse(std::move(options))),
      logger_(logger),
      metrics_(metrics),
      last_good_(options_.compile.cache_dir) {}

std::shared_ptr<const RuleCatalog> RuleRegistry::LoadLastGood(const std::string& community) {
  std::optional<std::vector<rules::SourceFile>> files = last_good_.Load(community);
  if (!files) return nullptr;
  rules::Diagnostics problems;
  RuleCatalog::Options options = options_;
  options.reuse = nullptr;  // other files than the directory's: keep the cache for those
  auto catalog = RuleCatalog::LoadFiles(*files, options, &problems);
  if (!catalog.ok()) {
    logger_->Error("last_good_rules_failed",
                   {{"community", community}, {"errors", DiagnosticsJson(problems)}});
    return nullptr;
  }
  return *catalog;
}

std::map<std::string, RuleCatalog::Fallback> RuleRegistry::Fallbacks(
    const std::map<std::string, std::string>& broken, const RuleCatalog* previous) {
  using Kind = CommunityState::Kind;
  std::map<std::string, RuleCatalog::Fallback> out;
  for (const auto& [community, problem] : broken) {
    RuleCatalog::Fallback& fallback = out[community];
    fallback.state = {Kind::kUnavailable, problem};
    if (previous != nullptr && previous->communities().count(community)) {
      fallback.set = previous->communities().at(community);
      // Rules from the cache stay labelled so until the files are fixed.
      fallback.state.kind = previous->states().at(community).kind == Kind::kLastGood
                                ? Kind::kLastGood
                                : Kind::kPrevious;
      fallback.files = previous->FilesFor(community);
    } else if (std::shared_ptr<const RuleCatalog> last = LoadLastGood(community)) {
      fallback.set = *last->ForCommunity("");
      fallback.state.kind = Kind::kLastGood;
      fallback.files = last->FilesFor("");
    }
  }
  return out;
}

void RuleRegistry::SaveLastGood(const RuleCatalog& catalog) {
  for (const auto& [community, state] : catalog.states()) {
    if (state.kind != CommunityState::Kind::kCurrent) continue;
    std::vector<rules::SourceFile> files;
    for (RuleSetFile& f : catalog.FilesFor(community)) files.push_back(std::move(f.file));
    if (absl::Status s = last_good_.Save(community, files); !s.ok()) {
      logger_->Warning("last_good_rules_not_saved",
                       {{"community", community}, {"error", std::string(s.message())}});
    }
  }
}

bool RuleRegistry::TakeTurn() {
  std::unique_lock<std::mutex> lock(turn_mu_);
  turn_cv_.wait(lock, [this] { return closed_ || !reloading_; });
  if (closed_) return false;
  reloading_ = true;
  return true;
}

void RuleRegistry::EndTurn() {
  {
    std::lock_guard<std::mutex> lock(turn_mu_);
    reloading_ = false;
  }
  turn_cv_.notify_all();
}

void RuleRegistry::Close() {
  {
    std::lock_guard<std::mutex> lock(turn_mu_);
    closed_ = true;
  }
  turn_cv_.notify_all();
}

bool RuleRegistry::Reloading() const {
  std::lock_guard<std::mutex> lock(turn_mu_);
  return reloading_;
}

ReloadOutcome RuleRegistry::Reload(std::string_view reason) {
  ReloadOutcome outcome;
  if (!TakeTurn()) {
    outcome.closed = true;
    outcome.active = Current();
    logger_->Info("rules_reload_skipped",
                  {{"reason", std::string(reason)}, {"why", "shutting down"}});
    return outcome;
  }
  {
    // Gives the turn back however ReloadLocked ends (the watcher catches
    // exceptions and carries on).
    struct TurnGuard {
      RuleRegistry* registry;
      ~TurnGuard() { registry->EndTurn(); }
    } turn{this};
    outcome = ReloadLocked(reason);
  }
  // The previous catalog went with ReloadLocked's locals (unless a request
  // still holds it: then it goes with that request, and the next reload
  // trims). A load allocates about 1.4 times the catalog it builds (the
  // default rules: 55 MB for a 39 MB catalog) and frees the parsed YAML, the
  // compile temporaries and the old catalog; glibc keeps those pages resident
  // inside its arenas, so without a trim each reload left up to a catalog's
  // worth behind (+33 MB after one reload, +40 to +70 MB after twenty, with
  // memory in use flat to 1 MB). malloc_trim(0) hands the free pages of every
  // arena back to the kernel; it took 4 to 10 ms here, once per reload.
  // jemalloc, which moderationd links by default, keeps them until its decay
  // timer runs; heap_trim.h purges either.
  ReturnFreeHeapToSystem();
  return outcome;
}

ReloadOutcome RuleRegistry::ReloadLocked(std::string_view reason) {
  ReloadOutcome outcome;
  outcome.attempted_unix_seconds = NowUnixSeconds();
  const auto start = std::chrono::steady_clock::now();
  logger_->Info("rules_loading", {{"reason", std::string(reason)},
                                  {"path", rules_path_},
                                  {"serving", Current() ? "previous rules" : "nothing yet"}});
  sets_total_ = 0;
  sets_compiled_ = 0;
  loading_ = true;
  RuleCatalog::Options options = options_;
  options.on_progress = [this](size_t compiled, size_t total) {
    sets_total_ = total;
    // Threads finish out of order; the count only grows.
    size_t seen = sets_compiled_.load();
    while (seen < compiled && !sets_compiled_.compare_exchange_weak(seen, compiled)) {
    }
  };
  RuleCatalog::PartialLoad load = RuleCatalog::LoadPartial(rules_path_, options);
  loading_ = false;
  outcome.errors = std::move(load.problems);
  outcome.held_back = load.broken;
  const std::shared_ptr<const RuleCatalog> previous = Current();
  std::shared_ptr<const RuleCatalog> next;
  if (load.catalog != nullptr) {
    next = load.broken.empty()
               ? load.catalog
               : RuleCatalog::WithFallbacks(*load.catalog, Fallbacks(load.broken, previous.get()));
    SaveLastGood(*load.catalog);
  } else if (previous == nullptr) {
    // Nothing can be told apart and nothing serves yet: serve every
    // community's last good rules, if any were saved.
    std::map<std::string, std::string> all;
    for (const std::string& community : last_good_.Communities()) {
      all[community] = "the rules directory has errors";
    }
    std::map<std::string, RuleCatalog::Fallback> fallbacks = Fallbacks(all, nullptr);
    if (!fallbacks.empty()) next = RuleCatalog::FromFallbacks(std::move(fallbacks));
  }
  outcome.ok = outcome.errors.empty() && load.catalog != nullptr;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    last_attempt_unix_seconds_ = outcome.attempted_unix_seconds;
    last_attempt_ok_ = outcome.ok;
    last_errors_ = outcome.errors;
    if (next != nullptr) {
      // Publish: requests that already hold the old catalog finish on it,
      // and `previous` keeps it alive past the lock, so no catalog is ever
      // destroyed while active_mu_ is held.
      std::lock_guard<std::mutex> publish(active_mu_);
      active_ = next;
      active_loaded_unix_seconds_ = outcome.attempted_unix_seconds;
    }
  }
  if (next != nullptr) {
    nlohmann::json sets = nlohmann::json::object();
    for (const auto& [community, state] : next->states()) {
      auto set = next->communities().find(community);
      sets[community.empty() ? "(default)" : community] = {
          {"state", CommunityStateName(state.kind)},
          {"version", set == next->communities().end() ? "" : set->second->version()}};
    }
    logger_->Info("rules_loaded", {{"reason", std::string(reason)},
                                   {"path", rules_path_},
                                   {"seconds", seconds},
                                   {"sets_compiled", load.details.sets_compiled},
                                   {"sets_reused", load.details.sets_reused},
                                   {"communities", sets}});
    metrics_->SetRuleSets(InfoLabels(*next));
  }
  if (!outcome.ok) {
    nlohmann::json held_back = nlohmann::json::object();
    for (const auto& [community, why] : outcome.held_back) {
      held_back[community.empty() ? "(default)" : community] = why;
    }
    logger_->Error("rules_load_failed",
                   {{"reason", std::string(reason)},
                    {"path", rules_path_},
                    {"seconds", seconds},
                    {"errors", DiagnosticsJson(outcome.errors)},
                    {"held_back", held_back},
                    {"serving", Current() ? "previous rules where broken" : "nothing"}});
  }
  metrics_->RecordReload(outcome.ok, outcome.attempted_unix_seconds);
  outcome.active = Current();
  if (listener_) listener_(outcome);
  return outcome;
}

std::string RuleRegistry::NotLoadedReason() const {
  if (Current() != nullptr) return "";
  if (loading_) {
    const size_t total = sets_total_;
    if (total == 0) return "loading rule files";
    return absl::StrCat("compiling rules: ", sets_compiled_.load(), " of ", total, " sets");
  }
  std::lock_guard<std::mutex> lock(status_mu_);
  if (last_attempt_unix_seconds_ == 0) return "rules not loaded yet";
  return absl::StrCat(
      "rules failed to load: ",
      last_errors_.empty() ? std::string("unknown error") : last_errors_[0].ToString(),
      " (fixed files load on change, SIGHUP or ReloadRules)");
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
