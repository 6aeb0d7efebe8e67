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

#include "absl/status/statusor.h"
#include "server/metrics.h"

namespace moderation::server {

class HttpServer {
 public:
  // Why the server is not ready ("compiling rules: 3 of 5 sets"), or "" when
  // it is.
  using ReadyFn = std::function<std::string()>;

  // Listens on "host:port" (port 0 picks a free port). InvalidArgument for a
  // malformed address, Unavailable if it cannot bind.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& address,
                                                           Metrics* metrics, ReadyFn ready);
  virtual ~HttpServer() = default;

  // The bound TCP port.
  virtual int port() const = 0;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_HTTP_SERVER_H_
