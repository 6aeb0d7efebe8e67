#include "server/pulse_webhook.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace moderation::server {
namespace {

struct Url {
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

absl::StatusOr<Url> ParseUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    return absl::InvalidArgumentError("webhook URL must start with http:// (no TLS)");
  }
  Url u;
  std::string rest = url.substr(kScheme.size());
  if (const size_t slash = rest.find('/'); slash != std::string::npos) {
    u.path = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  if (const size_t colon = rest.rfind(':'); colon != std::string::npos) {
    u.port = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    int port = 0;
    if (!absl::SimpleAtoi(u.port, &port) || port <= 0 || port > 65535) {
      return absl::InvalidArgumentError("webhook URL has a bad port: " + u.port);
    }
  }
  if (rest.empty()) return absl::InvalidArgumentError("webhook URL has no host");
  u.host = rest;
  return u;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// Closes the socket on every path.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) close(fd);
  }
};

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

absl::StatusOr<int> PostJson(const std::string& url, const std::string& body, int timeout_seconds) {
  absl::StatusOr<Url> u = ParseUrl(url);
  if (!u.ok()) return u.status();
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(u->host.c_str(), u->port.c_str(), &hints, &found); rc != 0) {
    return absl::UnavailableError(absl::StrCat("webhook host ", u->host, ": ", gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);
  Socket s;
  s.fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (s.fd < 0) return absl::UnavailableError("webhook: no socket");
  timeval tv{timeout_seconds, 0};
  setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (connect(s.fd, found->ai_addr, found->ai_addrlen) != 0) {
    return absl::UnavailableError(
        absl::StrCat("webhook: cannot connect to ", u->host, ":", u->port));
  }
  const std::string request =
      absl::StrCat("POST ", u->path, " HTTP/1.1\r\nHost: ", u->host, ":", u->port,
                   "\r\nContent-Type: application/json\r\nContent-Length: ", body.size(),
                   "\r\nConnection: close\r\n\r\n", body);
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(s.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return absl::UnavailableError("webhook: send failed");
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buf[512];
  while (response.find("\r\n") == std::string::npos && response.size() < 4096) {
    const ssize_t n = recv(s.fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  int code = 0;
  const size_t space = response.find(' ');
  if (space == std::string::npos || !absl::SimpleAtoi(response.substr(space + 1, 3), &code)) {
    return absl::UnavailableError("webhook: no HTTP status in the answer");
  }
  return code;
}

absl::StatusOr<std::unique_ptr<PulseWebhook>> PulseWebhook::Create(const std::string& url,
                                                                   Logger* logger) {
  if (absl::StatusOr<Url> u = ParseUrl(url); !u.ok()) return u.status();
  return std::unique_ptr<PulseWebhook>(new PulseWebhook(url, logger));
}

PulseWebhook::PulseWebhook(std::string url, Logger* logger)
    : url_(std::move(url)), logger_(logger), sender_([this] { Run(); }) {}

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
    absl::StatusOr<int> code = PostJson(url_, payload);
    if (!code.ok() || *code / 100 != 2) {
      logger_->Warning("pulse_webhook_failed",
                       {{"error", code.ok() ? absl::StrCat("HTTP ", *code)
                                            : std::string(code.status().message())}});
    }
  }
}

}  // namespace moderation::server
