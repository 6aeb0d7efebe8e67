#include "server/pulse_observers.h"

#include <map>

#include "absl/time/time.h"
#include "server/metrics.h"

namespace moderation::server {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

constexpr pulse::AlertKind kKinds[] = {
    pulse::AlertKind::kHostileShare, pulse::AlertKind::kCategoryShare,
    pulse::AlertKind::kVolumeSpike,  pulse::AlertKind::kVolumeCollapse,
    pulse::AlertKind::kRaid,         pulse::AlertKind::kPileOn};

}  // namespace

nlohmann::json AlertToJson(const pulse::Alert& a) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& [rule, count] : a.top_rules) rules.push_back({{"rule", rule}, {"posts", count}});
  nlohmann::json j = {{"alert_id", a.id},
                      {"community", a.community},
                      {"kind", pulse::AlertKindName(a.kind)},
                      {"subject", a.subject},
                      {"severity", a.severity},
                      {"started", Rfc3339(a.started)},
                      {"window_posts", a.window_posts},
                      {"observed", a.observed},
                      {"expected", a.expected},
                      {"z", a.z},
                      {"top_rules", rules},
                      {"example_post_ids", a.example_post_ids},
                      {"top_topics", a.top_topics}};
  if (a.kind == pulse::AlertKind::kPileOn) {
    j["pile_on"] = {{"share_of_hostile", a.pile_on.share_of_hostile},
                    {"subject_posts", a.pile_on.subject_posts},
                    {"subject_hostile_share", a.pile_on.subject_hostile_share},
                    {"others_hostile_share", a.pile_on.others_hostile_share}};
  }
  if (!a.open()) j["ended"] = Rfc3339(a.ended);
  return j;
}

void LogAlert(Logger& logger, const pulse::Alert& alert) {
  logger.Warning(!alert.open()     ? "pulse_alert_ended"
                 : alert.escalated ? "pulse_alert_escalated"
                                   : "pulse_alert_opened",
                 AlertToJson(alert));
}

void RenderPulseMetrics(const pulse::Pulse& pulse, std::string* out) {
  const std::vector<pulse::Alert> open = pulse.OpenAlerts();
  *out +=
      "# HELP moderation_pulse_alert_open Open crisis alerts of the community pulse; 1 each, the "
      "labels say which.\n# TYPE moderation_pulse_alert_open gauge\n";
  std::map<std::string, int> per_kind;
  for (pulse::AlertKind kind : kKinds) per_kind[pulse::AlertKindName(kind)] = 0;
  for (const pulse::Alert& a : open) {
    *out += "moderation_pulse_alert_open{community=\"";
    AppendPrometheusLabelValue(*out, a.community);
    *out += "\",kind=\"";
    *out += pulse::AlertKindName(a.kind);
    *out += "\",subject=\"";
    AppendPrometheusLabelValue(*out, a.subject);
    *out += "\",severity=\"" + a.severity + "\"} 1\n";
    ++per_kind[pulse::AlertKindName(a.kind)];
  }
  *out +=
      "# HELP moderation_pulse_alerts_open Open crisis alerts of the community pulse by kind.\n"
      "# TYPE moderation_pulse_alerts_open gauge\n";
  for (const auto& [kind, n] : per_kind) {
    *out += "moderation_pulse_alerts_open{kind=\"" + kind + "\"} " + std::to_string(n) + "\n";
  }
  *out +=
      "# HELP moderation_pulse_communities Communities the pulse tracks now (bounded by "
      "--pulse_max_communities).\n# TYPE moderation_pulse_communities gauge\n"
      "moderation_pulse_communities " +
      std::to_string(pulse.community_count()) + "\n";
}

}  // namespace moderation::server
