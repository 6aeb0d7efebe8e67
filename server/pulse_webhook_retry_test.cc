// The pulse webhook when the receiver has a bad moment: retries with
// backoff for what may pass (5xx, 429 with Retry-After, a closed or
// refused connection, a timeout, a hanging DNS lookup), none for what
// cannot (4xx, a certificate that does not verify), a bounded queue in
// which a waiting retry does not hold up newer alerts, and a shutdown that
// does not wait for backoffs. Receivers are on 127.0.0.1 and ephemeral
// ports (pulse_webhook_testing.h); backoffs are milliseconds, set through
// PulseWebhookOptions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/pulse_webhook.h"
#include "server/pulse_webhook_http.h"
#include "server/pulse_webhook_testing.h"

namespace moderation::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::WebhookReceiver;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

pulse::Alert AlertFor(uint64_t id, const std::string& community) {
  pulse::Alert a;
  a.id = id;
  a.community = community;
  a.kind = pulse::AlertKind::kHostileShare;
  a.severity = "warning";
  a.started = absl::FromUnixSeconds(1796040180);
  a.window_posts = 200;
  return a;
}

// The options of a test: milliseconds where the defaults have seconds.
PulseWebhookOptions FastOptions() {
  PulseWebhookOptions o;
  o.max_attempts = 4;
  o.deadline = absl::Seconds(20);
  o.attempt_timeout = absl::Seconds(2);
  o.initial_backoff = absl::Milliseconds(20);
  o.max_backoff = absl::Milliseconds(80);
  return o;
}

bool WaitUntil(const std::function<bool()>& done, milliseconds timeout = milliseconds(10000)) {
  const auto until = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

// A logger writing to a temporary file, and the events it wrote.
class LogCapture {
 public:
  LogCapture() {
    std::string pattern = ::testing::TempDir() + "pulse_webhook_log_XXXXXX";
    const int fd = mkstemp(pattern.data());
    path_ = pattern;
    file_ = fdopen(fd, "w");
    logger_ = std::make_unique<Logger>(LogLevel::kDebug, file_);
  }
  ~LogCapture() {
    std::fclose(file_);
    std::remove(path_.c_str());
  }
  Logger* logger() { return logger_.get(); }
  // The lines of `event`, parsed.
  std::vector<nlohmann::json> Events(const std::string& event) const {
    std::vector<nlohmann::json> out;
    std::ifstream in(path_);
    for (std::string line; std::getline(in, line);) {
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("event", "") == event) out.push_back(std::move(j));
    }
    return out;
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<Logger> logger_;
};

// A resolver that hangs until opened, then resolves to 127.0.0.1.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  int entered = 0;    // guarded by mu
  bool open = false;  // guarded by mu

  static WebhookResolver Resolver(std::shared_ptr<Gate> gate) {
    return
        [gate](const std::string&, const std::string& port, const addrinfo* hints, addrinfo** out) {
          {
            std::unique_lock lock(gate->mu);
            ++gate->entered;
            gate->cv.notify_all();
            gate->cv.wait(lock, [&] { return gate->open; });
          }
          return getaddrinfo("127.0.0.1", port.c_str(), hints, out);
        };
  }
  bool WaitEntered(int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return entered >= n; });
  }
  void Open() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
};

// Opens the gate at the end of a test, so lookups it holds finish.
struct GateOpener {
  std::shared_ptr<Gate> gate;
  ~GateOpener() { gate->Open(); }
};

// A listening socket that never accepts: connections complete from the
// backlog, and no answer ever comes.
class SilentReceiver {
 public:
  SilentReceiver() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 16);
    socklen_t length = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentReceiver() { close(fd_); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::string CommunityAndStatus(const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body);
  return j["commonLabels"]["community"].get<std::string>() + " " + j["status"].get<std::string>();
}

