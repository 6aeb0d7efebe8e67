#include "server/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::server {
namespace {

using ::testing::HasSubstr;

struct HttpResponse {
  int status = 0;
  std::string headers;
  std::string body;
};

// A blocking HTTP/1.0 client for 127.0.0.1, bounded by 5 s socket timeouts.
// Returns status 0 if the exchange failed.
HttpResponse Get(int port, const std::string& path, const std::string& method = "GET") {
  HttpResponse response;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return response;
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string raw;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request = method + " " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buf[4096];
      for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) raw.append(buf, n);
    }
  }
  close(fd);
  const size_t header_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 9, "HTTP/1.1 ") != 0 || header_end == std::string::npos) return response;
  response.status = std::stoi(raw.substr(9, 3));
  response.headers = raw.substr(0, header_end);
  response.body = raw.substr(header_end + 4);
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    metrics_.RecordRuleHit("spam.links");
    auto server = HttpServer::Start("127.0.0.1:0", &metrics_, [this] {
      return ready_.load() ? std::string() : std::string("compiling rules: 3 of 5 sets");
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_GT(server_->port(), 0);
  }

  Metrics metrics_;
  std::atomic<bool> ready_{false};
  std::unique_ptr<HttpServer> server_;
};

// `text` without the process_* series, which change between two scrapes
// (CPU time, open files).
std::string WithoutProcessSeries(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string_view line(text.data() + start, end - start);
    const bool process = line.rfind("process_", 0) == 0 || line.rfind("# HELP process_", 0) == 0 ||
                         line.rfind("# TYPE process_", 0) == 0;
    if (!process) out.append(line);
    start = end;
  }
  return out;
}

TEST_F(HttpServerTest, MetricsServesThePrometheusExposition) {
  const HttpResponse r = Get(server_->port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.headers, HasSubstr("Content-Type: text/plain; version=0.0.4; charset=utf-8"));
  EXPECT_EQ(WithoutProcessSeries(r.body), WithoutProcessSeries(metrics_.RenderPrometheus()));
  EXPECT_THAT(r.body, HasSubstr("\nprocess_open_fds "));
  EXPECT_THAT(r.body,
              HasSubstr("moderation_rule_hits_total{rule=\"spam.links\",category=\"\"} 1\n"));
}

TEST_F(HttpServerTest, EndpointsAnswerPerReadiness) {
  struct Case {
    bool ready;
    std::string path;
    int status;
    std::string body;
  };
  const std::vector<Case> cases = {
      {false, "/healthz", 200, "ok"},
      {false, "/readyz", 503, "not ready: compiling rules: 3 of 5 sets"},
      {true, "/readyz", 200, "ready"},
      {true, "/healthz", 200, "ok"},
      {true, "/", 404, "not found"},
      {true, "/metricsz", 404, "not found"},
      {true, "/metrics/extra", 404, "not found"},
      {true, "/readyz/", 404, "not found"},
  };
  for (const Case& c : cases) {
    ready_ = c.ready;
    const HttpResponse r = Get(server_->port(), c.path);
    EXPECT_EQ(r.status, c.status) << c.path << " ready=" << c.ready;
    EXPECT_EQ(r.body, c.body) << c.path << " ready=" << c.ready;
  }
}

TEST_F(HttpServerTest, HeadRequestsGetHeadersWithoutBody) {
  const HttpResponse r = Get(server_->port(), "/healthz", "HEAD");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.headers, HasSubstr("Content-Length: 2"));
  EXPECT_EQ(r.body, "");
}

TEST_F(HttpServerTest, WritesToKnownPathsAreNotAllowed) {
  EXPECT_EQ(Get(server_->port(), "/metrics", "POST").status, 405);
}

TEST_F(HttpServerTest, StoppedServerNoLongerAnswers) {
  const int port = server_->port();
  server_.reset();
  EXPECT_EQ(Get(port, "/healthz").status, 0);
}

TEST(HttpServerStartTest, MalformedAddressesAreInvalidArgument) {
  Metrics metrics;
  const std::vector<std::string> addresses = {
      "",
      "9464",
      "127.0.0.1",
      "127.0.0.1:",
      "127.0.0.1:http",
      "127.0.0.1:70000",
      "127.0.0.1:-1",
      "localhost:9464",
      "256.1.1.1:80",
      "[::1:80",
      "[nope]:80",
      "127.0.0.1:80x",
  };
  for (const std::string& address : addresses) {
    auto server = HttpServer::Start(address, &metrics, [] { return std::string(); });
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument) << address;
  }
}

TEST(HttpServerStartTest, PortInUseIsUnavailableWithTheReason) {
  // Hold a listening socket on a free port, then ask the server for it.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);

  Metrics metrics;
  auto server = HttpServer::Start("127.0.0.1:" + std::to_string(port), &metrics,
                                  [] { return std::string(); });
  close(fd);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(server.status().message(), HasSubstr("Address already in use"));
}

TEST(HttpServerStartTest, TwoServersOnPortZeroGetDifferentPorts) {
  Metrics metrics;
  auto a = HttpServer::Start("127.0.0.1:0", &metrics, nullptr);
  auto b = HttpServer::Start("127.0.0.1:0", &metrics, nullptr);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_NE((*a)->port(), (*b)->port());
  // Without a readiness function the server reports ready.
  EXPECT_EQ(Get((*b)->port(), "/readyz").status, 200);
}

}  // namespace
}  // namespace moderation::server
