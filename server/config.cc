#include "server/config.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/build_info.h"
#include "server/log.h"
#include "server/pulse_webhook_http.h"

// Defaults come from ServerConfig's initialisers, documented in config.h.
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC listen address (host:port; port 0 = any free port)");
ABSL_FLAG(std::string, rules, "rules", "rules directory or file");
ABSL_FLAG(std::string, cache_dir, "", "Hyperscan database cache directory (\"\" = off)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9464",
          "HTTP address for /metrics, /healthz, /readyz (\"\" = off)");
ABSL_FLAG(int, threads, 0, "upper bound on gRPC server threads (0 = one per core)");
ABSL_FLAG(int, batch_workers, -1,
          "threads that help ModerateBatch judge its posts in parallel when idle "
          "(-1 = usable CPUs - 1, 0 = none)");
ABSL_FLAG(int64_t, max_post_bytes, 65536, "largest post (all content fields) in bytes");
ABSL_FLAG(int, max_batch, 100, "most posts per ModerateBatch call");
ABSL_FLAG(int, max_in_flight, 4096, "most posts judged at once; beyond it RESOURCE_EXHAUSTED");
ABSL_FLAG(std::string, tls_cert, "", "PEM server certificate (with --tls_key enables TLS)");
ABSL_FLAG(std::string, tls_key, "", "PEM server private key");
ABSL_FLAG(std::string, tls_client_ca, "", "PEM CA for client certificates (enables mTLS)");
ABSL_FLAG(std::string, admin_token_file, "", "file with the admin bearer token");
ABSL_FLAG(std::string, audit_log, "", "JSON Lines audit log of FLAG/BLOCK decisions (\"\" = off)");
ABSL_FLAG(bool, audit_include_text, false, "also record post text in the audit log");
ABSL_FLAG(std::string, decision_log, "",
          "JSON Lines decision log for modctl report: hourly counts of every decision, "
          "FLAG/BLOCK in full (\"\" = off)");
ABSL_FLAG(std::string, decision_log_replica, "",
          "replica name in the decision log (\"\" = host name)");
ABSL_FLAG(absl::Duration, decision_log_flush, absl::Seconds(60),
          "how often the decision log writes its hourly counts");
ABSL_FLAG(bool, decision_log_allows, false, "also write every ALLOW in full to the decision log");
ABSL_FLAG(bool, decision_log_include_text, false, "also record post text in the decision log");
ABSL_FLAG(bool, watch_rules, true, "reload when files in the rules directory change (inotify)");
ABSL_FLAG(absl::Duration, reload_debounce, absl::Milliseconds(300), "quiet time before a reload");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "how long shutdown waits for calls in flight");
ABSL_FLAG(std::string, unknown_community, "default",
          "a community communities.yaml does not list: default (judge with the default sets) | "
          "reject (NOT_FOUND)");
ABSL_FLAG(bool, pulse, true, "keep the community pulse (windows, mood, crisis alerts)");
ABSL_FLAG(int, pulse_max_communities, 1000,
          "communities the pulse tracks at once (more: \"other\")");
ABSL_FLAG(std::string, pulse_clock, "wall",
          "the pulse's time: wall | post_time (newest Post.created_at; replays and tests only)");
ABSL_FLAG(std::string, pulse_reader_token_file, "",
          "file with a bearer token for CommunityPulseService only (\"\" = admin credential only)");
ABSL_FLAG(std::string, pulse_webhook_url, "",
          "http:// or https:// URL for pulse alerts in Alertmanager's webhook format "
          "(\"\" = none)");
ABSL_FLAG(std::string, pulse_webhook_ca_file, "",
          "PEM CA file an https:// webhook receiver's certificate is verified against "
          "(\"\" = the system's trust store)");
ABSL_FLAG(int, pulse_webhook_max_attempts, 5,
          "attempts per alert change for the webhook (retries after refused, timed-out, 5xx "
          "or 429 answers; 1 = none)");
ABSL_FLAG(absl::Duration, pulse_webhook_deadline, absl::Seconds(60),
          "time from an alert change to its last webhook attempt");
ABSL_FLAG(int, metrics_top_communities, 20,
          "communities not in communities.yaml that keep their own label in the per-community "
          "metrics: the busiest of the last hour (needs --pulse; others: \"default\")");
ABSL_FLAG(absl::Duration, metrics_top_refresh, absl::Seconds(10),
          "how often the busiest communities of --metrics_top_communities are chosen again");
ABSL_FLAG(std::string, log_level, "info", "debug | info | warning | error");
ABSL_FLAG(std::string, port_file, "",
          "write the bound ports here as JSON after the first rules load");

