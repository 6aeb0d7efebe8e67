#include "server/pulse_webhook.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace moderation::server {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace

std::string AlertmanagerPayload(const pulse::Alert& a) {
  const std::string status = a.open() ? "firing" : "resolved";
  const nlohmann::json labels = {{"alertname", "CommunityPulse"},
                                 {"community", a.community},
                                 {"kind", pulse::AlertKindName(a.kind)},
                                 {"subject", a.subject},
                                 {"severity", a.severity}};
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& [rule, count] : a.top_rules)
    rules.push_back(absl::StrCat(rule, " (", count, ")"));
  const nlohmann::json annotations = {
      {"summary", absl::StrCat(pulse::AlertKindName(a.kind), " in ", a.community,
                               a.subject.empty() ? "" : " (" + a.subject + ")")},
      {"observed", absl::StrCat(a.observed)},
      {"expected", absl::StrCat(a.expected)},
      {"z", absl::StrCat(a.z)},
      {"window_posts", absl::StrCat(a.window_posts)},
      {"top_rules", nlohmann::json(rules).dump()},
      {"top_topics", nlohmann::json(a.top_topics).dump()},
      {"example_post_ids", nlohmann::json(a.example_post_ids).dump()}};
  const nlohmann::json alert = {{"status", status},
                                {"labels", labels},
                                {"annotations", annotations},
                                {"startsAt", Rfc3339(a.started)},
                                {"endsAt", a.open() ? "0001-01-01T00:00:00Z" : Rfc3339(a.ended)},
                                {"generatorURL", ""},
                                {"fingerprint", absl::StrCat(absl::Hex(a.id, absl::kZeroPad16))}};
  const nlohmann::json payload = {{"version", "4"},
                                  {"groupKey", absl::StrCat("{}:{alert_id=\"", a.id, "\"}")},
                                  {"truncatedAlerts", 0},
                                  {"status", status},
                                  {"receiver", "moderationd-pulse"},
                                  {"groupLabels", {{"alertname", "CommunityPulse"}}},
                                  {"commonLabels", labels},
                                  {"commonAnnotations", annotations},
                                  {"externalURL", ""},
                                  {"alerts", nlohmann::json::array({alert})}};
  return payload.dump();
}

absl::StatusOr<std::unique_ptr<PulseWebhook>> PulseWebhook::Create(const std::string& url,
                                                                   const std::string& ca_file,
                                                                   Logger* logger) {
  absl::StatusOr<std::unique_ptr<const WebhookClient>> client = WebhookClient::Create(url, ca_file);
  if (!client.ok()) return client.status();
  return std::unique_ptr<PulseWebhook>(new PulseWebhook(*std::move(client), logger));
}

PulseWebhook::PulseWebhook(std::unique_ptr<const WebhookClient> client, Logger* logger)
    : client_(std::move(client)), logger_(logger), sender_([this] { Run(); }) {}

PulseWebhook::~PulseWebhook() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  sender_.join();
}

void PulseWebhook::Enqueue(const pulse::Alert& alert) {
  std::string payload = AlertmanagerPayload(alert);
  {
    std::lock_guard lock(mu_);
    if (pending_.size() >= kMaxPending) {
      logger_->Warning("pulse_webhook_dropped", {{"alert_id", alert.id}, {"reason", "queue full"}});
      return;
    }
    pending_.push_back(std::move(payload));
  }
  cv_.notify_one();
}

void PulseWebhook::Run() {
  for (;;) {
    std::string payload;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
      if (stop_) return;
      payload = std::move(pending_.front());
      pending_.pop_front();
    }
    absl::StatusOr<int> code = client_->PostJson(payload);
    if (!code.ok() || *code / 100 != 2) {
      logger_->Warning("pulse_webhook_failed",
                       {{"error", code.ok() ? absl::StrCat("HTTP ", *code)
                                            : std::string(code.status().message())}});
    }
  }
}

}  // namespace moderation::server
