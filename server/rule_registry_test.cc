// Reloading: a good load publishes, a broken one keeps the last good rules,
// and snapshots taken before a reload stay valid.
#include "server/rule_registry.h"

#include <filesystem>
#include <fstream>

#include "engine/testing/temp_dir.h"
#include "gtest/gtest.h"

namespace moderation::server {
namespace {

namespace fs = std::filesystem;

std::string RuleFile(const std::string& version, const std::string& word) {
  return "ruleset: t\nversion: \"" + version +
         "\"\nrules:\n  - id: r\n    category: insult\n    words: [" + word +
         "]\n    action: block\n";
}

class RuleRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = std::tmpfile();
    logger_ = std::make_unique<Logger>(LogLevel::kInfo, log_);
    registry_ =
        std::make_unique<RuleRegistry>(dir_, RuleCatalog::Options{}, logger_.get(), &metrics_);
  }
  void TearDown() override {
    registry_.reset();
    std::fclose(log_);
  }
  void Write(const std::string& text) { std::ofstream(fs::path(dir_) / "t.yaml") << text; }
  std::string ActiveVersion() const {
    auto catalog = registry_->Current();
    return catalog ? catalog->ForCommunity("").value()->version() : "";
  }

  testing::TempDir temp_{"registry_test"};
  const std::string dir_ = temp_.path();
  std::FILE* log_ = nullptr;
  std::unique_ptr<Logger> logger_;
  Metrics metrics_;
  std::unique_ptr<RuleRegistry> registry_;
};

TEST_F(RuleRegistryTest, NothingIsActiveBeforeTheFirstSuccessfulLoad) {
  Write("ruleset: [broken");
  const ReloadOutcome outcome = registry_->Reload("startup");
  EXPECT_FALSE(outcome.ok);
  EXPECT_FALSE(outcome.errors.empty());
  EXPECT_EQ(registry_->Current(), nullptr);
}

TEST_F(RuleRegistryTest, AGoodLoadPublishesAndABrokenOneKeepsTheLastGoodRules) {
  Write(RuleFile("v1", "Trottel"));
  ASSERT_TRUE(registry_->Reload("startup").ok);
  EXPECT_EQ(ActiveVersion(), "v1");
  Write(RuleFile("v2", "Trottel") + "    scroe: 3\n");
  const ReloadOutcome failed = registry_->Reload("inotify");
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(ActiveVersion(), "v1");
  const RegistryStatus status = registry_->Status();
  EXPECT_FALSE(status.last_attempt_ok);
  ASSERT_FALSE(status.last_errors.empty());
  EXPECT_NE(status.last_errors[0].ToString().find("t.yaml:8:5: unknown key 'scroe'"),
            std::string::npos)
      << status.last_errors[0].ToString();
  Write(RuleFile("v3", "Trottel"));
  EXPECT_TRUE(registry_->Reload("SIGHUP").ok);
  EXPECT_EQ(ActiveVersion(), "v3");
  EXPECT_TRUE(registry_->Status().last_attempt_ok);
  EXPECT_TRUE(registry_->Status().last_errors.empty());
}

TEST_F(RuleRegistryTest, ASnapshotTakenBeforeAReloadKeepsJudgingWithItsOwnRules) {
  Write(RuleFile("v1", "Trottel"));
  ASSERT_TRUE(registry_->Reload("startup").ok);
  std::shared_ptr<const RuleCatalog> before = registry_->Current();
  Write(RuleFile("v2", "Pappnase"));
  ASSERT_TRUE(registry_->Reload("admin").ok);
  Post post;
  post.fields.push_back({"body", "Du Trottel"});
  EXPECT_EQ(before->ForCommunity("").value()->Evaluate(post)->verdict, Verdict::kBlock);
  EXPECT_EQ(registry_->Current()->ForCommunity("").value()->Evaluate(post)->verdict,
            Verdict::kAllow);
}

TEST_F(RuleRegistryTest, TheListenerHearsEveryAttemptAndMetricsCountThem) {
  int calls = 0, successes = 0;
  registry_->SetListener([&](const ReloadOutcome& o) {
    ++calls;
    successes += o.ok;
  });
  Write(RuleFile("v1", "Trottel"));
  registry_->Reload("startup");
  Write("rules: 3");
  registry_->Reload("inotify");
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(successes, 1);
  const std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("moderation_reloads_total{result=\"success\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("moderation_reloads_total{result=\"failure\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("version=\"v1\""), std::string::npos);
}

}  // namespace
}  // namespace moderation::server
