#include "server/http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace moderation::server {
namespace {

constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr char kTextContentType[] = "text/plain; charset=utf-8";
// Worker threads: how many connections can be open at once before the next
// one (a probe) has to wait for a worker (see Listen()).
constexpr char kWorkerThreads[] = "256";

struct ListenAddress {
  std::string listening_ports;  // civetweb's syntax
  std::optional<in_addr> wake;  // where to connect to wake the listener
};

// Turns "host:port" into civetweb's listening_ports syntax. The host must be
// an IPv4 literal or a bracketed IPv6 literal (civetweb binds addresses, not
// names); an empty host (":9464") means every IPv4 interface.
absl::StatusOr<ListenAddress> ParseAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("http address \"", address, "\" is not host:port"));
  }
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  int port_number = -1;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || port_number < 0 ||
      port_number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("http address \"", address, "\" has no valid port (0-65535)"));
  }
  in_addr loopback{htonl(INADDR_LOOPBACK)};
  if (host.empty()) return ListenAddress{port, loopback};
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return ListenAddress{address, v4.s_addr == htonl(INADDR_ANY) ? loopback : v4};
  }
  in6_addr v6;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']' &&
      inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &v6) == 1) {
    if (!mg_check_feature(8)) {
      return absl::UnavailableError(
          absl::StrCat("http address \"", address, "\": this civetweb has no IPv6 support"));
    }
    return ListenAddress{address, std::nullopt};
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "http address \"", address, "\" needs an IPv4 address or [IPv6] address as host"));
}

// Opens and drops a connection to addr:port without waiting for it.
void Poke(in_addr addr, int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr = addr;
  connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
  close(fd);
}

void Reply(mg_connection* conn, int status, const char* reason, const char* content_type,
           std::string_view body, bool with_body, const std::string& set_cookie = "") {
  // Scrapes and probes should never see a cached answer.
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\n"
            "Content-Type: %s\r\n"
            "Content-Length: %zu\r\n"
            "Cache-Control: no-store\r\n"
            "%s%s%s"
            "Connection: close\r\n\r\n",
            status, reason, content_type, body.size(),
            set_cookie.empty() ? "" : "Set-Cookie: ", set_cookie.c_str(),
            set_cookie.empty() ? "" : "\r\n");
  if (with_body) mg_write(conn, body.data(), body.size());
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    default:
      return "Error";
  }
}

class CivetHttpServer final : public HttpServer {
 public:
  CivetHttpServer(Metrics* metrics, ReadyFn ready, PageFn pulse_page, std::optional<in_addr> wake)
      : metrics_(metrics),
        ready_(std::move(ready)),
        pulse_page_(std::move(pulse_page)),
        wake_(wake) {}

