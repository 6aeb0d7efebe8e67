// Integration tests of moderationd as a process: the real binary on
// 127.0.0.1:0, spoken to over real gRPC channels and HTTP, exactly as a
// platform, a moderator or an operator would. Each test starts its own server
// with its own copy of the rules (so reload tests can edit them) and stops it
// with SIGTERM, expecting exit code 0.
//
// Every RPC carries a deadline and every wait a timeout, so a broken server
// fails a test instead of hanging it.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/testing/temp_dir.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "moderation/v1/rule_admin.grpc.pb.h"
#include "tests/moderation_requests.h"
#include "tests/process_runner.h"
#include "tests/server_fixture.h"

namespace moderation::testing {
namespace {

namespace v1 = ::moderation::v1;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;

// The three kinds of post most tests use, and what the shipped rules decide.
constexpr char kShippedDeVersion[] = "2026-11-22.1";

// Stream post i's text and the decision expected for it.
const char* TextFor(int64_t i) {
  static const char* const kTexts[] = {kAbusive, kCivil, kInsult};
  return kTexts[i % 3];
}
v1::Decision ExpectedFor(int64_t i) {
  static const v1::Decision kExpected[] = {v1::DECISION_BLOCK, v1::DECISION_ALLOW,
                                           v1::DECISION_FLAG};
  return kExpected[i % 3];
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat("grpc status ", status.error_code(), ": ", status.error_message());
}

#define ASSERT_RPC_OK(expr)                                 \
  do {                                                      \
    const grpc::Status rpc_status_ = (expr);                \
    ASSERT_TRUE(rpc_status_.ok()) << Describe(rpc_status_); \
  } while (0)
#define EXPECT_RPC_OK(expr)                                 \
  do {                                                      \
    const grpc::Status rpc_status_ = (expr);                \
    EXPECT_TRUE(rpc_status_.ok()) << Describe(rpc_status_); \
  } while (0)

// How long a test waits for a reload that the rules directory's watcher
// starts. A reload after de.yaml changed parses its 500,000 terms and runs
// its examples: about 2.5 s on an idle 2-core host, and more than 10 s when
// other tests load the same cores.
constexpr seconds kReloadWait(30);

void SetTimeout(grpc::ClientContext* context, milliseconds timeout = seconds(10)) {
  context->set_deadline(std::chrono::system_clock::now() + timeout);
}

// `de_yaml` with its top-level `version:` line replaced.
std::string WithVersion(const std::string& de_yaml, const std::string& version) {
  const size_t start = de_yaml.find("\nversion:");
  if (start == std::string::npos) return de_yaml;
  const size_t end = de_yaml.find('\n', start + 1);
  return absl::StrCat(de_yaml.substr(0, start + 1), "version: \"", version, "\"",
                      de_yaml.substr(end));
}

// `text` with the bytes of each span replaced by one '*' per code point.
std::string Redacted(const std::string& text,
                     const std::vector<std::pair<uint32_t, uint32_t>>& spans) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool masked = std::any_of(spans.begin(), spans.end(),
                                    [i](const auto& s) { return i >= s.first && i < s.second; });
    if (!masked) {
      out.push_back(text[i]);
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      out.push_back('*');
    }
  }
  return out;
}

// Streams posts over one ModerateStream with at most `window` unanswered,
// checking every answer; the posts cycle through kAbusive, kCivil, kInsult.
struct StreamOutcome {
  grpc::Status status;
  int64_t sent = 0;
  int64_t answered = 0;
  int64_t missing = 0;     // sent but never answered
  int64_t duplicates = 0;  // answered more than once
  int64_t unknown_ids = 0;
  int64_t errors = 0;  // answers with `error` set
  std::string first_error;
  int64_t wrong_decisions = 0;
  std::set<std::string> versions;  // ruleset.version values seen
};

constexpr int64_t kMaxStreamPosts = 3'000'000;

StreamOutcome StreamPosts(v1::ModerationService::Stub* stub, int64_t min_posts,
                          const std::function<bool()>& keep_going, int window,
                          milliseconds timeout) {
  StreamOutcome outcome;
  grpc::ClientContext context;
  SetTimeout(&context, timeout);
  std::unique_ptr<grpc::ClientReaderWriter<v1::ModerateRequest, v1::ModerateStreamResponse>>
      stream = stub->ModerateStream(&context);
  std::vector<uint8_t> answers(kMaxStreamPosts, 0);
  std::mutex mu;
  std::condition_variable cv;
  int64_t received = 0;  // guarded by mu
  bool reader_done = false;

  std::thread reader([&] {
    v1::ModerateStreamResponse response;
    std::set<std::string> versions;
    while (stream->Read(&response)) {
      int64_t id = -1;
      if (!absl::StartsWith(response.post_id(), "s-") ||
          !absl::SimpleAtoi(response.post_id().substr(2), &id) || id < 0 || id >= kMaxStreamPosts) {
        ++outcome.unknown_ids;
      } else if (++answers[id] > 1) {
        ++outcome.duplicates;
      }
      if (response.has_error()) {
        if (outcome.errors++ == 0) {
          outcome.first_error =
              absl::StrCat(response.error().code(), ": ", response.error().message());
        }
      } else {
        if (id >= 0 && response.response().decision() != ExpectedFor(id)) ++outcome.wrong_decisions;
        if (response.response().post_id() != response.post_id()) ++outcome.unknown_ids;
        versions.insert(response.response().ruleset().version());
      }
      std::lock_guard<std::mutex> lock(mu);
      ++received;
      cv.notify_one();
    }
    std::lock_guard<std::mutex> lock(mu);
    reader_done = true;
    outcome.versions = std::move(versions);
    cv.notify_one();
  });

  v1::ModerateRequest request;
  request.mutable_post()->set_community("news-de");
  int64_t i = 0;
  while ((i < min_posts || keep_going()) && i < kMaxStreamPosts) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return reader_done || i - received < window; });
      if (reader_done) break;
    }
    request.mutable_post()->set_post_id(absl::StrCat("s-", i));
    request.mutable_post()->set_body(TextFor(i));
    if (!stream->Write(request)) break;
    ++i;
  }
  outcome.sent = i;
  stream->WritesDone();
  reader.join();
  outcome.status = stream->Finish();
  outcome.answered = received;
  for (int64_t k = 0; k < outcome.sent; ++k) outcome.missing += answers[k] == 0 ? 1 : 0;
  return outcome;
}

class ModerationdTest : public ::testing::Test {
 protected:
  // Starts a server and connects a plaintext channel (unless `connect` is
  // false, e.g. for TLS). Use with ASSERT_NO_FATAL_FAILURE.
  void StartServer(const ServerOptions& options = {}, bool connect = true) {
    std::string error;
    server_ = ServerProcess::Start(options, &error);
    ASSERT_NE(server_, nullptr) << error;
    if (!connect) return;
    channel_ = server_->Channel();
    ASSERT_NE(channel_, nullptr) << "cannot connect to " << server_->target();
    stub_ = v1::ModerationService::NewStub(channel_);
    admin_ = v1::RuleAdminService::NewStub(channel_);
  }

  // Closes the test's connection, then SIGTERM and wait. The connection
  // goes first: an idle connection that carried a call holds shutdown for
  // the whole grace period (ShutdownDoesNotWaitTheGracePeriodForAnIdleConnection).
  ExitInfo StopServer() {
    admin_.reset();
    stub_.reset();
    channel_.reset();
    return server_->Stop(seconds(15));
  }

  void TearDown() override {
    if (server_ == nullptr) return;
    const ExitInfo exit = StopServer();
    EXPECT_TRUE(exit.exited && exit.code == 0) << "moderationd on SIGTERM: " << exit.Describe();
    if (HasFailure()) {
      const std::string err = server_->Stderr();
      std::cerr << "---- moderationd stderr (last 6000 bytes) ----\n"
                << (err.size() > 6000 ? err.substr(err.size() - 6000) : err) << "\n----\n";
    }
  }

  grpc::Status Moderate(const v1::ModerateRequest& request, v1::ModerateResponse* response,
                        milliseconds timeout = seconds(10)) {
    grpc::ClientContext context;
    SetTimeout(&context, timeout);
    return stub_->Moderate(&context, request, response);
  }

  grpc::Status ModerateBatch(const v1::ModerateBatchRequest& request,
                             v1::ModerateBatchResponse* response) {
    grpc::ClientContext context;
    SetTimeout(&context);
    return stub_->ModerateBatch(&context, request, response);
  }

  // Admin calls with the server's token ("" = no authorization metadata).
  grpc::Status ListRuleSets(v1::ListRuleSetsResponse* response,
                            const std::string& token = "<server>") {
    grpc::ClientContext context;
    SetTimeout(&context);
    AddToken(&context, token);
    return admin_->ListRuleSets(&context, v1::ListRuleSetsRequest(), response);
  }

  grpc::Status ReloadRules(v1::ReloadRulesResponse* response) {
    grpc::ClientContext context;
    SetTimeout(&context, seconds(30));
    AddToken(&context, "<server>");
    return admin_->ReloadRules(&context, v1::ReloadRulesRequest(), response);
  }

  void AddToken(grpc::ClientContext* context, const std::string& token) {
    const std::string value = token == "<server>" ? server_->admin_token() : token;
    if (!value.empty()) context->AddMetadata("authorization", "Bearer " + value);
  }

