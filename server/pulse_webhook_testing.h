// Test helpers for the pulse webhook: certificates made at test time with
// the OpenSSL API (nothing secret is committed), and a receiver on
// 127.0.0.1:<ephemeral port> that speaks HTTP or HTTPS.
//
//   TestCa ca("webhook test CA");
//   WebhookReceiver receiver({.tls = ca.Issue("IP:127.0.0.1")});
//   WriteFile(dir + "/ca.pem", ca.cert_pem());
//   auto client = WebhookClient::Create(receiver.Url("/hook"), dir + "/ca.pem");
//   ... (*client)->PostJson("{}") ...
//   EXPECT_EQ(receiver.Bodies(1)[0], "{}");
//
// Keys are EC P-256 (made in microseconds); certificates are valid from an
// hour ago for a day.
//
// Thread-safety: TestCa is not thread-safe. A WebhookReceiver serves on a
// thread of its own; its accessors may be called from any thread.
#ifndef MODERATION_SERVER_PULSE_WEBHOOK_TESTING_H_
#define MODERATION_SERVER_PULSE_WEBHOOK_TESTING_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

struct evp_pkey_st;
struct x509_st;

namespace moderation::server::testing {

// A certificate and its private key, PEM.
struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};

// A self-signed CA that issues server certificates.
class TestCa {
 public:
  explicit TestCa(const std::string& common_name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  const std::string& cert_pem() const { return cert_pem_; }
  // A server certificate (serverAuth) whose subjectAltName is `san`, in
  // OpenSSL's syntax: "IP:127.0.0.1", "DNS:localhost,IP:127.0.0.1".
  TestCertificate Issue(const std::string& san);

 private:
  evp_pkey_st* key_ = nullptr;
  x509_st* cert_ = nullptr;
  std::string cert_pem_;
  long serial_ = 1;
};

// Accepts connections on 127.0.0.1:<ephemeral>, reads one HTTP request
// each, answers `status` with an empty body (or, for the first requests,
// what `script` says), and keeps the request bodies. Every socket operation
// is bounded (5 s); the destructor stops it within about 100 ms.
class WebhookReceiver {
 public:
  // How to answer one request.
  struct Answer {
    int status = 200;
    std::string headers = "";  // extra header lines, each ending in "\r\n"
    bool hang_up = false;      // close the connection without a word instead
  };
  struct Options {
    // Serve HTTPS with this certificate; plain HTTP without.
    std::optional<TestCertificate> tls = std::nullopt;
    int status = 200;
    // The answers to the first script.size() requests; `status` after.
    std::vector<Answer> script = {};
  };
  // One request as it arrived.
  struct Request {
    std::string body;
    int status = 0;  // the status answered; 0 = hung up
    std::chrono::steady_clock::time_point at;
  };
  explicit WebhookReceiver(Options options);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  // "http(s)://<host>:<port><path>"; host defaults to 127.0.0.1.
  std::string Url(const std::string& path, const std::string& host = "127.0.0.1") const;
  // Waits up to `timeout` for n bodies; returns what arrived.
  std::vector<std::string> Bodies(size_t n,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Every request so far, in order, with what it was answered.
  std::vector<Request> Requests();
  // The bodies of the requests answered 2xx, waiting up to `timeout` for n.
  std::vector<std::string> Accepted(size_t n,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The SNI name of each request that got through the handshake ("" =
  // none sent).
  std::vector<std::string> ServerNames();
  // TLS handshakes that failed (e.g. the client refused the certificate).
  int failed_handshakes() const { return failed_handshakes_.load(); }

 private:
  void Serve();
  void HandleConnection(int fd);

  const Options options_;
  std::shared_ptr<void> tls_context_;  // SSL_CTX for options_.tls
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> failed_handshakes_{0};
  std::mutex mu_;
  std::vector<std::string> bodies_;        // guarded by mu_
  std::vector<Request> requests_;          // guarded by mu_
  std::vector<std::string> server_names_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace moderation::server::testing

#endif  // MODERATION_SERVER_PULSE_WEBHOOK_TESTING_H_
