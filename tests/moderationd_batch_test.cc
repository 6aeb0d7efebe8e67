// ModerateBatch with the batch pool (server/batch_pool.h), through the real
// server: answers in request order with per-post errors whatever the pool's
// size, batches larger than the pool, many batches at once, a deadline or a
// cancellation while the workers judge, and the same decisions as judging
// one post after another (--batch_workers=0), multi-posting conditions and
// the decision log's order included.
//
// Pools larger than this machine's CPUs are on purpose: the workers then
// really overlap the caller on any host, the 1-CPU CI runner included.
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "tests/moderation_requests.h"
#include "tests/server_fixture.h"

namespace moderation::testing {
namespace {

namespace v1 = ::moderation::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

grpc::Status CallBatch(v1::ModerationService::Stub* stub, const v1::ModerateBatchRequest& batch,
                       v1::ModerateBatchResponse* response, milliseconds timeout = seconds(30)) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  return stub->ModerateBatch(&context, batch, response);
}

// The sum of every sample of `family` in a /metrics page whose labels
// contain `labels` ("" = all).
double MetricSum(const std::string& page, const std::string& family, const std::string& labels) {
  double sum = 0;
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(family + "{", 0) != 0 && line.rfind(family + " ", 0) != 0) continue;
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    if (!labels.empty() && line.substr(0, space).find(labels) == std::string::npos) continue;
    sum += std::strtod(line.c_str() + space + 1, nullptr);
  }
  return sum;
}

class ModerationdBatchTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServerProcess> Start(std::vector<std::string> flags,
                                       std::map<std::string, std::string> rule_files = {}) {
    ServerOptions options;
    options.flags = std::move(flags);
    options.rule_files = std::move(rule_files);
    // Loading the shipped rules took 84 to 96 s, Hyperscan cache warm, on
    // this 2-CPU host at load average 10 to 14 (2026-12-03).
    options.startup_timeout = std::chrono::seconds(240);
    std::string error;
    std::unique_ptr<ServerProcess> server = ServerProcess::Start(options, &error);
    EXPECT_NE(server, nullptr) << error;
    return server;
  }

  static void ExpectCleanExit(ServerProcess* server) {
    const ExitInfo exit = server->Stop(seconds(20));
    EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe() << "\n" << server->Stderr();
  }

  std::string Metrics(const ServerProcess& server) {
    return HttpGet(server.metrics_port(), "/metrics").body;
  }

  // A batch of 100 posts with bad ones among them, to a server with
  // `workers`: answers, errors, metrics and decision log.
  void ExpectOrderAndPerPostErrors(const char* workers);
};

// Post i of the order test: every 9th invalid UTF-8, every 13th without a
// community, the others abusive, civil or an insult in turn.
struct Planned {
  v1::ModerateRequest request;
  v1::Decision decision = v1::DECISION_UNSPECIFIED;  // UNSPECIFIED: an error
  std::string error_field;
};
// A post the shipped rules judge: abusive, civil or an insult, by i % 3.
Planned Good(const std::string& id, int i) {
  static const char* const kTexts[] = {kAbusive, kCivil, kInsult};
  static const v1::Decision kDecisions[] = {v1::DECISION_BLOCK, v1::DECISION_ALLOW,
                                            v1::DECISION_FLAG};
  return {Request(id, kTexts[i % 3]), kDecisions[i % 3], ""};
}
Planned Plan(int i) {
  const std::string id = absl::StrCat("b-", i);
  if (i % 9 == 4)
    return {Request(id, "kaputt \xff"), {}, absl::StrCat("requests[", i, "].post.body")};
  if (i % 13 == 6)
    return {Request(id, kCivil, ""), {}, absl::StrCat("requests[", i, "].post.community")};
  return Good(id, i);
}