  // The rule-set version string the server answers news-de posts with ("" on
  // error).
  std::string ServingVersion() {
    v1::ModerateResponse response;
    if (!Moderate(Request("version-probe", kAbusive), &response).ok()) return "";
    return response.ruleset().version();
  }

  std::unique_ptr<ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ModerationService::Stub> stub_;
  std::unique_ptr<v1::RuleAdminService::Stub> admin_;
};

// ---- the three RPCs -----------------------------------------------------------

TEST_F(ModerationdTest, ModerateBlocksAnAbusiveGermanPostWithReasonsAndSpansInTheOriginalBytes) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ModerateResponse response;
  ASSERT_RPC_OK(Moderate(Request("post-1", kAbusive), &response));

  EXPECT_EQ(response.post_id(), "post-1");
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);
  EXPECT_THAT(response.reasons(), Not(IsEmpty()));
  EXPECT_THAT(response.ruleset().id(), HasSubstr("de"));
  EXPECT_THAT(response.ruleset().version(), HasSubstr(kShippedDeVersion));
  EXPECT_THAT(response.ruleset().content_hash(), StartsWith("sha256:"));
  EXPECT_TRUE(response.has_evaluation_time());

  const std::string body = kAbusive;
  std::vector<std::string> rule_ids, matched;
  for (const v1::RuleHit& hit : response.hits()) {
    rule_ids.push_back(hit.rule_id());
    EXPECT_FALSE(hit.reason().empty()) << hit.rule_id();
    for (const v1::Match& match : hit.matches()) {
      EXPECT_EQ(match.rule_id(), hit.rule_id());
      EXPECT_EQ(match.field(), v1::FIELD_BODY);
      ASSERT_LT(match.start(), match.end()) << hit.rule_id();
      ASSERT_LE(match.end(), body.size()) << hit.rule_id();
      EXPECT_EQ(body.substr(match.start(), match.end() - match.start()), match.text())
          << hit.rule_id();
      matched.push_back(match.text());
    }
    if (hit.rule_id() == "de.threat.kill") {
      EXPECT_EQ(hit.action(), v1::ACTION_BLOCK);
      EXPECT_EQ(hit.category(), "threat");
      EXPECT_THAT(hit.legal_ground(), HasSubstr("241"));
    }
  }
  EXPECT_THAT(rule_ids, Contains("de.threat.kill"));
  EXPECT_THAT(rule_ids, Contains("de.insult.common"));
  EXPECT_THAT(matched, Contains("Oberbl0edm@nn"));
  EXPECT_THAT(matched, Contains(HasSubstr("bring dich um")));
}

TEST_F(ModerationdTest, MatchSpansCountBytesOfMultibyteTextAndNameTheField) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ModerateRequest request = Request("post-2", "Übrigens: du Blödmann!");
  request.mutable_post()->set_title("Knalltüte");
  v1::ModerateResponse response;
  ASSERT_RPC_OK(Moderate(request, &response));
  bool body_seen = false, title_seen = false;
  for (const v1::RuleHit& hit : response.hits()) {
    for (const v1::Match& match : hit.matches()) {
      if (match.field() == v1::FIELD_BODY && match.text() == "Blödmann") {
        body_seen = true;
        EXPECT_EQ(match.start(), 14u);  // "Ü" is two bytes
        EXPECT_EQ(match.end(), 23u);    // "ö" is two bytes
      }
      if (match.field() == v1::FIELD_TITLE) {
        title_seen = true;
        EXPECT_EQ(match.start(), 0u);
        EXPECT_EQ(match.end(), std::string("Knalltüte").size());
        EXPECT_EQ(match.text(), "Knalltüte");
      }
    }
  }
  EXPECT_TRUE(body_seen) << response.DebugString();
  EXPECT_TRUE(title_seen) << response.DebugString();
}

TEST_F(ModerationdTest, ModerateAllowsCriticismOfTheGovernment) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ModerateResponse response;
  ASSERT_RPC_OK(Moderate(Request("post-3", kCivil), &response));
  EXPECT_EQ(response.post_id(), "post-3");
  EXPECT_EQ(response.decision(), v1::DECISION_ALLOW);
  EXPECT_THAT(response.hits(), IsEmpty());
  EXPECT_THAT(response.reasons(), IsEmpty());
  EXPECT_EQ(response.score(), 0);

  // A community communities.yaml does not list gets the default sets.
  v1::ModerateResponse unlisted;
  ASSERT_RPC_OK(Moderate(Request("post-4", kAbusive, "some-unlisted-community"), &unlisted));
  EXPECT_EQ(unlisted.decision(), v1::DECISION_BLOCK);
}

TEST_F(ModerationdTest, ModerateBatchAnswersEveryPostInRequestOrder) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string texts[] = {kAbusive, kCivil, kInsult};
  const v1::Decision expected[] = {v1::DECISION_BLOCK, v1::DECISION_ALLOW, v1::DECISION_FLAG};
  v1::ModerateBatchRequest batch;
  for (int i = 0; i < 50; ++i)
    *batch.add_requests() = Request(absl::StrCat("b-", i), texts[(i * 7) % 3]);
  v1::ModerateBatchResponse response;
  ASSERT_RPC_OK(ModerateBatch(batch, &response));
  ASSERT_EQ(response.responses_size(), 50);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(response.responses(i).post_id(), absl::StrCat("b-", i));
    EXPECT_EQ(response.responses(i).decision(), expected[(i * 7) % 3]) << "b-" << i;
  }
}

TEST_F(ModerationdTest, ModerateStreamAnswersEachOfFiveThousandPostsExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const StreamOutcome outcome = StreamPosts(
      stub_.get(), 5000, [] { return false; }, 512, seconds(60));
  EXPECT_RPC_OK(outcome.status);
  EXPECT_EQ(outcome.sent, 5000);
  EXPECT_EQ(outcome.answered, 5000);
  EXPECT_EQ(outcome.missing, 0);
  EXPECT_EQ(outcome.duplicates, 0);
  EXPECT_EQ(outcome.unknown_ids, 0);
  EXPECT_EQ(outcome.errors, 0) << outcome.first_error;
  EXPECT_EQ(outcome.wrong_decisions, 0);
}

TEST_F(ModerationdTest, IncludeRedactedMasksExactlyTheMatchedCharacters) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string body = "Du Blödmann, ich bring dich um! Schönen Tag noch.";
  v1::ModerateRequest request = Request("post-5", body);
  request.set_include_redacted(true);
  v1::ModerateResponse response;
  ASSERT_RPC_OK(Moderate(request, &response));
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  for (const v1::RuleHit& hit : response.hits()) {
    for (const v1::Match& match : hit.matches()) {
      if (match.field() == v1::FIELD_BODY) spans.emplace_back(match.start(), match.end());
    }
  }
  ASSERT_FALSE(spans.empty());
  EXPECT_EQ(response.redacted().body(), Redacted(body, spans));
  EXPECT_THAT(response.redacted().body(), Not(HasSubstr("Blödmann")));
  EXPECT_THAT(response.redacted().body(), Not(HasSubstr("bring dich")));
  EXPECT_THAT(response.redacted().body(), HasSubstr("Schönen Tag noch."));

  // Without the flag, nothing is redacted.
  request.set_include_redacted(false);
  ASSERT_RPC_OK(Moderate(request, &response));
  EXPECT_FALSE(response.has_redacted());
}

// ---- errors ------------------------------------------------------------------------

TEST_F(ModerationdTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ModerateResponse response;
  grpc::Status status = Moderate(Request("bad-1", std::string("abc \xff\xfe def")), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("body"));

  v1::ModerateRequest title = Request("bad-2", "fine");
  title.mutable_post()->set_title(std::string("\xc3\x28"));
  status = Moderate(title, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("title"));
}

// Wire-format helpers for requests no client library would build.
std::string WireField(int number, const std::string& value) {
  std::string out;
  for (uint64_t v : {static_cast<uint64_t>(number) << 3 | 2, static_cast<uint64_t>(value.size())}) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  return out + value;
}

// ModerateRequest{post: {post_id, community: news-de, <field>: bytes}}.
std::string RawModerateRequest(const std::string& post_id, int field, const std::string& bytes) {
  return WireField(1, WireField(1, post_id) + WireField(2, "news-de") + WireField(field, bytes));
}

TEST_F(ModerationdTest, RawInvalidUtf8InAStringFieldIsInvalidArgumentNamingFieldAndByte) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string method = "/moderation.v1.ModerationService/Moderate";
  // The same bytes with valid UTF-8 are judged, so the encoding is right.
  std::string answer;
  ASSERT_RPC_OK(
      RawUnaryCall(channel_.get(), method, RawModerateRequest("raw-ok", 5, kInsult), &answer));
  v1::ModerateResponse judged;
  ASSERT_TRUE(judged.ParseFromString(answer));
  EXPECT_EQ(judged.decision(), v1::DECISION_FLAG);

  const struct {
    int field;
    std::string bytes;
    std::string message;
  } cases[] = {
      {5, "abc \xff\xfe def", "post.body: invalid UTF-8 at byte 4"},
      {4, "\xc3\x28", "post.title: invalid UTF-8 at byte 0"},
      {6, "ok \xed\xa0\x80", "post.author_display_name: invalid UTF-8 at byte 3"},
      {7, "d\xe9", "post.language: invalid UTF-8 at byte 1"},
  };
  for (const auto& c : cases) {
    const grpc::Status status = RawUnaryCall(
        channel_.get(), method, RawModerateRequest("raw-bad", c.field, c.bytes), &answer);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
    EXPECT_EQ(status.error_message(), c.message);
  }
  // Bytes that are no protobuf message at all: gRPC C++'s callback API
  // drops the parse status and answers UNIMPLEMENTED, as documented in the
  // proto; the server stays up and serves the next call.
  const grpc::Status status = RawUnaryCall(channel_.get(), method, "\x0a\x05\x0a", &answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << Describe(status);
  ASSERT_RPC_OK(
      RawUnaryCall(channel_.get(), method, RawModerateRequest("raw-after", 5, kInsult), &answer));
}

