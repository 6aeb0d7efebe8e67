// The decision log with the real server (issue 13 §1): every decision is
// counted, restrictions are written in full, and logrotate without
// copytruncate (rename, then SIGHUP) loses no count and counts none twice.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/testing/temp_dir.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "server/modctl/commands.h"
#include "tests/server_fixture.h"

namespace moderation::testing {
namespace {

namespace v1 = ::moderation::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kRules[] =
    "ruleset: news\nversion: \"n-1\"\n"
    "dsa:\n  terms_ground: \"Netiquette 2\"\n  territorial_scope: [DE]\n"
    "  categories: { insult: STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH }\nrules:\n"
    "  - id: news.insult\n    category: insult\n    words: [Blödmann]\n    action: block\n"
    "    legal_ground: \"StGB §185 Beleidigung\"\n";
constexpr char kCommunities[] = "communities:\n  news-de: [news]\n";

struct LogSummary {
  int64_t allow = 0;                       // ALLOWs counted in "counts" lines
  int64_t block = 0;                       // BLOCKs counted in "counts" lines
  std::vector<std::string> blocked_posts;  // post ids of "decision" lines
};

LogSummary Summarise(const std::string& path) {
  LogSummary summary;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j.at("type") == "counts") {
      (j.at("decision") == "ALLOW" ? summary.allow : summary.block) += j.at("posts").get<int64_t>();
    } else {
      summary.blocked_posts.push_back(j.at("post_id"));
    }
  }
  return summary;
}

TEST(ModerationdDecisionLogTest, RenameAndSighupSplitTheCountsBetweenTheFilesWithoutLoss) {
  const TempDir log_dir("decision_log");
  const std::string dir = log_dir.path();
  ASSERT_FALSE(dir.empty());
  const TempDir rules_dir("decision_log_rules");
  const std::string empty_rules = rules_dir.path();
  const std::string path = dir + "/decisions.jsonl";
  ServerOptions options;
  options.rules_source = empty_rules;
  options.rule_files = {{"news.yaml", kRules}, {"communities.yaml", kCommunities}};
  // Counts are written only at SIGHUP and at exit, so the test sees where
  // each lands.
  options.flags = {"--decision_log=" + path, "--decision_log_replica=r-test",
                   "--decision_log_flush=1h"};
  std::string error;
  std::unique_ptr<ServerProcess> server = ServerProcess::Start(options, &error);
  ASSERT_NE(server, nullptr) << error;
  auto stub = v1::ModerationService::NewStub(server->Channel());
  auto moderate = [&](const std::string& id, const std::string& body) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    v1::ModerateRequest request;
    request.mutable_post()->set_post_id(id);
    request.mutable_post()->set_community("news-de");
    request.mutable_post()->set_body(body);
    v1::ModerateResponse response;
    const grpc::Status status = stub->Moderate(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.decision();
  };
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(moderate(absl::StrCat("a", i), "Guten Morgen"), v1::DECISION_ALLOW);
  EXPECT_EQ(moderate("b1", "Du Blödmann"), v1::DECISION_BLOCK);

  std::filesystem::rename(path, path + ".1");
  ASSERT_TRUE(server->Signal(SIGHUP));
  ASSERT_TRUE(Eventually(
      [&] { return absl::StrContains(server->Stderr(), R"("event":"decision_log_reopened")"); },
      seconds(10)));
  for (int i = 3; i < 5; ++i)
    EXPECT_EQ(moderate(absl::StrCat("a", i), "Guten Abend"), v1::DECISION_ALLOW);
  EXPECT_EQ(moderate("b2", "Blödmann!"), v1::DECISION_BLOCK);
  stub.reset();
  const ExitInfo exit = server->Stop(seconds(15));
  EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();

  const LogSummary before = Summarise(path + ".1");
  const LogSummary after = Summarise(path);
  EXPECT_EQ(before.allow, 3);
  EXPECT_EQ(before.block, 1);
  EXPECT_EQ(before.blocked_posts, std::vector<std::string>{"b1"});
  EXPECT_EQ(after.allow, 2);
  EXPECT_EQ(after.block, 1);
  EXPECT_EQ(after.blocked_posts, std::vector<std::string>{"b2"});
  const std::string text = ReadFile(path) + ReadFile(path + ".1");
  EXPECT_TRUE(absl::StrContains(text, R"("legal_ground":"StGB §185 Beleidigung")"));
  EXPECT_TRUE(absl::StrContains(text, R"("replica":"r-test")"));
  EXPECT_FALSE(absl::StrContains(text, "Blödmann")) << "post text in the decision log";
}

