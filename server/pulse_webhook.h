// Delivers the community pulse's alerts to a webhook in Alertmanager's
// webhook format (version 4), so the receivers people already run for
// Alertmanager (chat bridges, paging tools) take them unchanged.
//
//   auto hook = PulseWebhook::Create("https://alerts.example.org/hook", "", &logger);
//   hub.Subscribe([&](const pulse::Alert& a) { (*hook)->Enqueue(a); });
//
// One POST per alert change: "status" is "firing" when it opens and
// "resolved" when it ends (endsAt set). Labels: alertname
// ("CommunityPulse"), community, kind, subject, severity; annotations: a
// summary, the numbers, top rules, topics and example post ids. http:// or
// https:// (the receiver's certificate and host name verified against the
// system's trust store or a CA file; pulse_webhook_http.h).
//
// Delivery survives a receiver that restarts or is briefly overloaded. A
// change that fails in a way that may pass is tried again, up to
// max_attempts times within `deadline` of its arrival, after a backoff that
// doubles each time (with jitter, so replicas that failed together do not
// retry together):
//   retried      the name did not resolve, the connection was refused,
//                broke or timed out (each attempt has 5 s for all of it,
//                the name's lookup included), a TLS handshake that failed
//                for another reason than the certificate, HTTP 5xx, HTTP
//                429 (a Retry-After in seconds lengthens the backoff, up to
//                max_retry_after)
//   not retried  a certificate that does not verify (the configuration
//                must change), any other status (4xx, 3xx)
// Every failed attempt logs "pulse_webhook_failed" (alert_id, attempt,
// error, and retry_in_seconds or retry false); a change that runs out of
// attempts or time, or cannot be retried, logs "pulse_webhook_gave_up"; one
// delivered after a retry logs "pulse_webhook_delivered".
//
// One sender thread posts the changes off the request path, from a queue
// ordered by when each may next be tried: a change waiting out its backoff
// does not hold up newer alerts, only the newer changes of its own alert
// (a "resolved" never overtakes its "firing"). At most max_pending changes
// wait; a new one beyond that drops the oldest (logged as
// "pulse_webhook_dropped").
//
// Thread-safety: Enqueue, counts and RenderMetrics may be called from any
// thread. Stop (and the destructor) do not wait for backoffs: they give an
// attempt under way shutdown_grace to finish, cut it after that, and
// abandon the changes still waiting (one "pulse_webhook_abandoned" line).
#ifndef MODERATION_SERVER_PULSE_WEBHOOK_H_
#define MODERATION_SERVER_PULSE_WEBHOOK_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/log.h"
#include "server/pulse/alert.h"
#include "server/pulse_webhook_http.h"

namespace moderation::server {

// The Alertmanager webhook payload for one alert change.
std::string AlertmanagerPayload(const pulse::Alert& alert);

struct PulseWebhookOptions {
  // Attempts per alert change, the first included (--pulse_webhook_max_attempts).
  // Default 5: with the default backoff they span about 15 s, enough for a
  // receiver's restart. 1 = no retries.
  int max_attempts = 5;
  // No attempt starts later than this after the change arrived, and one
  // under way is cut at it (--pulse_webhook_deadline). Default 60s: an
  // alert older than a minute is stale for the person it would page, and
  // the next change of the same alert is already queued behind it.
  absl::Duration deadline = absl::Seconds(60);
  // One attempt's bound: the name's lookup, connecting, the TLS handshake,
  // writing and reading the answer together. Default 5s.
  absl::Duration attempt_timeout = WebhookClient::kDefaultTimeout;
  // The wait before retry n is initial_backoff * 2^(n-1), at most
  // max_backoff, of which a random half is taken off (jitter). Defaults 1s
  // and 16s: about 1, 2, 4, 8 s.
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(16);
  // A Retry-After (HTTP 429 or 5xx) longer than the backoff replaces it, up
  // to this. Default 30s: a receiver cannot park alerts for an hour.
  absl::Duration max_retry_after = absl::Seconds(30);
  // Changes waiting, new or between attempts (the one being posted not
  // counted). Default 256, far above what a crisis produces (an alert opens
  // at most once per community and kind); when full the oldest is dropped.
  size_t max_pending = 256;
  // At destruction, how long an attempt under way may still finish before
  // it is cut. Default 500ms, so shutdown takes well under a second.
  absl::Duration shutdown_grace = absl::Milliseconds(500);
  // Tests: resolves the receiver's name (nullptr = getaddrinfo).
  WebhookResolver resolver;
};

class PulseWebhook {
 public:
  // What became of the changes so far (moderation_pulse_webhook_deliveries_total).
  struct Counts {
    uint64_t delivered = 0;  // answered 2xx
    uint64_t retried = 0;    // failed attempts followed by another
    uint64_t gave_up = 0;    // out of attempts or time, or not retryable
    uint64_t dropped = 0;    // pushed out of a full queue
    uint64_t abandoned = 0;  // still waiting (or being posted) at destruction
  };

