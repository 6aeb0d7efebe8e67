// The scripted crisis day (tests/crisis/crisis_day.h) through the real
// moderationd at accelerated time (--pulse_clock=post_time), judged by
// tests/crisis/rules (issue 12 §5), and the /pulse page in a real browser
// (headless Chromium, issue 12 §4).
//
// Stated delays, in simulated time (alerts are evaluated once a minute over
// the last 10 complete minutes):
//   pile-on (10:00-10:20):  pile_on thread:t-wahl opens within 5 minutes of
//                           its start and ends within 15 minutes of its end;
//   raid (14:00-14:15):     raid "near_duplicates" and raid "" (new
//                           accounts) open within 5 minutes, end within 15;
//   hate (rises from 17:00, peaks 18:00, stops 18:30): category_share
//                           "hate" opens within 45 minutes of 17:00, ends
//                           within 20 minutes of 18:30.
// An ordinary day (the same traffic without the events) raises no alert.
//
// Every RPC has a deadline, every wait and the browser a timeout; ports are
// 127.0.0.1 and chosen by the kernel.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "tests/alert_collector.h"
#include "tests/crisis/crisis_day.h"
#include "tests/process_runner.h"
#include "tests/server_fixture.h"

namespace moderation::testing {
namespace {

namespace v1 = ::moderation::v1;
using S = CrisisSchedule;
using ::testing::HasSubstr;

constexpr char kChromium[] = "/usr/bin/chromium";

int64_t At(int minute) { return kCrisisMonday + int64_t{minute} * 60; }

class CrisisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.rules_source = std::string(REPO_ROOT) + "/tests/crisis/rules";
    options.flags = {"--pulse_clock=post_time"};
    std::string error;
    server_ = ServerProcess::Start(options, &error);
    ASSERT_NE(server_, nullptr) << error;
    moderation_ = v1::ModerationService::NewStub(server_->Channel());
    collector_ = std::make_unique<AlertCollector>(server_->Channel(), server_->admin_token(),
                                                  std::chrono::seconds(600));
  }
  void TearDown() override {
    if (collector_ != nullptr) collector_->Stop();
    if (server_ != nullptr) {
      ExitInfo exit = server_->Stop(std::chrono::seconds(20));
      EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
    }
  }

  // Plays minutes [from, to) of `day` in batches of 100.
  void Play(CrisisDay& day, int from, int to) {
    v1::ModerateBatchRequest batch;
    for (int m = from; m < to; ++m) {
      for (v1::ModerateRequest& r : day.Minute(m)) {
        const v1::Author& author = r.post().author();
        if (author.id().starts_with("raider-")) raid_posts_.insert(r.post().post_id());
        if (author.account_age_days() < 7) new_account_posts_.insert(r.post().post_id());
        *batch.add_requests() = std::move(r);
        if (batch.requests_size() == 100) {
          ASSERT_NO_FATAL_FAILURE(Send(&batch));
        }
      }
    }
    if (batch.requests_size() > 0) {
      ASSERT_NO_FATAL_FAILURE(Send(&batch));
    }
  }
  void Send(v1::ModerateBatchRequest* batch) {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ModerateBatchResponse response;
    const grpc::Status status = moderation_->ModerateBatch(&context, *batch, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.errors_size(), 0) << response.errors(0).DebugString();
    batch->clear_requests();
  }

  // The alert of `kind` and `subject` in `community` that opened, and its
  // end if it ended (end.id() == 0 if not).
  struct Seen {
    v1::PulseAlert opened;
    v1::PulseAlert ended;
  };
  Seen Find(const std::string& community, v1::AlertKind kind, const std::string& subject) const {
    Seen seen;
    for (const v1::PulseAlert& a : collector_->alerts()) {
      if (a.community() != community || a.kind() != kind || a.subject() != subject) continue;
      (a.has_ended_at() ? seen.ended : seen.opened) = a;
    }
    return seen;
  }

