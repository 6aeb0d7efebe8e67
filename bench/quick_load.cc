// quick_load: a small closed-loop load tool for moderationd, for a first
// look at latency and throughput on loopback. (The full load generator with
// open-loop pacing and an echo-server baseline belongs to the benchmark
// harness.)
//
//   quick_load --target 127.0.0.1:50051 --mode unary --concurrency 8 --seconds 5
//   quick_load --target 127.0.0.1:50051 --mode stream --seconds 5
//
// Prints one human line and one JSON line per run.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "moderation/v1/moderation.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "moderationd address");
ABSL_FLAG(std::string, mode, "unary", "unary | stream");
ABSL_FLAG(int, concurrency, 8, "unary calls kept in flight");
ABSL_FLAG(double, seconds, 5, "run time");
ABSL_FLAG(std::string, community, "news-de", "community of every post");
ABSL_FLAG(int, window, 256, "stream: posts sent ahead of answers");

namespace {

using moderation::v1::ModerateRequest;
using moderation::v1::ModerateResponse;
using moderation::v1::ModerateStreamResponse;
using moderation::v1::ModerationService;
using Clock = std::chrono::steady_clock;

constexpr const char* kPosts[] = {
    "Die Regierung hat in dieser Frage leider versagt, und das sollte man offen sagen.",
    "Ich finde den Vorschlag gut, aber die Finanzierung ist noch völlig unklar.",
    "Du bist so ein Oberblödmann, halt endlich die Klappe!",
    "Wer am Samstag zum Spiel fährt, sollte früh losfahren, die Autobahn ist voll.",
};

ModerateRequest MakeRequest(uint64_t i) {
  ModerateRequest request;
  request.mutable_post()->set_post_id(std::to_string(i));
  request.mutable_post()->set_community(absl::GetFlag(FLAGS_community));
  request.mutable_post()->set_body(kPosts[i % std::size(kPosts)]);
  return request;
}

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

// One in-flight call slot: issues the next call when the previous finishes.
struct UnaryLoop {
  ModerationService::Stub* stub;
  Clock::time_point deadline;
  std::mutex* mu;
  std::vector<double>* latencies_us;
  std::atomic<uint64_t>* next_id;
  std::atomic<uint64_t>* errors;
  std::atomic<int>* active;
  std::condition_variable* done;

  void Issue() {
    if (Clock::now() >= deadline) {
      if (--*active == 0) done->notify_all();
      return;
    }
    auto* context = new grpc::ClientContext();
    auto* request = new ModerateRequest(MakeRequest((*next_id)++));
    auto* response = new ModerateResponse();
    const auto start = Clock::now();
    stub->async()->Moderate(context, request, response, [=, this](grpc::Status status) {
      const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
      if (!status.ok()) ++*errors;
      {
        std::lock_guard<std::mutex> lock(*mu);
        latencies_us->push_back(us);
      }
      delete context;
      delete request;
      delete response;
      Issue();
    });
  }
};

int RunUnary(ModerationService::Stub* stub, double seconds, int concurrency) {
  std::mutex mu;
  std::condition_variable done;
  std::vector<double> latencies;
  std::atomic<uint64_t> next_id{0}, errors{0};
  std::atomic<int> active{concurrency};
  const auto start = Clock::now();
  std::vector<UnaryLoop> loops(concurrency, UnaryLoop{stub, start + std::chrono::duration_cast<Clock::duration>(
                                                                       std::chrono::duration<double>(seconds)),
                                                      &mu, &latencies, &next_id, &errors, &active, &done});
  for (UnaryLoop& loop : loops) loop.Issue();
  {
    std::unique_lock<std::mutex> lock(mu);
    done.wait(lock, [&] { return active.load() == 0; });
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::lock_guard<std::mutex> lock(mu);
  const double qps = static_cast<double>(latencies.size()) / elapsed;
  const double p50 = Percentile(latencies, 0.50), p90 = Percentile(latencies, 0.90),
               p99 = Percentile(latencies, 0.99), max = latencies.empty() ? 0 : latencies.back();
  std::printf("unary: %zu calls in %.2f s = %.0f QPS at concurrency %d; latency p50 %.0f us, p90 %.0f us, "
              "p99 %.0f us, max %.0f us; errors %llu\n",
              latencies.size(), elapsed, qps, concurrency, p50, p90, p99, max,
              static_cast<unsigned long long>(errors.load()));
  std::printf("{\"mode\":\"unary\",\"calls\":%zu,\"qps\":%.0f,\"concurrency\":%d,\"p50_us\":%.0f,\"p90_us\":%.0f,"
              "\"p99_us\":%.0f,\"max_us\":%.0f,\"errors\":%llu}\n",
              latencies.size(), qps, concurrency, p50, p90, p99, max, static_cast<unsigned long long>(errors.load()));
  return errors.load() == 0 ? 0 : 1;
}

int RunStream(ModerationService::Stub* stub, double seconds, int window) {
  grpc::ClientContext context;
  auto stream = stub->ModerateStream(&context);
  std::atomic<uint64_t> received{0}, errors{0};
  std::atomic<uint64_t> sent{0};
  std::thread reader([&] {
    ModerateStreamResponse response;
    while (stream->Read(&response)) {
      if (response.has_error()) ++errors;
      ++received;
    }
  });
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < deadline) {
    if (sent - received >= static_cast<uint64_t>(window)) {
      std::this_thread::yield();
      continue;
    }
    if (!stream->Write(MakeRequest(sent))) break;
    ++sent;
  }
  stream->WritesDone();
  reader.join();
  const grpc::Status status = stream->Finish();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double rate = static_cast<double>(received.load()) / elapsed;
  std::printf("stream: %llu posts sent, %llu answered in %.2f s = %.0f posts/s (window %d); errors %llu; status %s\n",
              static_cast<unsigned long long>(sent.load()), static_cast<unsigned long long>(received.load()), elapsed,
              rate, window, static_cast<unsigned long long>(errors.load()), status.ok() ? "OK" : status.error_message().c_str());
  std::printf("{\"mode\":\"stream\",\"sent\":%llu,\"answered\":%llu,\"posts_per_s\":%.0f,\"window\":%d,\"errors\":%llu}\n",
              static_cast<unsigned long long>(sent.load()), static_cast<unsigned long long>(received.load()), rate,
              window, static_cast<unsigned long long>(errors.load()));
  return status.ok() && errors == 0 && sent == received ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  auto stub = ModerationService::NewStub(channel);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "unary") return RunUnary(stub.get(), absl::GetFlag(FLAGS_seconds), absl::GetFlag(FLAGS_concurrency));
  if (mode == "stream") return RunStream(stub.get(), absl::GetFlag(FLAGS_seconds), absl::GetFlag(FLAGS_window));
  std::fprintf(stderr, "quick_load: --mode must be unary or stream\n");
  return 2;
}
