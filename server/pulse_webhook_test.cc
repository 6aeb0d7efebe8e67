// The pulse webhook against a local receiver on 127.0.0.1: Alertmanager's
// format, one POST per change, firing then resolved; over http:// and
// https://, where the receiver's certificate and name must verify against
// the CA file (made at test time, pulse_webhook_testing.h).
#include "server/pulse_webhook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "server/pulse_webhook_http.h"
#include "server/pulse_webhook_testing.h"

namespace moderation::server {
namespace {

using ::testing::HasSubstr;
using testing::TestCa;
using testing::WebhookReceiver;

pulse::Alert SampleAlert() {
  pulse::Alert a;
  a.id = 7;
  a.community = "news-de";
  a.kind = pulse::AlertKind::kHostileShare;
  a.severity = "warning";
  a.started = absl::FromUnixSeconds(1796040180);
  a.window_posts = 200;
  a.observed = 0.3;
  a.expected = 0.05;
  a.z = 6.5;
  a.top_rules = {{"de.insult.common", 31}};
  a.example_post_ids = {"m182-0"};
  return a;
}

// A directory of its own under the test's temporary directory, removed at
// the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "pulse_webhook_XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(PulseWebhookTest, PostsFiringThenResolvedInAlertmanagersFormat) {
  WebhookReceiver receiver({});
  Logger logger(LogLevel::kError);
  auto hook = PulseWebhook::Create(receiver.Url("/hook"), "", &logger);
  ASSERT_TRUE(hook.ok()) << hook.status();
  pulse::Alert a = SampleAlert();
  (*hook)->Enqueue(a);
  a.ended = a.started + absl::Minutes(26);
  (*hook)->Enqueue(a);
  const std::vector<std::string> bodies = receiver.Bodies(2);
  ASSERT_EQ(bodies.size(), 2u);
  const nlohmann::json firing = nlohmann::json::parse(bodies[0]);
  EXPECT_EQ(firing["version"], "4");
  EXPECT_EQ(firing["status"], "firing");
  ASSERT_EQ(firing["alerts"].size(), 1u);
  const nlohmann::json& alert = firing["alerts"][0];
  EXPECT_EQ(alert["labels"]["alertname"], "CommunityPulse");
  EXPECT_EQ(alert["labels"]["community"], "news-de");
  EXPECT_EQ(alert["labels"]["kind"], "hostile_share");
  EXPECT_EQ(alert["startsAt"], "2026-11-30T12:03:00Z");
  EXPECT_EQ(alert["endsAt"], "0001-01-01T00:00:00Z");
  EXPECT_NE(alert["annotations"]["top_rules"].get<std::string>().find("de.insult.common"),
            std::string::npos);
  const nlohmann::json resolved = nlohmann::json::parse(bodies[1]);
  EXPECT_EQ(resolved["status"], "resolved");
  EXPECT_EQ(resolved["alerts"][0]["endsAt"], "2026-11-30T12:29:00Z");
  EXPECT_EQ(resolved["alerts"][0]["fingerprint"], alert["fingerprint"]);
}

// A warning that becomes critical: the receiver gets the warning resolved
// and the critical alert firing in one message, each with a fingerprint of
// its own, and the end resolves the critical one.
TEST(PulseWebhookTest, AnEscalationResolvesTheWarningAndFiresTheCriticalAlert) {
  pulse::Alert a = SampleAlert();
  const nlohmann::json opened = nlohmann::json::parse(AlertmanagerPayload(a));
  a.severity = "critical";
  a.escalated = true;
  a.updated = a.started + absl::Minutes(4);
  const nlohmann::json escalated = nlohmann::json::parse(AlertmanagerPayload(a));
  a.escalated = false;
  a.ended = a.started + absl::Minutes(30);
  const nlohmann::json ended = nlohmann::json::parse(AlertmanagerPayload(a));

  EXPECT_EQ(escalated["status"], "firing");
  ASSERT_EQ(escalated["alerts"].size(), 2u);
  const nlohmann::json& warning = escalated["alerts"][0];
  const nlohmann::json& critical = escalated["alerts"][1];
  EXPECT_EQ(warning["status"], "resolved");
  EXPECT_EQ(warning["labels"]["severity"], "warning");
  EXPECT_EQ(warning["endsAt"], "2026-11-30T12:07:00Z");
  EXPECT_EQ(warning["fingerprint"], opened["alerts"][0]["fingerprint"]);
  EXPECT_EQ(critical["status"], "firing");
  EXPECT_EQ(critical["labels"]["severity"], "critical");
  EXPECT_NE(critical["fingerprint"], warning["fingerprint"]);
  EXPECT_FALSE(escalated["commonLabels"].contains("severity"));
  ASSERT_EQ(ended["alerts"].size(), 1u);
  EXPECT_EQ(ended["alerts"][0]["status"], "resolved");
  EXPECT_EQ(ended["alerts"][0]["fingerprint"], critical["fingerprint"]);
}

// Each case: a receiver with a certificate for `san` (none: plain http),
// reached as `host`, with the client trusting `trust`.
TEST(PulseWebhookTest, HttpsDeliversOnlyWhenTheCertificateAndTheNameVerify) {
  enum class Trust { kReceiversCa, kOtherCa, kSystemStore };
  struct Case {
    std::string name;
    std::string san;  // "" = plain http
    std::string host;
    Trust trust;
    std::string error;  // "" = delivered
    std::string sni;    // the name the receiver saw (when delivered)
  };
  const std::vector<Case> cases = {
      {"https with the receiver's CA file", "IP:127.0.0.1", "127.0.0.1", Trust::kReceiversCa, "",
       ""},
      {"https to a name sends it as SNI", "DNS:localhost", "localhost", Trust::kReceiversCa, "",
       "localhost"},
      {"a certificate for another name, reached by IP", "DNS:alerts.example.org", "127.0.0.1",
       Trust::kReceiversCa, "certificate verify failed: IP address mismatch", ""},
      {"a certificate for another name, reached by name", "DNS:alerts.example.org", "localhost",
       Trust::kReceiversCa, "certificate verify failed: hostname mismatch", ""},
      {"a CA the client does not trust", "IP:127.0.0.1", "127.0.0.1", Trust::kOtherCa,
       "certificate verify failed: unable to get local issuer certificate", ""},
      {"a private CA is not in the system store", "IP:127.0.0.1", "127.0.0.1", Trust::kSystemStore,
       "certificate verify failed: unable to get local issuer certificate", ""},
      {"plain http still works", "", "127.0.0.1", Trust::kSystemStore, "", ""},
  };
  TempDir dir;
  TestCa ca("webhook test CA");
  TestCa other("unrelated CA");
  const std::string ca_file = dir.Write("ca.pem", ca.cert_pem());
  const std::string other_file = dir.Write("other.pem", other.cert_pem());
  // Non-ASCII and larger than any socket buffer: it must arrive byte for byte.
  const std::string body =
      nlohmann::json({{"text", "Größe ≥ 5 € — " + std::string(300000, 'x')}}).dump();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WebhookReceiver::Options options;
    if (!c.san.empty()) options.tls = ca.Issue(c.san);
    WebhookReceiver receiver(options);
    const std::string trust = c.trust == Trust::kReceiversCa ? ca_file
                              : c.trust == Trust::kOtherCa   ? other_file
                                                             : "";
    auto client = WebhookClient::Create(receiver.Url("/hook?x=1", c.host),
                                        c.san.empty() ? "" : trust, absl::Seconds(5));
    ASSERT_TRUE(client.ok()) << client.status();
    const absl::StatusOr<WebhookAnswer> code = (*client)->PostJson(body);
    if (c.error.empty()) {
      ASSERT_TRUE(code.ok()) << code.status();
      EXPECT_EQ(code->status, 200);
      const std::vector<std::string> bodies = receiver.Bodies(1);
      ASSERT_EQ(bodies.size(), 1u);
      EXPECT_TRUE(bodies[0] == body) << "the body changed on the way";
      if (!c.san.empty()) {
        EXPECT_THAT(receiver.ServerNames(), ::testing::ElementsAre(c.sni));
      }
    } else {
      ASSERT_FALSE(code.ok());
      EXPECT_THAT(std::string(code.status().message()), HasSubstr(c.error));
      EXPECT_THAT(std::string(code.status().message()), HasSubstr("TLS handshake with"));
      EXPECT_TRUE(receiver.Bodies(0).empty());
    }
  }
}

