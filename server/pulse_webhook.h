// Delivers the community pulse's alerts to a webhook in Alertmanager's
// webhook format (version 4), so the receivers people already run for
// Alertmanager (chat bridges, paging tools) take them unchanged.
//
//   auto hook = PulseWebhook::Create("http://127.0.0.1:9099/alerts", &logger);
//   hub.Subscribe([&](const pulse::Alert& a) { (*hook)->Enqueue(a); });
//
// One POST per alert change: "status" is "firing" when it opens and
// "resolved" when it ends (endsAt set). Labels: alertname
// ("CommunityPulse"), community, kind, subject, severity; annotations: a
// summary, the numbers, top rules, topics and example post ids. Plain HTTP
// only (no TLS): point it at a receiver on the host or the pod network.
// A sender thread posts them in order with a 5 s timeout per request; a
// failed delivery is logged ("pulse_webhook_failed") and dropped, and at
// most kMaxPending changes wait (more are dropped and logged).
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

namespace moderation::server {

// The Alertmanager webhook payload for one alert change.
std::string AlertmanagerPayload(const pulse::Alert& alert);

// POSTs `body` as JSON to an http:// URL; the HTTP status, or an error.
absl::StatusOr<int> PostJson(const std::string& url, const std::string& body,
                             int timeout_seconds = 5);

class PulseWebhook {
 public:
  static constexpr size_t kMaxPending = 1000;
  // InvalidArgument unless url is http://host:port/path (port optional).
  static absl::StatusOr<std::unique_ptr<PulseWebhook>> Create(const std::string& url,
                                                              Logger* logger);
  ~PulseWebhook();

  void Enqueue(const pulse::Alert& alert);

 private:
  PulseWebhook(std::string url, Logger* logger);
  void Run();

  const std::string url_;
  Logger* const logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> pending_;  // guarded by mu_; payloads
  bool stop_ = false;                // guarded by mu_
  std::thread sender_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PULSE_WEBHOOK_H_
