// The community pulse through the real moderationd (issue 12): a scripted
// stream at accelerated time (--pulse_clock=post_time, the posts' created_at
// is the pulse's clock), a hostile spike that must raise an alert within a
// stated delay and clear afterwards, usual traffic that must raise none, and
// the alert's other ways out (GetPulse, /metrics, the JSON log, the
// webhook over https).
//
// Every RPC has a deadline and every wait a timeout.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "moderation/v1/pulse.grpc.pb.h"
#include "moderation/v1/rule_admin.grpc.pb.h"
#include "server/pulse_webhook_testing.h"
#include "tests/alert_collector.h"
#include "tests/moderation_requests.h"
#include "tests/server_fixture.h"

namespace moderation::testing {
namespace {

namespace v1 = ::moderation::v1;
using std::chrono::seconds;
using ::testing::HasSubstr;

constexpr int64_t kT0 = 1796029200;  // Monday 2026-11-30 09:00 UTC
constexpr int kPostsPerMinute = 20;

class PulseTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> flags) {
    ServerOptions options;
    options.flags = std::move(flags);
    std::string error;
    server_ = ServerProcess::Start(options, &error);
    ASSERT_NE(server_, nullptr) << error;
    channel_ = server_->Channel();
    ASSERT_NE(channel_, nullptr);
    moderation_ = v1::ModerationService::NewStub(channel_);
    pulse_ = v1::CommunityPulseService::NewStub(channel_);
  }
  void TearDown() override {
    if (server_ != nullptr) {
      ExitInfo exit = server_->Stop(seconds(20));
      EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
    }
  }

  // Plays `minutes` minutes from simulated minute `start_minute`,
  // `posts_per_minute` posts a minute (20 unless said), `hostile_per_20` of
  // each 20 posts an insult (posted in `hostile_thread` and aimed at
  // `target`, if given).
  void Play(int start_minute, int minutes, int hostile_per_20,
            const std::string& hostile_thread = "", const std::string& target = "",
            int posts_per_minute = kPostsPerMinute) {
    v1::ModerateBatchRequest batch;
    for (int m = start_minute; m < start_minute + minutes; ++m) {
      for (int i = 0; i < posts_per_minute; ++i) {
        v1::ModerateRequest* r = batch.add_requests();
        v1::Post* post = r->mutable_post();
        post->set_post_id(absl::StrCat("m", m, "-", i));
        post->set_community("news-de");
        post->mutable_author()->set_id(absl::StrCat("u", (m * 7 + i) % 300));
        post->mutable_author()->set_account_age_days(400);
        post->set_body(i < hostile_per_20 ? kInsult : kCivil);
        post->set_thread_id(i < hostile_per_20 && !hostile_thread.empty()
                                ? hostile_thread
                                : absl::StrCat("t", m, "-", i % 5));
        post->set_parent_post_id(absl::StrCat("m", m, "-0"));
        if (i < hostile_per_20) post->set_target_author_id(target);
        post->mutable_created_at()->set_seconds(kT0 + m * 60 + i * 3);
        if (batch.requests_size() == 100) Send(&batch);
      }
    }
    if (batch.requests_size() > 0) Send(&batch);
  }
  void Send(v1::ModerateBatchRequest* batch) {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ModerateBatchResponse response;
    const grpc::Status status = moderation_->ModerateBatch(&context, *batch, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.errors_size(), 0);
    batch->clear_requests();
  }

  // Waits until alert `id` has ended and expects its end within `minutes`
  // simulated minutes of minute `since` (when the condition cleared).
  static void ExpectEndedWithin(AlertCollector& collector, uint64_t id, int since, int minutes) {
    ASSERT_TRUE(collector.WaitFor(
        [&](const v1::PulseAlert& a) { return a.id() == id && a.has_ended_at(); }));
    for (const v1::PulseAlert& a : collector.alerts()) {
      if (a.id() == id && a.has_ended_at()) {
        EXPECT_LE(a.ended_at().seconds() - (kT0 + since * 60), minutes * 60) << a.DebugString();
      }
    }
  }