TEST(PulseWebhookTest, ACertificateThatDoesNotVerifyIsLoggedWithTheReason) {
  TempDir dir;
  TestCa ca("webhook test CA");
  TestCa other("unrelated CA");
  WebhookReceiver receiver({.tls = ca.Issue("IP:127.0.0.1")});
  const std::string log_path = dir.path() + "/log.jsonl";
  std::FILE* log = std::fopen(log_path.c_str(), "w");
  ASSERT_NE(log, nullptr);
  Logger logger(LogLevel::kInfo, log);
  auto hook = PulseWebhook::Create(receiver.Url("/hook"), dir.Write("other.pem", other.cert_pem()),
                                   &logger);
  ASSERT_TRUE(hook.ok()) << hook.status();
  (*hook)->Enqueue(SampleAlert());
  std::string text;
  for (int i = 0; i < 500 && text.find("pulse_webhook_failed") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream in(log_path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  hook->reset();
  std::fclose(log);
  EXPECT_THAT(text, HasSubstr("\"event\":\"pulse_webhook_failed\""));
  EXPECT_THAT(text, HasSubstr("certificate verify failed: unable to get local issuer certificate"));
  EXPECT_TRUE(receiver.Bodies(0).empty());
}

TEST(PulseWebhookTest, AnHttpsAlertArrivesWithTheReceiversCa) {
  TempDir dir;
  TestCa ca("webhook test CA");
  WebhookReceiver receiver({.tls = ca.Issue("DNS:localhost,IP:127.0.0.1")});
  Logger logger(LogLevel::kError);
  auto hook =
      PulseWebhook::Create(receiver.Url("/hook"), dir.Write("ca.pem", ca.cert_pem()), &logger);
  ASSERT_TRUE(hook.ok()) << hook.status();
  (*hook)->Enqueue(SampleAlert());
  const std::vector<std::string> bodies = receiver.Bodies(1);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(bodies[0])["alerts"][0]["labels"]["community"], "news-de");
}

TEST(PulseWebhookTest, UrlsAreTakenApartWithTheSchemesDefaultPort) {
  struct Case {
    std::string url;
    bool tls;
    std::string host, port, path;
    bool default_port;
  };
  for (const Case& c : std::vector<Case>{
           {"http://127.0.0.1:9099/alerts", false, "127.0.0.1", "9099", "/alerts", false},
           {"https://hooks.example.org/services/T0/B0/xyz", true, "hooks.example.org", "443",
            "/services/T0/B0/xyz", true},
           {"https://relay.internal:443?key=1", true, "relay.internal", "443", "/?key=1", true},
           {"http://[::1]:8080/a#frag", false, "::1", "8080", "/a", false},
           {"http://h", false, "h", "80", "/", true},
       }) {
    absl::StatusOr<WebhookUrl> u = ParseWebhookUrl(c.url);
    ASSERT_TRUE(u.ok()) << c.url << ": " << u.status();
    EXPECT_EQ(u->tls, c.tls) << c.url;
    EXPECT_EQ(u->host, c.host) << c.url;
    EXPECT_EQ(u->port, c.port) << c.url;
    EXPECT_EQ(u->path, c.path) << c.url;
    EXPECT_EQ(u->default_port, c.default_port) << c.url;
  }
}

TEST(PulseWebhookTest, BadUrlsAndCaFilesFailAtCreateSayingWhy) {
  TempDir dir;
  Logger logger(LogLevel::kError);
  struct Case {
    std::string url;
    std::string ca_file;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"ftp://h/x", "", "must start with http:// or https://"},
      {"http://", "", "no host"},
      {"https://:443/x", "", "no host"},
      {"http://h:0/x", "", "bad port: 0"},
      {"http://h:99999/x", "", "bad port: 99999"},
      {"http://user:secret@h/x", "", "user information"},
      {"http://h/a b", "", "spaces or control characters"},
      {"http://h/a\r\nX-Injected: 1", "", "spaces or control characters"},
      {"http://::1/x", "", "needs [brackets]"},
      {"https://[::1/x", "", "lacks its ']'"},
      {"https://127.0.0.1/x", dir.path() + "/missing.pem",
       "cannot read CA file " + dir.path() + "/missing.pem: No such file or directory"},
      {"https://127.0.0.1/x", dir.Write("empty.pem", "not a certificate\n"),
       "holds no PEM certificate"},
  };
  for (const Case& c : cases) {
    auto hook = PulseWebhook::Create(c.url, c.ca_file, &logger);
    ASSERT_FALSE(hook.ok()) << c.url;
    EXPECT_EQ(hook.status().code(), absl::StatusCode::kInvalidArgument) << c.url;
    EXPECT_THAT(std::string(hook.status().message()), HasSubstr(c.error)) << c.url;
  }
  for (const char* good : {"http://127.0.0.1:9/x", "https://[::1]:8443/x",
                           "https://hooks.example.org/services/T0/B0/xyz"}) {
    EXPECT_TRUE(PulseWebhook::Create(good, "", &logger).ok()) << good;
  }
}