namespace moderation::server {
namespace {

constexpr std::string_view kFlagNames[] = {"listen",
                                           "rules",
                                           "cache_dir",
                                           "metrics_listen",
                                           "threads",
                                           "batch_workers",
                                           "max_post_bytes",
                                           "max_batch",
                                           "max_in_flight",
                                           "tls_cert",
                                           "tls_key",
                                           "tls_client_ca",
                                           "admin_token_file",
                                           "audit_log",
                                           "audit_include_text",
                                           "watch_rules",
                                           "reload_debounce",
                                           "shutdown_grace",
                                           "log_level",
                                           "port_file",
                                           "unknown_community",
                                           "decision_log",
                                           "decision_log_replica",
                                           "decision_log_flush",
                                           "decision_log_allows",
                                           "decision_log_include_text",
                                           "pulse",
                                           "pulse_max_communities",
                                           "pulse_clock",
                                           "pulse_reader_token_file",
                                           "pulse_webhook_url",
                                           "pulse_webhook_ca_file",
                                           "pulse_webhook_max_attempts",
                                           "pulse_webhook_deadline",
                                           "metrics_top_communities",
                                           "metrics_top_refresh"};

// Parsing may run more than once per process (tests): start from defaults.
void ResetFlags() {
  const ServerConfig d;
  absl::SetFlag(&FLAGS_listen, d.listen);
  absl::SetFlag(&FLAGS_rules, d.rules);
  absl::SetFlag(&FLAGS_cache_dir, d.cache_dir);
  absl::SetFlag(&FLAGS_metrics_listen, d.metrics_listen);
  absl::SetFlag(&FLAGS_threads, d.threads);
  absl::SetFlag(&FLAGS_batch_workers, d.batch_workers);
  absl::SetFlag(&FLAGS_max_post_bytes, d.max_post_bytes);
  absl::SetFlag(&FLAGS_max_batch, d.max_batch);
  absl::SetFlag(&FLAGS_max_in_flight, d.max_in_flight);
  absl::SetFlag(&FLAGS_tls_cert, d.tls_cert);
  absl::SetFlag(&FLAGS_tls_key, d.tls_key);
  absl::SetFlag(&FLAGS_tls_client_ca, d.tls_client_ca);
  absl::SetFlag(&FLAGS_admin_token_file, d.admin_token_file);
  absl::SetFlag(&FLAGS_audit_log, d.audit_log);
  absl::SetFlag(&FLAGS_audit_include_text, d.audit_include_text);
  absl::SetFlag(&FLAGS_decision_log, d.decision_log);
  absl::SetFlag(&FLAGS_decision_log_replica, d.decision_log_replica);
  absl::SetFlag(&FLAGS_decision_log_flush, d.decision_log_flush);
  absl::SetFlag(&FLAGS_decision_log_allows, d.decision_log_allows);
  absl::SetFlag(&FLAGS_decision_log_include_text, d.decision_log_include_text);
  absl::SetFlag(&FLAGS_watch_rules, d.watch_rules);
  absl::SetFlag(&FLAGS_reload_debounce, d.reload_debounce);
  absl::SetFlag(&FLAGS_shutdown_grace, d.shutdown_grace);
  absl::SetFlag(&FLAGS_log_level, d.log_level);
  absl::SetFlag(&FLAGS_port_file, d.port_file);
  absl::SetFlag(&FLAGS_unknown_community, d.unknown_community);
  absl::SetFlag(&FLAGS_pulse, d.pulse);
  absl::SetFlag(&FLAGS_pulse_max_communities, d.pulse_max_communities);
  absl::SetFlag(&FLAGS_pulse_clock, d.pulse_clock);
  absl::SetFlag(&FLAGS_pulse_reader_token_file, d.pulse_reader_token_file);
  absl::SetFlag(&FLAGS_pulse_webhook_url, d.pulse_webhook_url);
  absl::SetFlag(&FLAGS_pulse_webhook_ca_file, d.pulse_webhook_ca_file);
  absl::SetFlag(&FLAGS_pulse_webhook_max_attempts, d.pulse_webhook_max_attempts);
  absl::SetFlag(&FLAGS_pulse_webhook_deadline, d.pulse_webhook_deadline);
  absl::SetFlag(&FLAGS_metrics_top_communities, d.metrics_top_communities);
  absl::SetFlag(&FLAGS_metrics_top_refresh, d.metrics_top_refresh);
}

// MODERATIOND_<NAME> sets a flag's value; the command line, parsed after,
// overrides it.
absl::Status ApplyEnvironment() {
  for (std::string_view name : kFlagNames) {
    const std::string var = absl::StrCat("MODERATIOND_", absl::AsciiStrToUpper(std::string(name)));
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(std::string(name));
    std::string error;
    if (flag == nullptr || !flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(var, ": ", error));
    }
  }
  return absl::OkStatus();
}

ServerConfig FromFlags() {
  ServerConfig c;
  c.listen = absl::GetFlag(FLAGS_listen);
  c.rules = absl::GetFlag(FLAGS_rules);
  c.cache_dir = absl::GetFlag(FLAGS_cache_dir);
  c.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  c.threads = absl::GetFlag(FLAGS_threads);
  c.batch_workers = absl::GetFlag(FLAGS_batch_workers);
  c.max_post_bytes = absl::GetFlag(FLAGS_max_post_bytes);
  c.max_batch = absl::GetFlag(FLAGS_max_batch);
  c.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  c.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  c.tls_key = absl::GetFlag(FLAGS_tls_key);
  c.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  c.admin_token_file = absl::GetFlag(FLAGS_admin_token_file);
  c.audit_log = absl::GetFlag(FLAGS_audit_log);
  c.audit_include_text = absl::GetFlag(FLAGS_audit_include_text);
  c.decision_log = absl::GetFlag(FLAGS_decision_log);
  c.decision_log_replica = absl::GetFlag(FLAGS_decision_log_replica);
  c.decision_log_flush = absl::GetFlag(FLAGS_decision_log_flush);
  c.decision_log_allows = absl::GetFlag(FLAGS_decision_log_allows);
  c.decision_log_include_text = absl::GetFlag(FLAGS_decision_log_include_text);
  c.watch_rules = absl::GetFlag(FLAGS_watch_rules);
  c.reload_debounce = absl::GetFlag(FLAGS_reload_debounce);
  c.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  c.log_level = absl::GetFlag(FLAGS_log_level);
  c.port_file = absl::GetFlag(FLAGS_port_file);
  c.unknown_community = absl::GetFlag(FLAGS_unknown_community);
  c.pulse = absl::GetFlag(FLAGS_pulse);
  c.pulse_max_communities = absl::GetFlag(FLAGS_pulse_max_communities);
  c.pulse_clock = absl::GetFlag(FLAGS_pulse_clock);
  c.pulse_reader_token_file = absl::GetFlag(FLAGS_pulse_reader_token_file);
  c.pulse_webhook_url = absl::GetFlag(FLAGS_pulse_webhook_url);
  c.pulse_webhook_ca_file = absl::GetFlag(FLAGS_pulse_webhook_ca_file);
  c.pulse_webhook_max_attempts = absl::GetFlag(FLAGS_pulse_webhook_max_attempts);
  c.pulse_webhook_deadline = absl::GetFlag(FLAGS_pulse_webhook_deadline);
  c.metrics_top_communities = absl::GetFlag(FLAGS_metrics_top_communities);
  c.metrics_top_refresh = absl::GetFlag(FLAGS_metrics_top_refresh);
  return c;
}

absl::Status Invalid(std::string_view flag, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", std::string(flag), ": ", std::string(problem)));
}

absl::Status Validate(const ServerConfig& c) {
  if (c.listen.empty()) return Invalid("listen", "required");
  if (c.rules.empty()) return Invalid("rules", "required");
  if (c.threads < 0) return Invalid("threads", "must be >= 0");
  if (c.batch_workers < -1) return Invalid("batch_workers", "must be >= -1");
  if (c.max_post_bytes <= 0) return Invalid("max_post_bytes", "must be > 0");
  if (c.max_batch <= 0) return Invalid("max_batch", "must be > 0");
  if (c.max_in_flight <= 0) return Invalid("max_in_flight", "must be > 0");
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return Invalid(c.tls_cert.empty() ? "tls_cert" : "tls_key",
                   "--tls_cert and --tls_key go together");
  }
  if (!c.tls_client_ca.empty() && c.tls_cert.empty()) {
    return Invalid("tls_client_ca", "needs --tls_cert and --tls_key (mTLS is on top of TLS)");
  }
  if (c.reload_debounce < absl::ZeroDuration()) return Invalid("reload_debounce", "must be >= 0");
  if (c.shutdown_grace < absl::ZeroDuration()) return Invalid("shutdown_grace", "must be >= 0");
  if (c.decision_log_flush <= absl::ZeroDuration())
    return Invalid("decision_log_flush", "must be > 0");
  if (c.unknown_community != "default" && c.unknown_community != "reject")
    return Invalid("unknown_community", "must be default or reject");
  if (c.pulse_max_communities <= 0) return Invalid("pulse_max_communities", "must be > 0");
  if (!c.pulse_webhook_url.empty()) {
    absl::StatusOr<WebhookUrl> url = ParseWebhookUrl(c.pulse_webhook_url);
    if (!url.ok()) return Invalid("pulse_webhook_url", std::string(url.status().message()));
    if (!c.pulse_webhook_ca_file.empty() && !url->tls)
      return Invalid("pulse_webhook_ca_file", "needs an https:// --pulse_webhook_url");
  } else if (!c.pulse_webhook_ca_file.empty()) {
    return Invalid("pulse_webhook_ca_file", "needs an https:// --pulse_webhook_url");
  }
  if (c.pulse_webhook_max_attempts < 1 || c.pulse_webhook_max_attempts > 100)
    return Invalid("pulse_webhook_max_attempts", "must be between 1 and 100");
  if (c.pulse_webhook_deadline <= absl::ZeroDuration())
    return Invalid("pulse_webhook_deadline", "must be > 0");
  if (c.metrics_top_communities < 0 || c.metrics_top_communities > 1000)
    return Invalid("metrics_top_communities", "must be between 0 and 1000");
  if (c.metrics_top_refresh < absl::Milliseconds(100))
    return Invalid("metrics_top_refresh", "must be at least 100ms");
  if (c.pulse_clock != "wall" && c.pulse_clock != "post_time")
    return Invalid("pulse_clock", "must be wall or post_time");
  LogLevel level;
  if (!ParseLogLevel(c.log_level, &level))
    return Invalid("log_level", "must be debug, info, warning or error");
  return absl::OkStatus();
}