  // InvalidArgument for a URL other than http(s)://host[:port][/path], or
  // a ca_file that cannot be read or holds no certificate
  // (WebhookClient::Create). ca_file "": the system's trust store.
  static absl::StatusOr<std::unique_ptr<PulseWebhook>> Create(const std::string& url,
                                                              const std::string& ca_file,
                                                              Logger* logger,
                                                              PulseWebhookOptions options = {});
  // Stops the sender (see Thread-safety); later changes are abandoned.
  // Call it from one thread; the destructor calls it too.
  void Stop();
  ~PulseWebhook();
  PulseWebhook(const PulseWebhook&) = delete;
  PulseWebhook& operator=(const PulseWebhook&) = delete;

  void Enqueue(const pulse::Alert& alert);
  // Where it posts (for the start-up log; the path may be a secret).
  const WebhookUrl& url() const { return client_->url(); }
  Counts counts() const;
  // Appends moderation_pulse_webhook_deliveries_total{outcome} and
  // moderation_pulse_webhook_pending (for Metrics::AddCollector).
  void RenderMetrics(std::string* out) const;

 private:
  // One alert change on its way.
  struct Delivery {
    uint64_t seq = 0;  // arrival order
    uint64_t alert_id = 0;
    std::string status;  // "firing" or "resolved"
    std::string payload;
    absl::Time arrived;
    absl::Time next_attempt;
    int attempts = 0;  // made so far
  };
  enum class Result { kDelivered, kRetry, kGiveUp, kCancelled };

  PulseWebhook(std::unique_ptr<const WebhookClient> client, Logger* logger,
               PulseWebhookOptions options);
  void Run();
  // The pending change to post now (its index), or none, with the time the
  // earliest one comes due in *wake. Requires mu_ held.
  std::optional<size_t> NextDue(absl::Time now, absl::Time* wake) const;
  // One attempt, logged; on kRetry d->next_attempt is set.
  Result Attempt(Delivery* d);
  // Queues d, dropping the oldest pending change when full. Requires mu_ held.
  void PushLocked(Delivery d);

  // Constant after construction.
  const std::unique_ptr<const WebhookClient> client_;
  Logger* const logger_;
  const PulseWebhookOptions options_;

  std::atomic<bool> cancel_{false};  // cuts the attempt under way
  std::atomic<uint64_t> delivered_{0}, retried_{0}, gave_up_{0}, dropped_{0}, abandoned_{0};
  std::mt19937_64 rng_;  // only the sender thread touches it

  mutable std::mutex mu_;  // guards the queue and the sender's state
  std::condition_variable cv_;
  std::vector<Delivery> pending_;  // guarded by mu_; at most options_.max_pending
  uint64_t next_seq_ = 0;          // guarded by mu_
  bool stop_ = false;              // guarded by mu_
  bool posting_ = false;           // guarded by mu_; an attempt is under way
  std::thread sender_;             // last: starts once the rest is set up
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PULSE_WEBHOOK_H_
