// The active rules of a running server, and reloading them.
//
// Why: requests must never wait for a reload, and a broken rule file must
// never take the service down. The registry holds the active RuleCatalog as
// an atomically published std::shared_ptr<const RuleCatalog>: a request loads
// the pointer once and finishes on that snapshot even if a reload publishes a
// new one meanwhile. Reload() loads and compiles off the request path
// (including every embedded example). A broken rule set only holds back the
// communities that use it (RuleCatalog::LoadPartial): every other community
// gets its new rules, and a broken one keeps the rules that served it before
// or, after a restart, its last good rules from the cache directory
// (LastGoodStore); with neither it is UNAVAILABLE, naming the broken file.
// When no community can be told apart (a broken communities file), the whole
// last good catalog keeps serving. Every failure is recorded for
// ListRuleSets, metrics and logs. Reloads share one ReloadCache
// (engine/reload_cache.h): unchanged files are not parsed again and
// the rule sets of unchanged files are not compiled or checked again.
//
//   RuleRegistry registry("rules/", options, &logger, &metrics);
//   ReloadOutcome first = registry.Reload("startup");
//   std::shared_ptr<const RuleCatalog> rules = registry.Current();  // per request
//
// Thread-safety: Current() may be called from any thread; it copies the
// pointer under a mutex held for nothing else (a reference-count increment,
// never a compile or a catalog's destruction). Reload() may be called from
// any thread; concurrent reloads are serialised. Close() may be called from
// any thread: it ends reloading for good (shutdown), and reloads waiting for
// their turn give up at once instead of waiting behind a compile.
#ifndef MODERATION_SERVER_RULE_REGISTRY_H_
#define MODERATION_SERVER_RULE_REGISTRY_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/catalog.h"
#include "engine/rules/diagnostic.h"
#include "server/last_good_store.h"
#include "server/log.h"
#include "server/metrics.h"

namespace moderation::server {

struct ReloadOutcome {
  bool ok = false;            // everything loaded cleanly
  bool closed = false;        // not attempted: the registry was closed (shutdown)
  rules::Diagnostics errors;  // every problem, when !ok
  // Communities held back by broken rule sets -> why (naming the files).
  std::map<std::string, std::string> held_back;
  std::shared_ptr<const RuleCatalog> active;  // what serves now (may be null)
  double attempted_unix_seconds = 0;
};

// What ListRuleSets reports besides the active catalog.
struct RegistryStatus {
  std::string rules_path;
  std::shared_ptr<const RuleCatalog> active;
  double active_loaded_unix_seconds = 0;
  double last_attempt_unix_seconds = 0;
  bool last_attempt_ok = false;
  rules::Diagnostics last_errors;
};

class RuleRegistry {
 public:
  RuleRegistry(std::string rules_path, RuleCatalog::Options options, Logger* logger,
               Metrics* metrics);

  // Loads the rules path now; `reason` ("startup", "inotify", "SIGHUP",
  // "admin") goes to the log. Waits while another reload runs; after
  // Close(), or when Close() comes while waiting, returns at once with
  // `closed` set and nothing loaded (no listener call, no metrics).
  ReloadOutcome Reload(std::string_view reason);

  // Shutdown: no reload starts after this, and reloads waiting for their
  // turn return (closed). A reload already loading goes on: compiling cannot
  // be interrupted. Idempotent.
  void Close();

  // True while a reload holds its turn (loading, compiling, publishing).
  // After Close(), once false it stays false.
  bool Reloading() const;

  // The active catalog, or null before the first successful load.
  std::shared_ptr<const RuleCatalog> Current() const {
    std::lock_guard<std::mutex> lock(active_mu_);
    return active_;
  }

  RegistryStatus Status() const;

  // Why Current() is null, or "" once rules are loaded: "loading rule
  // files", "compiling rules: 3 of 5 sets", or "rules failed to load: <first
  // error>". For /readyz and the UNAVAILABLE answers of a cold start.
  std::string NotLoadedReason() const;

  // Called after every reload attempt (from the reloading thread, outside
  // the registry's locks), e.g. to flip gRPC health once rules exist. Set
  // before the first Reload; not thread-safe against concurrent reloads.
  void SetListener(std::function<void(const ReloadOutcome&)> listener) {
    listener_ = std::move(listener);
  }

 private:
  // Waits until no other reload runs, then holds the turn (true); false
  // (without the turn) once the registry is closed.
  bool TakeTurn();
  void EndTurn();
  // Reload's work, holding the turn; the previous catalog is released (if no
  // request holds it) when this returns.
  ReloadOutcome ReloadLocked(std::string_view reason);
  // Stand-ins for the communities LoadPartial reported broken.
  std::map<std::string, RuleCatalog::Fallback> Fallbacks(
      const std::map<std::string, std::string>& broken, const RuleCatalog* previous);
  // A community's last good rules from the store, compiled; null if none.
  std::shared_ptr<const RuleCatalog> LoadLastGood(const std::string& community);
  void SaveLastGood(const RuleCatalog& catalog);

  const std::string rules_path_;
  const RuleCatalog::Options options_;
  Logger* const logger_;
  Metrics* const metrics_;

  // Not std::atomic<std::shared_ptr>: libstdc++ 12 releases that type's
  // internal lock with memory_order_relaxed after a load, so a load and a
  // later store race (ThreadSanitizer reported it between a /readyz
  // handler and the startup reload).
  mutable std::mutex active_mu_;
  std::shared_ptr<const RuleCatalog> active_;  // guarded by active_mu_
  std::function<void(const ReloadOutcome&)> listener_;

  // Progress of the reload in flight (written by the compiling threads).
  std::atomic<bool> loading_{false};
  std::atomic<size_t> sets_compiled_{0};
  std::atomic<size_t> sets_total_{0};

  // Serialise Reload. A reload holds the turn while it compiles, but not
  // turn_mu_, so a waiting reload can give up when Close() comes (a plain
  // mutex held for the compile could not be left: shutdown joined threads
  // stuck behind the first compile, then waited for their own).
  mutable std::mutex turn_mu_;
  std::condition_variable turn_cv_;
  bool reloading_ = false;   // guarded by turn_mu_: a reload holds the turn
  bool closed_ = false;      // guarded by turn_mu_
  LastGoodStore last_good_;  // used only by the reload holding the turn
  // Guards the fields below; never held while compiling, so Status() (and
  // ListRuleSets) answers promptly during a long reload.
  mutable std::mutex status_mu_;
  double active_loaded_unix_seconds_ = 0;
  double last_attempt_unix_seconds_ = 0;
  bool last_attempt_ok_ = false;
  rules::Diagnostics last_errors_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_RULE_REGISTRY_H_
