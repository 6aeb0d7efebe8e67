// Flags, their defaults, MODERATIOND_* environment variables and validation.
#include "server/config.h"

#include <stdlib.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace moderation::server {
namespace {

absl::StatusOr<ServerConfig> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "moderationd");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseServerConfig(static_cast<int>(argv.size()), argv.data());
}

TEST(ServerConfigTest, DefaultsAreTheDocumentedOnes) {
  absl::StatusOr<ServerConfig> c = Parse({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen, "127.0.0.1:50051");
  EXPECT_EQ(c->metrics_listen, "127.0.0.1:9464");
  EXPECT_EQ(c->rules, "rules");
  EXPECT_EQ(c->max_post_bytes, 65536);
  EXPECT_EQ(c->max_batch, 100);
  EXPECT_EQ(c->batch_workers, -1);
  EXPECT_TRUE(c->watch_rules);
  EXPECT_EQ(c->reload_debounce, absl::Milliseconds(300));
  EXPECT_EQ(c->unknown_community, "default");
}

TEST(ServerConfigTest, FlagsOverrideTheEnvironmentWhichOverridesDefaults) {
  setenv("MODERATIOND_MAX_BATCH", "7", 1);
  setenv("MODERATIOND_LISTEN", "0.0.0.0:1", 1);
  absl::StatusOr<ServerConfig> c = Parse({"--listen=127.0.0.1:2"});
  unsetenv("MODERATIOND_MAX_BATCH");
  unsetenv("MODERATIOND_LISTEN");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->max_batch, 7);
  EXPECT_EQ(c->listen, "127.0.0.1:2");
}

TEST(ServerConfigTest, ASecondParseStartsFromDefaultsAgain) {
  ASSERT_TRUE(Parse({"--max_batch=3"}).ok());
  absl::StatusOr<ServerConfig> c = Parse({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->max_batch, 100);
}

TEST(ServerConfigTest, InvalidValuesNameTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--max_batch=0"}, "--max_batch: must be > 0"},
      {{"--batch_workers=-2"}, "--batch_workers: must be >= -1"},
      {{"--max_post_bytes=-1"}, "--max_post_bytes: must be > 0"},
      {{"--tls_cert=a.pem"}, "--tls_key: --tls_cert and --tls_key go together"},
      {{"--tls_client_ca=ca.pem"}, "--tls_client_ca: needs --tls_cert"},
      {{"--log_level=loud"}, "--log_level: must be debug, info, warning or error"},
      {{"--unknown_community=fail"}, "--unknown_community: must be default or reject"},
      {{"--pulse_webhook_url=ftp://h/x"},
       "--pulse_webhook_url: the URL must start with http:// or https://"},
      {{"--pulse_webhook_url=https://:8443/x"}, "--pulse_webhook_url: the URL has no host"},
      {{"--pulse_webhook_ca_file=ca.pem"},
       "--pulse_webhook_ca_file: needs an https:// --pulse_webhook_url"},
      {{"--pulse_webhook_url=http://h/x", "--pulse_webhook_ca_file=ca.pem"},
       "--pulse_webhook_ca_file: needs an https:// --pulse_webhook_url"},
      {{"--pulse_webhook_max_attempts=0"},
       "--pulse_webhook_max_attempts: must be between 1 and 100"},
      {{"--pulse_webhook_deadline=0s"}, "--pulse_webhook_deadline: must be > 0"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ServerConfig> config = Parse(c.args);
    ASSERT_FALSE(config.ok()) << c.args[0];
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(config.status().message()).find(c.message), std::string::npos)
        << config.status();
  }
}

