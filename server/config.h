// moderationd's configuration: every option is a command-line flag with a
// documented default, and may also be set from the environment as
// MODERATIOND_<FLAG NAME IN CAPITALS> (a flag on the command line wins).
//
// Why: Kubernetes sets configuration through the environment, people at a
// shell through flags; both must reach the same, validated struct.
//
//   absl::StatusOr<ServerConfig> config = ParseServerConfig(argc, argv);
//
// Thread-safety: a plain value, read-only after parsing.
#ifndef MODERATION_SERVER_CONFIG_H_
#define MODERATION_SERVER_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace moderation::server {

struct ServerConfig {
  // gRPC listen address. Default 127.0.0.1:50051 (loopback only: exposing
  // the service is a deliberate choice, e.g. 0.0.0.0:50051 in a container).
  std::string listen = "127.0.0.1:50051";
  // Rules directory (or one file). Default "rules".
  std::string rules = "rules";
  // Hyperscan database cache directory; "" (default) disables it. With a
  // cache, restarts and reloads of unchanged rules skip recompiling.
  std::string cache_dir;
  // HTTP address for /metrics, /healthz, /readyz. Default 127.0.0.1:9464;
  // "" disables the listener.
  std::string metrics_listen = "127.0.0.1:9464";
  // Upper bound on gRPC server threads. Default 0 = one per core.
  int threads = 0;
  // Worker threads that help ModerateBatch calls judge their posts in
  // parallel when they are idle (server/batch_pool.h). Default -1 = one
  // less than the CPUs the process may run on (its affinity mask), so a
  // batch and its helpers fill the CPUs; 0 = none, every batch is judged on
  // its call's thread alone. Busy workers are never waited for: a batch then
  // judges its posts itself, so the pool adds no queue.
  int batch_workers = -1;
  // Largest post accepted, all content fields together, in bytes. Default
  // 65536. Larger posts get INVALID_ARGUMENT.
  int64_t max_post_bytes = 65536;
  // Most posts in one ModerateBatch. Default 100.
  int max_batch = 100;
  // Most posts being judged at once (a unary call or stream message is one
  // post, a batch one per post); beyond it, RESOURCE_EXHAUSTED. A batch
  // larger than this runs only when nothing else is in flight. Default 4096.
  int max_in_flight = 4096;
  // PEM files for TLS. Both cert and key enable TLS; default "" = plaintext.
  std::string tls_cert;
  std::string tls_key;
  // PEM CA for client certificates (mTLS). With it, clients must present a
  // certificate signed by this CA, and a verified certificate is an admin
  // credential. Default "" = no client certificates.
  std::string tls_client_ca;
  // File holding the admin bearer token (first line, trimmed). Default "":
  // admin calls then need an mTLS client certificate, or are refused.
  std::string admin_token_file;
  // JSON Lines audit log of FLAG/BLOCK decisions; "" (default) disables it.
  std::string audit_log;
  // Also record post text in the audit log. Default false (privacy).
  bool audit_include_text = false;
  // JSON Lines decision log that `modctl report` reads (format: README.md,
  // "The decision log"); "" (default) disables it. Every decision is
  // counted per hour, community and rule-set version; FLAG/BLOCK are
  // written in full. SIGHUP reopens it, like the audit log.
  std::string decision_log;
  // Names this replica in the decision log. Default "" = the host name.
  std::string decision_log_replica;
  // How often the counts are written. Default 60s: at most this much
  // counting is lost on a crash; shorter writes more lines per hour.
  absl::Duration decision_log_flush = absl::Seconds(60);
  // Also write every ALLOW in full. Default false: ALLOWs are only counted
  // (the log then grows with restrictions, not with traffic).
  bool decision_log_allows = false;
  // Also record post text in the decision log. Default false (privacy).
  bool decision_log_include_text = false;
  // Watch the rules directory with inotify and reload on change. Default
  // true. SIGHUP and ReloadRules always work.
  bool watch_rules = true;
  // Quiet time after the last file change before a reload. Default 300ms.
  absl::Duration reload_debounce = absl::Milliseconds(300);
  // How long SIGTERM/SIGINT wait for calls in flight before cancelling them.
  // Default 10s.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // What a post whose community communities.yaml does not list gets:
  // "default" (the default) judges it with the `default:` sets and says so in
  // the answer (judged_community "default", community_defaulted true);
  // "reject" answers NOT_FOUND naming the community. The default keeps a
  // community the moderators have not configured yet protected from its
  // first post, and does not break a platform that adds communities before
  // the rules know them; "reject" suits platforms that want a typo in a
  // community id to fail loudly instead.
  std::string unknown_community = "default";
  // The community pulse (issue 12, server/pulse/pulse.h): windows, mood and
  // crisis alerts per community, read through CommunityPulseService and
  // /metrics. Default true; false saves its memory and its ~0.1-0.2 µs per
  // post.
  bool pulse = true;
  // Communities the pulse tracks at once. Default 1000 (about 97 KB each);
  // more are counted under "other" unless an idle one can be dropped.
  int pulse_max_communities = 1000;
  // Where the pulse's time comes from: "wall" (default) or "post_time", the
  // newest Post.created_at seen, for replaying a recorded or generated
  // stream at any speed (tests, demos). Never use post_time on a live
  // service: any client could move the pulse's clock by dating a post in
  // the future.
  std::string pulse_clock = "wall";
  // File holding a bearer token that opens CommunityPulseService (and only
  // it), for dashboards that must not hold the admin token. Default "": only
  // the admin credential.
  std::string pulse_reader_token_file;
  // An http:// or https:// URL that receives every pulse alert change in
  // Alertmanager's webhook format (pulse_webhook.h). Default "": none.
  // https:// verifies the receiver's certificate and host name, always; the
  // URL is checked at start-up (a bad one stops it, naming this flag). The
  // URL is never logged: chat webhooks carry their secret in the path.
  std::string pulse_webhook_url;
  // A PEM file of the CAs that sign an https:// webhook receiver's
  // certificate, trusted instead of the system's store (Debian's
  // ca-certificates). Default "": the system's store, right for a public
  // receiver (Slack, Teams, a paging service); set it for a receiver behind
  // a private CA (a cluster's ingress, a self-signed relay). Read at
  // start-up: a file that cannot be read or holds no certificate stops it.
  // There is deliberately no option to skip verification.
  std::string pulse_webhook_ca_file;
  // Attempts per alert change, the first included. Default 5: a receiver
  // that refuses, times out or answers 5xx or 429 is tried again after about
  // 1, 2, 4 and 8 s (with jitter), which rides out a restart; a certificate
  // that does not verify and other 4xx are not retried. 1 = no retries;
  // at most 100.
  // More attempts keep a change queued longer (the queue holds 256, then
  // drops the oldest).
  int pulse_webhook_max_attempts = 5;
  // Time from an alert change to the last attempt to deliver it; an attempt
  // under way is cut at it. Default 60s: a later page is stale, and the
  // alert's next change is queued behind it.
  absl::Duration pulse_webhook_deadline = absl::Seconds(60);
  // Communities outside communities.yaml that keep their own label in
  // moderation_decisions_total and moderation_community_rule_hits_total:
  // the busiest of the last hour by the pulse, chosen again every
  // metrics_top_refresh (community_labels.h). Default 20 and 10 s; 0 = only
  // the listed ones. Without the pulse, only the listed ones.
  int metrics_top_communities = 20;
  absl::Duration metrics_top_refresh = absl::Seconds(10);
  // "debug", "info" (default), "warning" or "error".
  std::string log_level = "info";
  // If set, the bound ports are written there as JSON
  // {"grpc": N, "metrics": M} after the first rules load (successful or
  // not; for port 0 and for tests). The ports themselves open before it:
  // the "listening" log event has them at once.
  std::string port_file;
};

// Parses flags (and MODERATIOND_* variables). InvalidArgument naming the
// flag for bad values. --help (-h) prints UsageText() and --version prints
// VersionText() (build_info.h) to stdout; both then return Cancelled, and
// the caller exits 0.
absl::StatusOr<ServerConfig> ParseServerConfig(int argc, char** argv);

// moderationd's own flags, grouped (listening, rules, limits, security,
// logs), each with its default and meaning. Abseil's --helpfull would add
// its internal flags.
std::string UsageText();

}  // namespace moderation::server

#endif  // MODERATION_SERVER_CONFIG_H_