// One server per pool size: a server start can take over a minute on a
// loaded host, so each size is a test of its own (ctest's 300 s each).
void ModerationdBatchTest::ExpectOrderAndPerPostErrors(const char* workers) {
  {
    SCOPED_TRACE(workers);
    const std::string dir = MakeTempDir("batch-order");
    ASSERT_FALSE(dir.empty());
    const std::string log_path = dir + "/decisions.jsonl";
    std::unique_ptr<ServerProcess> server =
        Start({workers, "--decision_log=" + log_path, "--decision_log_allows"});
    ASSERT_NE(server, nullptr);
    auto stub = v1::ModerationService::NewStub(server->Channel());
    constexpr int kPosts = 100;
    v1::ModerateBatchRequest batch;
    std::vector<Planned> plan;
    for (int i = 0; i < kPosts; ++i) {
      plan.push_back(Plan(i));
      *batch.add_requests() = plan.back().request;
    }
    const double decisions_before = MetricSum(Metrics(*server), "moderation_decisions_total", "");
    v1::ModerateBatchResponse response;
    const grpc::Status status = CallBatch(stub.get(), batch, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.responses_size(), kPosts);
    std::vector<int> error_indices, judged_ids;
    for (int i = 0; i < kPosts; ++i) {
      const v1::ModerateResponse& answer = response.responses(i);
      EXPECT_EQ(answer.decision(), plan[i].decision) << "post " << i;
      if (plan[i].decision == v1::DECISION_UNSPECIFIED) {
        error_indices.push_back(i);
        EXPECT_EQ(answer.post_id(), "") << "an error keeps its place, empty";
      } else {
        EXPECT_EQ(answer.post_id(), absl::StrCat("b-", i));
        judged_ids.push_back(i);
      }
    }
    ASSERT_EQ(response.errors_size(), static_cast<int>(error_indices.size()));
    for (int e = 0; e < response.errors_size(); ++e) {
      const v1::BatchPostError& error = response.errors(e);
      const int i = error_indices[e];
      EXPECT_EQ(error.index(), i) << "errors in index order";
      EXPECT_EQ(error.post_id(), absl::StrCat("b-", i));
      EXPECT_EQ(error.error().code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(error.error().field(), plan[i].error_field);
      EXPECT_THAT(error.error().message(), StartsWith(plan[i].error_field + ": "));
    }
    // Metrics count every judged post once.
    EXPECT_EQ(MetricSum(Metrics(*server), "moderation_decisions_total", "") - decisions_before,
              static_cast<double>(judged_ids.size()));
    ExpectCleanExit(server.get());
    // The decision log has every judged post once, in request order.
    std::vector<int> logged;
    std::istringstream lines(ReadFile(log_path));
    for (std::string line; std::getline(lines, line);) {
      const nlohmann::json j = nlohmann::json::parse(line);
      if (j.value("type", "") != "decision") continue;
      int index = -1;
      ASSERT_TRUE(absl::SimpleAtoi(j["post_id"].get<std::string>().substr(2), &index)) << line;
      logged.push_back(index);
    }
    EXPECT_EQ(logged, judged_ids);
  }
}

TEST_F(ModerationdBatchTest, AnswersStayInRequestOrderWithPerPostErrorsWithAPoolOfOne) {
  ExpectOrderAndPerPostErrors("--batch_workers=1");  // a batch of 100: far larger than the pool
}

TEST_F(ModerationdBatchTest, AnswersStayInRequestOrderWithPerPostErrorsWithAPoolOfThree) {
  ExpectOrderAndPerPostErrors("--batch_workers=3");
}

TEST_F(ModerationdBatchTest, ManyBatchesAtOnceAreAllAnsweredCompletelyAndCorrectly) {
  std::unique_ptr<ServerProcess> server = Start({"--batch_workers=2"});
  ASSERT_NE(server, nullptr);
  constexpr int kClients = 12, kBatchesEach = 8, kPosts = 40;
  std::atomic<int> answered{0}, wrong{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      // Half the clients on connections of their own, half sharing one.
      auto stub = v1::ModerationService::NewStub(server->Channel(/*own_connection=*/c % 2 == 0));
      for (int b = 0; b < kBatchesEach; ++b) {
        v1::ModerateBatchRequest batch;
        for (int i = 0; i < kPosts; ++i)
          *batch.add_requests() = Good(absl::StrCat(c, "-", b, "-", i), i + c).request;
        v1::ModerateBatchResponse response;
        if (!CallBatch(stub.get(), batch, &response, seconds(60)).ok() ||
            response.responses_size() != kPosts) {
          ++failed;
          continue;
        }
        for (int i = 0; i < kPosts; ++i) {
          const v1::ModerateResponse& answer = response.responses(i);
          if (answer.post_id() != absl::StrCat(c, "-", b, "-", i) ||
              answer.decision() != Good("", i + c).decision) {
            ++wrong;
          }
        }
        ++answered;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(answered.load(), kClients * kBatchesEach);
  // Nothing is left counted in flight.
  EXPECT_TRUE(
      Eventually([&] { return MetricSum(Metrics(*server), "moderation_in_flight_posts", "") == 0; },
                 seconds(5)));
  ExpectCleanExit(server.get());
}

// A batch whose deadline passes, or which the client cancels, while the
// caller and the workers judge it: the server stops taking posts, answers
// DEADLINE_EXCEEDED or CANCELLED, and serves the next calls. Long posts make
// a batch take long enough; the client's timing is tried from short to long
// until the end lands inside the batch (some posts judged, not all).
TEST_F(ModerationdBatchTest, ADeadlineOrCancellationDuringABatchStopsItAndTheServerGoesOn) {
  std::unique_ptr<ServerProcess> server = Start({"--batch_workers=3", "--max_batch=400"});
  ASSERT_NE(server, nullptr);
  auto stub = v1::ModerationService::NewStub(server->Channel());
  std::string body;
  while (body.size() < 16000) absl::StrAppend(&body, kAbusive, " ", kCivil, " ", kInsult, " ");
  constexpr int kPosts = 400;
  v1::ModerateBatchRequest batch;
  for (int i = 0; i < kPosts; ++i) *batch.add_requests() = Request(absl::StrCat("d-", i), body);
  struct Case {
    const char* name;
    bool cancel;                           // else the deadline
    std::vector<std::string> code_labels;  // the server's status, any of these
  };
  // When the deadline passes, the client's gRPC cancels the stream at its own
  // clock; the server may see that cancellation a moment before its own copy
  // of the deadline passes, and then calls the batch cancelled. The client
  // still gets DEADLINE_EXCEEDED (asserted below); the server's label can be
  // either.
  for (const Case& c :
       {Case{"deadline", false, {"grpc_code=\"DeadlineExceeded\"", "grpc_code=\"Canceled\""}},
        Case{"cancel", true, {"grpc_code=\"Canceled\""}}}) {
    SCOPED_TRACE(c.name);
    bool landed_inside = false;
    for (int ms = 20; ms <= 5000 && !landed_inside; ms *= 2) {
      const std::string before = Metrics(*server);
      const double decisions_before = MetricSum(before, "moderation_decisions_total", "");
      const double batches_before =
          MetricSum(before, "grpc_server_handled_total", "grpc_method=\"ModerateBatch\"");
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           (c.cancel ? seconds(60) : milliseconds(ms)));
      std::thread canceller;
      if (c.cancel) {
        canceller = std::thread([&context, ms] {
          std::this_thread::sleep_for(milliseconds(ms));
          context.TryCancel();
        });
      }
      v1::ModerateBatchResponse response;
      const grpc::Status status = stub->ModerateBatch(&context, batch, &response);
      if (canceller.joinable()) canceller.join();
      // Wait until the server is done with the call, then see how far it
      // got. A call whose deadline passed while its message was still
      // arriving never reaches the handler: nothing counts it, so after a
      // second with nothing in flight it is taken as never begun.
      std::string after;
      const auto since = std::chrono::steady_clock::now();
      ASSERT_TRUE(Eventually(
          [&] {
            after = Metrics(*server);
            if (MetricSum(after, "moderation_in_flight_posts", "") != 0) return false;
            return MetricSum(after, "grpc_server_handled_total", "grpc_method=\"ModerateBatch\"") >
                       batches_before ||
                   std::chrono::steady_clock::now() - since > seconds(1);
          },
          seconds(30)));
      const double judged = MetricSum(after, "moderation_decisions_total", "") - decisions_before;
      if (status.ok()) {
        EXPECT_EQ(judged, kPosts) << "an answered batch judged every post";
        continue;  // too late: the whole batch was done
      }
      EXPECT_EQ(status.error_code(),
                c.cancel ? grpc::StatusCode::CANCELLED : grpc::StatusCode::DEADLINE_EXCEEDED);
      if (judged == 0 || judged >= kPosts) continue;  // ended before it began, or after
      landed_inside = true;
      // The server saw it end and stopped taking posts: its own status for
      // the call is the client's (or, for a deadline, CANCELLED), not OK.
      double ended = 0;
      for (const std::string& code_label : c.code_labels) {
        ended += MetricSum(after, "grpc_server_handled_total",
                           "grpc_method=\"ModerateBatch\"," + code_label) -
                 MetricSum(before, "grpc_server_handled_total",
                           "grpc_method=\"ModerateBatch\"," + code_label);
      }
      EXPECT_GE(ended, 1) << after;
    }
    EXPECT_TRUE(landed_inside) << "no timing from 20 ms to 5 s ended inside the batch";
    // The server goes on: a next batch is answered in full.
    v1::ModerateBatchRequest small;
    for (int i = 0; i < 20; ++i) *small.add_requests() = Good(absl::StrCat("s-", i), i).request;
    v1::ModerateBatchResponse response;
    ASSERT_TRUE(CallBatch(stub.get(), small, &response).ok());
    EXPECT_EQ(response.responses_size(), 20);
  }
  ExpectCleanExit(server.get());
}

// The same few hundred posts, as batches, to a server judging them one after
// another (--batch_workers=0) and to one with a pool: the same answers.
// The rules include the multi-posting conditions, which read the pulse:
// copies and an author's flood within a batch must be counted in request
// order for the answers to match. Post times come with the posts
// (--pulse_clock=post_time), so both servers see the same times.
TEST_F(ModerationdBatchTest, DecisionsWithThePoolEqualThoseJudgedOneAfterAnother) {
  const std::map<std::string, std::string> rules = {
      {"communities.yaml", "default: [de, en, pii, spam, multi-posting]\n"},
      {"multi_posting.yaml", ReadFile(std::string(REPO_ROOT) + "/tests/rules/multi_posting.yaml")},
  };
  const std::string kCall =
      "Alle zusammen jetzt: schreibt dem Bürgermeister, dass die Umgehungsstraße gestoppt "
      "werden muss, bevor der Stadtrat am Donnerstag abstimmt!";
  const std::string kCallAgain =
      "ALLE ZUSAMMEN JETZT: schreibt dem Buergermeister, dass die Umgehungsstrasse gestoppt "
      "werden muss, bevor der Stadtrat am Freitag abstimmt!!";
  const std::vector<std::string> texts = {kAbusive,
                                          kCivil,
                                          kInsult,
                                          kCall,
                                          "Ich finde die Umgehungsstraße richtig.",
                                          kCallAgain,
                                          "Meine Nummer ist 0171 2345678, ruf an!",
                                          "k4ufen Sie jetzt billig www.example.com/deal",
                                          "You are an idiot and everybody knows it"};
  constexpr int kPosts = 360, kBatch = 60;
  std::vector<v1::ModerateRequest> posts;
  for (int i = 0; i < kPosts; ++i) {
    v1::ModerateRequest request =
        Request(absl::StrCat("e-", i), texts[(i * 7 + i / 5) % texts.size()],
                i % 4 == 0 ? "sport" : "lokal");
    // A flooder among many authors; a second between posts.
    request.mutable_post()->mutable_author()->set_id(i % 3 == 0 ? "flooder"
                                                                : absl::StrCat("a", i % 17));
    request.mutable_post()->mutable_created_at()->set_seconds(1'800'000'000 + i);
    if (i % 31 == 7) request.mutable_post()->set_body("bad \xc3");
    request.set_include_redacted(i % 2 == 0);
    posts.push_back(std::move(request));
  }
  auto judge_all = [&](const char* workers, std::vector<v1::ModerateResponse>* answers,
                       std::vector<std::string>* errors) {
    std::unique_ptr<ServerProcess> server = Start({workers, "--pulse_clock=post_time"}, rules);
    ASSERT_NE(server, nullptr);
    auto stub = v1::ModerationService::NewStub(server->Channel());
    for (int start = 0; start < kPosts; start += kBatch) {
      v1::ModerateBatchRequest batch;
      for (int i = start; i < start + kBatch; ++i) *batch.add_requests() = posts[i];
      v1::ModerateBatchResponse response;
      const grpc::Status status = CallBatch(stub.get(), batch, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(response.responses_size(), kBatch);
      for (v1::ModerateResponse answer : response.responses()) {
        answer.clear_evaluation_time();  // a measurement, not a decision
        // The day of the decision, not part of it.
        answer.mutable_statement_of_reasons()->clear_content_date();
        answer.mutable_statement_of_reasons()->clear_application_date();
        answers->push_back(std::move(answer));
      }
      for (const v1::BatchPostError& error : response.errors())
        errors->push_back(error.ShortDebugString());
    }
    ExpectCleanExit(server.get());
  };
  std::vector<v1::ModerateResponse> sequential, parallel;
  std::vector<std::string> sequential_errors, parallel_errors;
  ASSERT_NO_FATAL_FAILURE(judge_all("--batch_workers=0", &sequential, &sequential_errors));
  ASSERT_NO_FATAL_FAILURE(judge_all("--batch_workers=3", &parallel, &parallel_errors));
  ASSERT_EQ(sequential.size(), parallel.size());
  int copies = 0, floods = 0;
  for (size_t i = 0; i < sequential.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(sequential[i], parallel[i]))
        << "post " << i << "\nsequential: " << sequential[i].ShortDebugString()
        << "\nparallel:   " << parallel[i].ShortDebugString();
    for (const v1::RuleHit& hit : sequential[i].hits()) {
      copies += hit.rule_id() == "spam.copy_paste";
      floods += hit.rule_id() == "spam.flood";
    }
  }
  EXPECT_EQ(sequential_errors, parallel_errors);
  EXPECT_FALSE(sequential_errors.empty());
  // The comparison covers the pulse-dependent rules: both fired.
  EXPECT_GT(copies, 0);
  EXPECT_GT(floods, 0);
}

}  // namespace
}  // namespace moderation::testing
