// Failure isolation with the real server: two communities, each with its own
// rule set; one set breaks. The other community reloads, the broken one keeps
// the rules that served it (or, after a restart, its last good rules from the
// cache directory), and with nothing to fall back on it answers UNAVAILABLE
// naming the broken file. ListRuleSets shows each community's state.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/testing/temp_dir.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "moderation/v1/rule_admin.grpc.pb.h"
#include "tests/server_fixture.h"

namespace moderation::testing {
namespace {

namespace v1 = ::moderation::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

std::string RuleSet(const std::string& id, const std::string& version, const std::string& word) {
  return absl::StrCat("ruleset: ", id, "\nversion: \"", version, "\"\nrules:\n  - id: ", id,
                      ".insult\n    category: insult\n    words: [", word,
                      "]\n    action: block\n");
}

// news-de uses the set "news" (blocks Blödmann), gaming-en the set "gaming"
// (blocks Trottel).
constexpr char kCommunities[] = "communities:\n  news-de: [news]\n  gaming-en: [gaming]\n";
const std::string kBrokenGaming = RuleSet("gaming", "g-2", "Trottel") + "    scroe: 1\n";

class IsolationTest : public ::testing::Test {
 protected:
  // Starts a server on `rules_dir`'s files with its own cache directory.
  void Start(const std::map<std::string, std::string>& files, const std::string& cache_dir) {
    ServerOptions options;
    options.rules_source = empty_rules_.path();
    options.rule_files = files;
    options.flags = {"--cache_dir=" + cache_dir};
    std::string error;
    server_ = ServerProcess::Start(options, &error);
    ASSERT_NE(server_, nullptr) << error;
    channel_ = server_->Channel();
    ASSERT_NE(channel_, nullptr);
    stub_ = v1::ModerationService::NewStub(channel_);
    admin_ = v1::RuleAdminService::NewStub(channel_);
  }

  void Stop() {
    if (server_ == nullptr) return;
    const ExitInfo exit = server_->Stop(seconds(15));
    EXPECT_TRUE(exit.exited && exit.code == 0) << exit.Describe();
    server_.reset();
  }

  void TearDown() override { Stop(); }

  grpc::Status Moderate(const std::string& community, const std::string& body,
                        v1::ModerateResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    v1::ModerateRequest request;
    request.mutable_post()->set_post_id("p");
    request.mutable_post()->set_community(community);
    request.mutable_post()->set_body(body);
    return stub_->Moderate(&context, request, response);
  }

