#include "server/pulse_webhook.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace moderation::server {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace

namespace {

// Severity is a label, so a receiver sees a warning that became critical as
// two alerts; each keeps a fingerprint of its own from firing to resolved.
std::string Fingerprint(const pulse::Alert& a, const std::string& severity) {
  return absl::StrCat(absl::Hex(a.id, absl::kZeroPad16), severity == "critical" ? "c" : "");
}

nlohmann::json Labels(const pulse::Alert& a, const std::string& severity) {
  return {{"alertname", "CommunityPulse"},
          {"community", a.community},
          {"kind", pulse::AlertKindName(a.kind)},
          {"subject", a.subject},
          {"severity", severity}};
}

}  // namespace

std::string AlertmanagerPayload(const pulse::Alert& a) {
  const std::string status = a.open() ? "firing" : "resolved";
  const nlohmann::json labels = Labels(a, a.severity);
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
                                {"fingerprint", Fingerprint(a, a.severity)}};
  nlohmann::json alerts = nlohmann::json::array({alert});
  nlohmann::json common_labels = labels;
  if (a.escalated) {
    // To a receiver the critical alert is another alert: the warning one
    // is resolved in the same message, so that it does not stay firing.
    nlohmann::json warning = alert;
    warning["status"] = "resolved";
    warning["labels"] = Labels(a, "warning");
    warning["endsAt"] = Rfc3339(a.updated);
    warning["fingerprint"] = Fingerprint(a, "warning");
    alerts.insert(alerts.begin(), warning);
    common_labels.erase("severity");
  }
  const nlohmann::json payload = {{"version", "4"},
                                  {"groupKey", absl::StrCat("{}:{alert_id=\"", a.id, "\"}")},
                                  {"truncatedAlerts", 0},
                                  {"status", status},
                                  {"receiver", "moderationd-pulse"},
                                  {"groupLabels", {{"alertname", "CommunityPulse"}}},
                                  {"commonLabels", common_labels},
                                  {"commonAnnotations", annotations},
                                  {"externalURL", ""},
                                  {"alerts", alerts}};
  return payload.dump();
}

absl::StatusOr<std::unique_ptr<PulseWebhook>> PulseWebhook::Create(const std::string& url,
                                                                   const std::string& ca_file,
                                                                   Logger* logger,
                                                                   PulseWebhookOptions options) {
  absl::StatusOr<std::unique_ptr<const WebhookClient>> client =
      WebhookClient::Create(url, ca_file, options.attempt_timeout, options.resolver);
  if (!client.ok()) return client.status();
  options.max_attempts = std::max(1, options.max_attempts);
  options.max_pending = std::max<size_t>(1, options.max_pending);
  return std::unique_ptr<PulseWebhook>(
      new PulseWebhook(*std::move(client), logger, std::move(options)));
}

PulseWebhook::PulseWebhook(std::unique_ptr<const WebhookClient> client, Logger* logger,
                           PulseWebhookOptions options)
    : client_(std::move(client)),
      logger_(logger),
      options_(std::move(options)),
      rng_(std::random_device{}()),
      sender_([this] { Run(); }) {}

PulseWebhook::~PulseWebhook() { Stop(); }

void PulseWebhook::Stop() {
  if (!sender_.joinable()) return;
  {
    std::unique_lock lock(mu_);
    stop_ = true;
    cv_.notify_all();
    // An attempt under way may finish (its alert then arrives), briefly.
    cv_.wait_for(lock, absl::ToChronoNanoseconds(options_.shutdown_grace),
                 [this] { return !posting_; });
  }
  cancel_ = true;
  sender_.join();
}