TEST(PulseWebhookRetryTest, AnAlertArrivesOnceAfterTheFailuresThatMayPass) {
  using Answer = WebhookReceiver::Answer;
  struct Case {
    std::string name;
    std::vector<Answer> script;  // the receiver's first answers
    int then = 200;              // its answer after them
    int attempts;                // the requests it sees
    bool delivered;
    milliseconds min_first_gap{0};  // between the first two requests
  };
  const std::vector<Case> cases = {
      {"two 503s, then accepted", {{503}, {503}}, 200, 3, true},
      {"a 429 with Retry-After: 1 is waited out",
       {{429, "Retry-After: 1\r\n"}},
       200,
       2,
       true,
       milliseconds(950)},
      {"a connection closed without an answer", {{.hang_up = true}}, 200, 2, true},
      {"500, 502, 504: the fourth and last attempt arrives", {{500}, {502}, {504}}, 200, 4, true},
      {"a 400 is not retried", {{400}}, 200, 1, false},
      {"a 404 is not retried", {{404}}, 200, 1, false},
      {"a receiver that answers 500 every time gets the maximum", {}, 500, 4, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WebhookReceiver receiver({.status = c.then, .script = c.script});
    LogCapture log;
    auto hook = PulseWebhook::Create(receiver.Url("/hook"), "", log.logger(), FastOptions());
    ASSERT_TRUE(hook.ok()) << hook.status();
    (*hook)->Enqueue(AlertFor(7, "news-de"));
    ASSERT_TRUE(WaitUntil([&] {
      const PulseWebhook::Counts n = (*hook)->counts();
      return n.delivered + n.gave_up == 1;
    }));
    // Longer than any backoff: no attempt comes after the outcome.
    std::this_thread::sleep_for(milliseconds(200));
    const PulseWebhook::Counts n = (*hook)->counts();
    std::string metrics;
    (*hook)->RenderMetrics(&metrics);
    hook->reset();

    const std::vector<WebhookReceiver::Request> requests = receiver.Requests();
    ASSERT_EQ(requests.size(), static_cast<size_t>(c.attempts));
    for (const auto& r : requests)
      EXPECT_EQ(r.body, requests[0].body) << "the same alert each time";
    EXPECT_EQ(receiver.Accepted(0).size(), c.delivered ? 1u : 0u);
    EXPECT_EQ(n.delivered, c.delivered ? 1u : 0u);
    EXPECT_EQ(n.gave_up, c.delivered ? 0u : 1u);
    const int failed = c.attempts - (c.delivered ? 1 : 0);
    EXPECT_EQ(n.retried, static_cast<uint64_t>(c.delivered ? failed : failed - 1));
    EXPECT_THAT(metrics, HasSubstr(absl::StrCat(
                             "moderation_pulse_webhook_deliveries_total{outcome=\"retried\"} ",
                             n.retried, "\n")));
    const std::vector<nlohmann::json> failures = log.Events("pulse_webhook_failed");
    ASSERT_EQ(failures.size(), static_cast<size_t>(failed));
    for (int i = 0; i < failed; ++i) {
      EXPECT_EQ(failures[i]["attempt"], i + 1);
      EXPECT_EQ(failures[i]["alert_id"], 7);
      EXPECT_FALSE(failures[i]["error"].get<std::string>().empty());
    }
    EXPECT_EQ(log.Events("pulse_webhook_gave_up").size(), c.delivered ? 0u : 1u);
    EXPECT_EQ(log.Events("pulse_webhook_delivered").size(), c.delivered && failed > 0 ? 1u : 0u);
    if (c.min_first_gap > milliseconds(0)) {
      EXPECT_GE(requests[1].at - requests[0].at, c.min_first_gap);
      EXPECT_EQ(failures[0]["retry_in_seconds"], 1.0);
    }
  }
}

TEST(PulseWebhookRetryTest, ACertificateThatDoesNotVerifyIsTriedOnceAndSaysWhatToFix) {
  testing::TestCa ca("webhook test CA");
  WebhookReceiver receiver({.tls = ca.Issue("DNS:alerts.example.org")});
  std::string ca_file = ::testing::TempDir() + "pulse_webhook_retry_ca_XXXXXX";
  close(mkstemp(ca_file.data()));
  std::ofstream(ca_file) << ca.cert_pem();
  LogCapture log;
  auto hook = PulseWebhook::Create(receiver.Url("/hook"), ca_file, log.logger(), FastOptions());
  ASSERT_TRUE(hook.ok()) << hook.status();
  (*hook)->Enqueue(AlertFor(7, "news-de"));
  ASSERT_TRUE(WaitUntil([&] { return (*hook)->counts().gave_up == 1; }));
  std::this_thread::sleep_for(milliseconds(200));
  hook->reset();
  std::remove(ca_file.c_str());
  EXPECT_EQ(receiver.failed_handshakes(), 1);
  const std::vector<nlohmann::json> gave_up = log.Events("pulse_webhook_gave_up");
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_THAT(gave_up[0]["error"].get<std::string>(),
              HasSubstr("certificate verify failed: IP address mismatch"));
  EXPECT_THAT(gave_up[0]["reason"].get<std::string>(),
              HasSubstr("fix the receiver's certificate or --pulse_webhook_ca_file"));
}

TEST(PulseWebhookRetryTest, AReceiverThatNeverAnswersIsGivenUpOnWithinTheBounds) {
  struct Case {
    std::string name;
    int max_attempts;
    absl::Duration deadline;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"after the maximum of attempts", 3, absl::Seconds(20), "no attempts left (3)"},
      {"at the deadline", 100, absl::Milliseconds(500), "no time left (500ms)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SilentReceiver receiver;
    LogCapture log;
    PulseWebhookOptions options = FastOptions();
    options.attempt_timeout = absl::Milliseconds(150);
    options.max_attempts = c.max_attempts;
    options.deadline = c.deadline;
    auto hook = PulseWebhook::Create(receiver.Url(), "", log.logger(), options);
    ASSERT_TRUE(hook.ok()) << hook.status();
    const auto start = Clock::now();
    (*hook)->Enqueue(AlertFor(7, "news-de"));
    ASSERT_TRUE(WaitUntil([&] { return (*hook)->counts().gave_up == 1; }));
    const auto took = Clock::now() - start;
    hook->reset();
    EXPECT_LT(took, milliseconds(1500));
    const std::vector<nlohmann::json> failures = log.Events("pulse_webhook_failed");
    ASSERT_FALSE(failures.empty());
    if (c.max_attempts == 3) {
      EXPECT_EQ(failures.size(), 3u);
    }
    for (const auto& f : failures) {
      EXPECT_THAT(f["error"].get<std::string>(), HasSubstr("timed out after"));
    }
    const std::vector<nlohmann::json> gave_up = log.Events("pulse_webhook_gave_up");
    ASSERT_EQ(gave_up.size(), 1u);
    EXPECT_EQ(gave_up[0]["reason"], c.reason);
  }
}

TEST(PulseWebhookRetryTest, ARetryWaitingOutItsBackoffHoldsUpOnlyItsOwnAlert) {
  WebhookReceiver receiver({.script = {{503}}});
  LogCapture log;
  PulseWebhookOptions options = FastOptions();
  options.initial_backoff = absl::Seconds(2);
  options.max_backoff = absl::Seconds(2);  // the retry comes after 1-2 s
  auto hook = PulseWebhook::Create(receiver.Url("/hook"), "", log.logger(), options);
  ASSERT_TRUE(hook.ok()) << hook.status();
  pulse::Alert first = AlertFor(1, "news-de");
  (*hook)->Enqueue(first);
  ASSERT_TRUE(WaitUntil([&] { return receiver.Requests().size() == 1; }));
  const auto newer_enqueued = Clock::now();
  (*hook)->Enqueue(AlertFor(2, "sport-de"));
  first.ended = first.started + absl::Minutes(5);
  (*hook)->Enqueue(first);  // its "resolved" must wait for its "firing"
  const std::vector<std::string> accepted = receiver.Accepted(3);
  ASSERT_EQ(accepted.size(), 3u);
  std::vector<std::string> order;
  for (const std::string& body : accepted) order.push_back(CommunityAndStatus(body));
  EXPECT_THAT(order, ElementsAre("sport-de firing", "news-de firing", "news-de resolved"));
  const std::vector<WebhookReceiver::Request> requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_LT(requests[1].at - newer_enqueued, milliseconds(900)) << "the newer alert waited";
}

TEST(PulseWebhookRetryTest, AFullQueueDropsTheOldestWaitingChange) {
  WebhookReceiver receiver({});
  LogCapture log;
  auto gate = std::make_shared<Gate>();
  GateOpener opener{gate};
  PulseWebhookOptions options = FastOptions();
  options.max_pending = 3;
  options.resolver = Gate::Resolver(gate);
  // A name, so the lookup goes through the resolver, which holds the first
  // alert's attempt while the others queue up.
  auto hook = PulseWebhook::Create("http://hook.test:" + std::to_string(receiver.port()) + "/hook",
                                   "", log.logger(), options);
  ASSERT_TRUE(hook.ok()) << hook.status();
  (*hook)->Enqueue(AlertFor(1, "c1"));
  ASSERT_TRUE(gate->WaitEntered(1));
  for (int id = 2; id <= 6; ++id) (*hook)->Enqueue(AlertFor(id, "c" + std::to_string(id)));
  gate->Open();
  const std::vector<std::string> accepted = receiver.Accepted(4);
  std::vector<std::string> order;
  for (const std::string& body : accepted) order.push_back(CommunityAndStatus(body));
  EXPECT_THAT(order, ElementsAre("c1 firing", "c4 firing", "c5 firing", "c6 firing"));
  EXPECT_EQ((*hook)->counts().dropped, 2u);
  hook->reset();
  const std::vector<nlohmann::json> dropped = log.Events("pulse_webhook_dropped");
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(dropped[0]["alert_id"], 2);
  EXPECT_EQ(dropped[1]["alert_id"], 3);
}

TEST(PulseWebhookRetryTest, ShutdownAbandonsWaitingRetriesWithinASecond) {
  struct Case {
    std::string name;
    bool hanging_lookup;  // else: a 503 and a 30 s backoff
  };
  for (const Case& c : std::vector<Case>{{"a retry waiting out a 30 s backoff", false},
                                         {"an attempt stuck in a DNS lookup", true}}) {
    SCOPED_TRACE(c.name);
    WebhookReceiver receiver({.status = 503});
    LogCapture log;
    auto gate = std::make_shared<Gate>();
    GateOpener opener{gate};
    PulseWebhookOptions options = FastOptions();
    options.initial_backoff = absl::Seconds(30);
    options.max_backoff = absl::Seconds(30);
    options.deadline = absl::Minutes(2);
    options.attempt_timeout = absl::Seconds(5);
    std::string url = receiver.Url("/hook");
    if (c.hanging_lookup) {
      options.resolver = Gate::Resolver(gate);
      url = "http://hook.test:" + std::to_string(receiver.port()) + "/hook";
    }
    auto hook = PulseWebhook::Create(url, "", log.logger(), options);
    ASSERT_TRUE(hook.ok()) << hook.status();
    (*hook)->Enqueue(AlertFor(7, "news-de"));
    if (c.hanging_lookup) {
      ASSERT_TRUE(gate->WaitEntered(1));
    } else {
      ASSERT_TRUE(WaitUntil([&] { return (*hook)->counts().retried == 1; }));
    }
    const auto start = Clock::now();
    hook->reset();
    EXPECT_LT(Clock::now() - start, milliseconds(1000));
    const std::vector<nlohmann::json> abandoned = log.Events("pulse_webhook_abandoned");
    ASSERT_EQ(abandoned.size(), 1u);
    EXPECT_EQ(abandoned[0]["alert_ids"], nlohmann::json::array({7}));
  }
}

TEST(PulseWebhookRetryTest, AHangingLookupCountsAgainstTheAttemptsDeadline) {
  auto gate = std::make_shared<Gate>();
  GateOpener opener{gate};
  auto client = WebhookClient::Create("http://hook.test:9/x", "", absl::Milliseconds(300),
                                      Gate::Resolver(gate));
  ASSERT_TRUE(client.ok()) << client.status();
  for (int i = 0; i < WebhookClient::kMaxHangingLookups; ++i) {
    const auto start = Clock::now();
    const absl::StatusOr<WebhookAnswer> answer = (*client)->PostJson("{}");
    const auto took = Clock::now() - start;
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.status().code(), absl::StatusCode::kDeadlineExceeded);
    EXPECT_EQ(answer.status().message(), "timed out after 300ms (resolving hook.test)");
    EXPECT_GE(took, milliseconds(290));
    EXPECT_LT(took, milliseconds(1000));
  }
  // The abandoned lookups still hang: no more threads for them.
  const absl::StatusOr<WebhookAnswer> answer = (*client)->PostJson("{}");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(answer.status().message()),
              HasSubstr("4 earlier lookups have not returned yet"));
}

}  // namespace
}  // namespace moderation::server