TEST(PulseWebhookTest, AnUnreachableReceiverFailsWithAnError) {
  // Port 9 (discard) on loopback: nothing listens in the test environment.
  auto client = WebhookClient::Create("http://127.0.0.1:9/x", "", absl::Seconds(2));
  ASSERT_TRUE(client.ok());
  const absl::StatusOr<WebhookAnswer> code = (*client)->PostJson("{}");
  ASSERT_FALSE(code.ok());
  EXPECT_THAT(std::string(code.status().message()),
              HasSubstr("cannot connect to 127.0.0.1:9: Connection refused"));
}

// A receiver that accepts the connection (the kernel does, from the
// backlog) but never says a word: the handshake must give up at the
// deadline, not hang.
TEST(PulseWebhookTest, ASilentReceiverTimesOutWithinTheDeadline) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t length = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  const std::string url = "https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x";
  auto client = WebhookClient::Create(url, "", absl::Milliseconds(700));
  ASSERT_TRUE(client.ok());
  const auto start = std::chrono::steady_clock::now();
  const absl::StatusOr<WebhookAnswer> code = (*client)->PostJson("{}");
  const auto took = std::chrono::steady_clock::now() - start;
  close(fd);
  ASSERT_FALSE(code.ok());
  EXPECT_EQ(code.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(code.status().message()),
              HasSubstr("timed out after 700ms (TLS handshake with 127.0.0.1:"));
  EXPECT_GE(took, std::chrono::milliseconds(650));
  EXPECT_LT(took, std::chrono::seconds(3));
}

}  // namespace
}  // namespace moderation::server