TEST_F(ModerationdTest, AnEmptyPostIsInvalidArgument) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ModerateResponse response;
  const grpc::Status status = Moderate(Request("empty-1", ""), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_FALSE(status.error_message().empty());
}

TEST_F(ModerationdTest, APostOverMaxPostBytesIsInvalidArgument) {
  ServerOptions options;
  options.flags = {"--max_post_bytes=1000"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  v1::ModerateResponse response;
  EXPECT_RPC_OK(Moderate(Request("size-ok", std::string(1000, 'a')), &response));
  grpc::Status status = Moderate(Request("size-body", std::string(1001, 'a')), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  // The limit is for all content fields together.
  v1::ModerateRequest split = Request("size-split", std::string(600, 'a'));
  split.mutable_post()->set_title(std::string(600, 'b'));
  status = Moderate(split, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

TEST_F(ModerationdTest, ABatchOverMaxBatchIsInvalidArgumentAndAnInvalidPostIsReportedAlone) {
  ServerOptions options;
  options.flags = {"--max_batch=5"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  v1::ModerateBatchRequest batch;
  for (int i = 0; i < 5; ++i) *batch.add_requests() = Request(absl::StrCat("b-", i), kCivil);
  v1::ModerateBatchResponse response;
  EXPECT_RPC_OK(ModerateBatch(batch, &response));

  *batch.add_requests() = Request("b-5", kCivil);
  grpc::Status status = ModerateBatch(batch, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);

  // One bad post costs only its own answer (moderationd_hardening_test has
  // the details).
  batch.mutable_requests()->RemoveLast();
  batch.mutable_requests(3)->mutable_post()->set_body(std::string("\xff"));
  EXPECT_RPC_OK(ModerateBatch(batch, &response));
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).index(), 3);
  EXPECT_EQ(response.errors(0).error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(response.errors(0).error().message(), HasSubstr("body"));
}

TEST_F(ModerationdTest, AMissingCommunityIsInvalidArgumentNamingTheField) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ModerateResponse response;
  const grpc::Status status = Moderate(Request("nocomm-1", kCivil, ""), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("community"));
}

TEST_F(ModerationdTest, AnInvalidPostInAStreamGetsAnErrorAnswerAndTheStreamGoesOn) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  grpc::ClientContext context;
  SetTimeout(&context);
  auto stream = stub_->ModerateStream(&context);
  ASSERT_TRUE(stream->Write(Request("s-ok-1", kAbusive)));
  ASSERT_TRUE(stream->Write(Request("s-bad", std::string("\xff"))));
  ASSERT_TRUE(stream->Write(Request("s-ok-2", kCivil)));
  stream->WritesDone();
  std::map<std::string, v1::ModerateStreamResponse> answers;
  v1::ModerateStreamResponse answer;
  while (stream->Read(&answer)) answers[answer.post_id()] = answer;
  EXPECT_RPC_OK(stream->Finish());
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers["s-ok-1"].response().decision(), v1::DECISION_BLOCK);
  EXPECT_EQ(answers["s-ok-2"].response().decision(), v1::DECISION_ALLOW);
  EXPECT_EQ(answers["s-bad"].error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(answers["s-bad"].error().message(), StartsWith("post.body: "));
  EXPECT_EQ(answers["s-bad"].error().field(), "post.body");
  EXPECT_FALSE(answers["s-bad"].has_response());
}

TEST_F(ModerationdTest, AStreamRefusesAPostWithoutIdAndADuplicateIdButJudgesTheRest) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  grpc::ClientContext context;
  SetTimeout(&context);
  auto stream = stub_->ModerateStream(&context);
  ASSERT_TRUE(stream->Write(Request("dup-1", kAbusive)));
  ASSERT_TRUE(stream->Write(Request("", kAbusive)));
  ASSERT_TRUE(stream->Write(Request("dup-2", kCivil)));
  ASSERT_TRUE(stream->Write(Request("dup-1", kCivil)));
  stream->WritesDone();
  std::vector<v1::ModerateStreamResponse> answers;
  v1::ModerateStreamResponse answer;
  while (stream->Read(&answer)) answers.push_back(answer);
  EXPECT_RPC_OK(stream->Finish());
  ASSERT_EQ(answers.size(), 4u);
  int judged = 0;
  for (const v1::ModerateStreamResponse& a : answers) {
    if (!a.has_error()) {
      ++judged;
      EXPECT_EQ(a.response().decision(),
                a.post_id() == "dup-1" ? v1::DECISION_BLOCK : v1::DECISION_ALLOW);
    } else if (a.post_id().empty()) {
      EXPECT_EQ(a.error().code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(a.error().message(),
                "post.post_id: required on ModerateStream (answers are matched by it)");
      EXPECT_EQ(a.error().field(), "post.post_id");
    } else {
      EXPECT_EQ(a.post_id(), "dup-1");
      EXPECT_EQ(a.error().code(), grpc::StatusCode::ALREADY_EXISTS);
      EXPECT_THAT(a.error().message(), StartsWith("post.post_id: \"dup-1\" was already sent"));
      EXPECT_EQ(a.error().field(), "post.post_id");
    }
  }
  EXPECT_EQ(judged, 2);
  // Another stream may use the same ids: the window is per stream.
  EXPECT_EQ(StreamPosts(
                stub_.get(), 10, [] { return false; }, 4, seconds(10))
                .errors,
            0);
  EXPECT_EQ(StreamPosts(
                stub_.get(), 10, [] { return false; }, 4, seconds(10))
                .errors,
            0);
}

TEST_F(ModerationdTest, XRequestIdIsEchoedAndNamedInTheAuditLogAndAdminCallsNameTheCaller) {
  TempDir dir("moderationd_request_id");
  const std::string audit_path = dir.path() + "/audit.jsonl";
  ServerOptions options;
  options.flags = {"--audit_log=" + audit_path};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  auto echoed = [](const grpc::ClientContext& context) {
    const auto& metadata = context.GetServerInitialMetadata();
    const auto it = metadata.find("x-request-id");
    return it == metadata.end() ? std::string("(none)")
                                : std::string(it->second.data(), it->second.size());
  };
  {
    grpc::ClientContext context;
    SetTimeout(&context);
    context.AddMetadata("x-request-id", "req-unary-42");
    v1::ModerateResponse response;
    ASSERT_RPC_OK(stub_->Moderate(&context, Request("rid-1", kAbusive), &response));
    EXPECT_EQ(echoed(context), "req-unary-42");
  }
  {
    grpc::ClientContext context;
    SetTimeout(&context);
    context.AddMetadata("x-request-id", "req-stream-7");
    auto stream = stub_->ModerateStream(&context);
    ASSERT_TRUE(stream->Write(Request("rid-2", kAbusive)));
    stream->WritesDone();
    v1::ModerateStreamResponse answer;
    while (stream->Read(&answer)) {
    }
    EXPECT_RPC_OK(stream->Finish());
    EXPECT_EQ(echoed(context), "req-stream-7");
  }
  {
    grpc::ClientContext context;  // no id sent, none echoed
    SetTimeout(&context);
    v1::ModerateResponse response;
    ASSERT_RPC_OK(stub_->Moderate(&context, Request("rid-3", kCivil), &response));
    EXPECT_EQ(echoed(context), "(none)");
  }
  std::string audit;
  EXPECT_TRUE(Eventually([&] { return absl::StrContains(audit = ReadFile(audit_path), "rid-2"); },
                         seconds(5)));
  EXPECT_THAT(audit, HasSubstr(R"("request_id":"req-unary-42","post_id":"rid-1")"));
  EXPECT_THAT(audit, HasSubstr(R"("request_id":"req-stream-7","post_id":"rid-2")"));

  grpc::ClientContext admin_context;
  SetTimeout(&admin_context);
  AddToken(&admin_context, "<server>");
  admin_context.AddMetadata("x-request-id", "req-admin-1");
  v1::ListRuleSetsResponse listing;
  ASSERT_RPC_OK(admin_->ListRuleSets(&admin_context, v1::ListRuleSetsRequest(), &listing));
  EXPECT_EQ(echoed(admin_context), "req-admin-1");
  std::string log;
  EXPECT_TRUE(Eventually([&] { return absl::StrContains(log = server_->Stderr(), "req-admin-1"); },
                         seconds(5)));
  bool found = false;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    const json event = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || event.value("event", "") != "admin_call") continue;
    found = true;
    EXPECT_EQ(event.value("caller", ""), "token:admin_token") << line;
    EXPECT_EQ(event.value("rpc", ""), "ListRuleSets") << line;
    EXPECT_EQ(event.value("request_id", ""), "req-admin-1") << line;
    EXPECT_THAT(line, Not(HasSubstr(server_->admin_token())));
  }
  EXPECT_TRUE(found) << log;
}