TEST(ServerConfigTest, UsageListsEveryFlagOnceInAGroupWithItsDefaultAndNoAbseilFlags) {
  const std::string usage = UsageText();
  for (const char* flag : {"listen=127.0.0.1:50051",
                           "metrics_listen=127.0.0.1:9464",
                           "port_file=\"\"",
                           "threads=0",
                           "batch_workers=-1",
                           "rules=rules",
                           "cache_dir=\"\"",
                           "watch_rules=true",
                           "reload_debounce=300ms",
                           "unknown_community=default",
                           "max_post_bytes=65536",
                           "max_batch=100",
                           "max_in_flight=4096",
                           "shutdown_grace=10s",
                           "tls_cert=",
                           "tls_key=",
                           "tls_client_ca=",
                           "admin_token_file=",
                           "log_level=info",
                           "audit_log=",
                           "audit_include_text=false"}) {
    const std::string needle = std::string("  --") + flag;
    const size_t at = usage.find(needle);
    EXPECT_NE(at, std::string::npos) << needle << " missing from:\n" << usage;
    const std::string name = needle.substr(0, needle.find('='));
    EXPECT_EQ(usage.find(name + "=", at + 1), std::string::npos) << name << " listed twice";
  }
  for (const char* group :
       {"Listening:", "Rules:", "Limits and shutdown:", "Security:", "Logs and audit:"}) {
    EXPECT_NE(usage.find(group), std::string::npos) << group;
  }
  EXPECT_EQ(usage.find("--flagfile"), std::string::npos);
  EXPECT_EQ(usage.find(".cc"), std::string::npos) << "no source paths";
}

TEST(ServerConfigTest, AnHttpsWebhookTakesAPrivateCaFile) {
  absl::StatusOr<ServerConfig> c = Parse(
      {"--pulse_webhook_url=https://alerts.internal:8443/hook", "--pulse_webhook_ca_file=ca.pem"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->pulse_webhook_url, "https://alerts.internal:8443/hook");
  EXPECT_EQ(c->pulse_webhook_ca_file, "ca.pem");
  setenv("MODERATIOND_PULSE_WEBHOOK_CA_FILE", "/etc/moderationd/webhook-ca.pem", 1);
  c = Parse({"--pulse_webhook_url=https://alerts.internal/hook"});
  unsetenv("MODERATIOND_PULSE_WEBHOOK_CA_FILE");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->pulse_webhook_ca_file, "/etc/moderationd/webhook-ca.pem");
}

TEST(ServerConfigTest, WebhookRetriesDefaultToFiveAttemptsWithinAMinute) {
  absl::StatusOr<ServerConfig> c = Parse({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->pulse_webhook_max_attempts, 5);
  EXPECT_EQ(c->pulse_webhook_deadline, absl::Seconds(60));
  setenv("MODERATIOND_PULSE_WEBHOOK_DEADLINE", "2m", 1);
  c = Parse({"--pulse_webhook_max_attempts=1"});
  unsetenv("MODERATIOND_PULSE_WEBHOOK_DEADLINE");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->pulse_webhook_max_attempts, 1);
  EXPECT_EQ(c->pulse_webhook_deadline, absl::Minutes(2));
  const std::string usage = UsageText();
  EXPECT_NE(usage.find("  --pulse_webhook_max_attempts=5\n"), std::string::npos) << usage;
  EXPECT_NE(usage.find("  --pulse_webhook_deadline=1m\n"), std::string::npos) << usage;
}

TEST(ServerConfigTest, HelpAndVersionAreCancelledSoMainExitsZero) {
  EXPECT_TRUE(absl::IsCancelled(Parse({"--help"}).status()));
  EXPECT_TRUE(absl::IsCancelled(Parse({"--max_batch=3", "--version"}).status()));
}

TEST(ServerConfigTest, ABadEnvironmentValueNamesTheVariable) {
  setenv("MODERATIOND_MAX_BATCH", "many", 1);
  absl::StatusOr<ServerConfig> c = Parse({});
  unsetenv("MODERATIOND_MAX_BATCH");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string(c.status().message()).find("MODERATIOND_MAX_BATCH"), std::string::npos)
      << c.status();
}

}  // namespace
}  // namespace moderation::server