struct FlagGroup {
  std::string_view title;
  std::vector<std::string_view> flags;
};

// Every name in kFlagNames, each in one group (config_test checks).
const std::vector<FlagGroup>& FlagGroups() {
  static const auto* const groups = new std::vector<FlagGroup>{
      {"Listening", {"listen", "metrics_listen", "port_file", "threads", "batch_workers"}},
      {"Rules", {"rules", "cache_dir", "watch_rules", "reload_debounce", "unknown_community"}},
      {"Limits and shutdown", {"max_post_bytes", "max_batch", "max_in_flight", "shutdown_grace"}},
      {"Security", {"tls_cert", "tls_key", "tls_client_ca", "admin_token_file"}},
      {"Logs and audit", {"log_level", "audit_log", "audit_include_text"}},
      {"Decision log (reports)",
       {"decision_log", "decision_log_replica", "decision_log_flush", "decision_log_allows",
        "decision_log_include_text"}},
      {"Community pulse",
       {"pulse", "pulse_max_communities", "pulse_clock", "pulse_reader_token_file",
        "pulse_webhook_url", "pulse_webhook_ca_file", "pulse_webhook_max_attempts",
        "pulse_webhook_deadline", "metrics_top_communities", "metrics_top_refresh"}},
  };
  return *groups;
}

