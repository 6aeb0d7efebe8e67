#include "server/pulse_webhook_http.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace moderation::server {
namespace {

std::string ErrnoText(int error) {
  char buf[256];
  return strerror_r(error, buf, sizeof(buf));  // GNU: returns the text
}

// The reason of the newest error in this thread's OpenSSL queue, which it
// empties ("" if there is none).
std::string TakeOpenSslReason() {
  const unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (e == 0) return "";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : absl::StrCat("OpenSSL error ", e);
}

bool IsIpAddress(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// host:port as people write it ([v6]:port).
std::string HostPort(const WebhookUrl& u) {
  const std::string host = absl::StrContains(u.host, ':') ? "[" + u.host + "]" : u.host;
  return absl::StrCat(host, ":", u.port);
}

// Closes the socket on every path.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// SIGPIPE blocked on this thread while it lives; one that a write to a
// closed connection raised is taken back before the old mask returns, so
// the process never sees it. Needed for TLS: OpenSSL writes with write(2),
// which has no MSG_NOSIGNAL. (libpq does the same.)
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeGuard() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec zero{0, 0};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

// How long one wait may last before the cancel flag is looked at again.
constexpr absl::Duration kCancelCheck = absl::Milliseconds(50);

absl::Status Cancelled() { return absl::CancelledError("cancelled (shutting down)"); }

bool IsSet(const std::atomic<bool>* flag) { return flag != nullptr && flag->load(); }

// One name lookup on a thread of its own, shared with it: the caller may
// stop waiting (deadline, cancel) while getaddrinfo goes on; whoever comes
// last frees the answer.
struct Lookup {
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;       // guarded by mu
  bool abandoned = false;  // guarded by mu; the thread then frees `found`
  int rc = 0;              // guarded by mu
  addrinfo* found = nullptr;
};

using AddrInfoPtr = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

// Resolves host:port, waiting until the deadline or the cancel flag.
absl::StatusOr<AddrInfoPtr> Resolve(const WebhookUrl& url, const WebhookResolver& resolver,
                                    const std::shared_ptr<std::atomic<int>>& running,
                                    absl::Time deadline, absl::Duration budget,
                                    const std::atomic<bool>* cancel) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  auto failed = [&url](int rc) {
    return absl::UnavailableError(absl::StrCat("host ", url.host, ": ", gai_strerror(rc)));
  };
  if (IsIpAddress(url.host)) {  // no lookup: nothing to wait for
    hints.ai_flags = AI_NUMERICHOST;
    addrinfo* found = nullptr;
    if (const int rc = getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found); rc != 0)
      return failed(rc);
    return AddrInfoPtr(found, &freeaddrinfo);
  }
  if (running->fetch_add(1) >= WebhookClient::kMaxHangingLookups) {
    running->fetch_sub(1);
    return absl::UnavailableError(absl::StrCat("host ", url.host, ": ",
                                               WebhookClient::kMaxHangingLookups,
                                               " earlier lookups have not returned yet"));
  }
  auto lookup = std::make_shared<Lookup>();
  auto run = [lookup, running, resolver, hints, host = url.host, port = url.port] {
    addrinfo* found = nullptr;
    const int rc = resolver(host, port, &hints, &found);
    {
      std::lock_guard lock(lookup->mu);
      lookup->done = true;
      lookup->rc = rc;
      if (lookup->abandoned) {
        if (rc == 0 && found != nullptr) freeaddrinfo(found);
      } else {
        lookup->found = rc == 0 ? found : nullptr;
      }
    }
    lookup->done_cv.notify_all();
    running->fetch_sub(1);
  };
  try {
    std::thread(std::move(run)).detach();
  } catch (const std::system_error& e) {  // no thread to be had: like a failed lookup
    running->fetch_sub(1);
    return absl::UnavailableError(
        absl::StrCat("host ", url.host, ": no resolver thread: ", e.what()));
  }
  std::unique_lock lock(lookup->mu);
  while (!lookup->done) {
    const absl::Time now = absl::Now();
    if (IsSet(cancel) || now >= deadline) {
      lookup->abandoned = true;
      if (IsSet(cancel)) return Cancelled();
      return absl::DeadlineExceededError(absl::StrCat(
          "timed out after ", absl::FormatDuration(budget), " (resolving ", url.host, ")"));
    }
    lookup->done_cv.wait_for(lock,
                             absl::ToChronoNanoseconds(std::min(deadline - now, kCancelCheck)));
  }
  if (lookup->rc != 0) return failed(lookup->rc);
  return AddrInfoPtr(std::exchange(lookup->found, nullptr), &freeaddrinfo);
}