  // The ids of the raid's posts and of all posts from new accounts, as played.
  std::set<std::string> raid_posts_;
  std::set<std::string> new_account_posts_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::ModerationService::Stub> moderation_;
  std::unique_ptr<AlertCollector> collector_;
};

// Checks that an alert opened in [start, start + open_within] and ended in
// (end, end + end_within] minutes.
void ExpectOpenedAndEnded(const v1::PulseAlert& opened, const v1::PulseAlert& ended, int start,
                          int open_within, int end, int end_within, const std::string& what) {
  ASSERT_NE(opened.id(), 0u) << what << " never opened";
  EXPECT_GE(opened.started_at().seconds(), At(start)) << what;
  EXPECT_LE(opened.started_at().seconds(), At(start + open_within)) << what;
  ASSERT_EQ(ended.id(), opened.id()) << what << " never ended";
  EXPECT_GT(ended.ended_at().seconds(), At(end)) << what;
  EXPECT_LE(ended.ended_at().seconds(), At(end + end_within)) << what;
}

TEST_F(CrisisTest, EachCrisisOfTheScriptedDayRaisesItsAlertInTimeAndItClears) {
  CrisisDay day(CrisisOptions{});
  ASSERT_NO_FATAL_FAILURE(Play(day, 0, day.minutes()));
  // The last alert ends at about 18:40; the day runs to midnight, so every
  // change has been sent by the time the last batch is answered.
  ASSERT_TRUE(collector_->WaitFor([](const v1::PulseAlert& a) {
    return a.kind() == v1::ALERT_KIND_CATEGORY_SHARE && a.subject() == "hate" && a.has_ended_at();
  }));
  Seen pile_on = Find("news-de", v1::ALERT_KIND_PILE_ON, "thread:t-wahl");
  ExpectOpenedAndEnded(pile_on.opened, pile_on.ended, S::kPileOnStart, 5, S::kPileOnEnd, 15,
                       "pile-on");
  EXPECT_GE(pile_on.opened.example_post_ids_size(), 1);
  // Its shares: most of news-de's hostile posts, and a thread whose own
  // posts are all insults where the rest has a few per cent.
  ASSERT_TRUE(pile_on.opened.has_pile_on());
  EXPECT_GE(pile_on.opened.pile_on().share_of_hostile(), 0.4);
  EXPECT_GE(pile_on.opened.pile_on().subject_posts(), 8);
  EXPECT_GT(pile_on.opened.pile_on().subject_hostile_share(), 0.9);
  EXPECT_LT(pile_on.opened.pile_on().others_hostile_share(), 0.1);
  EXPECT_GE(pile_on.opened.z(), 4);
  Seen target = Find("news-de", v1::ALERT_KIND_PILE_ON, "target:u-kandidatin");
  ExpectOpenedAndEnded(target.opened, target.ended, S::kPileOnStart, 5, S::kPileOnEnd, 15,
                       "pile-on against the author");
  Seen copies = Find("lokal-de", v1::ALERT_KIND_RAID, "near_duplicates");
  ExpectOpenedAndEnded(copies.opened, copies.ended, S::kRaidStart, 5, S::kRaidEnd, 15,
                       "raid of near-duplicates");
  Seen newcomers = Find("lokal-de", v1::ALERT_KIND_RAID, "");
  ExpectOpenedAndEnded(newcomers.opened, newcomers.ended, S::kRaidStart, 5, S::kRaidEnd, 15,
                       "raid of new accounts");
  // The raid doubles lokal-de's volume: a volume spike, over when the raid is.
  Seen spike = Find("lokal-de", v1::ALERT_KIND_VOLUME_SPIKE, "");
  ExpectOpenedAndEnded(spike.opened, spike.ended, S::kRaidStart, 5, S::kRaidEnd, 15,
                       "volume spike of the raid");
  // A raid's examples are its own posts: the copies, or the new accounts'.
  EXPECT_EQ(copies.opened.example_post_ids_size(), 5);
  for (const std::string& id : copies.opened.example_post_ids()) {
    EXPECT_TRUE(raid_posts_.contains(id)) << id << " is not a raider's copy";
  }
  EXPECT_EQ(newcomers.opened.example_post_ids_size(), 5);
  for (const std::string& id : newcomers.opened.example_post_ids()) {
    EXPECT_TRUE(new_account_posts_.contains(id)) << id << " is not a new account's post";
  }
  Seen hate = Find("sport-de", v1::ALERT_KIND_CATEGORY_SHARE, "hate");
  ExpectOpenedAndEnded(hate.opened, hate.ended, S::kHateStart, 45, S::kHateEnd, 20,
                       "slow rise of hate");
  ASSERT_GT(hate.opened.top_rules_size(), 0);
  EXPECT_EQ(hate.opened.top_rules(0).rule_id(), "crisis.hate");
  // Each crisis alerts in its own community only, and only the pile-on
  // opens pile_on alerts: the rise of hate, spread over ten threads an
  // hour, opens none.
  for (const v1::PulseAlert& a : collector_->alerts()) {
    if (a.kind() == v1::ALERT_KIND_PILE_ON) {
      EXPECT_TRUE(a.subject() == "thread:t-wahl" || a.subject() == "target:u-kandidatin")
          << a.DebugString();
    }
    const int64_t t = a.started_at().seconds();
    if (a.community() == "news-de") {
      EXPECT_TRUE(t >= At(S::kPileOnStart) && t <= At(S::kPileOnEnd)) << a.DebugString();
    } else if (a.community() == "lokal-de") {
      EXPECT_TRUE(t >= At(S::kRaidStart) && t <= At(S::kRaidEnd)) << a.DebugString();
    } else {
      EXPECT_EQ(a.community(), "sport-de") << a.DebugString();
      EXPECT_TRUE(t >= At(S::kHateStart) && t <= At(S::kHateEnd)) << a.DebugString();
    }
  }
}