  v1::ListRuleSetsResponse List() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    context.AddMetadata("authorization", "Bearer " + server_->admin_token());
    v1::ListRuleSetsResponse response;
    const grpc::Status status = admin_->ListRuleSets(&context, {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The community's entry in ListRuleSets (an empty one if missing).
  v1::ActiveRuleSet Entry(const std::string& community) {
    const v1::ListRuleSetsResponse list = List();
    for (const v1::ActiveRuleSet& a : list.active()) {
      if (a.community() == community) return a;
    }
    return {};
  }

  TempDir empty_rules_{"isolation"};
  std::unique_ptr<ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ModerationService::Stub> stub_;
  std::unique_ptr<v1::RuleAdminService::Stub> admin_;
};

TEST_F(IsolationTest, ABrokenSetHoldsBackOnlyItsCommunityWhichKeepsItsPreviousRules) {
  TempDir cache("isolation");
  ASSERT_NO_FATAL_FAILURE(Start({{"news.yaml", RuleSet("news", "n-1", "Blödmann")},
                                 {"gaming.yaml", RuleSet("gaming", "g-1", "Trottel")},
                                 {"communities.yaml", kCommunities}},
                                cache.path()));
  ASSERT_EQ(Entry("gaming-en").state(), v1::COMMUNITY_STATE_CURRENT);

  ASSERT_TRUE(server_->WriteRuleFile("gaming.yaml", kBrokenGaming));
  ASSERT_TRUE(server_->WriteRuleFile("news.yaml", RuleSet("news", "n-2", "Blödmann")));
  EXPECT_TRUE(Eventually(
      [&] { return Entry("news-de").ruleset().version().find("n-2") != std::string::npos; },
      seconds(15)))
      << List().DebugString();

  const v1::ActiveRuleSet news = Entry("news-de");
  EXPECT_EQ(news.state(), v1::COMMUNITY_STATE_CURRENT);
  EXPECT_EQ(news.problem(), "");
  const v1::ActiveRuleSet gaming = Entry("gaming-en");
  EXPECT_EQ(gaming.state(), v1::COMMUNITY_STATE_PREVIOUS) << gaming.DebugString();
  EXPECT_THAT(gaming.ruleset().version(), HasSubstr("g-1"));
  EXPECT_THAT(gaming.problem(), HasSubstr("rule set 'gaming' did not load (errors in "));
  EXPECT_THAT(gaming.problem(), HasSubstr("gaming.yaml"));
  const v1::ListRuleSetsResponse list = List();
  EXPECT_FALSE(list.last_attempt_ok());
  ASSERT_GE(list.last_errors_size(), 1);
  EXPECT_THAT(list.last_errors(0).file(), HasSubstr("gaming.yaml"));

  v1::ModerateResponse response;
  ASSERT_TRUE(Moderate("gaming-en", "Du Trottel", &response).ok());
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);
  EXPECT_THAT(response.ruleset().version(), HasSubstr("g-1"));
  ASSERT_TRUE(Moderate("news-de", "Du Blödmann", &response).ok());
  EXPECT_THAT(response.ruleset().version(), HasSubstr("n-2"));
}

TEST_F(IsolationTest, AtStartupABrokenSetIsServedFromTheLastGoodRulesInTheCache) {
  TempDir cache("isolation");
  ASSERT_NO_FATAL_FAILURE(Start({{"news.yaml", RuleSet("news", "n-1", "Blödmann")},
                                 {"gaming.yaml", RuleSet("gaming", "g-1", "Trottel")},
                                 {"communities.yaml", kCommunities}},
                                cache.path()));
  Stop();

  ASSERT_NO_FATAL_FAILURE(Start({{"news.yaml", RuleSet("news", "n-1", "Blödmann")},
                                 {"gaming.yaml", kBrokenGaming},
                                 {"communities.yaml", kCommunities}},
                                cache.path()));
  const v1::ActiveRuleSet gaming = Entry("gaming-en");
  EXPECT_EQ(gaming.state(), v1::COMMUNITY_STATE_LAST_GOOD) << gaming.DebugString();
  EXPECT_THAT(gaming.ruleset().version(), HasSubstr("g-1"));
  EXPECT_THAT(gaming.problem(), HasSubstr("gaming.yaml"));
  EXPECT_EQ(Entry("news-de").state(), v1::COMMUNITY_STATE_CURRENT);

  v1::ModerateResponse response;
  ASSERT_TRUE(Moderate("gaming-en", "Du Trottel", &response).ok());
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);
  ASSERT_TRUE(Moderate("news-de", "Du Blödmann", &response).ok());
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);
}

TEST_F(IsolationTest, AtStartupWithoutLastGoodRulesTheCommunityIsUnavailableNamingTheFile) {
  TempDir cache("isolation");
  ASSERT_NO_FATAL_FAILURE(Start({{"news.yaml", RuleSet("news", "n-1", "Blödmann")},
                                 {"gaming.yaml", kBrokenGaming},
                                 {"communities.yaml", kCommunities}},
                                cache.path()));
  const v1::ActiveRuleSet gaming = Entry("gaming-en");
  EXPECT_EQ(gaming.state(), v1::COMMUNITY_STATE_UNAVAILABLE) << gaming.DebugString();
  EXPECT_FALSE(gaming.has_ruleset());

  v1::ModerateResponse response;
  const grpc::Status status = Moderate("gaming-en", "Du Trottel", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("rule set 'gaming' did not load (errors in "));
  EXPECT_THAT(status.error_message(), HasSubstr("gaming.yaml"));
  ASSERT_TRUE(Moderate("news-de", "Du Blödmann", &response).ok());
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);

  // Fixing the file brings the community back.
  ASSERT_TRUE(server_->WriteRuleFile("gaming.yaml", RuleSet("gaming", "g-3", "Trottel")));
  EXPECT_TRUE(Eventually([&] { return Entry("gaming-en").state() == v1::COMMUNITY_STATE_CURRENT; },
                         seconds(15)));
  ASSERT_TRUE(Moderate("gaming-en", "Du Trottel", &response).ok());
  EXPECT_EQ(response.decision(), v1::DECISION_BLOCK);
}

}  // namespace
}  // namespace moderation::testing