TEST_F(ModerationdTest, AnUnknownCommunityIsNotFoundWhenNoDefaultIsConfigured) {
  ServerOptions options;
  options.rule_files["communities.yaml"] = "communities:\n  news-de: [de, pii, spam]\n";
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  v1::ModerateResponse response;
  const grpc::Status status = Moderate(Request("nf-1", kCivil, "no-such-community"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("no-such-community"));
  EXPECT_RPC_OK(Moderate(Request("nf-2", kAbusive, "news-de"), &response));
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);
}

TEST_F(ModerationdTest, AnUnlistedCommunityIsJudgedByTheDefaultSetsAndTheAnswerSaysSo) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ModerateResponse response;
  ASSERT_RPC_OK(Moderate(Request("uc-1", kAbusive, "news-de"), &response));
  EXPECT_EQ(response.judged_community(), "news-de");
  EXPECT_FALSE(response.community_defaulted());
  ASSERT_RPC_OK(Moderate(Request("uc-2", kAbusive, "typo-community"), &response));
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);
  EXPECT_EQ(response.judged_community(), "default");
  EXPECT_TRUE(response.community_defaulted());
  // Counted under the sets that judged it, not under the client's id.
  const HttpResponse metrics = HttpGet(server_->metrics_port(), "/metrics");
  EXPECT_THAT(metrics.body,
              HasSubstr("community=\"default\",category=\"threat\",decision=\"BLOCK\""));
  EXPECT_THAT(metrics.body, Not(HasSubstr("typo-community")));
}

