#include "server/pulse_webhook_testing.h"

#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace moderation::server::testing {
namespace {

// Test set-up that cannot go on: abort with OpenSSL's reason (tests only).
void Check(bool ok, const char* what) {
  if (ok) return;
  char reason[256] = "";
  ERR_error_string_n(ERR_get_error(), reason, sizeof(reason));
  std::fprintf(stderr, "pulse_webhook_testing: %s failed: %s\n", what, reason);
  std::abort();
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr, "X509V3_EXT_conf_nid");
  Check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

// A certificate for `key`, named CN=common_name, valid from an hour ago
// for a day; signed later by the caller.
X509* NewCertificate(EVP_PKEY* key, const std::string& common_name, long serial) {
  X509* cert = X509_new();
  Check(cert != nullptr, "X509_new");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  return cert;
}

template <typename Write>
std::string ToPem(Write write) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(bio != nullptr && write(bio) == 1, "PEM_write");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string CertPem(X509* cert) {
  return ToPem([cert](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
}

std::string KeyPem(EVP_PKEY* key) {
  return ToPem([key](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

std::shared_ptr<void> ServerContext(const TestCertificate& certificate) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  Check(ctx != nullptr, "SSL_CTX_new");
  BIO* cert_bio =
      BIO_new_mem_buf(certificate.cert_pem.data(), static_cast<int>(certificate.cert_pem.size()));
  X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  BIO* key_bio =
      BIO_new_mem_buf(certificate.key_pem.data(), static_cast<int>(certificate.key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  Check(cert != nullptr && key != nullptr, "PEM_read");
  Check(SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1,
        "SSL_CTX_use_certificate");
  X509_free(cert);
  EVP_PKEY_free(key);
  BIO_free(cert_bio);
  BIO_free(key_bio);
  return std::shared_ptr<void>(ctx, [](void* p) { SSL_CTX_free(static_cast<SSL_CTX*>(p)); });
}

// Reads one HTTP request through `read` (bytes, or <= 0 at the end);
// returns its body.
template <typename Read>
std::string ReadRequestBody(Read read) {
  std::string in;
  char buf[4096];
  size_t want = std::string::npos;
  while (want == std::string::npos || in.size() < want) {
    const int n = read(buf, static_cast<int>(sizeof(buf)));
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
    const size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos || want != std::string::npos) continue;
    const std::string headers = absl::AsciiStrToLower(in.substr(0, end));
    const size_t cl = headers.find("content-length:");
    size_t length = 0;
    if (cl != std::string::npos) {
      const size_t eol = headers.find("\r\n", cl);
      (void)absl::SimpleAtoi(headers.substr(cl + 15, eol - cl - 15), &length);
    }
    want = end + 4 + length;
  }
  const size_t end = in.find("\r\n\r\n");
  return end == std::string::npos ? "" : in.substr(end + 4);
}

}  // namespace

TestCa::TestCa(const std::string& common_name) {
  key_ = EVP_EC_gen("P-256");
  Check(key_ != nullptr, "EVP_EC_gen");
  cert_ = NewCertificate(key_, common_name, serial_++);
  X509_set_issuer_name(cert_, X509_get_subject_name(cert_));
  AddExtension(cert_, cert_, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert_, cert_, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert_, cert_, NID_subject_key_identifier, "hash");
  Check(X509_sign(cert_, key_, EVP_sha256()) > 0, "X509_sign");
  cert_pem_ = CertPem(cert_);
}

TestCa::~TestCa() {
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

TestCertificate TestCa::Issue(const std::string& san) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Check(key != nullptr, "EVP_EC_gen");
  X509* cert = NewCertificate(key, "webhook receiver", serial_++);
  X509_set_issuer_name(cert, X509_get_subject_name(cert_));
  AddExtension(cert, cert_, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert, cert_, NID_key_usage, "critical,digitalSignature");
  AddExtension(cert, cert_, NID_ext_key_usage, "serverAuth");
  AddExtension(cert, cert_, NID_subject_alt_name, san.c_str());
  Check(X509_sign(cert, key_, EVP_sha256()) > 0, "X509_sign");
  TestCertificate out{CertPem(cert), KeyPem(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

WebhookReceiver::WebhookReceiver(Options options) : options_(std::move(options)) {
  // A client that gives up mid-handshake must not end the test process.
  signal(SIGPIPE, SIG_IGN);
  if (options_.tls) tls_context_ = ServerContext(*options_.tls);
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Check(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
            listen(listen_fd_, 16) == 0,
        "bind");
  socklen_t length = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

WebhookReceiver::~WebhookReceiver() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::string WebhookReceiver::Url(const std::string& path, const std::string& host) const {
  return absl::StrCat(options_.tls ? "https://" : "http://", host, ":", port_, path);
}

std::vector<std::string> WebhookReceiver::Bodies(size_t n, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (bodies_.size() >= n || std::chrono::steady_clock::now() >= until) return bodies_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<WebhookReceiver::Request> WebhookReceiver::Requests() {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<std::string> WebhookReceiver::Accepted(size_t n, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<std::string> accepted;
    for (const Request& r : Requests()) {
      if (r.status / 100 == 2) accepted.push_back(r.body);
    }
    if (accepted.size() >= n || std::chrono::steady_clock::now() >= until) return accepted;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<std::string> WebhookReceiver::ServerNames() {
  std::lock_guard lock(mu_);
  return server_names_;
}

void WebhookReceiver::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    HandleConnection(fd);
    close(fd);
  }
}

void WebhookReceiver::HandleConnection(int fd) {
  Answer scripted{options_.status, "", false};
  {
    std::lock_guard lock(mu_);
    if (requests_.size() < options_.script.size()) scripted = options_.script[requests_.size()];
  }
  const std::string answer =
      absl::StrCat("HTTP/1.1 ", scripted.status, " Answer\r\n", scripted.headers,
                   "Content-Length: 0\r\nConnection: close\r\n\r\n");
  const auto record = [&](const std::string& body, const std::string& sni) {
    std::lock_guard lock(mu_);
    bodies_.push_back(body);
    server_names_.push_back(sni);
    requests_.push_back(
        {body, scripted.hang_up ? 0 : scripted.status, std::chrono::steady_clock::now()});
  };
  if (!options_.tls) {
    const std::string body = ReadRequestBody(
        [fd](char* buf, int size) { return static_cast<int>(recv(fd, buf, size, 0)); });
    if (!scripted.hang_up) send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    record(body, "");
    return;
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(static_cast<SSL_CTX*>(tls_context_.get())),
                                                &SSL_free);
  SSL_set_fd(ssl.get(), fd);
  if (SSL_accept(ssl.get()) != 1) {
    ERR_clear_error();
    ++failed_handshakes_;
    return;
  }
  const char* sni = SSL_get_servername(ssl.get(), TLSEXT_NAMETYPE_host_name);
  const std::string body =
      ReadRequestBody([&ssl](char* buf, int size) { return SSL_read(ssl.get(), buf, size); });
  if (!scripted.hang_up) {
    SSL_write(ssl.get(), answer.data(), static_cast<int>(answer.size()));
    SSL_shutdown(ssl.get());
  }
  ERR_clear_error();
  record(body, sni != nullptr ? sni : "");
}

}  // namespace moderation::server::testing