// The first of --help/-h/--version on the command line ("" if none).
std::string_view InfoRequest(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h" || arg == "-help" || arg == "--helpfull") return "help";
    if (arg == "--version" || arg == "-version") return "version";
  }
  return "";
}

}  // namespace

std::string UsageText() {
  std::string out =
      "moderationd: the moderation gRPC service.\n\n"
      "Usage: moderationd [--flag=value ...]\n"
      "Every flag can also be set as MODERATIOND_<FLAG>, e.g. MODERATIOND_LISTEN=0.0.0.0:50051;\n"
      "a flag on the command line wins. server/config.h explains each one and its trade-offs.\n";
  for (const FlagGroup& group : FlagGroups()) {
    absl::StrAppend(&out, "\n", std::string(group.title), ":\n");
    for (std::string_view name_view : group.flags) {
      const std::string name(name_view);
      const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
      if (flag == nullptr) continue;
      std::string value = flag->DefaultValue();
      if (value.empty()) value = "\"\"";
      absl::StrAppend(&out, "  --", name, "=", value, "\n      ", flag->Help(), "\n");
    }
  }
  absl::StrAppend(&out, "\nOther:\n  --help     this text\n",
                  "  --version  version, build type and library versions\n");
  return out;
}

absl::StatusOr<ServerConfig> ParseServerConfig(int argc, char** argv) {
  if (const std::string_view info = InfoRequest(argc, argv); !info.empty()) {
    std::fputs(info == "help" ? UsageText().c_str() : VersionText().c_str(), stdout);
    return absl::CancelledError(std::string(info));
  }
  // absl allows setting the usage message once per process.
  static const bool usage_set = [] {
    absl::SetProgramUsageMessage(
        "moderationd: the moderation gRPC service.\n"
        "Every flag can also be set as MODERATIOND_<FLAG>, e.g. MODERATIOND_LISTEN=0.0.0.0:50051.");
    return true;
  }();
  (void)usage_set;
  ResetFlags();
  if (absl::Status s = ApplyEnvironment(); !s.ok()) return s;
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", positional[1], "' (options are --flag=value)"));
  }
  ServerConfig config = FromFlags();
  if (absl::Status s = Validate(config); !s.ok()) return s;
  return config;
}

}  // namespace moderation::server
