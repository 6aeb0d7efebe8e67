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
// One deadline, `timeout` from the start of PostJson (or the caller's
// earlier one), covers resolving the host name, connecting (every address
// the name resolves to, in turn), the TLS handshake, writing the request and
// reading the answer's head. The name is resolved on a thread of its own
// that PostJson stops waiting for at the deadline: getaddrinfo has no
// timeout, and a DNS server that does not answer would otherwise hold the
// caller for as long as the resolver's retries take (an IP address needs no
// thread). At most kMaxHangingLookups such lookups may still be running;
// beyond that PostJson fails at once instead of starting another.
//
// Errors name the step, and their code says whether trying again may help:
//   Unavailable       the name did not resolve, the connection was refused
//                     or broke, the receiver closed it without an answer,
//                     a TLS handshake that failed for another reason than
//                     the certificate ("cannot connect to h:443: Connection
//                     refused")
//   DeadlineExceeded  "timed out after 5s (TLS handshake with h:443)",
//                     "timed out after 5s (resolving h)"
//   FailedPrecondition  the receiver's certificate does not verify ("TLS
//                     handshake with h:443: certificate verify failed:
//                     hostname mismatch"); trying again cannot help
//   Cancelled         the caller's cancel flag was set
//
// Thread-safety: a WebhookClient is immutable after Create; PostJson may be
// called from several threads at once (OpenSSL's SSL_CTX is shared
// read-only, each call has its own connection).
#ifndef MODERATION_SERVER_PULSE_WEBHOOK_HTTP_H_
#define MODERATION_SERVER_PULSE_WEBHOOK_HTTP_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

struct addrinfo;    // <netdb.h>
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

// The head of the receiver's answer.
struct WebhookAnswer {
  int status = 0;  // the HTTP status code
  // Retry-After in seconds (RFC 9110 §10.2.3's delay-seconds form; an
  // HTTP-date is not read). nullopt when absent or not a number.
  std::optional<absl::Duration> retry_after;
};

// Resolves host and port as getaddrinfo(3) does: its return code, and on 0
// a list in *out that the caller frees with freeaddrinfo. Tests swap in one
// that hangs. It runs on a thread of its own and may outlive the client.
using WebhookResolver = std::function<int(const std::string& host, const std::string& port,
                                          const addrinfo* hints, addrinfo** out)>;

class WebhookClient {
 public:
  static constexpr absl::Duration kDefaultTimeout = absl::Seconds(5);
  static constexpr int kMaxHangingLookups = 4;

  // InvalidArgument for a bad URL (ParseWebhookUrl), or for a ca_file that
  // cannot be read or holds no certificate (with OpenSSL's reason). ca_file
  // "" trusts the system's store; it only applies to https:// URLs.
  // resolver: nullptr = getaddrinfo.
  static absl::StatusOr<std::unique_ptr<const WebhookClient>> Create(
      const std::string& url, const std::string& ca_file, absl::Duration timeout = kDefaultTimeout,
      WebhookResolver resolver = nullptr);
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // POSTs body as application/json (Connection: close). The head of the
  // receiver's answer, whatever its status; an error (codes above) when none
  // arrives. It gives up at `deadline` if that comes before the client's
  // timeout, and within about 50 ms once *cancel (if given) turns true.
  absl::StatusOr<WebhookAnswer> PostJson(const std::string& body,
                                         absl::Time deadline = absl::InfiniteFuture(),
                                         const std::atomic<bool>* cancel = nullptr) const;

  const WebhookUrl& url() const { return url_; }

 private:
  struct SslCtxFree {
    void operator()(ssl_ctx_st* ctx) const;
  };
  WebhookClient(WebhookUrl url, absl::Duration timeout, std::unique_ptr<ssl_ctx_st, SslCtxFree> tls,
                WebhookResolver resolver);

  const WebhookUrl url_;
  const absl::Duration timeout_;
  const WebhookResolver resolver_;
  // Lookups still running, abandoned ones included; shared with their
  // threads, which may outlive the client.
  const std::shared_ptr<std::atomic<int>> lookups_running_;
  // Null for http://. Configured in Create, then only read.
  const std::unique_ptr<ssl_ctx_st, SslCtxFree> tls_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PULSE_WEBHOOK_HTTP_H_
