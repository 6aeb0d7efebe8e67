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
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "server/grpc_server_options.h"
#include "server/windowed_stream.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "gRPC listen address (host:port; port 0 = any free port)");
ABSL_FLAG(int, threads, 0, "upper bound on gRPC server threads (0 = one per core), as moderationd");
ABSL_FLAG(int64_t, max_post_bytes, 65536, "sizes the message limit, as moderationd");
ABSL_FLAG(int, max_batch, 100, "sizes the message limit, as moderationd");
ABSL_FLAG(std::string, port_file, "",
          "write the bound port here as JSON {\"grpc\":N} once serving");

namespace moderation::bench {
namespace {

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

// ModerateStream with moderationd's own flow control (windowed_stream.h).
class EchoStream final : public server::WindowedStream {
 public:
  EchoStream() { StartReading(); }

  // gRPC's reactor contract: the reactor owns itself until OnDone.
  void OnDone() override { delete this; }

 private:
  v1::ModerateStreamResponse Answer(const v1::ModerateRequest& request) override {
    v1::ModerateStreamResponse answer;
    answer.set_post_id(request.post().post_id());
    bench::Answer(request, answer.mutable_response());
    return answer;
  }
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
  if (!port_file.empty() &&
      !server::WriteFileAtomically(port_file, "{\"grpc\":" + std::to_string(port) + "}\n")) {
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