// The same day with the derby's thread carrying 70 % of sport-de's posts
// from 16:00 (derby_thread_share): the rise of hate lands mostly in that
// thread, which then holds most of the community's hostile posts, yet its
// own posts are no more hostile than the rest's: no pile_on (the pile-on
// test weighs the subject's own hostile share, DetectorOptions), while the
// hate alert still opens and t-wahl's pile-on still does.
TEST_F(CrisisTest, ADerbyThreadCarryingMostOfTheRiseOfHateOpensNoPileOn) {
  CrisisOptions derby;
  derby.derby_thread_share = 0.7;
  CrisisDay day(derby);
  ASSERT_NO_FATAL_FAILURE(Play(day, 0, S::kHateEnd + 30));
  ASSERT_TRUE(collector_->WaitFor([](const v1::PulseAlert& a) {
    return a.kind() == v1::ALERT_KIND_CATEGORY_SHARE && a.subject() == "hate" && a.has_ended_at();
  }));
  std::set<std::string> piled_on;
  for (const v1::PulseAlert& a : collector_->alerts()) {
    if (a.kind() == v1::ALERT_KIND_PILE_ON) piled_on.insert(a.community() + " " + a.subject());
  }
  EXPECT_EQ(piled_on,
            (std::set<std::string>{"news-de target:u-kandidatin", "news-de thread:t-wahl"}));
}

TEST_F(CrisisTest, AnOrdinaryDayRaisesNoAlert) {
  CrisisOptions ordinary;
  ordinary.events = false;
  CrisisDay day(ordinary);
  ASSERT_NO_FATAL_FAILURE(Play(day, 0, day.minutes()));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // any change in flight
  for (const v1::PulseAlert& a : collector_->alerts()) ADD_FAILURE() << a.DebugString();
}