void PulseWebhook::Enqueue(const pulse::Alert& alert) {
  Delivery d;
  d.alert_id = alert.id;
  d.status = alert.open() ? "firing" : "resolved";
  d.payload = AlertmanagerPayload(alert);
  d.arrived = absl::Now();
  d.next_attempt = d.arrived;
  {
    std::lock_guard lock(mu_);
    if (stop_) {
      ++abandoned_;
      logger_->Warning("pulse_webhook_abandoned",
                       {{"alert_ids", nlohmann::json::array({d.alert_id})},
                        {"pending", 1},
                        {"reason", "shutting down"}});
      return;
    }
    d.seq = next_seq_++;
    PushLocked(std::move(d));
  }
  cv_.notify_all();
}

PulseWebhook::Counts PulseWebhook::counts() const {
  return {delivered_.load(), retried_.load(), gave_up_.load(), dropped_.load(), abandoned_.load()};
}

void PulseWebhook::RenderMetrics(std::string* out) const {
  const Counts c = counts();
  size_t pending;
  {
    std::lock_guard lock(mu_);
    pending = pending_.size();
  }
  absl::StrAppend(
      out,
      "# HELP moderation_pulse_webhook_deliveries_total Pulse alert changes for the webhook by "
      "outcome: delivered, retried (failed attempts followed by another), gave_up (out of "
      "attempts or time, or not retryable), dropped (queue full), abandoned (at shutdown).\n"
      "# TYPE moderation_pulse_webhook_deliveries_total counter\n",
      "moderation_pulse_webhook_deliveries_total{outcome=\"delivered\"} ", c.delivered, "\n",
      "moderation_pulse_webhook_deliveries_total{outcome=\"retried\"} ", c.retried, "\n",
      "moderation_pulse_webhook_deliveries_total{outcome=\"gave_up\"} ", c.gave_up, "\n",
      "moderation_pulse_webhook_deliveries_total{outcome=\"dropped\"} ", c.dropped, "\n",
      "moderation_pulse_webhook_deliveries_total{outcome=\"abandoned\"} ", c.abandoned, "\n",
      "# HELP moderation_pulse_webhook_pending Pulse alert changes waiting for the webhook (new "
      "or between attempts).\n# TYPE moderation_pulse_webhook_pending gauge\n"
      "moderation_pulse_webhook_pending ",
      pending, "\n");
}

void PulseWebhook::PushLocked(Delivery d) {
  if (pending_.size() >= options_.max_pending) {
    auto oldest =
        std::min_element(pending_.begin(), pending_.end(),
                         [](const Delivery& a, const Delivery& b) { return a.seq < b.seq; });
    logger_->Warning("pulse_webhook_dropped",
                     {{"alert_id", oldest->alert_id},
                      {"status", oldest->status},
                      {"attempts", oldest->attempts},
                      {"reason", absl::StrCat("queue full (", options_.max_pending,
                                              " changes waiting); the oldest is dropped")}});
    ++dropped_;
    pending_.erase(oldest);
  }
  pending_.push_back(std::move(d));
}

std::optional<size_t> PulseWebhook::NextDue(absl::Time now, absl::Time* wake) const {
  std::optional<size_t> due;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const Delivery& d = pending_[i];
    // An alert's changes go out in order: wait for its older ones.
    const bool behind = std::any_of(pending_.begin(), pending_.end(), [&d](const Delivery& o) {
      return o.alert_id == d.alert_id && o.seq < d.seq;
    });
    if (behind) continue;
    if (d.next_attempt > now) {
      *wake = std::min(*wake, d.next_attempt);
    } else if (!due || d.seq < pending_[*due].seq) {
      due = i;
    }
  }
  return due;
}