// One request's connection, plain or TLS; every step waits at most until
// the request's deadline, and stops soon after *cancel turns true.
class Connection {
 public:
  Connection(const WebhookUrl& url, absl::Time deadline, absl::Duration budget,
             const std::atomic<bool>* cancel)
      : url_(url), deadline_(deadline), timeout_(budget), cancel_(cancel) {}
  ~Connection() {
    // Best effort close_notify after a finished handshake; never waits.
    if (ssl_ != nullptr && SSL_is_init_finished(ssl_.get())) SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }

  absl::Status Connect(AddrInfoPtr addresses);
  absl::Status StartTls(SSL_CTX* ctx);
  absl::Status WriteAll(absl::string_view data);
  // Reads until the answer's head has arrived (or 8 KiB, or the end).
  absl::StatusOr<std::string> ReadHead();

 private:
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };

  // Polls the socket for `events` until the deadline.
  absl::Status Wait(short events, absl::string_view step);
  // After an SSL_* call returned ret <= 0: waits when OpenSSL wants the
  // socket, else says why it failed.
  absl::Status WaitForTls(int ret, absl::string_view step);

  const WebhookUrl& url_;
  const absl::Time deadline_;
  const absl::Duration timeout_;
  const std::atomic<bool>* const cancel_;
  Fd fd_;
  std::unique_ptr<SSL, SslFree> ssl_;
};

absl::Status Connection::Wait(short events, absl::string_view step) {
  for (;;) {
    const absl::Duration left = deadline_ - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat("timed out after ",
                                                      absl::FormatDuration(timeout_), " (", step,
                                                      " ", HostPort(url_), ")"));
    }
    if (IsSet(cancel_)) return Cancelled();
    pollfd p{fd_.get(), events, 0};
    const int ms = static_cast<int>(
        std::max<int64_t>(1, absl::ToInt64Milliseconds(std::min(left, kCancelCheck))));
    const int rc = poll(&p, 1, ms);
    if (rc > 0) return absl::OkStatus();
    if (rc < 0 && errno != EINTR) return absl::UnavailableError("poll: " + ErrnoText(errno));
  }
}

absl::Status Connection::Connect(AddrInfoPtr addresses) {
  std::string last_error = "no address";
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    fd_ = Fd(socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (fd_.get() < 0) {
      last_error = ErrnoText(errno);
      continue;
    }
    int error = 0;
    if (connect(fd_.get(), a->ai_addr, a->ai_addrlen) != 0) {
      error = errno;
      if (error == EINPROGRESS) {
        // Out of time: no time is left for the other addresses either.
        if (absl::Status s = Wait(POLLOUT, "connecting to"); !s.ok()) return s;
        socklen_t length = sizeof(error);
        getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &error, &length);
      }
    }
    if (error == 0) return absl::OkStatus();
    last_error = ErrnoText(error);
  }
  fd_ = Fd();
  return absl::UnavailableError(
      absl::StrCat("cannot connect to ", HostPort(url_), ": ", last_error));
}

absl::Status Connection::WaitForTls(int ret, absl::string_view step) {
  const int saved_errno = errno;
  const int error = SSL_get_error(ssl_.get(), ret);
  if (error == SSL_ERROR_WANT_READ) return Wait(POLLIN, step);
  if (error == SSL_ERROR_WANT_WRITE) return Wait(POLLOUT, step);
  if (const long verify = SSL_get_verify_result(ssl_.get()); verify != X509_V_OK) {
    ERR_clear_error();
    // The one TLS failure that trying again cannot mend.
    return absl::FailedPreconditionError(
        absl::StrCat(step, " ", HostPort(url_),
                     ": certificate verify failed: ", X509_verify_cert_error_string(verify)));
  }
  std::string reason = TakeOpenSslReason();
  if (reason.empty() &&
      (error == SSL_ERROR_ZERO_RETURN || (error == SSL_ERROR_SYSCALL && ret == 0))) {
    reason = "the receiver closed the connection";
  } else if (reason.empty()) {
    reason =
        error == SSL_ERROR_SYSCALL ? ErrnoText(saved_errno) : absl::StrCat("SSL error ", error);
  }
  return absl::UnavailableError(absl::StrCat(step, " ", HostPort(url_), ": ", reason));
}

absl::Status Connection::StartTls(SSL_CTX* ctx) {
  ssl_.reset(SSL_new(ctx));
  if (ssl_ == nullptr || SSL_set_fd(ssl_.get(), fd_.get()) != 1) {
    return absl::InternalError("cannot set up TLS: " + TakeOpenSslReason());
  }
  // The name check is part of the chain's verification (its result is the
  // verify result); SNI only for names.
  bool names_set;
  if (IsIpAddress(url_.host)) {
    names_set = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), url_.host.c_str()) == 1;
  } else {
    names_set = SSL_set_tlsext_host_name(ssl_.get(), url_.host.c_str()) == 1 &&
                SSL_set1_host(ssl_.get(), url_.host.c_str()) == 1;
  }
  if (!names_set)
    return absl::InternalError("cannot set the TLS host name: " + TakeOpenSslReason());
  for (;;) {
    ERR_clear_error();
    const int ret = SSL_connect(ssl_.get());
    if (ret == 1) return absl::OkStatus();
    if (absl::Status s = WaitForTls(ret, "TLS handshake with"); !s.ok()) return s;
  }
}