// The /pulse page of the day at 14:10 (the raid under way, the pile-on
// over), loaded by headless Chromium: the DOM it renders has the ranking
// and the detail of the most hostile community, and a screenshot is kept
// as a test artifact (ARTIFACT_DIR/pulse_page.png).
TEST_F(CrisisTest, ThePulsePageInAHeadlessBrowserShowsTheRankingAndTheCrisis) {
  ASSERT_TRUE(std::filesystem::exists(kChromium))
      << kChromium << " is missing: scripts/install-deps.sh installs Debian's chromium";
  CrisisDay day(CrisisOptions{});
  ASSERT_NO_FATAL_FAILURE(Play(day, 0, S::kRaidStart + 10));
  ASSERT_TRUE(collector_->WaitFor([](const v1::PulseAlert& a) {
    return a.kind() == v1::ALERT_KIND_RAID && !a.has_ended_at();
  }));
  const int port = server_->metrics_port();
  // Without the token: refused, and nothing of the pulse in the answer.
  const HttpResponse refused = HttpGet(port, "/pulse");
  EXPECT_EQ(refused.status, 401);
  EXPECT_THAT(refused.body, ::testing::Not(HasSubstr("lokal-de")));
  EXPECT_EQ(HttpGet(port, "/pulse?token=wrong").status, 403);

  const std::string profile = MakeTempDir("chromium");
  const std::string url = absl::StrCat(
      "http://127.0.0.1:", port, "/pulse?token=", server_->admin_token(), "&community=lokal-de");
  const std::vector<std::string> browser = {kChromium,
                                            "--headless",
                                            "--no-sandbox",
                                            "--disable-gpu",
                                            "--no-first-run",
                                            "--disable-extensions",
                                            "--user-data-dir=" + profile,
                                            "--window-size=1280,1700"};
  std::vector<std::string> dump = browser;
  dump.push_back("--dump-dom");
  dump.push_back(url);
  ProcessOptions limits;
  limits.timeout = std::chrono::seconds(90);
  const ProcessResult dom = RunProcess(dump, limits);
  ASSERT_EQ(dom.exit_code, 0) << dom.spawn_error << dom.err;
  // The ranking: all three communities, lokal-de (the raid) among them,
  // each with its two sparklines.
  for (const char* community : {"news-de", "sport-de", "lokal-de"}) {
    EXPECT_THAT(dom.out, HasSubstr(absl::StrCat("data-community=\"", community, "\"")));
  }
  EXPECT_THAT(dom.out, HasSubstr("id=\"ranking\""));
  EXPECT_THAT(dom.out, HasSubstr("aria-label=\"posts per minute\""));
  EXPECT_THAT(dom.out, HasSubstr("aria-label=\"hostile share per minute\""));
  // The detail of lokal-de: mood, the category chart, topics, heatmap, and
  // the open raid alerts.
  EXPECT_THAT(dom.out, HasSubstr("<section id=\"detail\" data-community=\"lokal-de\""));
  EXPECT_THAT(dom.out, HasSubstr("id=\"mood\""));
  EXPECT_THAT(dom.out, HasSubstr("id=\"categories\""));
  EXPECT_THAT(dom.out, HasSubstr("id=\"heatmap\""));
  EXPECT_THAT(dom.out, HasSubstr("id=\"topics\""));
  EXPECT_THAT(dom.out, HasSubstr("<td>raid</td><td>near_duplicates</td>"));
  // The raid's word is rising, as the folded view spells it (full case
  // folding: "Umgehungsstraße" and "Umgehungsstrasse" are one topic).
  EXPECT_THAT(dom.out, HasSubstr("umgehungsstrasse"));

  const std::string artifact_dir = ARTIFACT_DIR;
  std::filesystem::create_directories(artifact_dir);
  const std::string png = artifact_dir + "/pulse_page.png";
  std::filesystem::remove(png);
  std::vector<std::string> shot = browser;
  shot.push_back("--screenshot=" + png);
  shot.push_back(url);
  const ProcessResult screenshot = RunProcess(shot, limits);
  ASSERT_EQ(screenshot.exit_code, 0) << screenshot.spawn_error << screenshot.err;
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20000u) << "a blank page?";
  std::filesystem::remove_all(profile);
}

}  // namespace
}  // namespace moderation::testing