TEST_F(ModerationdTest, WithUnknownCommunityRejectAnUnlistedCommunityIsNotFound) {
  ServerOptions options;
  options.flags = {"--unknown_community=reject"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  v1::ModerateResponse response;
  grpc::Status status = Moderate(Request("ucr-1", kAbusive, "typo-community"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  EXPECT_EQ(status.error_message(),
            "post.community: \"typo-community\" is not in communities.yaml "
            "(--unknown_community=reject)");
  ASSERT_RPC_OK(Moderate(Request("ucr-2", kAbusive, "news-de"), &response));
  EXPECT_EQ(response.judged_community(), "news-de");
}

TEST_F(ModerationdTest, OverloadAnswersResourceExhaustedAndNothingElse) {
  ServerOptions options;
  options.flags = {"--max_in_flight=1"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  // Long posts keep each call in the engine for a while; several connections
  // let the server's threads judge them at the same time.
  std::string body;
  while (body.size() < 40000) absl::StrAppend(&body, kAbusive, " ", kCivil, " ", kInsult, " ");
  const v1::ModerateRequest request = Request("load", body);
  std::vector<std::unique_ptr<v1::ModerationService::Stub>> stubs;
  for (int c = 0; c < 4; ++c) {
    std::shared_ptr<grpc::Channel> channel = server_->Channel(/*own_connection=*/true);
    ASSERT_NE(channel, nullptr);
    stubs.push_back(v1::ModerationService::NewStub(channel));
  }
  struct Call {
    grpc::ClientContext context;
    v1::ModerateResponse response;
  };
  std::map<int, int> codes;  // grpc code -> count
  std::string other_error;
  const auto give_up = Clock::now() + seconds(30);
  while (codes[grpc::StatusCode::RESOURCE_EXHAUSTED] == 0 && Clock::now() < give_up) {
    constexpr int kCalls = 400;
    std::vector<std::unique_ptr<Call>> calls;
    std::mutex mu;
    std::condition_variable cv;
    int done = 0;
    for (int i = 0; i < kCalls; ++i) {
      calls.push_back(std::make_unique<Call>());
      Call* call = calls.back().get();
      SetTimeout(&call->context, seconds(30));
      stubs[i % stubs.size()]->async()->Moderate(
          &call->context, &request, &call->response, [&](grpc::Status status) {
            std::lock_guard<std::mutex> lock(mu);
            ++codes[status.error_code()];
            if (status.error_code() != grpc::StatusCode::OK &&
                status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
              other_error = Describe(status);
            }
            ++done;
            cv.notify_one();
          });
    }
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, seconds(40), [&] { return done == kCalls; })) {
      for (auto& call : calls) call->context.TryCancel();
      cv.wait(lock, [&] { return done == kCalls; });
      FAIL() << "calls did not complete within 40 s";
    }
  }
  EXPECT_GT(codes[grpc::StatusCode::RESOURCE_EXHAUSTED], 0) << "no call was refused within 30 s";
  EXPECT_GT(codes[grpc::StatusCode::OK], 0);
  for (const auto& [code, count] : codes) {
    EXPECT_THAT(code, AnyOf(grpc::StatusCode::OK, grpc::StatusCode::RESOURCE_EXHAUSTED))
        << count << " calls ended with code " << code << " (" << other_error << ")";
  }
  // The server is fine afterwards.
  v1::ModerateResponse response;
  EXPECT_RPC_OK(Moderate(Request("after-load", kAbusive), &response));
}

TEST_F(ModerationdTest, AnAlreadyExpiredDeadlineIsDeadlineExceeded) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - seconds(1));
  v1::ModerateResponse response;
  grpc::Status status = stub_->Moderate(&context, Request("late-1", kAbusive), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(status);

  grpc::ClientContext batch_context;
  batch_context.set_deadline(std::chrono::system_clock::now() - seconds(1));
  v1::ModerateBatchRequest batch;
  *batch.add_requests() = Request("late-2", kAbusive);
  v1::ModerateBatchResponse batch_response;
  status = stub_->ModerateBatch(&batch_context, batch, &batch_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(status);

  // The server still answers calls that are on time.
  EXPECT_RPC_OK(Moderate(Request("on-time", kAbusive), &response));
}

// ---- health and reflection -------------------------------------------------

TEST_F(ModerationdTest, AColdStartAnswersAtOnceNotReadyWithProgressThenServes) {
  // One shipped set (en) and an empty cache: it really compiles, for seconds,
  // but not for the minutes all sets take on a busy machine.
  TempDir rules("moderationd_cold_rules");
  TempDir cache("moderationd_cold_cache");
  ASSERT_TRUE(
      WriteFile(rules.path() + "/en.yaml", ReadFile(std::string(REPO_ROOT) + "/rules/en.yaml")));
  ServerOptions options;
  options.rules_source = rules.path();
  options.rule_files["communities.yaml"] = "default: [en]\ncommunities:\n  news-de: [en]\n";
  options.flags = {"--cache_dir=" + cache.path()};
  options.return_when_listening = true;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  // The ports answer while the rules compile.
  int serving = 0;
  ASSERT_RPC_OK(HealthCheck(channel_.get(), "moderation.v1.ModerationService", &serving));
  EXPECT_EQ(serving, 2) << "NOT_SERVING while the rules compile";
  v1::ModerateResponse response;
  const grpc::Status status = Moderate(Request("cold-1", kCivil), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
  EXPECT_THAT(status.error_message(), StartsWith("no rules to judge with yet ("));
  std::string progress;
  EXPECT_TRUE(Eventually(
      [&] {
        const HttpResponse r = HttpGet(server_->metrics_port(), "/readyz");
        if (progress.empty() && r.status == 503 && absl::StrContains(r.body, "compiling rules: ")) {
          progress = r.body;
        }
        return !progress.empty() || r.status == 200;
      },
      seconds(60)));
  EXPECT_THAT(progress, ::testing::MatchesRegex("not ready: compiling rules: [01] of 1 sets"));

  EXPECT_TRUE(Eventually(
      [&] {
        return HealthCheck(channel_.get(), "moderation.v1.ModerationService", &serving).ok() &&
               serving == 1;
      },
      seconds(90)));
  EXPECT_EQ(HttpGet(server_->metrics_port(), "/readyz").status, 200);
  ASSERT_RPC_OK(Moderate(Request("cold-2", kCivil), &response));
  EXPECT_EQ(response.decision(), v1::DECISION_ALLOW);
  const std::string log = server_->Stderr();
  const size_t listening = log.find(R"("event":"listening")");
  const size_t loading = log.find(R"("event":"rules_loading")");
  const size_t loaded = log.find(R"("event":"rules_loaded")");
  ASSERT_NE(listening, std::string::npos) << log;
  ASSERT_NE(loading, std::string::npos) << log;
  ASSERT_NE(loaded, std::string::npos) << log;
  EXPECT_LT(listening, loaded);
  EXPECT_LT(loading, loaded);
}

TEST_F(ModerationdTest, SigtermDuringTheFirstCompileExitsAtOnce) {
  TempDir cache("moderationd_cold_cache");
  ServerOptions options;
  options.flags = {"--cache_dir=" + cache.path()};  // all shipped sets, uncached: a long compile
  options.return_when_listening = true;
  ASSERT_NO_FATAL_FAILURE(StartServer(options, /*connect=*/false));
  // "listening" comes before the startup thread begins to compile; a SIGTERM
  // in between skips the load instead (CI saw that once), so the signal waits
  // for the compile to have begun.
  ASSERT_TRUE(
      Eventually([&] { return absl::StrContains(server_->Stderr(), R"("event":"rules_loading")"); },
                 seconds(10)))
      << server_->Stderr();
  const ExitInfo exit = server_->Stop(seconds(10));
  EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
  EXPECT_LT(exit.seconds, 5) << exit.Describe();
  EXPECT_THAT(server_->Stderr(), HasSubstr(R"("event":"stopped","first_load":"abandoned")"));
}

TEST_F(ModerationdTest, SigtermBeforeTheFirstCompileBeginsSkipsItAndExits) {
  TempDir cache("moderationd_cold_cache");
  ServerOptions options;
  options.flags = {"--cache_dir=" + cache.path()};
  options.return_when_listening = true;
  ASSERT_NO_FATAL_FAILURE(StartServer(options, /*connect=*/false));
  const ExitInfo exit = server_->Stop(seconds(10));
  EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
  EXPECT_LT(exit.seconds, 5) << exit.Describe();
  // Which of the two ways it ends depends on whether the startup thread had
  // begun; both leave nothing behind and say so.
  const std::string log = server_->Stderr();
  const bool skipped =
      absl::StrContains(log, R"("event":"rules_reload_skipped","reason":"startup")") &&
      absl::StrContains(log, R"("event":"stopped"})");
  const bool abandoned = absl::StrContains(log, R"("event":"stopped","first_load":"abandoned")");
  EXPECT_TRUE(skipped != abandoned) << log;
}

// A reload asked for during the first compile waits for it. SIGTERM used to
// wait for that reload (the watcher's thread, a ReloadRules call), hence for
// the rest of the first compile and then a second one: 69 to 89 s on the
// shipped rules with a cold cache here, minutes on a loaded host, while
// Kubernetes kills after 30 s. Now the waiting reload gives up at SIGTERM.
TEST_F(ModerationdTest, SigtermExitsAtOnceWhenAReloadWaitsForTheFirstCompile) {
  struct Case {
    const char* name;
    // Asks for the reload; returns the log event that shows it was asked.
    std::function<std::string()> ask;
  };
  std::thread admin_call;
  grpc::Status admin_status;
  const Case cases[] = {
      {"SIGHUP",
       [&] {
         EXPECT_TRUE(server_->Signal(SIGHUP));
         return R"("event":"reload_triggered")";
       }},
      {"a rules file written",
       [&] {
         EXPECT_TRUE(server_->WriteRuleFile("en.yaml", server_->ReadRuleFile("en.yaml") + "\n"));
         return R"("event":"reload_triggered")";
       }},
      {"ReloadRules",
       [&] {
         admin_call = std::thread([&] {
           v1::ReloadRulesResponse response;
           admin_status = ReloadRules(&response);
         });
         return R"("event":"admin_call")";
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir cache("moderationd_cold_cache");
    ServerOptions options;
    options.flags = {"--cache_dir=" + cache.path()};  // all shipped sets, uncached: a long compile
    options.return_when_listening = true;
    ASSERT_NO_FATAL_FAILURE(StartServer(options));
    // The first compile must have begun, or SIGTERM skips it (see above).
    EXPECT_TRUE(Eventually(
        [&] { return absl::StrContains(server_->Stderr(), R"("event":"rules_loading")"); },
        seconds(10)));
    const std::string asked = c.ask();
    EXPECT_TRUE(Eventually([&] { return absl::StrContains(server_->Stderr(), asked); }, seconds(5)))
        << "no " << asked;
    // Not ASSERT: the ReloadRules thread must be joined below.
    EXPECT_THAT(server_->Stderr(), Not(HasSubstr(R"("event":"rules_loaded")")))
        << "the first compile ended before SIGTERM: the test proves nothing";
    const ExitInfo exit = server_->Stop(seconds(8));
    if (admin_call.joinable()) {
      admin_call.join();
      // Told "shutting down", or the connection closed under it.
      EXPECT_EQ(admin_status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(admin_status);
    }
    EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
    EXPECT_LT(exit.seconds, 5) << exit.Describe();
    EXPECT_THAT(server_->Stderr(), HasSubstr(R"("event":"stopped","first_load":"abandoned")"));
    admin_.reset();
    stub_.reset();
    channel_.reset();
  }
}

TEST_F(ModerationdTest, HealthReportsServingForTheServerAndTheModerationService) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  int serving = 0;
  ASSERT_RPC_OK(HealthCheck(channel_.get(), "", &serving));
  EXPECT_EQ(serving, 1) << "1 = SERVING";
  ASSERT_RPC_OK(HealthCheck(channel_.get(), "moderation.v1.ModerationService", &serving));
  EXPECT_EQ(serving, 1) << "1 = SERVING";
  const grpc::Status unknown = HealthCheck(channel_.get(), "no.such.Service", &serving);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(unknown);
}

TEST_F(ModerationdTest, ReflectionListsTheModerationAdminAndHealthServices) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::vector<std::string> services;
  ASSERT_RPC_OK(ListServicesByReflection(channel_.get(), &services));
  EXPECT_THAT(services, Contains("moderation.v1.ModerationService"));
  EXPECT_THAT(services, Contains("moderation.v1.RuleAdminService"));
  EXPECT_THAT(services, Contains("grpc.health.v1.Health"));
}

// ---- TLS and admin credentials ------------------------------------------------

TEST_F(ModerationdTest, TlsServesModerateOverSslAndRefusesPlaintext) {
  TempDir certs("moderationd_tls");
  std::string error;
  ASSERT_TRUE(MakeTestCertificates(certs.path(), &error)) << error;
  ServerOptions options;
  options.flags = {"--tls_cert=" + certs.path() + "/server.pem",
                   "--tls_key=" + certs.path() + "/server.key"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options, /*connect=*/false));

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(certs.path() + "/ca.pem");
  auto tls_stub = v1::ModerationService::NewStub(
      grpc::CreateChannel(server_->target(), grpc::SslCredentials(ssl)));
  grpc::ClientContext context;
  SetTimeout(&context);
  v1::ModerateResponse response;
  ASSERT_RPC_OK(tls_stub->Moderate(&context, Request("tls-1", kAbusive), &response));
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);

  auto plain_stub = v1::ModerationService::NewStub(
      grpc::CreateChannel(server_->target(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext plain_context;
  SetTimeout(&plain_context, seconds(3));
  const grpc::Status plain =
      plain_stub->Moderate(&plain_context, Request("plain-1", kAbusive), &response);
  EXPECT_FALSE(plain.ok()) << "a plaintext call to a TLS server succeeded";

  // A client that does not trust the server's CA is refused too.
  grpc::SslCredentialsOptions wrong_ca;
  wrong_ca.pem_root_certs = ReadFile(certs.path() + "/other_ca.pem");
  auto untrusting_stub = v1::ModerationService::NewStub(
      grpc::CreateChannel(server_->target(), grpc::SslCredentials(wrong_ca)));
  grpc::ClientContext untrusting_context;
  SetTimeout(&untrusting_context, seconds(3));
  EXPECT_FALSE(
      untrusting_stub->Moderate(&untrusting_context, Request("tls-2", kAbusive), &response).ok());
}

TEST_F(ModerationdTest, AMutualTlsClientCertificateIsAnAdminCredential) {
  TempDir certs("moderationd_mtls");
  std::string error;
  ASSERT_TRUE(MakeTestCertificates(certs.path(), &error)) << error;
  ServerOptions options;
  options.admin_token = false;
  options.flags = {"--tls_cert=" + certs.path() + "/server.pem",
                   "--tls_key=" + certs.path() + "/server.key",
                   "--tls_client_ca=" + certs.path() + "/ca.pem"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options, /*connect=*/false));
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(certs.path() + "/ca.pem");
  ssl.pem_cert_chain = ReadFile(certs.path() + "/client.pem");
  ssl.pem_private_key = ReadFile(certs.path() + "/client.key");
  auto admin = v1::RuleAdminService::NewStub(
      grpc::CreateChannel(server_->target(), grpc::SslCredentials(ssl)));
  grpc::ClientContext context;
  SetTimeout(&context);
  v1::ListRuleSetsResponse response;
  ASSERT_RPC_OK(admin->ListRuleSets(&context, v1::ListRuleSetsRequest(), &response));
  EXPECT_THAT(response.active(), Not(IsEmpty()));
  // The call is logged with the certificate's subject as the caller.
  EXPECT_TRUE(Eventually([&] { return absl::StrContains(server_->Stderr(), R"("caller":"cert:)"); },
                         seconds(5)))
      << server_->Stderr();

  // Without a client certificate the connection is refused.
  grpc::SslCredentialsOptions anonymous;
  anonymous.pem_root_certs = ssl.pem_root_certs;
  auto stub = v1::ModerationService::NewStub(
      grpc::CreateChannel(server_->target(), grpc::SslCredentials(anonymous)));
  grpc::ClientContext anonymous_context;
  SetTimeout(&anonymous_context, seconds(3));
  v1::ModerateResponse moderate_response;
  EXPECT_FALSE(
      stub->Moderate(&anonymous_context, Request("anon", kCivil), &moderate_response).ok());
}

TEST_F(ModerationdTest, AdminCallsNeedTheRightBearerToken) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ListRuleSetsResponse response;
  grpc::Status status = ListRuleSets(&response, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(status);

  status = ListRuleSets(&response, "wrong-token-123");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(status);
  EXPECT_THAT(status.error_message(), Not(HasSubstr("wrong-token-123")));

  ASSERT_RPC_OK(ListRuleSets(&response));
  EXPECT_TRUE(response.last_attempt_ok());
  EXPECT_EQ(response.rules_path(), server_->rules_dir());
  std::set<std::string> communities;
  for (const v1::ActiveRuleSet& active : response.active()) {
    communities.insert(active.community());
    EXPECT_GT(active.rule_count(), 0u) << active.community();
    EXPECT_THAT(active.ruleset().content_hash(), StartsWith("sha256:"));
  }
  EXPECT_THAT(communities, Contains("news-de"));
  EXPECT_THAT(communities, Contains(""));
  // The token is never written to the logs.
  EXPECT_THAT(server_->Stderr(), Not(HasSubstr(server_->admin_token())));
  EXPECT_THAT(server_->Stderr(), Not(HasSubstr("wrong-token-123")));
}

TEST_F(ModerationdTest, AdminCallsAreRefusedWhenNoAdminCredentialIsConfigured) {
  ServerOptions options;
  options.admin_token = false;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  v1::ListRuleSetsResponse response;
  const grpc::Status status = ListRuleSets(&response, "any-token");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(status);
}

// ---- hot reload -----------------------------------------------------------------------

TEST_F(ModerationdTest, EditingARuleFileActivatesTheNewVersionWithinSeconds) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_THAT(ServingVersion(), HasSubstr(kShippedDeVersion));
  ASSERT_TRUE(server_->WriteRuleFile("de.yaml",
                                     WithVersion(server_->ReadRuleFile("de.yaml"), "watched-2")));
  EXPECT_TRUE(
      Eventually([&] { return absl::StrContains(ServingVersion(), "watched-2"); }, kReloadWait))
      << "still serving " << ServingVersion();
  v1::ListRuleSetsResponse list;
  ASSERT_RPC_OK(ListRuleSets(&list));
  EXPECT_TRUE(list.last_attempt_ok());

  // An in-place edit (truncate and write, as many editors do) works too.
  ASSERT_TRUE(WriteFile(server_->rules_dir() + "/de.yaml",
                        WithVersion(server_->ReadRuleFile("de.yaml"), "watched-3")));
  EXPECT_TRUE(
      Eventually([&] { return absl::StrContains(ServingVersion(), "watched-3"); }, kReloadWait))
      << "still serving " << ServingVersion();
}

TEST_F(ModerationdTest, ABrokenRuleFileKeepsTheOldRulesServingAndIsReportedWithFileAndLine) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string good = server_->ReadRuleFile("de.yaml");
  std::string broken = WithVersion(good, "broken-1");
  const size_t version_line = broken.find("\nversion:");
  ASSERT_NE(version_line, std::string::npos);
  const size_t insert_at = broken.find('\n', version_line + 1) + 1;
  broken.insert(insert_at, "bogus_key: true\n");
  const int bogus_line =
      static_cast<int>(std::count(broken.begin(), broken.begin() + insert_at, '\n')) + 1;
  ASSERT_TRUE(server_->WriteRuleFile("de.yaml", broken));

  v1::ListRuleSetsResponse list;
  EXPECT_TRUE(
      Eventually([&] { return ListRuleSets(&list).ok() && !list.last_attempt_ok(); }, kReloadWait))
      << "ListRuleSets never showed the failed reload: " << list.DebugString();
  bool located = false;
  for (const v1::Diagnostic& d : list.last_errors()) {
    if (absl::EndsWith(d.file(), "de.yaml") && d.line() == bogus_line) located = true;
  }
  EXPECT_TRUE(located) << "no error at de.yaml:" << bogus_line << " in " << list.DebugString();

  // The old rules keep answering.
  v1::ModerateResponse response;
  ASSERT_RPC_OK(Moderate(Request("still-1", kAbusive), &response));
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);
  EXPECT_THAT(response.ruleset().version(), HasSubstr(kShippedDeVersion));

  // ReloadRules reports the same problem and the old rules as active.
  v1::ReloadRulesResponse reload;
  ASSERT_RPC_OK(ReloadRules(&reload));
  EXPECT_FALSE(reload.ok());
  EXPECT_THAT(reload.errors(), Not(IsEmpty()));
  EXPECT_THAT(reload.active(), Not(IsEmpty()));

  // Metrics show the failure.
  const HttpResponse metrics = HttpGet(server_->metrics_port(), "/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("moderation_last_reload_success 0"));

  // Fixing the file recovers.
  ASSERT_TRUE(server_->WriteRuleFile("de.yaml", WithVersion(good, "fixed-2")));
  EXPECT_TRUE(
      Eventually([&] { return absl::StrContains(ServingVersion(), "fixed-2"); }, kReloadWait));
  ASSERT_RPC_OK(ListRuleSets(&list));
  EXPECT_TRUE(list.last_attempt_ok());
  EXPECT_THAT(list.last_errors(), IsEmpty());
}

// Resident memory of a process in KiB, from /proc (0 if unreadable).
long ResidentKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmRSS:")) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// A file holding a single ',' once made a reload allocate gigabytes (yaml-cpp
// 0.7's LoadAll never returned). Now it is a syntax error at zz.yaml:1:1, the
// rules in service keep answering, and memory comes back to where it was.
TEST_F(ModerationdTest, ARuleFileHoldingOnlyACommaFailsTheReloadWithoutEatingMemory) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const long rss_before = ResidentKib(server_->pid());
  ASSERT_GT(rss_before, 0);
  ASSERT_TRUE(server_->WriteRuleFile("zz.yaml", ","));
  v1::ListRuleSetsResponse list;
  EXPECT_TRUE(
      Eventually([&] { return ListRuleSets(&list).ok() && !list.last_attempt_ok(); }, kReloadWait))
      << "ListRuleSets never showed the failed reload: " << list.DebugString();
  bool located = false;
  for (const v1::Diagnostic& d : list.last_errors()) {
    if (absl::EndsWith(d.file(), "zz.yaml") && d.line() == 1 &&
        absl::StrContains(d.message(), "YAML syntax error")) {
      located = true;
    }
  }
  EXPECT_TRUE(located) << list.DebugString();
  v1::ModerateResponse response;
  ASSERT_RPC_OK(Moderate(Request("comma-1", kAbusive), &response));
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);
  // The failed attempt shows in ListRuleSets before the reload thread has
  // freed the parse trees and trimmed the heap (tens of milliseconds for the
  // default rules), so the memory is given a few seconds to come back; the
  // old bug never gave it back at all.
  long rss_after = 0;
  EXPECT_TRUE(Eventually(
      [&] {
        rss_after = ResidentKib(server_->pid());
        return rss_after < rss_before + 100 * 1024;
      },
      seconds(10)))
      << "resident memory grew by more than 100 MiB and stayed there: " << rss_before << " KiB -> "
      << rss_after << " KiB";
}

TEST_F(ModerationdTest, SighupReopensTheAuditLogAfterLogrotateMovedIt) {
  TempDir dir("moderationd_audit_rotate");
  const std::string audit_path = dir.path() + "/audit.jsonl";
  ServerOptions options;
  options.flags = {"--audit_log=" + audit_path};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  v1::ModerateResponse response;
  ASSERT_RPC_OK(Moderate(Request("rotate-1", kAbusive), &response));
  ASSERT_TRUE(
      Eventually([&] { return absl::StrContains(ReadFile(audit_path), "rotate-1"); }, seconds(5)));
  std::filesystem::rename(audit_path, audit_path + ".1");
  ASSERT_TRUE(server_->Signal(SIGHUP));
  ASSERT_TRUE(Eventually(
      [&] { return absl::StrContains(server_->Stderr(), R"("event":"audit_log_reopened")"); },
      seconds(10)));
  ASSERT_RPC_OK(Moderate(Request("rotate-2", kAbusive), &response));
  EXPECT_TRUE(
      Eventually([&] { return absl::StrContains(ReadFile(audit_path), "rotate-2"); }, seconds(5)));
  EXPECT_THAT(ReadFile(audit_path), Not(HasSubstr("rotate-1")));
  EXPECT_THAT(ReadFile(audit_path + ".1"), HasSubstr("rotate-1"));
  EXPECT_THAT(ReadFile(audit_path + ".1"), Not(HasSubstr("rotate-2")));
}

TEST_F(ModerationdTest, SighupReloadsTheRules) {
  ServerOptions options;
  options.flags = {"--watch_rules=false"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  ASSERT_TRUE(
      server_->WriteRuleFile("de.yaml", WithVersion(server_->ReadRuleFile("de.yaml"), "hup-3")));
  std::this_thread::sleep_for(milliseconds(700));
  ASSERT_THAT(ServingVersion(), HasSubstr(kShippedDeVersion))
      << "reloaded without a file watch or signal";
  ASSERT_TRUE(server_->Signal(SIGHUP));
  EXPECT_TRUE(Eventually([&] { return absl::StrContains(ServingVersion(), "hup-3"); }, kReloadWait))
      << "still serving " << ServingVersion();
}

TEST_F(ModerationdTest, TheReloadRulesCallActivatesNewRulesBeforeItReturns) {
  ServerOptions options;
  options.flags = {"--watch_rules=false"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  ASSERT_TRUE(
      server_->WriteRuleFile("de.yaml", WithVersion(server_->ReadRuleFile("de.yaml"), "rpc-4")));
  v1::ReloadRulesResponse reload;
  ASSERT_RPC_OK(ReloadRules(&reload));
  EXPECT_TRUE(reload.ok());
  EXPECT_THAT(reload.errors(), IsEmpty());
  bool found = false;
  for (const v1::ActiveRuleSet& active : reload.active()) {
    for (const v1::RuleSetVersion& component : active.components()) {
      if (component.id() == "de" && component.version() == "rpc-4") found = true;
    }
  }
  EXPECT_TRUE(found) << reload.DebugString();
  EXPECT_THAT(ServingVersion(), HasSubstr("rpc-4"));
}

// As many reloads as fit in half a minute, at least 5 and at most 50. Each
// compiles the changed de.yaml: with the default rules of 2026-12-05 that
// took 2.6-3.2 s alone (`modctl validate` with a warm cache; about 1.1 s
// before) and up to 8 s beside the streaming client and another test, so a
// fixed 50 no longer fit in ctest's 300 s. What the test holds, that no
// request is lost or answered twice across reloads, needs the stream to run
// through many of them, not a particular number: half a minute held 9
// reloads and 10 versions beside the streaming client on 2026-12-07 (a
// minute made this the longest test of the suite, 65 s).
TEST_F(ModerationdTest, ReloadsWhileAClientStreamsWithoutPauseLoseNoRequest) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string de_yaml = server_->ReadRuleFile("de.yaml");
  std::atomic<bool> reloading{true};
  StreamOutcome outcome;
  std::thread streamer([&] {
    outcome = StreamPosts(
        stub_.get(), 20000, [&] { return reloading.load(); }, 256, seconds(240));
  });
  std::vector<std::string> reload_failures;
  const auto reload_until = std::chrono::steady_clock::now() + seconds(30);
  int reloads = 0;
  for (int k = 1; k <= 50 && (k <= 5 || std::chrono::steady_clock::now() < reload_until); ++k) {
    ++reloads;
    if (!server_->WriteRuleFile("de.yaml", WithVersion(de_yaml, absl::StrCat("stress-", k)))) {
      reload_failures.push_back(absl::StrCat("write ", k));
      continue;
    }
    v1::ReloadRulesResponse reload;
    const grpc::Status status = ReloadRules(&reload);
    if (!status.ok() || !reload.ok()) {
      reload_failures.push_back(
          absl::StrCat("reload ", k, ": ", Describe(status), " ", reload.DebugString()));
    }
  }
  reloading = false;
  streamer.join();
  EXPECT_THAT(reload_failures, IsEmpty());
  EXPECT_GE(reloads, 5);
  EXPECT_RPC_OK(outcome.status);
  EXPECT_GE(outcome.sent, 20000);
  EXPECT_EQ(outcome.answered, outcome.sent);
  EXPECT_EQ(outcome.missing, 0);
  EXPECT_EQ(outcome.duplicates, 0);
  EXPECT_EQ(outcome.unknown_ids, 0);
  EXPECT_EQ(outcome.errors, 0) << outcome.first_error;
  EXPECT_EQ(outcome.wrong_decisions, 0);
  EXPECT_GE(outcome.versions.size(), 2u) << "answers never showed a reloaded rule set";
  std::cerr << "streamed " << outcome.sent << " posts across " << reloads << " reloads and "
            << outcome.versions.size() << " rule-set versions\n";
}

// ---- shutdown ---------------------------------------------------------------------------

TEST_F(ModerationdTest, SigtermLetsAStreamInFlightFinishReportsNotServingAndExitsZero) {
  ServerOptions options;
  options.flags = {"--shutdown_grace=5s"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  std::shared_ptr<grpc::Channel> health_channel = server_->Channel(/*own_connection=*/true);
  ASSERT_NE(health_channel, nullptr);
  HealthWatch health(health_channel, "moderation.v1.ModerationService", seconds(30));
  ASSERT_TRUE(health.WaitFor(1, seconds(5))) << "Watch never said SERVING; " << health.ended();

  grpc::ClientContext context;
  SetTimeout(&context, seconds(30));
  auto stream = stub_->ModerateStream(&context);
  constexpr int kPosts = 1000;
  std::vector<int> answers(kPosts, 0);
  std::atomic<int> received{0};
  std::atomic<int> errors{0};
  std::thread reader([&] {
    v1::ModerateStreamResponse response;
    while (stream->Read(&response)) {
      int id = -1;
      if (absl::SimpleAtoi(response.post_id().substr(2), &id) && id >= 0 && id < kPosts)
        ++answers[id];
      if (response.has_error()) ++errors;
      ++received;
    }
  });
  for (int i = 0; i < kPosts; ++i) {
    if (!stream->Write(Request(absl::StrCat("s-", i), TextFor(i)))) break;
  }
  ASSERT_TRUE(Eventually([&] { return received.load() >= 100; }, seconds(10)));

  ASSERT_TRUE(server_->Signal(SIGTERM));
  const auto sigterm_at = Clock::now();
  // While draining, health says NOT_SERVING.
  EXPECT_TRUE(health.WaitFor(2, seconds(3)))
      << "Watch after SIGTERM: statuses " << absl::StrJoin(health.statuses(), ",") << "; "
      << health.ended();

  stream->WritesDone();
  reader.join();
  const grpc::Status status = stream->Finish();
  const int64_t duplicates =
      std::count_if(answers.begin(), answers.end(), [](int n) { return n > 1; });
  const int64_t missing = std::count(answers.begin(), answers.end(), 0);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(errors.load(), 0);
  if (status.ok()) {
    EXPECT_EQ(missing, 0) << "the stream ended OK but left posts unanswered";
  } else {
    EXPECT_THAT(status.error_code(),
                AnyOf(grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::CANCELLED))
        << Describe(status);
  }
  const ExitInfo exit = server_->WaitForExit(seconds(10));
  EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
  const double since_sigterm = std::chrono::duration<double>(Clock::now() - sigterm_at).count();
  EXPECT_LT(since_sigterm, 5.0 + 2.0) << "exit took longer than the grace period";
  std::cerr << "stream status " << Describe(status) << ", " << kPosts - missing << "/" << kPosts
            << " answered, exit " << since_sigterm << " s after SIGTERM\n";
}

TEST_F(ModerationdTest, SigtermCancelsAStreamThatNeverEndsAfterTheGracePeriod) {
  ServerOptions options;
  options.flags = {"--shutdown_grace=1s"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  grpc::ClientContext context;
  SetTimeout(&context, seconds(30));
  auto stream = stub_->ModerateStream(&context);
  ASSERT_TRUE(stream->Write(Request("s-0", kAbusive)));
  v1::ModerateStreamResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(server_->Signal(SIGTERM));
  const auto sigterm_at = Clock::now();
  // The client neither closes nor reads: the server must not wait forever.
  const ExitInfo exit = server_->WaitForExit(seconds(10));
  EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - sigterm_at).count(), 1.0 + 3.0);
  while (stream->Read(&response)) {
  }
  const grpc::Status status = stream->Finish();
  EXPECT_FALSE(status.ok()) << "a stream cut off by shutdown ended OK";
}

TEST_F(ModerationdTest, ShutdownDoesNotWaitTheGracePeriodForAnIdleConnection) {
  ServerOptions options;
  options.flags = {"--shutdown_grace=8s"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  v1::ModerateResponse response;
  ASSERT_RPC_OK(Moderate(Request("idle-1", kCivil), &response));
  // The call is over; the connection stays open, as a client pool's would.
  ASSERT_TRUE(server_->Signal(SIGTERM));
  const ExitInfo exit = server_->WaitForExit(seconds(15));
  EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
  EXPECT_LT(exit.seconds, 3.0) << "nothing was in flight, yet shutdown took " << exit.seconds
                               << " s";
}

// ---- operations: metrics, probes, audit log, logs --------------------------------

TEST_F(ModerationdTest, MetricsPassPromtoolAndTheProbesAnswer) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ModerateResponse response;
  EXPECT_RPC_OK(Moderate(Request("m-1", kAbusive), &response));
  EXPECT_RPC_OK(Moderate(Request("m-2", kCivil), &response));
  EXPECT_FALSE(Moderate(Request("m-3", ""), &response).ok());
  StreamPosts(
      stub_.get(), 10, [] { return false; }, 8, seconds(10));

  const HttpResponse metrics = HttpGet(server_->metrics_port(), "/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.error;
  EXPECT_THAT(metrics.headers, HasSubstr("text/plain"));
  for (const char* series :
       {"grpc_server_handled_total{grpc_type=\"unary\",grpc_service=\"moderation.v1."
        "ModerationService\",grpc_method=\"Moderate\",grpc_code=\"InvalidArgument\"} 1",
        "grpc_server_msg_received_total{grpc_type=\"bidi_stream\",grpc_service=\"moderation.v1."
        "ModerationService\",grpc_method=\"ModerateStream\"} 10",
        "moderation_decisions_total",
        "moderation_rule_hits_total{rule=\"de.threat.kill\","
        "category=\"threat\"}",
        "moderation_engine_latency_seconds_bucket",
        "grpc_server_handling_seconds_bucket",
        "moderation_in_flight_posts 0",
        "moderation_max_in_flight_posts 4096",
        "moderation_ready 1",
        "moderation_open_streams",
        "moderation_ruleset_info",
        "moderation_ruleset_rules{ruleset=",
        "moderation_ruleset_compile_seconds{",
        "moderation_reloads_total",
        "moderation_last_reload_success 1",
        "moderation_build_info{version=",
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
        "process_start_time_seconds"}) {
    EXPECT_THAT(metrics.body, HasSubstr(series));
  }
  EXPECT_THAT(metrics.body, HasSubstr("de.threat.kill"));

  TempDir dir("moderationd_metrics");
  const std::string file = dir.path() + "/metrics.txt";
  ASSERT_TRUE(WriteFile(file, metrics.body));
  ProcessOptions promtool_options;
  promtool_options.stdin_file = file;
  promtool_options.timeout = seconds(30);
  const ProcessResult promtool =
      RunProcess({"/usr/bin/promtool", "check", "metrics"}, promtool_options);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.spawn_error << promtool.out << promtool.err;

  const HttpResponse healthz = HttpGet(server_->metrics_port(), "/healthz");
  EXPECT_EQ(healthz.status, 200) << healthz.error;
  const HttpResponse readyz = HttpGet(server_->metrics_port(), "/readyz");
  EXPECT_EQ(readyz.status, 200) << readyz.error;
  const HttpResponse other = HttpGet(server_->metrics_port(), "/no-such-page");
  EXPECT_EQ(other.status, 404) << other.error;
}

// Every value anywhere in `j` (recursively), as strings.
void CollectStrings(const json& j, std::vector<std::string>* out) {
  if (j.is_string()) {
    out->push_back(j.get<std::string>());
  } else if (j.is_structured()) {
    for (const json& child : j) CollectStrings(child, out);
  }
}

TEST_F(ModerationdTest, TheAuditLogRecordsABlockWithRulesAndHashButNoPostText) {
  TempDir dir("moderationd_audit");
  const std::string audit_path = dir.path() + "/audit.jsonl";
  ServerOptions options;
  options.flags = {"--audit_log=" + audit_path};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  v1::ModerateRequest request = Request("audit-block-1", kAbusive);
  request.mutable_post()->mutable_author()->set_id("author-7");
  v1::ModerateResponse blocked;
  ASSERT_RPC_OK(Moderate(request, &blocked));
  ASSERT_EQ(blocked.decision(), v1::DECISION_BLOCK);
  v1::ModerateResponse allowed;
  ASSERT_RPC_OK(Moderate(Request("audit-allow-2", kCivil), &allowed));

  std::string text;
  EXPECT_TRUE(Eventually(
      [&] { return absl::StrContains(text = ReadFile(audit_path), "audit-block-1"); }, seconds(5)))
      << "audit log: " << text;
  EXPECT_THAT(text, Not(HasSubstr("Oberbl0edm")));
  EXPECT_THAT(text, Not(HasSubstr("bring dich um")));
  EXPECT_THAT(text, Not(HasSubstr("audit-allow-2"))) << "ALLOW decisions are not audited";
  bool found = false;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const json record = json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(record.is_object()) << "not a JSON object: " << line;
    if (!record.contains("post_id") || record["post_id"] != "audit-block-1") continue;
    found = true;
    std::vector<std::string> values;
    CollectStrings(record, &values);
    EXPECT_THAT(values, Contains("BLOCK")) << line;
    EXPECT_THAT(values, Contains("de.threat.kill")) << line;
    EXPECT_THAT(values, Contains("de.insult.common")) << line;
    EXPECT_THAT(values, Contains(HasSubstr(blocked.ruleset().content_hash().substr(7)))) << line;
    EXPECT_THAT(values, Contains("author-7")) << line;
  }
  EXPECT_TRUE(found) << text;
}

TEST_F(ModerationdTest, LogsAreJsonLinesThatNeverContainPostText) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ModerateResponse response;
  EXPECT_RPC_OK(Moderate(Request("log-1", kAbusive), &response));
  EXPECT_FALSE(Moderate(Request("log-2", std::string("kaputt \xff")), &response).ok());
  ASSERT_TRUE(server_->WriteRuleFile("de.yaml", "ruleset: de\nversion: x\nrules: [ {id: broken\n"));
  v1::ReloadRulesResponse reload;
  EXPECT_RPC_OK(ReloadRules(&reload));
  EXPECT_FALSE(reload.ok());
  const ExitInfo exit = StopServer();
  EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
  const std::string err = server_->Stderr();
  EXPECT_THAT(err, Not(IsEmpty()));
  EXPECT_THAT(err, Not(HasSubstr("Oberbl0edm")));
  EXPECT_THAT(err, Not(HasSubstr("kaputt")));
  for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
    const json entry = json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(entry.is_object()) << "not a JSON line: " << line;
    EXPECT_TRUE(entry.contains("ts") && entry.contains("level") && entry.contains("event")) << line;
  }
}

