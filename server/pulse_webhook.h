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
// system's trust store or a CA file; pulse_webhook_http.h). A sender thread
// posts them in order, each within 5 s (connect, TLS handshake, write and
// read together); a failed delivery (refused, timed out, a certificate that
// does not verify, a status other than 2xx) is logged
// ("pulse_webhook_failed" with the reason) and dropped, and at most
// kMaxPending changes wait (more are dropped and logged).
//
// Thread-safety: Enqueue may be called from any thread; the destructor
// stops the sender after the change being posted.
#ifndef MODERATION_SERVER_PULSE_WEBHOOK_H_
#define MODERATION_SERVER_PULSE_WEBHOOK_H_

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/log.h"
#include "server/pulse/alert.h"
#include "server/pulse_webhook_http.h"

namespace moderation::server {

// The Alertmanager webhook payload for one alert change.
std::string AlertmanagerPayload(const pulse::Alert& alert);

class PulseWebhook {
 public:
  static constexpr size_t kMaxPending = 1000;
  // InvalidArgument for a URL other than http(s)://host[:port][/path], or
  // a ca_file that cannot be read or holds no certificate
  // (WebhookClient::Create). ca_file "": the system's trust store.
  static absl::StatusOr<std::unique_ptr<PulseWebhook>> Create(const std::string& url,
                                                              const std::string& ca_file,
                                                              Logger* logger);
  ~PulseWebhook();

  void Enqueue(const pulse::Alert& alert);
  // Where it posts (for the start-up log; the path may be a secret).
  const WebhookUrl& url() const { return client_->url(); }

 private:
  PulseWebhook(std::unique_ptr<const WebhookClient> client, Logger* logger);
  void Run();

  const std::unique_ptr<const WebhookClient> client_;
  Logger* const logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> pending_;  // guarded by mu_; payloads
  bool stop_ = false;                // guarded by mu_
  std::thread sender_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PULSE_WEBHOOK_H_
