// The pulse webhook against a local receiver: Alertmanager's format, one
// POST per change, firing then resolved.
#include "server/pulse_webhook.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"

namespace moderation::server {
namespace {

// Accepts HTTP requests on 127.0.0.1:<ephemeral>, answers 200, keeps bodies.
class Receiver {
 public:
  Receiver() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 8);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    thread_ = std::thread([this] { Serve(); });
  }
  ~Receiver() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  // Waits up to 10 s for n bodies.
  std::vector<std::string> Bodies(size_t n) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mu_);
        if (bodies_.size() >= n) return bodies_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  void Serve() {
    for (;;) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string in;
      char buf[4096];
      size_t want = std::string::npos;
      while (want == std::string::npos || in.size() < want) {
        const ssize_t n = recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        const size_t end = in.find("\r\n\r\n");
        const size_t cl = in.find("Content-Length: ");
        if (end != std::string::npos && cl != std::string::npos && want == std::string::npos) {
          size_t length = 0;
          (void)absl::SimpleAtoi(in.substr(cl + 16, in.find("\r\n", cl) - cl - 16), &length);
          want = end + 4 + length;
        }
      }
      const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
      send(c, ok.data(), ok.size(), MSG_NOSIGNAL);
      close(c);
      std::lock_guard lock(mu_);
      bodies_.push_back(in.substr(in.find("\r\n\r\n") + 4));
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
};

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

TEST(PulseWebhookTest, PostsFiringThenResolvedInAlertmanagersFormat) {
  Receiver receiver;
  Logger logger(LogLevel::kError);
  auto hook = PulseWebhook::Create("http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook",
                                   &logger);
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

TEST(PulseWebhookTest, OnlyPlainHttpUrlsWithAHostAreAccepted) {
  Logger logger(LogLevel::kError);
  for (const char* bad :
       {"https://example.org/x", "ftp://h/x", "http://", "http://h:0/x", "http://h:99999/x"}) {
    EXPECT_FALSE(PulseWebhook::Create(bad, &logger).ok()) << bad;
  }
  EXPECT_TRUE(PulseWebhook::Create("http://127.0.0.1:9/x", &logger).ok());
}

TEST(PulseWebhookTest, AnUnreachableReceiverFailsWithAnError) {
  // Port 9 (discard) on loopback: nothing listens in the test environment.
  const absl::StatusOr<int> code = PostJson("http://127.0.0.1:9/x", "{}", 2);
  EXPECT_FALSE(code.ok());
}

}  // namespace
}  // namespace moderation::server