// ---- the example clients ------------------------------------------------------------------

TEST_F(ModerationdTest, ThePythonExampleClientPrintsTheDecisionAndMatchedSpans) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ProcessOptions options;
  options.timeout = seconds(30);
  const ProcessResult r = RunProcess(
      {"/usr/bin/python3", std::string(REPO_ROOT) + "/examples/python_client.py", "--gen",
       PYTHON_GEN_DIR, "--target", server_->target(), "--community", "news-de", kAbusive},
      options);
  EXPECT_EQ(r.exit_code, 0) << r.spawn_error << r.err;
  EXPECT_THAT(r.out, HasSubstr("BLOCK"));
  EXPECT_THAT(r.out, HasSubstr("de.threat.kill"));
  EXPECT_THAT(r.out, HasSubstr("3..16"));
  EXPECT_THAT(r.out, HasSubstr("Oberbl0edm@nn"));
}

TEST(ModerationdCommandLineTest, HelpShowsOurFlagsGroupedAndVersionShowsBuildAndLibraries) {
  ProcessOptions options;
  options.timeout = seconds(10);
  ProcessResult r = RunProcess({MODERATIOND_PATH, "--help"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Rules:\n  --rules=rules\n      rules directory or file"));
  EXPECT_THAT(r.out, HasSubstr("--unknown_community=default"));
  EXPECT_THAT(r.out, Not(HasSubstr("No flags matched")));
  EXPECT_THAT(r.out, Not(HasSubstr("flagfile")));

  r = RunProcess({MODERATIOND_PATH, "--version"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("moderationd "));
  EXPECT_THAT(r.out, Not(HasSubstr("NDEBUG")));
  EXPECT_THAT(r.out, Not(HasSubstr("unknown")));
  for (const char* part :
       {" build)\n", "  Hyperscan 5.", "  RE2 20", "  gRPC 1.", "  protobuf 3."}) {
    EXPECT_THAT(r.out, HasSubstr(part));
  }
}

// npm ci of examples/node's pinned packages into the build directory, once.
bool InstallNodeClientPackages(std::string* error) {
  const std::string dir = NODE_CLIENT_DIR;
  if (std::filesystem::exists(dir + "/node_modules/.package-lock.json")) return true;
  ProcessOptions options;
  options.timeout = seconds(240);
  const ProcessResult r = RunProcess({"/usr/bin/env", "npm", "ci", "--prefix", dir, "--no-audit",
                                      "--no-fund", "--ignore-scripts", "--loglevel=error"},
                                     options);
  if (r.exit_code == 0) return true;
  *error = absl::StrCat("npm ci in ", dir, " failed: ", r.spawn_error, r.err);
  return false;
}

ProcessResult RunNodeClient(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/env",
                                   absl::StrCat("NODE_PATH=", NODE_CLIENT_DIR, "/node_modules"),
                                   "node", std::string(REPO_ROOT) + "/examples/node/client.js"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.timeout = seconds(30);
  return RunProcess(argv, options);
}

TEST_F(ModerationdTest, TheNodeExampleClientSendsPlainStringsAndPrintsDecisionsAndSpans) {
  std::string error;
  ASSERT_TRUE(InstallNodeClientPackages(&error)) << error;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  // A JavaScript string with an umlaut reaches the server as UTF-8: the
  // span counts its bytes (ö is two).
  ProcessResult r =
      RunNodeClient({"--target", server_->target(), "--community", "news-de", kInsult});
  EXPECT_EQ(r.exit_code, 0) << r.spawn_error << r.err;
  EXPECT_THAT(r.out, HasSubstr("FLAG"));
  EXPECT_THAT(r.out, HasSubstr("3..12 \"Blödmann\""));

  r = RunNodeClient({"--target", server_->target(), "--community", "news-de", "--stream", kAbusive,
                     kCivil, kInsult});
  EXPECT_EQ(r.exit_code, 0) << r.spawn_error << r.err;
  EXPECT_THAT(r.out, HasSubstr("post-1: BLOCK"));
  EXPECT_THAT(r.out, HasSubstr("post-2: ALLOW"));
  EXPECT_THAT(r.out, HasSubstr("post-3: FLAG"));
  EXPECT_THAT(r.out, HasSubstr("de.threat.kill"));
}

}  // namespace
}  // namespace moderation::testing
