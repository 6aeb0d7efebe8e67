// Fans the pulse's alert changes out to everyone who listens: the JSON log,
// the Prometheus gauges and every open WatchAlerts stream.
//
// Why: the pulse has one AlertSink; the server has several consumers that
// come and go (streams open and close at any time).
//
//   AlertHub hub;
//   int id = hub.Subscribe([](const Alert& a) { ... });   // quick, non-blocking
//   Pulse pulse(options, &clock, &hub);
//   ...
//   hub.Unsubscribe(id);
//
// Thread-safety: all methods may be called concurrently. Listeners run
// under the hub's mutex, one change at a time and in order, so they must
// be quick and must not call Subscribe or Unsubscribe themselves. After
// Unsubscribe returns, the listener is not running and will not run again.
#ifndef MODERATION_SERVER_PULSE_ALERT_HUB_H_
#define MODERATION_SERVER_PULSE_ALERT_HUB_H_

#include <functional>
#include <map>
#include <mutex>

#include "server/pulse/alert.h"

namespace moderation::server::pulse {

class AlertHub final : public AlertSink {
 public:
  using Listener = std::function<void(const Alert&)>;

  int Subscribe(Listener listener) {
    std::lock_guard lock(mu_);
    listeners_.emplace(++next_id_, std::move(listener));
    return next_id_;
  }
  void Unsubscribe(int id) {
    std::lock_guard lock(mu_);
    listeners_.erase(id);
  }
  void OnAlert(const Alert& alert) override {
    std::lock_guard lock(mu_);
    for (auto& [id, listener] : listeners_) listener(alert);
  }

 private:
  std::mutex mu_;
  int next_id_ = 0;                    // guarded by mu_
  std::map<int, Listener> listeners_;  // guarded by mu_
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_ALERT_HUB_H_