// The scripted crisis of the pulse's test, replayed on the posts' time
// (--pulse_clock=post_time): 3 hours with 1 post in 20 blocked, 20 minutes
// with 8 in 20, 40 minutes with 1 in 20 again, 20 posts a minute, from
// Monday 2026-11-30 09:00 UTC. modctl report on the decision log then shows
// the day's figures and the pulse's alert.
TEST(ModerationdDecisionLogTest, AReportOfTheScriptedCrisisShowsItsFiguresAndItsAlert) {
  constexpr int64_t kT0 = 1796029200;  // Monday 2026-11-30 09:00 UTC
  const TempDir log_dir("decision_log_day");
  const std::string dir = log_dir.path();
  const TempDir rules_dir("decision_log_day_rules");
  const std::string empty_rules = rules_dir.path();
  ASSERT_FALSE(dir.empty() || empty_rules.empty());
  const std::string path = dir + "/decisions.jsonl";
  ServerOptions options;
  options.rules_source = empty_rules;
  options.rule_files = {{"news.yaml", kRules}, {"communities.yaml", kCommunities}};
  options.flags = {"--decision_log=" + path, "--pulse_clock=post_time"};
  std::string error;
  std::unique_ptr<ServerProcess> server = ServerProcess::Start(options, &error);
  ASSERT_NE(server, nullptr) << error;
  auto stub = v1::ModerationService::NewStub(server->Channel());
  int64_t blocked = 0;
  auto play = [&](int from_minute, int minutes, int hostile_per_20) {
    v1::ModerateBatchRequest batch;
    auto send = [&] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + seconds(20));
      v1::ModerateBatchResponse response;
      ASSERT_TRUE(stub->ModerateBatch(&context, batch, &response).ok());
      for (const v1::ModerateResponse& r : response.responses())
        blocked += r.decision() == v1::DECISION_BLOCK;
      batch.Clear();
    };
    for (int m = from_minute; m < from_minute + minutes; ++m) {
      for (int i = 0; i < 20; ++i) {
        v1::Post* post = batch.add_requests()->mutable_post();
        post->set_post_id(absl::StrCat("m", m, "-", i));
        post->set_community("news-de");
        post->mutable_author()->set_id(absl::StrCat("u", (m * 7 + i) % 300));
        post->set_body(i < hostile_per_20 ? "Du Blödmann." : "Die Regierung hat versagt.");
        post->mutable_created_at()->set_seconds(kT0 + m * 60 + i * 3);
        if (batch.requests_size() == 100) send();
      }
    }
    if (batch.requests_size() > 0) send();
  };
  play(0, 180, 1);
  play(180, 20, 8);
  play(200, 40, 1);
  stub.reset();
  const ExitInfo exit = server->Stop(seconds(15));
  ASSERT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
  EXPECT_EQ(blocked, 180 + 160 + 40);

  ASSERT_EQ(modctl::RunReport(
                {"--period", "day", "--date", "2026-11-30", "--out", dir + "/day", "--dsa", path}),
            modctl::kExitOk);
  const std::string report = ReadFile(dir + "/day/report.md");
  EXPECT_TRUE(absl::StrContains(report, "| 2026-11-30 | 4800 | 4420 | 0 | 380 |")) << report;
  EXPECT_TRUE(absl::StrContains(report, "| news.insult | 380 |"));
  EXPECT_TRUE(absl::StrContains(report, "| 2026-11-30 12:")) << "the alert opened after 12:00";
  EXPECT_TRUE(absl::StrContains(report, "hostile_share")) << report;
  std::istringstream statements(ReadFile(dir + "/day/statements.jsonl"));
  int64_t lines = 0;
  for (std::string line; std::getline(statements, line);) ++lines;
  EXPECT_EQ(lines, 380);
  EXPECT_TRUE(absl::StrContains(ReadFile(dir + "/day/transparency.md"),
                                "| STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH | "
                                "DECISION_GROUND_ILLEGAL_CONTENT | 380 |"));
}

}  // namespace
}  // namespace moderation::testing