absl::Status Connection::WriteAll(absl::string_view data) {
  constexpr absl::string_view kStep = "writing the request to";
  for (size_t sent = 0; sent < data.size();) {
    const size_t left = data.size() - sent;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_write(ssl_.get(), data.data() + sent,
                              static_cast<int>(std::min<size_t>(left, 1 << 20)));
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (absl::Status s = WaitForTls(n, kStep); !s.ok()) {
        return s;
      }
      continue;
    }
    const ssize_t n = send(fd_.get(), data.data() + sent, left, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (absl::Status s = Wait(POLLOUT, kStep); !s.ok()) return s;
    } else if (n < 0 && errno != EINTR) {
      return absl::UnavailableError(
          absl::StrCat(kStep, " ", HostPort(url_), ": ", ErrnoText(errno)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Connection::ReadHead() {
  constexpr absl::string_view kStep = "reading the answer of";
  std::string in;
  char buf[512];
  while (in.find("\r\n\r\n") == std::string::npos && in.size() < 8192) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_read(ssl_.get(), buf, sizeof(buf));
      if (n > 0) {
        in.append(buf, static_cast<size_t>(n));
        continue;
      }
      const int error = SSL_get_error(ssl_.get(), n);
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE && !in.empty()) break;
      if (absl::Status s = WaitForTls(n, kStep); !s.ok()) return s;
      continue;
    }
    const ssize_t n = recv(fd_.get(), buf, sizeof(buf), 0);
    if (n > 0) {
      in.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (absl::Status s = Wait(POLLIN, kStep); !s.ok()) return s;
    } else if (errno != EINTR) {
      return absl::UnavailableError(
          absl::StrCat(kStep, " ", HostPort(url_), ": ", ErrnoText(errno)));
    }
  }
  return in;
}

absl::Status BadUrl(absl::string_view problem) {
  return absl::InvalidArgumentError(std::string(problem));
}

// No spaces or control characters: they would end the request line or
// start a header of the URL's making.
bool PrintableAscii(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

absl::StatusOr<WebhookUrl> ParseWebhookUrl(const std::string& url) {
  WebhookUrl u;
  absl::string_view rest = url;
  if (absl::ConsumePrefix(&rest, "https://")) {
    u.tls = true;
  } else if (!absl::ConsumePrefix(&rest, "http://")) {
    return BadUrl("the URL must start with http:// or https://");
  }
  if (!PrintableAscii(rest)) return BadUrl("the URL has spaces or control characters");
  const size_t path_start = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, path_start);
  u.path = path_start == absl::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (u.path[0] != '/') u.path.insert(0, "/");
  if (const size_t fragment = u.path.find('#'); fragment != std::string::npos) {
    u.path.resize(fragment);  // never sent (RFC 9110 §4.2.4)
  }
  if (absl::StrContains(authority, '@')) {
    return BadUrl("the URL has user information (user@); it is not supported");
  }
  absl::string_view port;
  if (absl::ConsumePrefix(&authority, "[")) {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return BadUrl("the URL's IPv6 address lacks its ']'");
    u.host = std::string(authority.substr(0, close));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && !absl::ConsumePrefix(&authority, ":")) {
      return BadUrl("the URL has text after its IPv6 address");
    }
    port = authority;
    if (!IsIpAddress(u.host)) return BadUrl("the URL's [" + u.host + "] is no IPv6 address");
  } else if (const size_t colon = authority.rfind(':'); colon != absl::string_view::npos) {
    u.host = std::string(authority.substr(0, colon));
    port = authority.substr(colon + 1);
    if (absl::StrContains(u.host, ':')) return BadUrl("the URL's IPv6 address needs [brackets]");
  } else {
    u.host = std::string(authority);
  }
  if (u.host.empty()) return BadUrl("the URL has no host");
  const absl::string_view default_port = u.tls ? "443" : "80";
  if (port.empty()) {
    u.port = std::string(default_port);
  } else {
    int number = 0;
    if (!absl::SimpleAtoi(port, &number) || number <= 0 || number > 65535) {
      return BadUrl(absl::StrCat("the URL has a bad port: ", port));
    }
    u.port = absl::StrCat(number);
  }
  u.default_port = u.port == default_port;
  return u;
}

void WebhookClient::SslCtxFree::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }

