// Runs the real moderationd binary for integration tests, and the small
// clients those tests need besides the generated stubs: a generic gRPC caller
// for grpc.health.v1 and server reflection (Debian's gRPC ships no stubs for
// them), a plain HTTP GET for /metrics and the probes, and openssl for TLS
// certificates.
//
// Why: moderationd's contract is a process: flags, the port file, signals,
// exit codes and what it serves. Only a real child shows it. Every wait here
// has a timeout, so no test can hang.
//
//   ServerOptions options;
//   options.flags = {"--max_batch=5"};
//   std::string error;
//   std::unique_ptr<ServerProcess> server = ServerProcess::Start(options, &error);
//   auto stub = moderation::v1::ModerationService::NewStub(server->Channel());
//   ...
//   ExitInfo exit = server->Stop(std::chrono::seconds(15));  // SIGTERM, wait
//   EXPECT_TRUE(exit.exited && exit.code == 0);
//
// Each server gets a fresh temporary directory holding a copy of the rules
// (tests may edit them), the port file, the admin token, and its stdout and
// stderr. All servers share the Hyperscan cache MODERATIOND_CACHE_DIR (a
// directory in the build tree that CTest's fixture test_rules_cache fills
// before any server test starts), so no server compiles the shipped rules.
// The child gets PR_SET_PDEATHSIG, so it dies with the test.
//
// Thread-safety: a ServerProcess is used by one thread at a time, except
// Signal() and the free functions, which may run on any thread. Start
// servers from the test's main thread (the death signal follows the thread
// that started the child).
#ifndef MODERATION_TESTS_SERVER_FIXTURE_H_
#define MODERATION_TESTS_SERVER_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace moderation::testing {

struct ServerOptions {
  // Directory whose files are copied into the server's rules directory.
  // Default: the shipped rules (REPO_ROOT/rules).
  std::string rules_source;
  // Files written into the rules directory after the copy (name -> text),
  // replacing copied files of the same name.
  std::map<std::string, std::string> rule_files;
  // Extra flags, e.g. "--max_batch=5". They come after the fixture's own
  // flags, so they override them.
  std::vector<std::string> flags;
  // Write an admin token file and pass --admin_token_file.
  bool admin_token = true;
  // Return as soon as the ports are open (the "listening" log line), before
  // the first rules load ends and the port file is written: for cold-start
  // tests.
  bool return_when_listening = false;
  // How long to wait for the port file. A test run by hand, outside CTest's
  // fixture, starts on an empty cache and compiles the default rules (45 s
  // on 2 cores, and more with other work beside it), so the bound is
  // generous; a server that never serves still fails.
  std::chrono::milliseconds startup_timeout = std::chrono::seconds(180);
};

// How a child ended.
struct ExitInfo {
  bool exited = false;  // exited normally (then `code` holds the status)
  int code = -1;
  int signal = 0;          // the signal that ended it, if any
  bool timed_out = false;  // had to be SIGKILLed
  double seconds = 0;      // time from the wait's start to the exit
  std::string Describe() const;
};

class ServerProcess {
 public:
  // Starts moderationd on 127.0.0.1:0 (gRPC and metrics) and waits for its
  // port file. Null (with *error set, including the server's stderr) if it
  // does not come up in time.
  static std::unique_ptr<ServerProcess> Start(const ServerOptions& options, std::string* error);
  // Kills the child if it still runs and removes the temporary directory
  // (kept when MODERATIOND_TEST_KEEP_TMP is set).
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  std::string target() const;  // "127.0.0.1:<grpc port>"
  const std::string& temp_dir() const { return temp_dir_; }
  const std::string& rules_dir() const { return rules_dir_; }
  const std::string& admin_token() const { return admin_token_; }

  // A plaintext channel to the server, connected (or null if it cannot
  // connect within 10 s). own_connection: a TCP connection of its own
  // rather than one shared with other channels.
  std::shared_ptr<grpc::Channel> Channel(bool own_connection = false) const;