  std::unique_ptr<ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ModerationService::Stub> moderation_;
  std::unique_ptr<v1::CommunityPulseService::Stub> pulse_;
};

TEST_F(PulseTest, PulseCallsNeedTheAdminCredentialOrTheReaderToken) {
  const std::string dir = MakeTempDir("pulse-reader");
  ASSERT_TRUE(WriteFile(dir + "/reader-token", "reader-secret-1234\n"));
  ASSERT_NO_FATAL_FAILURE(Start({"--pulse_reader_token_file=" + dir + "/reader-token"}));
  v1::ListCommunitiesRequest request;
  v1::ListCommunitiesResponse response;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    EXPECT_EQ(pulse_->ListCommunities(&context, request, &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    Authorize(&context, "wrong-token");
    EXPECT_EQ(pulse_->ListCommunities(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  for (const std::string& token : {server_->admin_token(), std::string("reader-secret-1234")}) {
    grpc::ClientContext context;
    SetDeadline(&context);
    Authorize(&context, token);
    EXPECT_TRUE(pulse_->ListCommunities(&context, request, &response).ok());
  }
  for (const std::string& token : {server_->admin_token(), std::string("reader-secret-1234")}) {
    grpc::ClientContext context;
    SetDeadline(&context);
    Authorize(&context, token);
    v1::GetPulseRequest get;
    get.set_community("never-seen");
    v1::GetPulseResponse pulse;
    EXPECT_EQ(pulse_->GetPulse(&context, get, &pulse).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  // WatchAlerts: the reader's stream opens and stays open (no alert comes:
  // the deadline ends it); without a token or with a wrong one it is refused.
  struct WatchCase {
    std::string token;
    grpc::StatusCode code;
  };
  for (const WatchCase& c : {WatchCase{"reader-secret-1234", grpc::StatusCode::DEADLINE_EXCEEDED},
                             WatchCase{"", grpc::StatusCode::UNAUTHENTICATED},
                             WatchCase{"wrong-token", grpc::StatusCode::PERMISSION_DENIED}}) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    if (!c.token.empty()) Authorize(&context, c.token);
    std::unique_ptr<grpc::ClientReader<v1::WatchAlertsResponse>> reader =
        pulse_->WatchAlerts(&context, v1::WatchAlertsRequest());
    v1::WatchAlertsResponse change;
    while (reader->Read(&change)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), c.code) << "token '" << c.token << "'";
  }
  // The reader token reads the pulse and nothing else: the rule admin
  // service refuses it.
  {
    auto admin = v1::RuleAdminService::NewStub(channel_);
    grpc::ClientContext context;
    SetDeadline(&context);
    Authorize(&context, "reader-secret-1234");
    v1::ListRuleSetsResponse sets;
    EXPECT_EQ(admin->ListRuleSets(&context, v1::ListRuleSetsRequest(), &sets).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
}

// Per-community metrics are bounded: communities.yaml's keep their label,
// of the others the busiest (--metrics_top_communities) get one at the next
// refresh, the rest count as "default".
TEST_F(PulseTest, TheBusiestUnlistedCommunitiesGetTheirOwnMetricsLabel) {
  ASSERT_NO_FATAL_FAILURE(Start({"--metrics_top_communities=1", "--metrics_top_refresh=200ms"}));
  auto post_to = [&](const std::string& community, int n, const std::string& prefix) {
    v1::ModerateBatchRequest batch;
    for (int i = 0; i < n; ++i) {
      v1::Post* post = batch.add_requests()->mutable_post();
      post->set_post_id(absl::StrCat(prefix, community, i));
      post->set_community(community);
      post->mutable_author()->set_id(absl::StrCat("u", i));
      post->set_body(kCivil);
    }
    Send(&batch);
  };
  ASSERT_NO_FATAL_FAILURE(post_to("forum-busy", 30, "a"));
  ASSERT_NO_FATAL_FAILURE(post_to("forum-quiet", 5, "a"));
  // Before any refresh both counted as "default"; after one, forum-busy has
  // its label (posts from then on), forum-quiet still not.
  std::string body;
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_NO_FATAL_FAILURE(post_to("forum-busy", 1, absl::StrCat("b", attempt)));
    body = HttpGet(server_->metrics_port(), "/metrics").body;
    if (absl::StrContains(body, "community=\"forum-busy\"")) break;
  }
  ASSERT_NO_FATAL_FAILURE(post_to("forum-quiet", 5, "c"));
  body = HttpGet(server_->metrics_port(), "/metrics").body;
  EXPECT_THAT(body, HasSubstr("moderation_decisions_total{community=\"forum-busy\",category=\"\","
                              "decision=\"ALLOW\"}"));
  EXPECT_THAT(body, ::testing::Not(HasSubstr("community=\"forum-quiet\"")));
  EXPECT_THAT(body, HasSubstr("moderation_decisions_total{community=\"default\",category=\"\","
                              "decision=\"ALLOW\"}"));
}

// The scripted crisis: 3 hours of usual traffic (5 % insults), 20 minutes
// with 40 % insults, 40 minutes of usual traffic again, in simulated time.
// Stated delays: the alert opens within 5 simulated minutes of the spike's
// start (the 10-minute window needs 3 minutes of it to be 10 points above
// the baseline), and ends within 15 minutes of its end.
TEST_F(PulseTest, AHostileSpikeRaisesAnAlertThatClearsAndUsualTrafficRaisesNone) {
  ASSERT_NO_FATAL_FAILURE(Start({"--pulse_clock=post_time"}));
  AlertCollector collector(channel_, server_->admin_token());

  ASSERT_NO_FATAL_FAILURE(Play(0, 180, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(collector.alerts().empty())
      << "usual traffic raised " << collector.alerts().front().DebugString();

  ASSERT_NO_FATAL_FAILURE(Play(180, 20, 8));
  ASSERT_TRUE(collector.WaitFor([](const v1::PulseAlert& a) {
    return a.kind() == v1::ALERT_KIND_HOSTILE_SHARE && !a.has_ended_at();
  }));
  v1::PulseAlert opened;
  for (const v1::PulseAlert& a : collector.alerts()) {
    if (a.kind() == v1::ALERT_KIND_HOSTILE_SHARE) opened = a;
  }
  EXPECT_EQ(opened.community(), "news-de");
  EXPECT_LE(opened.started_at().seconds() - (kT0 + 180 * 60), 5 * 60);
  EXPECT_GE(opened.started_at().seconds(), kT0 + 180 * 60);
  EXPECT_GE(opened.observed(), opened.expected() + 0.1);
  ASSERT_GT(opened.top_rules_size(), 0);
  EXPECT_GT(opened.example_post_ids_size(), 0);

  // While it is open: GetPulse, /metrics and the log show it.
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    Authorize(&context, server_->admin_token());
    v1::GetPulseRequest get;
    get.set_community("news-de");
    get.set_window(v1::PULSE_WINDOW_DAY);
    v1::GetPulseResponse pulse;
    ASSERT_TRUE(pulse_->GetPulse(&context, get, &pulse).ok());
    ASSERT_EQ(pulse.windows_size(), 1);
    EXPECT_EQ(pulse.windows(0).total().posts(), 200u * kPostsPerMinute);
    EXPECT_EQ(pulse.mood().index(), v1::MOOD_INDEX_ESKALIEREND);
    ASSERT_GT(pulse.mood().by_category_size(), 0);
    EXPECT_EQ(pulse.mood().by_category(0).category(), "insult");
    EXPECT_GT(pulse.mood().by_category(0).share_now(), 0.3);
    EXPECT_GE(pulse.mood().by_category(0).z(), 4);
    EXPECT_GE(pulse.open_alerts_size(), 1);
    EXPECT_EQ(pulse.activity_size(), 7);
    // The insult's word is the topic that rose this hour (the hours before
    // had it in 5 % of the posts, this one in 40 %); the civil words did not.
    ASSERT_GT(pulse.rising_topics_size(), 0);
    EXPECT_EQ(pulse.rising_topics(0).term(), "blödmann");
    for (const v1::PulseTopic& t : pulse.rising_topics()) EXPECT_NE(t.term(), "regierung");
  }
  const HttpResponse metrics = HttpGet(server_->metrics_port(), "/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("moderation_pulse_alert_open{community=\"news-de\","
                                      "kind=\"hostile_share\""));
  EXPECT_THAT(metrics.body, HasSubstr("moderation_decisions_total{community=\"news-de\","
                                      "category=\"insult\",decision=\"FLAG\"}"));
  EXPECT_THAT(metrics.body, HasSubstr("moderation_community_rule_hits_total{community=\"news-de\","
                                      "rule=\"de.insult.common\",mode=\"enforce\"}"));
  EXPECT_THAT(server_->Stderr(), HasSubstr("\"event\":\"pulse_alert_opened\""));
  // The spike went on growing after the alert opened as a warning (40 %
  // insults fill the 10-minute window minute by minute): it is sent again
  // as critical, to WatchAlerts and to the log.
  EXPECT_THAT(server_->Stderr(), HasSubstr("\"event\":\"pulse_alert_escalated\""));
  bool escalated_seen = false;
  for (const v1::PulseAlert& a : collector.alerts()) {
    escalated_seen |=
        a.id() == opened.id() && a.severity() == v1::ALERT_SEVERITY_CRITICAL && !a.has_ended_at();
  }
  EXPECT_TRUE(escalated_seen);

  ASSERT_NO_FATAL_FAILURE(Play(200, 40, 1));
  ASSERT_NO_FATAL_FAILURE(ExpectEndedWithin(collector, opened.id(), 200, 15));
  EXPECT_THAT(server_->Stderr(), HasSubstr("\"event\":\"pulse_alert_ended\""));
  collector.Stop();
}

// Volume collapse (issue 12, section 2): the community goes quiet, 1 post a
// minute after three hours of 20, against its own baseline. The alert opens
// within 10 minutes, names what it saw against what it expected, and ends
// within 15 minutes of the usual traffic coming back.
TEST_F(PulseTest, ACommunityGoingQuietRaisesAVolumeCollapseThatEndsWhenTrafficReturns) {
  ASSERT_NO_FATAL_FAILURE(Start({"--pulse_clock=post_time"}));
  AlertCollector collector(channel_, server_->admin_token());

  ASSERT_NO_FATAL_FAILURE(Play(0, 180, 1));
  ASSERT_NO_FATAL_FAILURE(Play(180, 20, 0, "", "", /*posts_per_minute=*/1));
  ASSERT_TRUE(collector.WaitFor([](const v1::PulseAlert& a) {
    return a.kind() == v1::ALERT_KIND_VOLUME_COLLAPSE && !a.has_ended_at();
  }));
  v1::PulseAlert opened;
  for (const v1::PulseAlert& a : collector.alerts()) {
    EXPECT_NE(a.kind(), v1::ALERT_KIND_VOLUME_SPIKE) << a.DebugString();
    if (a.kind() == v1::ALERT_KIND_VOLUME_COLLAPSE) opened = a;
  }
  EXPECT_EQ(opened.community(), "news-de");
  EXPECT_GE(opened.started_at().seconds(), kT0 + 180 * 60);
  EXPECT_LE(opened.started_at().seconds() - (kT0 + 180 * 60), 10 * 60);
  EXPECT_LT(opened.observed(), 0.25 * opened.expected()) << opened.DebugString();

  ASSERT_NO_FATAL_FAILURE(Play(200, 30, 1));
  ASSERT_NO_FATAL_FAILURE(ExpectEndedWithin(collector, opened.id(), 200, 15));
  EXPECT_THAT(server_->Stderr(), HasSubstr("\"kind\":\"volume_collapse\""));
  collector.Stop();
}

// The request's Post.language reaches the pulse's topics: the same English
// posts keep "war" as a topic where they say they are English and lose it
// (a German stop word) where they say they are German.
TEST_F(PulseTest, ThePostsLanguageChoosesTheTopicsStopWords) {
  ASSERT_NO_FATAL_FAILURE(Start({"--pulse_clock=post_time"}));
  v1::ModerateBatchRequest batch;
  for (const char* language : {"en-GB", "de"}) {
    for (int i = 0; i < 160; ++i) {
      v1::Post* post = batch.add_requests()->mutable_post();
      post->set_post_id(absl::StrCat(language, "-", i));
      post->set_community(absl::StrCat("world-", language));
      post->mutable_author()->set_id(absl::StrCat("u", i));
      post->set_body("The war goes on, talks about a ceasefire stall");
      post->set_language(language);
      post->mutable_created_at()->set_seconds(kT0 + i);
      if (batch.requests_size() == 100) {
        ASSERT_NO_FATAL_FAILURE(Send(&batch));
      }
    }
  }
  ASSERT_NO_FATAL_FAILURE(Send(&batch));
  for (const char* language : {"en-GB", "de"}) {
    grpc::ClientContext context;
    SetDeadline(&context);
    Authorize(&context, server_->admin_token());
    v1::GetPulseRequest get;
    get.set_community(absl::StrCat("world-", language));
    v1::GetPulseResponse pulse;
    ASSERT_TRUE(pulse_->GetPulse(&context, get, &pulse).ok());
    std::set<std::string> terms;
    for (const v1::PulseTopic& t : pulse.rising_topics()) terms.insert(t.term());
    EXPECT_TRUE(terms.contains("ceasefire")) << language;
    EXPECT_EQ(terms.contains("war"), std::string_view(language) == "en-GB") << language;
  }
}

// A pile-on: three insults a minute, from different authors, in one
// thread and at one author, while the community's overall hostile share
// stays usual. Uses the optional Post.thread_id and target_author_id.
TEST_F(PulseTest, HostilePostsPilingOntoOneThreadRaiseAPileOnAlert) {
  ASSERT_NO_FATAL_FAILURE(Start({"--pulse_clock=post_time"}));
  AlertCollector collector(channel_, server_->admin_token());
  ASSERT_NO_FATAL_FAILURE(Play(0, 10, 1));
  ASSERT_NO_FATAL_FAILURE(Play(10, 6, 3, "t-42", "u-victim"));
  ASSERT_TRUE(collector.WaitFor([](const v1::PulseAlert& a) {
    return a.kind() == v1::ALERT_KIND_PILE_ON && a.subject() == "thread:t-42";
  }));
  ASSERT_TRUE(collector.WaitFor([](const v1::PulseAlert& a) {
    return a.kind() == v1::ALERT_KIND_PILE_ON && a.subject() == "target:u-victim";
  }));
  for (const v1::PulseAlert& a : collector.alerts()) {
    EXPECT_NE(a.kind(), v1::ALERT_KIND_HOSTILE_SHARE) << "no baseline yet: no share alerts";
    if (a.kind() != v1::ALERT_KIND_PILE_ON) continue;
    EXPECT_GE(a.observed(), 8);
    EXPECT_LE(a.started_at().seconds() - (kT0 + 10 * 60), 4 * 60);
    ASSERT_GT(a.example_post_ids_size(), 0);
  }
  collector.Stop();
}

// Multi-posting through the real server (issue 12 §1): the pulse counts a
// post's near-duplicates and its author's rate before the rules run, and
// the rules in tests/rules/multi_posting.yaml decide. Wall clock: the
// counts need no accelerated time.
class MultiPostingTest : public PulseTest {
 protected:
  void StartWithMultiPostingRules() {
    ServerOptions options;
    options.rule_files = {
        {"communities.yaml", "default: [de, multi-posting]\n"},
        {"multi_posting.yaml",
         ReadFile(std::string(REPO_ROOT) + "/tests/rules/multi_posting.yaml")},
    };
    std::string error;
    server_ = ServerProcess::Start(options, &error);
    ASSERT_NE(server_, nullptr) << error;
    channel_ = server_->Channel();
    moderation_ = v1::ModerationService::NewStub(channel_);
  }
  v1::ModerateResponse Moderate(const std::string& community, const std::string& author,
                                const std::string& body) {
    v1::ModerateRequest request;
    request.mutable_post()->set_post_id(absl::StrCat("p", ++posts_));
    request.mutable_post()->set_community(community);
    request.mutable_post()->mutable_author()->set_id(author);
    request.mutable_post()->set_body(body);
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ModerateResponse response;
    const grpc::Status status = moderation_->Moderate(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  static bool Fired(const v1::ModerateResponse& r, const std::string& rule) {
    for (const auto& hit : r.hits()) {
      if (hit.rule_id() == rule) return true;
    }
    return false;
  }
  int posts_ = 0;
};

TEST_F(MultiPostingTest, TheThirdCopyPasteByDifferentAuthorsGetsTheRulesAction) {
  ASSERT_NO_FATAL_FAILURE(StartWithMultiPostingRules());
  const std::string kCall =
      "Alle zusammen jetzt: schreibt dem Bürgermeister, dass die Umgehungsstraße gestoppt "
      "werden muss, bevor der Stadtrat am Donnerstag abstimmt!";
  const std::string kDisguised =
      "ALLE ZUSAMMEN JETZT: schreibt dem Buergermeister, dass die Umgehungsstrasse gestoppt "
      "werden muss, bevor der Stadtrat am Freitag abstimmt!!";
  v1::ModerateResponse first = Moderate("lokal", "anna", kCall);
  EXPECT_EQ(first.decision(), v1::DECISION_ALLOW);
  // Another community's copy does not count here.
  EXPECT_EQ(Moderate("sport", "ben", kCall).decision(), v1::DECISION_ALLOW);
  v1::ModerateResponse second = Moderate("lokal", "carla", kDisguised);
  EXPECT_EQ(second.decision(), v1::DECISION_ALLOW);
  EXPECT_EQ(Moderate("lokal", "dora",
                     "Ich finde die Umgehungsstraße richtig, der Verkehr in der "
                     "Innenstadt ist unerträglich.")
                .decision(),
            v1::DECISION_ALLOW);
  v1::ModerateResponse third = Moderate("lokal", "emil", kCall);
  EXPECT_EQ(third.decision(), v1::DECISION_FLAG);
  EXPECT_TRUE(Fired(third, "spam.copy_paste"));
  EXPECT_THAT(third.reasons(), ::testing::Contains(HasSubstr("Copy-and-paste")));
}

TEST_F(MultiPostingTest, AnAuthorsTenthPostWithinAMinuteGetsTheRulesAction) {
  ASSERT_NO_FATAL_FAILURE(StartWithMultiPostingRules());
  for (int i = 1; i <= 9; ++i) {
    v1::ModerateResponse r = Moderate("lokal", "flooder", absl::StrCat("Beitrag Nummer ", i));
    EXPECT_EQ(r.decision(), v1::DECISION_ALLOW) << "post " << i;
    EXPECT_EQ(Moderate("lokal", absl::StrCat("other", i), "Guten Morgen").decision(),
              v1::DECISION_ALLOW);
  }
  v1::ModerateResponse tenth = Moderate("lokal", "flooder", "Beitrag Nummer 10");
  EXPECT_EQ(tenth.decision(), v1::DECISION_FLAG);
  EXPECT_TRUE(Fired(tenth, "spam.flood"));
}

// An open WatchAlerts stream does not hold up a graceful shutdown: the
// server cancels it and exits 0 within the grace period.
TEST_F(PulseTest, AnOpenAlertStreamEndsWhenTheServerShutsDown) {
  ASSERT_NO_FATAL_FAILURE(Start({"--shutdown_grace=5s"}));
  AlertCollector collector(channel_, server_->admin_token());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the stream is open
  const ExitInfo exit = server_->Stop(seconds(20));
  EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
  EXPECT_LT(exit.seconds, 10) << exit.Describe();
  collector.Stop();  // its Read has returned: joins at once
}

// The webhook through the real server (issue 12 §2): a pile-on alert
// reaches an https:// receiver on 127.0.0.1 whose certificate a private CA
// signed (--pulse_webhook_ca_file), in Alertmanager's format.
TEST_F(PulseTest, APileOnAlertReachesAnHttpsWebhookBehindAPrivateCa) {
  const std::string dir = MakeTempDir("pulse-webhook");
  server::testing::TestCa ca("webhook test CA");
  server::testing::WebhookReceiver receiver({.tls = ca.Issue("IP:127.0.0.1")});
  ASSERT_TRUE(WriteFile(dir + "/ca.pem", ca.cert_pem()));
  ASSERT_NO_FATAL_FAILURE(
      Start({"--pulse_clock=post_time", "--pulse_webhook_url=" + receiver.Url("/hook/s3cret"),
             "--pulse_webhook_ca_file=" + dir + "/ca.pem"}));
  ASSERT_NO_FATAL_FAILURE(Play(0, 10, 1));
  ASSERT_NO_FATAL_FAILURE(Play(10, 6, 3, "t-42", "u-victim"));
  const std::vector<std::string> bodies = receiver.Bodies(1, seconds(30));
  ASSERT_FALSE(bodies.empty()) << server_->Stderr();
  const nlohmann::json payload = nlohmann::json::parse(bodies[0]);
  EXPECT_EQ(payload["version"], "4");
  EXPECT_EQ(payload["status"], "firing");
  EXPECT_EQ(payload["alerts"][0]["labels"]["community"], "news-de");
  EXPECT_EQ(payload["alerts"][0]["labels"]["kind"], "pile_on");
  const std::string log = server_->Stderr();
  EXPECT_THAT(log, HasSubstr("\"event\":\"pulse_webhook\""));
  EXPECT_THAT(log, HasSubstr("\"tls\":true"));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("s3cret"))) << "the URL's path is a secret";
  EXPECT_THAT(log, ::testing::Not(HasSubstr("pulse_webhook_failed")));
}

// A receiver whose certificate names another host: the delivery fails, the
// log says why, and the server goes on judging posts.
TEST_F(PulseTest, AWebhookCertificateForAnotherHostIsLoggedAndTheServerKeepsServing) {
  const std::string dir = MakeTempDir("pulse-webhook");
  server::testing::TestCa ca("webhook test CA");
  server::testing::WebhookReceiver receiver({.tls = ca.Issue("DNS:alerts.example.org")});
  ASSERT_TRUE(WriteFile(dir + "/ca.pem", ca.cert_pem()));
  ASSERT_NO_FATAL_FAILURE(
      Start({"--pulse_clock=post_time", "--pulse_webhook_url=" + receiver.Url("/hook"),
             "--pulse_webhook_ca_file=" + dir + "/ca.pem"}));
  ASSERT_NO_FATAL_FAILURE(Play(0, 10, 1));
  ASSERT_NO_FATAL_FAILURE(Play(10, 6, 3, "t-42", "u-victim"));
  EXPECT_TRUE(Eventually(
      [&] { return server_->Stderr().find("pulse_webhook_failed") != std::string::npos; },
      seconds(30)))
      << server_->Stderr();
  EXPECT_THAT(server_->Stderr(), HasSubstr("certificate verify failed: IP address mismatch"));
  EXPECT_TRUE(receiver.Bodies(0).empty());
  ASSERT_NO_FATAL_FAILURE(Play(16, 1, 0));  // still serving
}

// A receiver that is restarting (a 503, then a connection closed without an
// answer) gets each of the scripted crisis' alerts once (a pile-on and the
// hostile share), and /metrics counts the two retries.
TEST_F(PulseTest, AWebhookReceiverThatIsRestartingGetsEachAlertOnceAfterRetries) {
  server::testing::WebhookReceiver receiver({.script = {{503}, {.hang_up = true}}});
  ASSERT_NO_FATAL_FAILURE(
      Start({"--pulse_clock=post_time", "--pulse_webhook_url=" + receiver.Url("/hook")}));
  ASSERT_NO_FATAL_FAILURE(Play(0, 10, 1));
  ASSERT_NO_FATAL_FAILURE(Play(10, 6, 3, "t-42", "u-victim"));
  const std::vector<std::string> accepted = receiver.Accepted(2, seconds(30));
  ASSERT_EQ(accepted.size(), 2u) << server_->Stderr();
  std::set<std::string> kinds, fingerprints;
  for (const std::string& body : accepted) {
    const nlohmann::json alert = nlohmann::json::parse(body)["alerts"][0];
    kinds.insert(alert["labels"]["kind"].get<std::string>());
    fingerprints.insert(alert["fingerprint"].get<std::string>());
  }
  EXPECT_EQ(fingerprints.size(), 2u) << "an alert arrived twice";
  EXPECT_TRUE(kinds.count("pile_on")) << server_->Stderr();
  EXPECT_EQ(receiver.Requests().size(), 4u);
  const std::string log = server_->Stderr();
  EXPECT_THAT(log, HasSubstr("\"error\":\"HTTP 503\""));
  EXPECT_THAT(log, HasSubstr("closed the connection without an answer"));
  EXPECT_THAT(log, HasSubstr("\"event\":\"pulse_webhook_delivered\""));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("pulse_webhook_gave_up")));
  // The server counts a delivery once it has read the answer.
  std::string metrics;
  EXPECT_TRUE(Eventually(
      [&] {
        metrics = HttpGet(server_->metrics_port(), "/metrics").body;
        return absl::StrContains(
            metrics, "moderation_pulse_webhook_deliveries_total{outcome=\"delivered\"} 2\n");
      },
      seconds(10)))
      << metrics;
  EXPECT_THAT(metrics,
              HasSubstr("moderation_pulse_webhook_deliveries_total{outcome=\"retried\"} 2\n"));
}

// SIGTERM while an alert waits to be retried: the server does not wait out
// the backoff; it logs the abandoned alert and exits promptly.
TEST_F(PulseTest, SigtermDoesNotWaitForAWebhookRetry) {
  server::testing::WebhookReceiver receiver({.status = 503});
  ASSERT_NO_FATAL_FAILURE(Start({"--pulse_clock=post_time", "--shutdown_grace=5s",
                                 "--pulse_webhook_url=" + receiver.Url("/hook")}));
  ASSERT_NO_FATAL_FAILURE(Play(0, 10, 1));
  ASSERT_NO_FATAL_FAILURE(Play(10, 6, 3, "t-42", "u-victim"));
  ASSERT_TRUE(Eventually(
      [&] { return server_->Stderr().find("pulse_webhook_failed") != std::string::npos; },
      seconds(30)))
      << server_->Stderr();
  const ExitInfo exit = server_->Stop(seconds(20));
  EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
  EXPECT_LT(exit.seconds, 3) << exit.Describe();
  EXPECT_THAT(server_->Stderr(), HasSubstr("\"event\":\"pulse_webhook_abandoned\""));
}

TEST(PulseWebhookStartupTest, AnUnreadableCaFileStopsTheStartNamingTheFlag) {
  ServerOptions options;
  options.flags = {"--pulse_webhook_url=https://127.0.0.1:9/hook",
                   "--pulse_webhook_ca_file=/nonexistent/webhook-ca.pem"};
  std::string error;
  std::unique_ptr<ServerProcess> server = ServerProcess::Start(options, &error);
  ASSERT_EQ(server, nullptr);
  EXPECT_THAT(error, HasSubstr("exited with 1"));
  EXPECT_THAT(error, HasSubstr("--pulse_webhook_ca_file: cannot read CA file "
                               "/nonexistent/webhook-ca.pem: No such file or directory"));
}

TEST(PulseWebhookStartupTest, ABadWebhookUrlStopsTheStartNamingTheFlag) {
  ServerOptions options;
  options.flags = {"--pulse_webhook_url=https://user:pw@alerts.example.org/hook"};
  std::string error;
  std::unique_ptr<ServerProcess> server = ServerProcess::Start(options, &error);
  ASSERT_EQ(server, nullptr);
  EXPECT_THAT(error, HasSubstr("exited with 2"));
  EXPECT_THAT(error, HasSubstr("--pulse_webhook_url: the URL has user information"));
}

}  // namespace
}  // namespace moderation::testing
