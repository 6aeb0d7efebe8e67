// pulse_crisis: plays the scripted crisis day (crisis_day.h) into a running
// moderationd, for people to watch the pulse: its alerts (WatchAlerts, the
// log, the webhook) and the /pulse page. The server should run with
// --pulse_clock=post_time, so the day's time is the posts' time, and with
// the crisis rules (--rules=tests/crisis/rules) the day was written for.
//
//   pulse_crisis --target=127.0.0.1:50051 --minutes_per_second=120
//   pulse_crisis --port_file=/tmp/ports.json --ordinary   # no crises
//
// It prints one line per simulated hour (posts sent, FLAG and BLOCK) and
// exits 0 when the day is played, 1 if the server refused a batch.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "tests/crisis/crisis_day.h"

ABSL_FLAG(std::string, target, "", "moderationd's gRPC address, host:port");
ABSL_FLAG(std::string, port_file, "",
          "or: moderationd's --port_file (JSON with \"grpc\"); the host is 127.0.0.1");
ABSL_FLAG(bool, ordinary, false, "play the day without its crises");
ABSL_FLAG(int, minutes, 24 * 60, "simulated minutes to play from 00:00");
ABSL_FLAG(double, derby_thread_share, 0,
          "share of sport-de's posts from 16:00 to 18:30 in one thread, t-derby");
ABSL_FLAG(double, minutes_per_second, 0,
          "simulated minutes per real second; 0 = as fast as the server answers");

namespace v1 = ::moderation::v1;

namespace {

std::string Target() {
  if (!absl::GetFlag(FLAGS_target).empty()) return absl::GetFlag(FLAGS_target);
  std::ifstream in(absl::GetFlag(FLAGS_port_file));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const nlohmann::json ports = nlohmann::json::parse(text, nullptr, false);
  if (!ports.is_object() || !ports.contains("grpc")) return "";
  return absl::StrCat("127.0.0.1:", ports["grpc"].get<int>());
}

bool Send(v1::ModerationService::Stub& stub, v1::ModerateBatchRequest* batch, int* flagged,
          int* blocked) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::ModerateBatchResponse response;
  const grpc::Status status = stub.ModerateBatch(&context, *batch, &response);
  if (!status.ok()) {
    std::fprintf(stderr, "pulse_crisis: ModerateBatch: %s\n", status.error_message().c_str());
    return false;
  }
  for (const v1::ModerateResponse& r : response.responses()) {
    *flagged += r.decision() == v1::DECISION_FLAG;
    *blocked += r.decision() == v1::DECISION_BLOCK;
  }
  batch->clear_requests();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string target = Target();
  if (target.empty()) {
    std::fprintf(stderr, "pulse_crisis: give --target=host:port or a readable --port_file\n");
    return 2;
  }
  auto stub = v1::ModerationService::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  moderation::testing::CrisisOptions options;
  options.events = !absl::GetFlag(FLAGS_ordinary);
  options.minutes = absl::GetFlag(FLAGS_minutes);
  options.derby_thread_share = absl::GetFlag(FLAGS_derby_thread_share);
  moderation::testing::CrisisDay day(options);
  const double pace = absl::GetFlag(FLAGS_minutes_per_second);
  const auto begin = std::chrono::steady_clock::now();
  int posts = 0, flagged = 0, blocked = 0;
  v1::ModerateBatchRequest batch;
  for (int m = 0; m < day.minutes(); ++m) {
    for (v1::ModerateRequest& r : day.Minute(m)) {
      *batch.add_requests() = std::move(r);
      ++posts;
      if (batch.requests_size() == 100 && !Send(*stub, &batch, &flagged, &blocked)) return 1;
    }
    if (pace > 0) {
      if (batch.requests_size() > 0 && !Send(*stub, &batch, &flagged, &blocked)) return 1;
      std::this_thread::sleep_until(begin + std::chrono::duration<double>((m + 1) / pace));
    }
    if ((m + 1) % 60 == 0) {
      if (batch.requests_size() > 0 && !Send(*stub, &batch, &flagged, &blocked)) return 1;
      std::printf("%02d:00  %6d posts  %5d FLAG  %5d BLOCK\n", (m + 1) / 60 % 24, posts, flagged,
                  blocked);
      std::fflush(stdout);
    }
  }
  if (batch.requests_size() > 0 && !Send(*stub, &batch, &flagged, &blocked)) return 1;
  return 0;
}