absl::StatusOr<std::unique_ptr<const WebhookClient>> WebhookClient::Create(
    const std::string& url, const std::string& ca_file, absl::Duration timeout,
    WebhookResolver resolver) {
  absl::StatusOr<WebhookUrl> parsed = ParseWebhookUrl(url);
  if (!parsed.ok()) return parsed.status();
  std::unique_ptr<SSL_CTX, SslCtxFree> tls;
  if (parsed->tls) {
    ERR_clear_error();
    tls.reset(SSL_CTX_new(TLS_client_method()));
    if (tls == nullptr) return absl::InternalError("TLS: " + TakeOpenSslReason());
    SSL_CTX_set_min_proto_version(tls.get(), TLS1_2_VERSION);
    SSL_CTX_set_verify(tls.get(), SSL_VERIFY_PEER, nullptr);
    if (ca_file.empty()) {
      if (SSL_CTX_set_default_verify_paths(tls.get()) != 1) {
        return absl::InternalError("TLS: no system trust store: " + TakeOpenSslReason());
      }
    } else {
      // Say plainly when the file itself is the problem; OpenSSL's reason
      // for that is "system lib".
      if (std::ifstream in(ca_file); !in) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot read CA file ", ca_file, ": ", ErrnoText(errno)));
      }
      if (SSL_CTX_load_verify_locations(tls.get(), ca_file.c_str(), nullptr) != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("CA file ", ca_file, " holds no PEM certificate: ", TakeOpenSslReason()));
      }
    }
  }
  if (resolver == nullptr) {
    resolver = [](const std::string& host, const std::string& port, const addrinfo* hints,
                  addrinfo** out) { return getaddrinfo(host.c_str(), port.c_str(), hints, out); };
  }
  return std::unique_ptr<const WebhookClient>(
      new WebhookClient(*std::move(parsed), timeout, std::move(tls), std::move(resolver)));
}

WebhookClient::WebhookClient(WebhookUrl url, absl::Duration timeout,
                             std::unique_ptr<ssl_ctx_st, SslCtxFree> tls, WebhookResolver resolver)
    : url_(std::move(url)),
      timeout_(timeout),
      resolver_(std::move(resolver)),
      lookups_running_(std::make_shared<std::atomic<int>>(0)),
      tls_(std::move(tls)) {}

WebhookClient::~WebhookClient() = default;

absl::StatusOr<WebhookAnswer> WebhookClient::PostJson(const std::string& body, absl::Time deadline,
                                                      const std::atomic<bool>* cancel) const {
  const absl::Time start = absl::Now();
  deadline = std::min(deadline, start + timeout_);
  const absl::Duration budget = std::max(absl::ZeroDuration(), deadline - start);
  absl::StatusOr<AddrInfoPtr> addresses =
      Resolve(url_, resolver_, lookups_running_, deadline, budget, cancel);
  if (!addresses.ok()) return addresses.status();
  SigpipeGuard no_sigpipe;  // outlives the connection: its close may write
  Connection connection(url_, deadline, budget, cancel);
  if (absl::Status s = connection.Connect(*std::move(addresses)); !s.ok()) return s;
  if (tls_ != nullptr) {
    if (absl::Status s = connection.StartTls(tls_.get()); !s.ok()) return s;
  }
  const std::string host = absl::StrContains(url_.host, ':') ? "[" + url_.host + "]" : url_.host;
  const std::string request = absl::StrCat(
      "POST ", url_.path, " HTTP/1.1\r\nHost: ", host, url_.default_port ? "" : ":" + url_.port,
      "\r\nContent-Type: application/json\r\nContent-Length: ", body.size(),
      "\r\nConnection: close\r\n\r\n", body);
  if (absl::Status s = connection.WriteAll(request); !s.ok()) return s;
  absl::StatusOr<std::string> head = connection.ReadHead();
  if (!head.ok()) return head.status();
  if (head->empty()) {
    return absl::UnavailableError(
        absl::StrCat(HostPort(url_), " closed the connection without an answer"));
  }
  // "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n..."
  WebhookAnswer answer;
  std::vector<absl::string_view> lines = absl::StrSplit(*head, "\r\n");
  const absl::string_view status_line = lines[0];
  const size_t space = status_line.find(' ');
  if (!absl::StartsWith(status_line, "HTTP/") || space == absl::string_view::npos ||
      !absl::SimpleAtoi(status_line.substr(space + 1, 3), &answer.status)) {
    return absl::UnavailableError(absl::StrCat("no HTTP status in the answer of ", HostPort(url_)));
  }
  for (size_t i = 1; i < lines.size() && !lines[i].empty(); ++i) {
    absl::string_view value = lines[i];
    int64_t seconds = 0;
    if (absl::StartsWithIgnoreCase(value, "retry-after:") &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(value.substr(12)), &seconds) && seconds >= 0) {
      answer.retry_after = absl::Seconds(seconds);
    }
  }
  return answer;
}

}  // namespace moderation::server