void PulseWebhook::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    const absl::Time now = absl::Now();
    absl::Time wake = absl::InfiniteFuture();
    const std::optional<size_t> due = NextDue(now, &wake);
    if (!due) {
      if (wake == absl::InfiniteFuture()) {
        cv_.wait(lock);
      } else {
        cv_.wait_for(lock, absl::ToChronoNanoseconds(std::max(wake - now, absl::Milliseconds(1))));
      }
      continue;
    }
    Delivery d = std::move(pending_[*due]);
    pending_.erase(pending_.begin() + static_cast<ptrdiff_t>(*due));
    posting_ = true;
    lock.unlock();
    const Result result = Attempt(&d);
    lock.lock();
    posting_ = false;
    cv_.notify_all();  // the destructor may wait for this attempt
    if (result == Result::kRetry) {
      PushLocked(std::move(d));
    } else if (result == Result::kCancelled) {
      pending_.push_back(std::move(d));  // abandoned below
    }
  }
  if (pending_.empty()) return;
  nlohmann::json ids = nlohmann::json::array();
  for (const Delivery& d : pending_) ids.push_back(d.alert_id);
  abandoned_ += pending_.size();
  logger_->Warning("pulse_webhook_abandoned",
                   {{"pending", pending_.size()}, {"alert_ids", ids}, {"reason", "shutting down"}});
  pending_.clear();
}

PulseWebhook::Result PulseWebhook::Attempt(Delivery* d) {
  ++d->attempts;
  const absl::Time deadline = d->arrived + options_.deadline;
  const absl::StatusOr<WebhookAnswer> answer = client_->PostJson(d->payload, deadline, &cancel_);
  if (answer.ok() && answer->status / 100 == 2) {
    ++delivered_;
    if (d->attempts > 1) {
      logger_->Info("pulse_webhook_delivered",
                    {{"alert_id", d->alert_id}, {"status", d->status}, {"attempts", d->attempts}});
    }
    return Result::kDelivered;
  }
  if (!answer.ok() && absl::IsCancelled(answer.status())) return Result::kCancelled;
  std::string error;
  bool retryable;
  absl::Duration wait = absl::ZeroDuration();
  if (answer.ok()) {
    error = absl::StrCat("HTTP ", answer->status);
    retryable = answer->status == 429 || answer->status / 100 == 5;
    if (retryable && answer->retry_after) {
      wait = std::min(*answer->retry_after, options_.max_retry_after);
    }
  } else {
    error = std::string(answer.status().message());
    retryable = absl::IsUnavailable(answer.status()) || absl::IsDeadlineExceeded(answer.status());
  }
  std::string gave_up;  // why not again; "" = again
  if (!retryable) {
    gave_up = absl::IsFailedPrecondition(answer.status())
                  ? "the certificate does not verify; fix the receiver's certificate or "
                    "--pulse_webhook_ca_file"
                  : "not retryable";
  } else if (d->attempts >= options_.max_attempts) {
    gave_up = absl::StrCat("no attempts left (", options_.max_attempts, ")");
  } else {
    // Backoff: initial * 2^(attempts-1), capped, less a random half.
    absl::Duration backoff = options_.initial_backoff;
    for (int i = 1; i < d->attempts && backoff < options_.max_backoff; ++i) backoff *= 2;
    backoff = std::min(backoff, options_.max_backoff);
    backoff *= std::uniform_real_distribution<double>(0.5, 1.0)(rng_);
    wait = std::max(wait, backoff);
    d->next_attempt = absl::Now() + wait;
    if (d->next_attempt >= deadline) {
      gave_up = absl::StrCat("no time left (", absl::FormatDuration(options_.deadline), ")");
    }
  }
  nlohmann::json fields = {{"alert_id", d->alert_id},
                           {"status", d->status},
                           {"attempt", d->attempts},
                           {"max_attempts", options_.max_attempts},
                           {"error", error}};
  if (gave_up.empty()) {
    fields["retry_in_seconds"] = absl::ToDoubleSeconds(wait);
    logger_->Warning("pulse_webhook_failed", std::move(fields));
    ++retried_;
    return Result::kRetry;
  }
  fields["retry"] = false;
  logger_->Warning("pulse_webhook_failed", std::move(fields));
  logger_->Error("pulse_webhook_gave_up", {{"alert_id", d->alert_id},
                                           {"status", d->status},
                                           {"attempts", d->attempts},
                                           {"reason", gave_up},
                                           {"error", error}});
  ++gave_up_;
  return Result::kGiveUp;
}

}  // namespace moderation::server
