// How the community pulse's alerts reach operators besides WatchAlerts: a
// JSON log event per change and Prometheus gauges.
//
//   hub.Subscribe([&](const pulse::Alert& a) { LogAlert(logger, a); });
//   metrics.AddCollector([&](std::string* out) { RenderPulseMetrics(pulse, out); });
//
// Log events: "pulse_alert_opened" / "pulse_alert_ended" (warning level),
// with community, kind, subject, severity, started (and ended), the numbers
// (window_posts, observed, expected, z), top_rules and example_post_ids.
// Never post text.
//
// Gauges:
//   moderation_pulse_alert_open{community,kind,subject,severity}  1 per open alert
//   moderation_pulse_alerts_open{kind}       open alerts per kind (0 for none)
//   moderation_pulse_communities              communities the pulse tracks
// Cardinality is bounded by the pulse's community limit and the few alert
// kinds per community.
//
// Thread-safety: both functions may run on any thread.
#ifndef MODERATION_SERVER_PULSE_OBSERVERS_H_
#define MODERATION_SERVER_PULSE_OBSERVERS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "server/log.h"
#include "server/pulse/pulse.h"

namespace moderation::server {

nlohmann::json AlertToJson(const pulse::Alert& alert);
void LogAlert(Logger& logger, const pulse::Alert& alert);
void RenderPulseMetrics(const pulse::Pulse& pulse, std::string* out);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PULSE_OBSERVERS_H_
