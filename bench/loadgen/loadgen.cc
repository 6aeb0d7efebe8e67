// loadgen: the load generator for moderation.v1.ModerationService servers
// (moderationd, or bench/echo_server as the baseline).
//
// Closed loop finds the maximum throughput; open loop (--rate) measures
// latency at a fixed load, from each request's scheduled send time, so a
// stalled server cannot hide its stall (coordinated omission).
//
//   loadgen --target 127.0.0.1:50051 --rpc moderate --concurrency 16 --seconds 5
//   loadgen --port_file /tmp/e.port --rpc moderate --loop open --rate 2000
//   loadgen --target ... --rpc batch --batch 32
//   loadgen --target ... --rpc stream --window 256            (closed loop)
//   loadgen --target ... --rpc stream --loop open --rate 20000
//
// Prints a human summary and one line "RESULT {json}" on stdout. Exit 0 when
// at least one request succeeded; 1 when every request failed; 2 for bad
// flags; 3 when the target cannot be reached within --connect_timeout.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/loadgen/report.h"
#include "bench/loadgen/request_pool.h"
#include "bench/loadgen/run_stats.h"
#include "bench/loadgen/stream_driver.h"
#include "bench/loadgen/unary_driver.h"
#include "moderation/v1/moderation.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "server address (host:port)");
ABSL_FLAG(
    std::string, port_file, "",
    "read the gRPC port from a server's --port_file JSON ({\"grpc\":N}) and target 127.0.0.1:N");
ABSL_FLAG(std::string, label, "", "free text copied into the result, e.g. echo or moderationd");
ABSL_FLAG(std::string, rpc, "moderate", "moderate | batch | stream");
ABSL_FLAG(std::string, loop, "closed",
          "closed (fixed concurrency, max throughput) | open (fixed --rate)");
ABSL_FLAG(int, concurrency, 16, "closed loop, moderate/batch: calls kept in flight");
ABSL_FLAG(int, streams, 1, "stream: number of streams");
ABSL_FLAG(int, window, 256, "closed-loop stream: posts kept unanswered per stream");
ABSL_FLAG(int, batch, 32, "batch: posts per ModerateBatch call");
ABSL_FLAG(double, rate, 0,
          "open loop: calls per second (moderate/batch) or posts per second (stream)");
ABSL_FLAG(int, max_outstanding, 10000,
          "open loop: most requests unanswered at once; beyond, dropped and counted");
ABSL_FLAG(double, seconds, 5, "measured duration in seconds");
ABSL_FLAG(double, warmup, 1, "warm-up seconds before measuring (same load, not recorded)");
ABSL_FLAG(int, post_bytes, 1024, "body size of each post in bytes, about");
ABSL_FLAG(int, pool, 1000, "distinct posts, sent round-robin");
ABSL_FLAG(int, abusive_every, 0, "every Nth post opens with an insult (0 = none)");
ABSL_FLAG(std::string, community, "news-de", "community of every post");
ABSL_FLAG(uint64_t, seed, 1, "seed of the post pool");
ABSL_FLAG(int, channels, 1,
          "gRPC channels (TCP connections); calls and streams are spread over them");
ABSL_FLAG(double, connect_timeout, 10, "seconds to wait for the target to accept a connection");
ABSL_FLAG(double, rpc_timeout, 10, "moderate/batch: per-call deadline in seconds (0 = none)");
ABSL_FLAG(double, drain_timeout, 10,
          "seconds after the run for the last answers before streams are cancelled");
ABSL_FLAG(int, late_us, 1000,
          "open loop: a request sent more than this after its scheduled time counts as late");

namespace moderation::bench {
namespace {

constexpr int kUsage = 2;
constexpr int kAllFailed = 1;
constexpr int kUnreachable = 3;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "loadgen: %s\n", message.c_str());
  return code;
}

// The target from --port_file, or "" with *error set.
std::string TargetFromPortFile(const std::string& path, std::string* error) {
  std::ifstream in(path);
  const nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("grpc") || !json["grpc"].is_number_integer()) {
    *error = "--port_file " + path + ": no {\"grpc\": port} JSON there";
    return "";
  }
  return "127.0.0.1:" + std::to_string(json["grpc"].get<int>());
}

bool IsLoopback(const std::string& target) {
  for (const char* prefix :
       {"127.", "localhost", "[::1]", "::1", "ipv4:127.", "ipv6:[::1]", "unix:"}) {
    if (absl::StartsWith(target, prefix)) return true;
  }
  return false;
}

ClientEnvironment Environment(const std::string& target, const CpuMeter& cpu) {
  ClientEnvironment env;
  env.cpu_util = cpu.Util();
  env.cpus = AllowedCpus();
  env.host_cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  env.note = IsLoopback(target)
                 ? "client and server share the host's " + std::to_string(env.host_cpus) + " cores"
                 : "server on another host";
  return env;
}

int64_t ToNs(double seconds) { return std::llround(seconds * 1e9); }

