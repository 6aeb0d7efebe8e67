// The pulse webhook's transport: one HTTP/1.1 POST of a JSON body to an
// http:// or https:// URL, answered by the receiver's status code.
//
//   auto client = WebhookClient::Create("https://alerts.example.org/hook", "");
//   if (!client.ok()) return client.status();  // bad URL or CA file
//   absl::StatusOr<int> code = (*client)->PostJson(R"({"version":"4"})");
//
// https:// is verified, always: the receiver's certificate chain against
// the system's trust store (Debian's ca-certificates, /etc/ssl/certs) or,
// when ca_file is given, against the CAs in that PEM file only (a private
// CA); and the URL's host against the certificate's names (subjectAltName
// DNS names, or IP addresses for an IP host). There is no switch to skip
// either check: a receiver with a self-signed certificate is trusted by
// naming it (or its CA) in ca_file. The host name goes out as SNI (not an IP
// address: RFC 6066 allows names only). TLS 1.2 or newer.
//
// One deadline, `timeout` from the start of PostJson, covers connecting
// (every address the name resolves to, in turn), the TLS handshake, writing
// the request and reading the status line. Resolving the name does not
// count: getaddrinfo has no timeout (a host in /etc/hosts, a cluster DNS
// name or an IP address resolves at once).
//
// Errors name the step: "cannot connect to h:443: Connection refused",
// "TLS handshake with h:443: certificate verify failed: hostname mismatch",
// "timed out after 5s (TLS handshake)".
//
// Thread-safety: a WebhookClient is immutable after Create; PostJson may be
// called from several threads at once (OpenSSL's SSL_CTX is shared
// read-only, each call has its own connection).
#ifndef MODERATION_SERVER_PULSE_WEBHOOK_HTTP_H_
#define MODERATION_SERVER_PULSE_WEBHOOK_HTTP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX, kept out of this header

namespace moderation::server {

// A webhook URL, taken apart: scheme://host[:port][/path].
struct WebhookUrl {
  bool tls = false;          // https://
  std::string host;          // a name or an IP address (IPv6 without brackets)
  std::string port;          // the URL's, or 80 (http) / 443 (https)
  std::string path;          // "/" when the URL has none; with any query
  bool default_port = true;  // no port in the URL, or the scheme's own
};

// InvalidArgument, saying what is wrong, unless url is http:// or https://
// with a host, an optional port in 1..65535 and an optional path. User
// information (user:password@) is refused: it would go out in the clear on
// http:// and the receiver would not see it as a credential anyway.
absl::StatusOr<WebhookUrl> ParseWebhookUrl(const std::string& url);

class WebhookClient {
 public:
  static constexpr absl::Duration kDefaultTimeout = absl::Seconds(5);

  // InvalidArgument for a bad URL (ParseWebhookUrl), or for a ca_file that
  // cannot be read or holds no certificate (with OpenSSL's reason). ca_file
  // "" trusts the system's store; it only applies to https:// URLs.
  static absl::StatusOr<std::unique_ptr<const WebhookClient>> Create(
      const std::string& url, const std::string& ca_file, absl::Duration timeout = kDefaultTimeout);
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // POSTs body as application/json (Connection: close). The receiver's HTTP
  // status, whatever it is; Unavailable (or DeadlineExceeded) with the
  // reason when no status arrives.
  absl::StatusOr<int> PostJson(const std::string& body) const;

  const WebhookUrl& url() const { return url_; }

 private:
  struct SslCtxFree {
    void operator()(ssl_ctx_st* ctx) const;
  };
  WebhookClient(WebhookUrl url, absl::Duration timeout,
                std::unique_ptr<ssl_ctx_st, SslCtxFree> tls);

  const WebhookUrl url_;
  const absl::Duration timeout_;
  // Null for http://. Configured in Create, then only read.
  const std::unique_ptr<ssl_ctx_st, SslCtxFree> tls_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PULSE_WEBHOOK_HTTP_H_