  ~CivetHttpServer() override {
    if (ctx_ == nullptr) return;
    // civetweb's master thread polls the listening socket with a fixed 2 s
    // timeout and checks the stop flag only between polls, so mg_stop() alone
    // takes up to 2 s. Connecting to the socket wakes it at once.
    std::atomic<bool> stopped{false};
    std::thread waker;
    if (wake_.has_value()) {
      waker = std::thread([this, &stopped] {
        while (!stopped.load()) {
          Poke(*wake_, port_);
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      });
    }
    mg_stop(ctx_);  // joins civetweb's threads
    stopped = true;
    if (waker.joinable()) waker.join();
  }

  int port() const override { return port_; }

  absl::Status Listen(const std::string& listening_ports) {
    const char* options[] = {
        "listening_ports",
        listening_ports.c_str(),
        // civetweb gives each connection a worker thread of its own, which
        // waits there until the request is complete. With few workers, a
        // handful of slow or stuck clients (half-sent requests, idle
        // connections) would starve the Kubernetes probes behind them, so
        // the pool is sized for hundreds of them: an idle worker costs a
        // sleeping thread and its request buffer, not CPU.
        "num_threads",
        kWorkerThreads,
        // Probes and scrapes send a request line and a few headers; a small
        // buffer keeps the many workers cheap.
        "max_request_size",
        "8192",
        // A stuck client holds its worker this long at most. A scrape over
        // a healthy network sends its request in milliseconds.
        "request_timeout_ms",
        "3000",
        // One request per connection (every reply says Connection: close),
        // so an idle client cannot keep a worker after its answer.
        "enable_keep_alive",
        "no",
        nullptr,
    };
    mg_callbacks callbacks;
    std::memset(&callbacks, 0, sizeof(callbacks));
    callbacks.log_message = &CivetHttpServer::LogMessage;
    mg_init_data init{&callbacks, this, options};
    char error_text[256] = "";
    mg_error_data error{nullptr, error_text, sizeof(error_text)};
    ctx_ = mg_start2(&init, &error);
    if (ctx_ == nullptr) {
      // civetweb's error text is generic ("Failed to setup server ports");
      // the OS reason (e.g. "Address already in use") arrives as a log line.
      std::lock_guard lock(log_mu_);
      return absl::UnavailableError(absl::StrCat("cannot listen for HTTP on ", listening_ports,
                                                 ": ",
                                                 startup_log_.empty() ? error_text : startup_log_));
    }
    {
      std::lock_guard lock(log_mu_);
      started_ = true;
    }
    mg_set_request_handler(ctx_, "/", &CivetHttpServer::Handle, this);
    mg_server_port ports[1];
    if (mg_get_server_ports(ctx_, 1, ports) != 1) {
      return absl::InternalError("civetweb started without a listening port");
    }
    port_ = ports[0].port;
    return absl::OkStatus();
  }

 private:
  // civetweb's error log. Only start-up messages are kept, for the error
  // returned by Listen(); later ones are per-connection noise (client
  // timeouts, resets) that an operator cannot act on, so they are dropped.
  static int LogMessage(const mg_connection* conn, const char* message) {
    auto* self = static_cast<CivetHttpServer*>(mg_get_user_data(mg_get_context(conn)));
    if (self == nullptr) return 1;
    std::lock_guard lock(self->log_mu_);
    if (!self->started_ && self->startup_log_.size() < 1024) {
      if (!self->startup_log_.empty()) self->startup_log_ += "; ";
      self->startup_log_ += message;
    }
    return 1;  // handled: civetweb writes nothing itself
  }

  // Runs on a civetweb worker thread. Returns the HTTP status (handled).
  static int Handle(mg_connection* conn, void* cbdata) {
    auto* self = static_cast<CivetHttpServer*>(cbdata);
    const mg_request_info* info = mg_get_request_info(conn);
    const std::string_view method = info->request_method ? info->request_method : "";
    const std::string_view path = info->local_uri ? info->local_uri : "";
    const bool with_body = method != "HEAD";
    const bool page = path == "/pulse" && self->pulse_page_;
    const bool known = path == "/metrics" || path == "/healthz" || path == "/readyz" || page;
    if (!known) {
      Reply(conn, 404, "Not Found", kTextContentType, "not found", with_body);
      return 404;
    }
    if (method != "GET" && method != "HEAD") {
      Reply(conn, 405, "Method Not Allowed", kTextContentType, "method not allowed", with_body);
      return 405;
    }
    if (page) {
      const char* authorization = mg_get_header(conn, "Authorization");
      const char* cookie = mg_get_header(conn, "Cookie");
      PageRequest request{info->query_string ? info->query_string : "",
                          authorization ? authorization : "", cookie ? cookie : ""};
      const PageReply reply = self->pulse_page_(request);
      Reply(conn, reply.status, ReasonPhrase(reply.status), reply.content_type.c_str(), reply.body,
            with_body, reply.set_cookie);
      return reply.status;
    }
    if (path == "/metrics") {
      Reply(conn, 200, "OK", kMetricsContentType, self->metrics_->RenderPrometheus(), with_body);
      return 200;
    }
    if (path == "/healthz") {
      Reply(conn, 200, "OK", kTextContentType, "ok", with_body);
      return 200;
    }
    const std::string not_ready = self->ready_ ? self->ready_() : "";
    if (not_ready.empty()) {
      Reply(conn, 200, "OK", kTextContentType, "ready", with_body);
      return 200;
    }
    Reply(conn, 503, "Service Unavailable", kTextContentType, "not ready: " + not_ready, with_body);
    return 503;
  }

  // Constant after construction.
  Metrics* const metrics_;
  const ReadyFn ready_;
  const PageFn pulse_page_;
  const std::optional<in_addr> wake_;
  // Set once by Listen(), before any request can arrive.
  mg_context* ctx_ = nullptr;
  int port_ = 0;

  std::mutex log_mu_;
  bool started_ = false;     // guarded by log_mu_
  std::string startup_log_;  // guarded by log_mu_
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& address,
                                                              Metrics* metrics, ReadyFn ready,
                                                              PageFn pulse_page) {
  if (metrics == nullptr) return absl::InvalidArgumentError("HttpServer needs Metrics");
  absl::StatusOr<ListenAddress> parsed = ParseAddress(address);
  if (!parsed.ok()) return parsed.status();
  static const unsigned kCivetwebInit = mg_init_library(0);
  (void)kCivetwebInit;
  auto server = std::make_unique<CivetHttpServer>(metrics, std::move(ready), std::move(pulse_page),
                                                  parsed->wake);
  if (absl::Status s = server->Listen(parsed->listening_ports); !s.ok()) return s;
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace moderation::server
