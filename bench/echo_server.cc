// echo_server: a moderation.v1.ModerationService that does no moderation.
//
// Why: it is the baseline of the service benchmarks. It is built exactly
// like moderationd's gRPC server (server/grpc_server_options.h: thread
// bound, message limit, health and reflection; the callback API; the same
// stream read-ahead), but answers every post ALLOW at once with a response of
// the same shape and about the same size. loadgen runs unchanged against
// either, so moderationd's throughput can be stated as a share of what gRPC
// alone allows on the same machine.
//
//   echo_server --listen 127.0.0.1:0 --threads 2 --port_file /tmp/e.port
//
// SIGTERM and SIGINT stop it (exit 0).
#include <grpcpp/grpcpp.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "server/grpc_server_options.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "gRPC listen address (host:port; port 0 = any free port)");
ABSL_FLAG(int, threads, 0, "upper bound on gRPC server threads (0 = one per core), as moderationd");
ABSL_FLAG(int64_t, max_post_bytes, 65536, "sizes the message limit, as moderationd");
ABSL_FLAG(int, max_batch, 100, "sizes the message limit, as moderationd");
ABSL_FLAG(std::string, port_file, "",
          "write the bound port here as JSON {\"grpc\":N} once serving");

namespace moderation::bench {
namespace {

// moderationd's stream read-ahead (server::kStreamWindow).
constexpr size_t kStreamWindow = 64;

// What moderationd puts in an ALLOW answer, with strings of the same length.
void Answer(const v1::ModerateRequest& request, v1::ModerateResponse* response) {
  response->set_post_id(request.post().post_id());
  response->set_decision(v1::DECISION_ALLOW);
  v1::RuleSetVersion* ruleset = response->mutable_ruleset();
  ruleset->set_id("echo+pii+spam");
  ruleset->set_version("echo@2026-11-22.1,pii@2026-11-22.1,spam@2026-11-22.1");
  ruleset->set_content_hash("sha256:" + std::string(64, '0'));
  response->mutable_evaluation_time()->set_nanos(1);
}

// ModerateStream, with moderationd's flow (server/moderation_stream.cc):
// answers are queued as messages arrive and written one at a time; reading
// pauses while kStreamWindow answers wait to be written.
class EchoStream final
    : public grpc::ServerBidiReactor<v1::ModerateRequest, v1::ModerateStreamResponse> {
 public:
  EchoStream() { StartRead(&request_); }

  void OnReadDone(bool ok) override {
    if (!ok) {
      std::unique_lock<std::mutex> lock(mu_);
      reads_done_ = true;
      MaybeFinishLocked(lock);
      return;
    }
    v1::ModerateStreamResponse answer;
    answer.set_post_id(request_.post().post_id());
    Answer(request_, answer.mutable_response());
    std::unique_lock<std::mutex> lock(mu_);
    if (broken_) {
      StartRead(&request_);  // drain until the read side ends
      return;
    }
    pending_.push_back(std::move(answer));
    const bool start_write = !writing_;
    writing_ = true;
    const bool read_more = pending_.size() < kStreamWindow;
    read_paused_ = !read_more;
    v1::ModerateStreamResponse* to_write = start_write ? &pending_.front() : nullptr;
    lock.unlock();
    if (to_write != nullptr) StartWrite(to_write);
    if (read_more) StartRead(&request_);
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    pending_.pop_front();
    if (!ok) {
      broken_ = true;
      pending_.clear();
    }
    v1::ModerateStreamResponse* next = pending_.empty() ? nullptr : &pending_.front();
    writing_ = next != nullptr;
    const bool resume_read =
        read_paused_ && !reads_done_ && (broken_ || pending_.size() < kStreamWindow);
    if (resume_read) read_paused_ = false;
    if (next == nullptr) {
      MaybeFinishLocked(lock);
      if (resume_read) StartRead(&request_);
      return;
    }
    lock.unlock();
    StartWrite(next);
    if (resume_read) StartRead(&request_);
  }

  // gRPC's reactor contract: the reactor owns itself until OnDone.
  void OnDone() override { delete this; }

 private:
  void MaybeFinishLocked(std::unique_lock<std::mutex>& lock) {
    if (finished_ || !reads_done_ || writing_ || !pending_.empty()) return;
    finished_ = true;
    lock.unlock();
    Finish(grpc::Status::OK);
  }

  v1::ModerateRequest request_;  // the read buffer; reads are sequential

  std::mutex mu_;  // read and write completions may run on different threads
  std::deque<v1::ModerateStreamResponse> pending_;  // front() is being written
  bool writing_ = false;
  bool read_paused_ = false;
  bool reads_done_ = false;
  bool broken_ = false;
  bool finished_ = false;
};

class EchoService final : public v1::ModerationService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Moderate(grpc::CallbackServerContext* context,
                                     const v1::ModerateRequest* request,
                                     v1::ModerateResponse* response) override {
    Answer(*request, response);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* ModerateBatch(grpc::CallbackServerContext* context,
                                          const v1::ModerateBatchRequest* request,
                                          v1::ModerateBatchResponse* response) override {
    for (const v1::ModerateRequest& one : request->requests())
      Answer(one, response->add_responses());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerBidiReactor<v1::ModerateRequest, v1::ModerateStreamResponse>* ModerateStream(
      grpc::CallbackServerContext*) override {
    return new EchoStream();
  }
};

bool WritePortFile(const std::string& path, int port) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp);
    out << "{\"grpc\":" << port << "}\n";
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  return !ec;
}

int Main() {
  // Handled by sigwait below; blocked before gRPC starts its threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  EchoService service;
  server::EnableHealthAndReflection();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  server::ApplyServerOptions(
      &builder, absl::GetFlag(FLAGS_threads),
      server::MaxMessageBytes(absl::GetFlag(FLAGS_max_post_bytes), absl::GetFlag(FLAGS_max_batch)));
  std::unique_ptr<grpc::Server> grpc_server = builder.BuildAndStart();
  if (grpc_server == nullptr || port == 0) {
    std::fprintf(stderr, "echo_server: cannot listen on %s\n", absl::GetFlag(FLAGS_listen).c_str());
    return 1;
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty() && !WritePortFile(port_file, port)) {
    std::fprintf(stderr, "echo_server: cannot write %s\n", port_file.c_str());
    grpc_server->Shutdown(std::chrono::system_clock::now());
    return 1;
  }
  std::fprintf(stderr, "echo_server: serving on port %d\n", port);
  int signal = 0;
  while (sigwait(&signals, &signal) != 0) {
  }
  // Nothing to drain: every call is answered at once. Open streams end now.
  grpc_server->Shutdown(std::chrono::system_clock::now());
  grpc_server->Wait();
  std::fprintf(stderr, "echo_server: stopped (%s)\n", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  return 0;
}

}  // namespace
}  // namespace moderation::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "a moderation.v1.ModerationService that answers ALLOW without judging");
  // Debian's libabsl is built without NDEBUG, which leaves absl::Mutex
  // deadlock detection on; gRPC takes absl mutexes on every call, and the
  // detector cost 5-10 % of unary throughput (echo_server under loadgen).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);
  return moderation::bench::Main();
}