int Main() {
  RunConfig config;
  config.label = absl::GetFlag(FLAGS_label);
  config.target = absl::GetFlag(FLAGS_target);
  config.rpc = absl::GetFlag(FLAGS_rpc);
  config.loop = absl::GetFlag(FLAGS_loop);
  config.seconds = absl::GetFlag(FLAGS_seconds);
  config.warmup = absl::GetFlag(FLAGS_warmup);
  config.post_bytes = static_cast<size_t>(std::max(absl::GetFlag(FLAGS_post_bytes), 1));
  config.abusive_every = absl::GetFlag(FLAGS_abusive_every);
  config.community = absl::GetFlag(FLAGS_community);
  config.channels = absl::GetFlag(FLAGS_channels);
  config.late_us = absl::GetFlag(FLAGS_late_us);
  const bool open = config.loop == "open";
  const bool stream = config.rpc == "stream";
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    std::string error;
    config.target = TargetFromPortFile(absl::GetFlag(FLAGS_port_file), &error);
    if (config.target.empty()) return Fail(kUsage, error);
  }
  if (config.rpc != "moderate" && config.rpc != "batch" && !stream) {
    return Fail(kUsage, "--rpc must be moderate, batch or stream");
  }
  if (config.loop != "closed" && !open) return Fail(kUsage, "--loop must be closed or open");
  if (config.seconds <= 0 || config.warmup < 0)
    return Fail(kUsage, "--seconds must be > 0 and --warmup >= 0");
  if (config.channels < 1) return Fail(kUsage, "--channels must be >= 1");
  if (config.rpc == "batch") {
    config.batch = absl::GetFlag(FLAGS_batch);
    if (config.batch < 1) return Fail(kUsage, "--batch must be >= 1");
  }
  if (stream) {
    config.streams = absl::GetFlag(FLAGS_streams);
    if (config.streams < 1) return Fail(kUsage, "--streams must be >= 1");
  }
  if (open) {
    config.rate = absl::GetFlag(FLAGS_rate);
    config.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
    if (config.rate <= 0) return Fail(kUsage, "--loop open needs --rate > 0");
    if (config.max_outstanding < 1) return Fail(kUsage, "--max_outstanding must be >= 1");
  } else if (stream) {
    config.window = absl::GetFlag(FLAGS_window);
    if (config.window < 1) return Fail(kUsage, "--window must be >= 1");
    config.concurrency = config.streams * config.window;
  } else {
    config.concurrency = absl::GetFlag(FLAGS_concurrency);
    if (config.concurrency < 1) return Fail(kUsage, "--concurrency must be >= 1");
  }

  // Channels with distinct arguments get distinct connections.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::ModerationService::Stub>> stubs;
  std::vector<v1::ModerationService::Stub*> stub_ptrs;
  const auto connect_deadline =
      std::chrono::system_clock::now() +
      std::chrono::nanoseconds(ToNs(absl::GetFlag(FLAGS_connect_timeout)));
  for (int i = 0; i < config.channels; ++i) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    args.SetInt("loadgen.channel", i);
    channels.push_back(
        grpc::CreateCustomChannel(config.target, grpc::InsecureChannelCredentials(), args));
    if (!channels.back()->WaitForConnected(connect_deadline)) {
      return Fail(kUnreachable, "cannot reach " + config.target + ": no connection within " +
                                    absl::StrCat(absl::GetFlag(FLAGS_connect_timeout)) +
                                    " s (--connect_timeout)");
    }
    stubs.push_back(v1::ModerationService::NewStub(channels.back()));
    stub_ptrs.push_back(stubs.back().get());
  }

  const RequestPool pool =
      RequestPool::Build({.posts = static_cast<size_t>(std::max(absl::GetFlag(FLAGS_pool), 1)),
                          .post_bytes = config.post_bytes,
                          .abusive_every = config.abusive_every,
                          .community = config.community,
                          .seed = absl::GetFlag(FLAGS_seed)},
                         config.batch);
  const CpuMeter cpu;
  RunStats stats(Timeline::Start(config.warmup, config.seconds), int64_t{config.late_us} * 1000);
  if (stream) {
    StreamDriver driver(stub_ptrs, &pool, &stats, ToNs(absl::GetFlag(FLAGS_drain_timeout)));
    if (open) {
      driver.RunOpen(config.rate, config.streams, config.max_outstanding);
    } else {
      driver.RunClosed(config.streams, config.window);
    }
  } else {
    UnaryDriver driver(
        stub_ptrs, &pool, &stats,
        {.batch = config.batch, .timeout_ns = ToNs(absl::GetFlag(FLAGS_rpc_timeout))});
    if (open) {
      driver.RunOpen(config.rate, config.max_outstanding);
    } else {
      driver.RunClosed(config.concurrency);
    }
  }
  PrintReport(config, stats, Environment(config.target, cpu), stdout);
  if (stats.answered() == 0) {
    return Fail(kAllFailed, "no request succeeded (" + std::to_string(stats.failed()) + " failed)");
  }
  return 0;
}

}  // namespace
}  // namespace moderation::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "load generator for moderation.v1.ModerationService; e.g. loadgen --target 127.0.0.1:50051 "
      "--rpc moderate --loop open --rate 2000 --seconds 5");
  // Debian's libabsl is built without NDEBUG, which leaves absl::Mutex
  // deadlock detection on; gRPC takes absl mutexes on every call, and the
  // detector cost 5-10 % of unary throughput (echo_server under loadgen).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);
  return moderation::bench::Main();
}
