// The HTTP listener for operators: /metrics, /healthz and /readyz.
//
// Why: Prometheus scrapes plain HTTP, and Kubernetes probes are simplest over
// HTTP. civetweb (Debian: libcivetweb-dev) is a small, maintained embeddable
// server; it runs its own threads, away from the gRPC request path.
//   /metrics  Metrics::RenderPrometheus(), text/plain; version=0.0.4
//   /healthz  200 "ok" while the process runs (liveness)
//   /readyz   200 "ready" once rules are loaded and until shutdown begins,
//             else 503 "not ready: <why>" (readiness), e.g. "not ready:
//             compiling rules: 3 of 5 sets"
//   /pulse    the page handler's answer, if one was given (pulse_page.h)
//   anything else: 404
//
//   auto http = HttpServer::Start("127.0.0.1:9464", &metrics, [&] { return why_not_ready; });
//   int port = (*http)->port();  // the bound port (useful with ":0")
//
// Thread-safety: the callbacks run on civetweb threads; Metrics and the
// readiness function must be thread-safe. The destructor stops the server.
#ifndef MODERATION_SERVER_HTTP_SERVER_H_
#define MODERATION_SERVER_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/metrics.h"

namespace moderation::server {

class HttpServer {
 public:
  // Why the server is not ready ("compiling rules: 3 of 5 sets"), or "" when
  // it is.
  using ReadyFn = std::function<std::string()>;

  // A request for a page, as far as a page handler needs it.
  struct PageRequest {
    std::string_view query;          // after '?', still URL-encoded; "" if none
    std::string_view authorization;  // the Authorization header, "" if none
    std::string_view cookie;         // the Cookie header, "" if none
  };
  struct PageReply {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::string set_cookie;  // a Set-Cookie value, "" for none
  };
  using PageFn = std::function<PageReply(const PageRequest&)>;

  // Listens on "host:port" (port 0 picks a free port). InvalidArgument for a
  // malformed address, Unavailable if it cannot bind.
  // `pulse_page` (may be empty) answers GET /pulse on a civetweb thread.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& address,
                                                           Metrics* metrics, ReadyFn ready,
                                                           PageFn pulse_page = nullptr);
  virtual ~HttpServer() = default;

  // The bound TCP port.
  virtual int port() const = 0;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_HTTP_SERVER_H_