  // Sends a signal; false if the process is gone.
  bool Signal(int signal) const;
  // Waits for the child to exit; after `timeout`, SIGKILL (timed_out set).
  ExitInfo WaitForExit(std::chrono::milliseconds timeout);
  // SIGTERM, then WaitForExit(timeout). Idempotent: returns the first result.
  ExitInfo Stop(std::chrono::milliseconds timeout);
  bool exited() const { return exit_.has_value(); }

  // Everything the server wrote to stderr so far.
  std::string Stderr() const;
  // Replaces (or creates) a file in the rules directory atomically: written
  // next to it, then renamed, so a watcher never sees half a file.
  bool WriteRuleFile(const std::string& name, const std::string& text) const;
  std::string ReadRuleFile(const std::string& name) const;

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  std::string temp_dir_;
  std::string rules_dir_;
  std::string admin_token_;
  std::optional<ExitInfo> exit_;
};

// ---- small helpers -------------------------------------------------------

std::string ReadFile(const std::string& path);
bool WriteFile(const std::string& path, const std::string& text);
// A fresh directory under $TMPDIR ("" on failure).
std::string MakeTempDir(const std::string& tag);
// Polls `condition` every 20 ms: true once it holds, false when `timeout`
// has passed without it holding.
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// grpc.health.v1.Health/Check. *serving_status: 1 SERVING, 2 NOT_SERVING,
// 3 SERVICE_UNKNOWN (valid when the status is OK).
grpc::Status HealthCheck(grpc::Channel* channel, const std::string& service, int* serving_status,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

// A grpc.health.v1.Health/Watch stream read on a thread of its own: every
// serving status the server sends (1 SERVING, 2 NOT_SERVING, ...) is kept.
// Watch, unlike Check, shows NOT_SERVING during a shutdown: once the server
// stops accepting calls, a Check can only fail, but an open Watch receives
// the status change.
class HealthWatch {
 public:
  HealthWatch(std::shared_ptr<grpc::Channel> channel, const std::string& service,
              std::chrono::milliseconds timeout);
  // Cancels the stream and joins the thread.
  ~HealthWatch();
  HealthWatch(const HealthWatch&) = delete;
  HealthWatch& operator=(const HealthWatch&) = delete;

  // True once `status` has been received (waits up to timeout).
  bool WaitFor(int status, std::chrono::milliseconds timeout);
  std::vector<int> statuses() const;
  // Empty while the stream is open, then how it ended.
  std::string ended() const;

 private:
  void Run(std::string service, std::chrono::milliseconds timeout);

  std::shared_ptr<grpc::Channel> channel_;
  grpc::ClientContext context_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> statuses_;  // guarded by mu_
  std::string ended_;          // guarded by mu_
  std::thread thread_;
};

// A unary call with a hand-made request: `wire` goes out as the message
// bytes exactly as given, whatever protobuf would make of them; *response
// gets the answer's bytes. For requests no client library would send.
grpc::Status RawUnaryCall(grpc::Channel* channel, const std::string& method,
                          const std::string& wire, std::string* response,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

// grpc.reflection.v1alpha.ServerReflection: the list_services answer.
grpc::Status ListServicesByReflection(grpc::Channel* channel, std::vector<std::string>* services,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

struct HttpResponse {
  int status = 0;       // 0 if the request failed
  std::string headers;  // the raw header block
  std::string body;
  std::string error;  // why it failed
};
// GET http://127.0.0.1:<port><path> (HTTP/1.0, Connection: close).
HttpResponse HttpGet(int port, const std::string& path,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));

// A CA (ca.pem), and a server certificate it signed (server.pem,
// server.key) for IP:127.0.0.1 and DNS:localhost, plus a client certificate
// (client.pem, client.key) and a second, unrelated CA (other_ca.pem), all in
// dir. False with *error on failure.
bool MakeTestCertificates(const std::string& dir, std::string* error);

}  // namespace moderation::testing

#endif  // MODERATION_TESTS_SERVER_FIXTURE_H_
