// moderationd: the moderation gRPC service.
//
// Wiring only: configuration, logging, metrics, the rule registry and its
// watcher, the gRPC services (with health and reflection), the HTTP
// listener, and signal handling. SIGHUP reloads the rules; SIGTERM and
// SIGINT shut down gracefully: health goes NOT_SERVING, no new calls are
// accepted, calls in flight get up to --shutdown_grace to finish, exit 0.
// A rules compile in progress then (the first one, or a reload's) is
// abandoned, never waited for: it cannot be interrupted and can take
// minutes.
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/admin_auth.h"
#include "server/admin_service.h"
#include "server/build_info.h"
#include "server/config.h"
#include "server/grpc_server_options.h"
#include "server/http_server.h"
#include "server/moderation_service.h"
#include "server/pulse/alert_hub.h"
#include "server/pulse/clock.h"
#include "server/pulse/pulse.h"
#include "server/pulse_observers.h"
#include "server/pulse_page.h"
#include "server/pulse_service.h"
#include "server/pulse_webhook.h"
#include "server/reload_watcher.h"
#include "server/rule_registry.h"

namespace moderation::server {
namespace {

constexpr const char* kServices[] = {"", "moderation.v1.ModerationService",
                                     "moderation.v1.RuleAdminService",
                                     "moderation.v1.CommunityPulseService"};

// Signals are handled synchronously by main's sigwait loop: blocked here,
// before any thread starts, so every thread inherits the mask.
sigset_t BlockHandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// glibc's malloc, set for a process that replaces a large catalog now and
// then (RuleRegistry::Reload also trims the arenas after each reload). This
// applies when moderationd runs on glibc's malloc (built with
// MODERATION_JEMALLOC=OFF); with jemalloc, the default, these calls set
// glibc's unused allocator and change nothing:
//
// Arenas: glibc gives threads their own malloc arenas, up to 8 per core. A
// reload builds a catalog on one thread while requests touch it on many, and
// the memory freed after the old catalog goes stays scattered over all those
// arenas: resident memory rose by a catalog's worth per few reloads (issue
// 11: 37 MB to 76 MB over 5 reloads) and levelled off far above what is in
// use. Two arenas, at the cost of more contention between threads that
// allocate at once; the request path allocates little.
//
// mmap threshold: blocks of 1 MiB and more (Hyperscan databases, of 7 MB on
// the default rules; large tables) get their own mapping, returned to the
// kernel when freed. glibc's default threshold starts at 128 KiB but rises
// to the largest mapped block freed (up to 32 MiB), so after the first
// reload freed the startup catalog, every later catalog's databases landed
// inside the arenas and left holes there. Measured over 30 reloads of the
// default rules with a trim after each: resident +1 to +11 MB with the
// rising threshold, +2 MB with it fixed at 1 MiB (memory in use: +0.1 MB).
// Posts are at most --max_post_bytes (64 KiB by default), so requests stay
// in the arenas.
//
// MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_, if set, win.
void TuneMalloc() {
  constexpr int kMallocArenas = 2;
  constexpr int kMmapThresholdBytes = 1 << 20;
  auto configured = [](const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0';
  };
  if (!configured("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, kMallocArenas);
  if (!configured("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
}

// Protobuf logs a request with invalid UTF-8 in a string field as a plain
// text line before the tolerant parse takes over
// (proto/support/tolerant_parse.h). The client gets INVALID_ARGUMENT naming
// the field, so that line is only noise, and it would break the JSON log.
// Anything else protobuf says becomes a JSON line.
void ProtobufLogToJson(google::protobuf::LogLevel level, const char* file, int line,
                       const std::string& message) {
  if (message.find("invalid UTF-8") != std::string::npos) return;
  static Logger* const logger = new Logger(LogLevel::kDebug);  // lives as long as protobuf
  logger->Log(level >= google::protobuf::LOGLEVEL_ERROR ? LogLevel::kError : LogLevel::kWarning,
              "protobuf",
              {{"message", message}, {"source", std::string(file) + ":" + std::to_string(line)}});
}

// The directory to watch: the rules path itself, or a single file's folder.
std::string WatchDirectory(const std::string& rules) {
  std::error_code ec;
  if (std::filesystem::is_directory(rules, ec)) return rules;
  const std::string parent = std::filesystem::path(rules).parent_path().string();
  return parent.empty() ? "." : parent;
}

bool WritePortFile(const std::string& path, int grpc_port, int metrics_port) {
  return WriteFileAtomically(
      path, nlohmann::json{{"grpc", grpc_port}, {"metrics", metrics_port}}.dump() + "\n");
}

class Daemon {
 public:
  explicit Daemon(const ServerConfig& config, LogLevel level)
      : config_(config),
        logger_(level),
        registry_(config.rules, CatalogOptions(config), &logger_, &metrics_) {}

  ~Daemon() { StopPulseTicker(); }

  int Run(const sigset_t& signals);

 private:
  static RuleCatalog::Options CatalogOptions(const ServerConfig& config) {
    RuleCatalog::Options options;
    options.compile.cache_dir = config.cache_dir;
    return options;
  }
  // Why calls cannot be served now ("compiling rules: 3 of 5 sets",
  // "shutting down"), or "" when they can.
  std::string NotReadyReason() const {
    if (shutting_down_.load()) return "shutting down";
    return registry_.NotLoadedReason();
  }
  void UpdateHealth() {
    if (server_ == nullptr) return;
    const bool serving = NotReadyReason().empty();
    metrics_.SetReady(serving);
    for (const char* service : kServices)
      server_->GetHealthCheckService()->SetServingStatus(service, serving);
  }
  // The community pulse, its alert observers and its ticker (--pulse).
  bool StartPulse();
  void StopPulseTicker();
  void RefreshCommunityLabels();
  bool StartGrpc(int* port);
  // Waits until no moderation call is under way (true) or until deadline
  // (false if calls are still running then).
  bool WaitUntilDrained(absl::Time deadline);
  // Closes the registry, drains the calls in flight (up to
  // --shutdown_grace), then stops gRPC, the watcher and the HTTP listener.
  // False, with those left running, if a reload is still compiling after
  // the drain: the caller must then AbandonReload().
  bool Shutdown();
  // Exits at once, without destructors, leaving the compile in progress.
  [[noreturn]] void AbandonReload();
  // SIGHUP: logrotate has moved the decision log away; write to a new file.
  void ReopenDecisionLog() {
    if (decisions_ == nullptr) return;
    if (absl::Status s = decisions_->Reopen(); !s.ok()) {
      logger_.Error("decision_log_reopen_failed", {{"error", std::string(s.message())}});
      return;
    }
    logger_.Info("decision_log_reopened", {{"path", config_.decision_log}});
  }
  // SIGHUP: logrotate has moved the audit log away; write to a new file.
  void ReopenAuditLog() {
    if (audit_ == nullptr) return;
    if (absl::Status s = audit_->Reopen(); !s.ok()) {
      logger_.Error("audit_log_reopen_failed", {{"error", std::string(s.message())}});
      return;
    }
    logger_.Info("audit_log_reopened", {{"path", config_.audit_log}});
  }

  const ServerConfig config_;
  Logger logger_;
  Metrics metrics_;
  RuleRegistry registry_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<DecisionLog> decisions_;
  // The pulse and its hub outlive the gRPC server (declared before it).
  std::unique_ptr<pulse::Clock> pulse_clock_;
  pulse::AlertHub alert_hub_;
  std::unique_ptr<PulseWebhook> webhook_;  // before pulse_: the hub calls it
  std::unique_ptr<pulse::Pulse> pulse_;
  // The busiest unlisted communities keep their metrics label (with the
  // pulse and --metrics_top_communities > 0); refreshed by the ticker.
  std::unique_ptr<CommunityLabels> community_labels_;
  std::thread pulse_ticker_;
  std::mutex pulse_ticker_mu_;
  std::condition_variable pulse_ticker_cv_;
  bool pulse_ticker_stop_ = false;  // guarded by pulse_ticker_mu_
  std::unique_ptr<AdminAuthenticator> auth_;
  std::unique_ptr<AdminAuthenticator> reader_auth_;
  std::unique_ptr<CommunityPulseServiceImpl> pulse_service_;
  // Before moderation_ and server_: its workers outlive every call.
  std::unique_ptr<BatchPool> batch_pool_;
  std::unique_ptr<ModerationServiceImpl> moderation_;
  std::unique_ptr<RuleAdminServiceImpl> admin_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<ReloadWatcher> watcher_;
  std::unique_ptr<HttpServer> http_;
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> first_load_done_{false};  // the startup thread's Reload returned
};

// False (logged) when the webhook cannot be set up: its CA file.
bool Daemon::StartPulse() {
  if (!config_.pulse) return true;
  const bool replay = config_.pulse_clock == "post_time";
  if (replay) {
    pulse_clock_ = std::make_unique<pulse::ReplayClock>();
  } else {
    pulse_clock_ = std::make_unique<pulse::WallClock>();
  }
  pulse::PulseOptions options;
  options.max_communities = static_cast<size_t>(config_.pulse_max_communities);
  // On the wall clock the ticker evaluates, so no request pays for it; a
  // replay's time moves only with its posts, so they evaluate.
  options.evaluate_in_record = replay;
  pulse_ = std::make_unique<pulse::Pulse>(options, pulse_clock_.get(), &alert_hub_);
  alert_hub_.Subscribe([this](const pulse::Alert& a) { LogAlert(logger_, a); });
  if (decisions_ != nullptr) {
    // Reports list a period's alerts beside its figures (issue 13 §2).
    alert_hub_.Subscribe([this](const pulse::Alert& a) {
      AlertRecord r;
      r.id = a.id;
      r.community = a.community;
      r.kind = pulse::AlertKindName(a.kind);
      r.subject = a.subject;
      r.severity = a.severity;
      r.open = a.open();
      r.started = a.started;
      r.ended = a.ended;
      r.window_posts = a.window_posts;
      r.observed = a.observed;
      r.expected = a.expected;
      r.z = a.z;
      r.top_rules = a.top_rules;
      decisions_->RecordAlert(r);
    });
  }
  if (!config_.pulse_webhook_url.empty()) {
    // The URL passed ParseServerConfig; what fails here is the TLS setup.
    PulseWebhookOptions hook_options;
    hook_options.max_attempts = config_.pulse_webhook_max_attempts;
    hook_options.deadline = config_.pulse_webhook_deadline;
    auto webhook = PulseWebhook::Create(config_.pulse_webhook_url, config_.pulse_webhook_ca_file,
                                        &logger_, hook_options);
    if (!webhook.ok()) {
      logger_.Error("bad_pulse_webhook",
                    {{"error", absl::StrCat(config_.pulse_webhook_ca_file.empty()
                                                ? "--pulse_webhook_url: "
                                                : "--pulse_webhook_ca_file: ",
                                            webhook.status().message())}});
      return false;
    }
    webhook_ = std::move(*webhook);
    alert_hub_.Subscribe([this](const pulse::Alert& a) { webhook_->Enqueue(a); });
    const WebhookUrl& url = webhook_->url();
    // Host and port only: the path of a chat webhook is its secret.
    logger_.Info("pulse_webhook",
                 {{"host", url.host},
                  {"port", url.port},
                  {"tls", url.tls},
                  {"ca_file", url.tls && config_.pulse_webhook_ca_file.empty()
                                  ? "system"
                                  : config_.pulse_webhook_ca_file},
                  {"max_attempts", config_.pulse_webhook_max_attempts},
                  {"deadline_seconds", absl::ToDoubleSeconds(config_.pulse_webhook_deadline)}});
    metrics_.AddCollector([this](std::string* out) { webhook_->RenderMetrics(out); });
  }
  metrics_.AddCollector([this](std::string* out) { RenderPulseMetrics(*pulse_, out); });
  if (config_.metrics_top_communities > 0) {
    community_labels_ =
        std::make_unique<CommunityLabels>(static_cast<size_t>(config_.metrics_top_communities));
  }
  pulse_ticker_ = std::thread([this] {
    std::unique_lock lock(pulse_ticker_mu_);
    absl::Time next_refresh = absl::Now();
    const auto wait = std::chrono::milliseconds(
        std::min<int64_t>(1000, absl::ToInt64Milliseconds(config_.metrics_top_refresh)));
    while (!pulse_ticker_cv_.wait_for(lock, wait, [this] { return pulse_ticker_stop_; })) {
      lock.unlock();
      pulse_->Tick();
      if (community_labels_ != nullptr && absl::Now() >= next_refresh) {
        RefreshCommunityLabels();
        next_refresh = absl::Now() + config_.metrics_top_refresh;
      }
      lock.lock();
    }
  });
  return true;
}

// The busiest communities of the last hour that communities.yaml does not
// list get their own metrics label; those that drop out lose their series.
void Daemon::RefreshCommunityLabels() {
  const std::shared_ptr<const RuleCatalog> catalog = registry_.Current();
  const size_t top_n = community_labels_->top_n();
  std::vector<std::string> busiest;
  // Listed ones and the pulse's "other" may take places in the list, so ask
  // for more than top_n; the pulse tracks at most --pulse_max_communities.
  for (const pulse::CommunitySummary& c : pulse_->List(pulse::Pulse::Order::kVolume, 0)) {
    if (busiest.size() >= top_n) break;
    if (c.posts_last_hour == 0 || c.community == pulse::kOtherCommunity) continue;
    if (catalog != nullptr && catalog->communities().count(c.community) > 0) continue;
    busiest.push_back(c.community);
  }
  for (const std::string& gone : community_labels_->Refresh(busiest)) {
    metrics_.ForgetCommunity(gone);
  }
}

void Daemon::StopPulseTicker() {
  if (!pulse_ticker_.joinable()) return;
  {
    std::lock_guard lock(pulse_ticker_mu_);
    pulse_ticker_stop_ = true;
  }
  pulse_ticker_cv_.notify_all();
  pulse_ticker_.join();
}

bool Daemon::StartGrpc(int* port) {
  auto credentials =
      MakeServerCredentials(config_.tls_cert, config_.tls_key, config_.tls_client_ca);
  if (!credentials.ok()) {
    logger_.Error("bad_tls_config", {{"error", std::string(credentials.status().message())}});
    return false;
  }
  auto auth = AdminAuthenticator::Create(config_.admin_token_file, !config_.tls_client_ca.empty());
  if (!auth.ok()) {
    logger_.Error("bad_admin_config", {{"error", std::string(auth.status().message())}});
    return false;
  }
  auth_ = std::move(*auth);
  if (!config_.pulse_reader_token_file.empty()) {
    auto reader = AdminAuthenticator::Create(config_.pulse_reader_token_file, false);
    if (!reader.ok()) {
      logger_.Error(
          "bad_pulse_reader_config",
          {{"error", "--pulse_reader_token_file: " + std::string(reader.status().message())}});
      return false;
    }
    reader_auth_ = std::move(*reader);
  }
  const int batch_workers =
      config_.batch_workers >= 0 ? config_.batch_workers : BatchPool::WorkersForThisMachine();
  if (batch_workers > 0) batch_pool_ = std::make_unique<BatchPool>(batch_workers);
  moderation_ = std::make_unique<ModerationServiceImpl>(
      &registry_, &metrics_, audit_.get(), &logger_,
      ModerationLimits{config_.max_post_bytes, config_.max_batch, config_.max_in_flight,
                       config_.unknown_community == "reject"},
      decisions_.get(), pulse_.get(), batch_pool_.get(), community_labels_.get());
  RuleCatalog::Options options = CatalogOptions(config_);
  admin_ = std::make_unique<RuleAdminServiceImpl>(&registry_, auth_.get(), options.compile,
                                                  config_.max_post_bytes, &logger_);
  EnableHealthAndReflection();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.listen, *credentials, port);
  builder.RegisterService(moderation_.get());
  builder.RegisterService(admin_.get());
  if (pulse_ != nullptr) {
    pulse_service_ = std::make_unique<CommunityPulseServiceImpl>(
        pulse_.get(), &alert_hub_, auth_.get(), reader_auth_.get(), &logger_);
    builder.RegisterService(pulse_service_.get());
  }
  ApplyServerOptions(&builder, config_.threads,
                     MaxMessageBytes(config_.max_post_bytes, config_.max_batch));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || *port == 0) {
    logger_.Error("cannot_listen", {{"address", config_.listen}});
    return false;
  }
  return true;
}

int Daemon::Run(const sigset_t& signals) {
  const BuildInfo& build = GetBuildInfo();
  metrics_.SetBuildInfo(build);
  metrics_.SetMaxInFlight(config_.max_in_flight);
  logger_.Info("starting", {{"version", build.version}, {"build_type", build.build_type}});
  if (!config_.audit_log.empty()) {
    auto audit = AuditLog::Open(config_.audit_log, config_.audit_include_text);
    if (!audit.ok()) {
      logger_.Error("bad_audit_log", {{"error", std::string(audit.status().message())}});
      return 1;
    }
    audit_ = std::move(*audit);
  }
  if (!config_.decision_log.empty()) {
    DecisionLog::Options options;
    options.path = config_.decision_log;
    options.replica = config_.decision_log_replica;
    options.flush_interval = config_.decision_log_flush;
    options.allow_in_full = config_.decision_log_allows;
    options.include_text = config_.decision_log_include_text;
    // A replay counts on the posts' time, like the pulse (--pulse_clock).
    options.time_from_post = config_.pulse_clock == "post_time";
    auto decisions = DecisionLog::Open(std::move(options));
    if (!decisions.ok()) {
      logger_.Error("bad_decision_log", {{"error", std::string(decisions.status().message())}});
      return 1;
    }
    decisions_ = std::move(*decisions);
  }
  // RuleRegistry::Reload hands a load's free pages back to the system once
  // the previous catalog is gone (heap_trim.h); this listener runs inside the
  // load, before that.
  registry_.SetListener([this](const ReloadOutcome&) { UpdateHealth(); });
  // Cold start: the ports open before the rules are compiled (seconds), so
  // probes and clients get answers at once: health NOT_SERVING, /readyz 503
  // with the progress, calls UNAVAILABLE saying why. The first load runs on
  // a thread of its own (below).
  if (!StartPulse()) return 1;
  int grpc_port = 0;
  if (!StartGrpc(&grpc_port)) {
    StopPulseTicker();
    return 1;
  }
  UpdateHealth();
  auto watcher = ReloadWatcher::Start(
      WatchDirectory(config_.rules), config_.reload_debounce, config_.watch_rules,
      [this](std::string_view reason) { registry_.Reload(reason); }, &logger_);
  if (!watcher.ok()) {
    logger_.Error("cannot_watch_rules", {{"error", std::string(watcher.status().message())}});
    Shutdown();
    return 1;
  }
  watcher_ = std::move(*watcher);
  int metrics_port = 0;
  if (!config_.metrics_listen.empty()) {
    HttpServer::PageFn pulse_page;
    if (pulse_ != nullptr) {
      pulse_page = [this](const HttpServer::PageRequest& request) {
        return ServePulsePage(request, *pulse_, auth_.get(), reader_auth_.get());
      };
    }
    auto http = HttpServer::Start(
        config_.metrics_listen, &metrics_, [this] { return NotReadyReason(); },
        std::move(pulse_page));
    if (!http.ok()) {
      logger_.Error("cannot_serve_metrics", {{"error", std::string(http.status().message())}});
      Shutdown();
      return 1;
    }
    http_ = std::move(*http);
    metrics_port = http_->port();
  }
  logger_.Info("listening", {{"grpc_port", grpc_port},
                             {"metrics_port", metrics_port},
                             {"tls", !config_.tls_cert.empty()},
                             {"mtls", !config_.tls_client_ca.empty()}});
  // A broken rules directory at startup does not stop the process: it
  // serves nothing (not ready, health NOT_SERVING) until a reload succeeds.
  // The port file is written after this first attempt, as before: whoever
  // waits for it gets a server that has tried its rules.
  std::thread startup([this, grpc_port, metrics_port] {
    const bool closed = registry_.Reload("startup").closed;
    first_load_done_ = true;
    if (closed) return;  // shutdown came first: nothing loaded, nothing to announce
    if (!config_.port_file.empty() && !WritePortFile(config_.port_file, grpc_port, metrics_port)) {
      logger_.Error("cannot_write_port_file", {{"path", config_.port_file}});
    }
    logger_.Info("serving", {{"grpc_port", grpc_port},
                             {"metrics_port", metrics_port},
                             {"rules", config_.rules},
                             {"ready", NotReadyReason().empty()}});
  });
  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    if (signal == SIGHUP) {
      watcher_->Trigger("SIGHUP");
      ReopenAuditLog();
      ReopenDecisionLog();
      continue;
    }
    logger_.Info("shutdown_requested", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    break;
  }
  if (!Shutdown()) AbandonReload();
  startup.join();
  logger_.Info("stopped");
  return 0;
}

bool Daemon::WaitUntilDrained(absl::Time deadline) {
  // A call whose request was still being received when the drain began
  // reaches a handler (and is counted) only once its message is complete,
  // which takes milliseconds; so the drain ends after no call has been
  // under way for kQuietPeriod, not at the first idle instant.
  constexpr absl::Duration kQuietPeriod = absl::Milliseconds(100);
  absl::Time idle_since = absl::InfiniteFuture();
  for (;;) {
    const absl::Time now = absl::Now();
    if (!moderation_->Drained()) {
      idle_since = absl::InfiniteFuture();
    } else if (idle_since == absl::InfiniteFuture()) {
      idle_since = now;
    }
    if (now - idle_since >= kQuietPeriod) return true;
    if (now >= deadline) return moderation_->Drained();
    absl::SleepFor(absl::Milliseconds(5));
  }
}

void Daemon::AbandonReload() {
  // A reload is compiling: the first one, or one a SIGHUP, a file change or
  // ReloadRules started. Compiling cannot be interrupted and can take
  // minutes on a busy machine with a cold cache, far past the orchestrator's
  // patience (Kubernetes kills after 30 s); its result would be thrown away.
  // The calls in flight have had their grace. So exit now rather than be
  // killed: no destructors run (the compiling thread still uses the
  // registry), so the decision log's counts are written here; the audit log
  // writes every line at once.
  if (first_load_done_) {
    logger_.Info("stopped", {{"reload", "abandoned"}});
  } else {
    // Nothing was served and nothing is kept.
    logger_.Info("stopped", {{"first_load", "abandoned"}});
  }
  if (decisions_ != nullptr) decisions_->Flush();
  if (webhook_ != nullptr) webhook_->Stop();  // logs the retries it abandons
  std::fflush(nullptr);
  std::_Exit(0);
}

bool Daemon::Shutdown() {
  shutting_down_ = true;
  // Reloads still waiting for their turn (a SIGHUP, a file change or a
  // ReloadRules call that came during a long compile) give up now, and none
  // starts later. Otherwise the watcher's thread and the ReloadRules call,
  // which the steps below wait for, wait for the compile in progress and
  // then compile again: SIGTERM during the first compile of the shipped
  // rules with a cold cache took 69 to 89 s to exit here (minutes on a
  // loaded host), past Kubernetes' 30 s.
  registry_.Close();
  UpdateHealth();  // NOT_SERVING: load balancers stop sending new calls
  if (server_ != nullptr) {
    // New calls now get UNAVAILABLE; posts being judged and open streams get
    // up to the grace period to finish. Then gRPC stops at once: waiting in
    // Shutdown(deadline) would also wait for idle client connections.
    moderation_->BeginDrain();
    const absl::Time start = absl::Now();
    const bool complete = WaitUntilDrained(start + config_.shutdown_grace);
    logger_.Info("drained",
                 {{"complete", complete}, {"seconds", absl::ToDoubleSeconds(absl::Now() - start)}});
  }
  // A compile in progress would hold up what follows (the watcher's thread
  // or a ReloadRules call may be the one compiling). Once closed, the
  // registry starts no reload, so false here stays false.
  if (registry_.Reloading()) return false;
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
  watcher_.reset();
  http_.reset();
  StopPulseTicker();
  // No backoff is waited out: retries still pending are logged as abandoned.
  if (webhook_ != nullptr) webhook_->Stop();
  return true;
}

}  // namespace
}  // namespace moderation::server

int main(int argc, char** argv) {
  using namespace moderation::server;
  // Debian's libabsl is built without NDEBUG, which leaves absl::Mutex
  // deadlock detection on; gRPC takes absl mutexes on every call, and the
  // detector cost 5-10 % of unary throughput (echo_server under loadgen).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  TuneMalloc();  // before any thread starts
  google::protobuf::SetLogHandler(&ProtobufLogToJson);
  const sigset_t signals = BlockHandledSignals();
  absl::StatusOr<ServerConfig> config = ParseServerConfig(argc, argv);
  if (absl::IsCancelled(config.status())) return 0;  // --help or --version
  if (!config.ok()) {
    std::cerr << "moderationd: " << config.status().message() << "\n";
    return 2;
  }
  LogLevel level = LogLevel::kInfo;
  ParseLogLevel(config->log_level, &level);
  Daemon daemon(*config, level);
  return daemon.Run(signals);
}
