#include "server/metrics.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The value of the sample whose name and labels are exactly `series`
// (e.g. `moderation_open_streams` or `x{a="b"}`), or nullopt if absent.
std::optional<std::string> SampleValue(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return line.substr(series.size() + 1);
    }
  }
  return std::nullopt;
}

TEST(MetricsTest, CountersRenderTheRecordedCounts) {
  Metrics m;
  m.RecordRequest("Moderate", 0, 0.001);
  m.RecordRequest("Moderate", 0, 0.001);
  m.RecordRequest("Moderate", 3, 0.001);
  m.RecordRequest("ModerateStream", 99, 0.001);
  m.RecordDecision("games", "insult", "block");
  m.RecordDecision("games", "insult", "block");
  m.RecordDecision("games", "threat", "block");
  m.RecordDecision("", "", "allow");
  m.RecordRuleHit("spam.links", "spam");
  m.RecordCommunityRuleHit("games", "spam.links", /*shadow=*/true);
  m.RecordCommunityRuleHit("games", "de.insult", /*shadow=*/false);
  m.RecordCommunityRuleHit("games", "de.insult", /*shadow=*/false);
  m.RecordReload(true, 100);
  m.RecordReload(false, 200);
  m.RecordReload(false, 300);
  const std::string text = m.RenderPrometheus();

  struct Case {
    std::string series;
    std::string value;
  };
  const std::vector<Case> cases = {
      {R"(grpc_server_handled_total{grpc_type="unary",grpc_service="moderation.v1.ModerationService",grpc_method="Moderate",grpc_code="OK"})",
       "2"},
      {R"(grpc_server_handled_total{grpc_type="unary",grpc_service="moderation.v1.ModerationService",grpc_method="Moderate",grpc_code="InvalidArgument"})",
       "1"},
      {R"(grpc_server_handled_total{grpc_type="bidi_stream",grpc_service="moderation.v1.ModerationService",grpc_method="ModerateStream",grpc_code="99"})",
       "1"},
      {R"(grpc_server_msg_received_total{grpc_type="unary",grpc_service="moderation.v1.ModerationService",grpc_method="Moderate"})",
       "3"},
      {R"(grpc_server_msg_sent_total{grpc_type="unary",grpc_service="moderation.v1.ModerationService",grpc_method="Moderate"})",
       "2"},
      {R"(moderation_decisions_total{community="games",category="insult",decision="block"})", "2"},
      {R"(moderation_decisions_total{community="games",category="threat",decision="block"})", "1"},
      {R"(moderation_decisions_total{community="",category="",decision="allow"})", "1"},
      {R"(moderation_rule_hits_total{rule="spam.links",category="spam"})", "1"},
      {R"(moderation_community_rule_hits_total{community="games",rule="spam.links",mode="shadow"})",
       "1"},
      {R"(moderation_community_rule_hits_total{community="games",rule="de.insult",mode="enforce"})",
       "2"},
      {R"(moderation_reloads_total{result="success"})", "1"},
      {R"(moderation_reloads_total{result="failure"})", "2"},
      {R"(moderation_last_reload_timestamp_seconds{result="success"})", "100"},
      {R"(moderation_last_reload_timestamp_seconds{result="failure"})", "300"},
      {"moderation_last_reload_success", "0"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SampleValue(text, c.series), c.value) << c.series << "\n" << text;
  }
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  Metrics m;
  m.RecordEngineLatency(0.5e-6);  // first bucket
  m.RecordEngineLatency(1e-6);    // le is inclusive: still the first bucket
  m.RecordEngineLatency(3e-3);
  m.RecordEngineLatency(2.0);  // above 1 s: only +Inf
  const std::string text = m.RenderPrometheus();

  struct Case {
    std::string le;
    std::string count;
  };
  const std::vector<Case> cases = {
      {"1e-06", "2"}, {"2.5e-06", "2"}, {"0.0025", "2"}, {"0.005", "3"}, {"1", "3"}, {"+Inf", "4"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SampleValue(text, "moderation_engine_latency_seconds_bucket{le=\"" + c.le + "\"}"),
              c.count)
        << "le=" << c.le;
  }
  EXPECT_EQ(SampleValue(text, "moderation_engine_latency_seconds_count"), "4");
  const std::optional<std::string> sum = SampleValue(text, "moderation_engine_latency_seconds_sum");
  ASSERT_TRUE(sum.has_value());
  EXPECT_NEAR(std::stod(*sum), 0.5e-6 + 1e-6 + 3e-3 + 2.0, 1e-12);
}

TEST(MetricsTest, RpcLatencyIsAHistogramPerMethod) {
  Metrics m;
  m.RecordRequest("Moderate", 0, 2e-4);
  m.RecordRequest("ListRuleSets", 0, 0.2);
  const std::string text = m.RenderPrometheus();
  EXPECT_EQ(
      SampleValue(
          text,
          R"(grpc_server_handling_seconds_bucket{grpc_type="unary",grpc_service="moderation.v1.ModerationService",grpc_method="Moderate",le="0.00025"})"),
      "1");
  EXPECT_EQ(
      SampleValue(
          text,
          R"(grpc_server_handling_seconds_bucket{grpc_type="unary",grpc_service="moderation.v1.ModerationService",grpc_method="ListRuleSets",le="0.1"})"),
      "0");
  EXPECT_EQ(
      SampleValue(
          text,
          R"(grpc_server_handling_seconds_count{grpc_type="unary",grpc_service="moderation.v1.ModerationService",grpc_method="ListRuleSets"})"),
      "1");
}

TEST(MetricsTest, GaugesFollowIncrementsAndDecrements) {
  Metrics m;
  m.AddInFlight(3);
  m.AddInFlight(-1);
  m.AddOpenStreams(1);
  m.AddOpenStreams(-1);
  m.SetMaxInFlight(4096);
  m.SetReady(true);
  const std::string text = m.RenderPrometheus();
  EXPECT_EQ(SampleValue(text, "moderation_in_flight_posts"), "2");
  EXPECT_EQ(SampleValue(text, "moderation_max_in_flight_posts"), "4096");
  EXPECT_EQ(SampleValue(text, "moderation_ready"), "1");
  EXPECT_EQ(SampleValue(text, "moderation_open_streams"), "0");
}

TEST(MetricsTest, LastReloadSuccessReflectsTheLatestAttempt) {
  Metrics m;
  m.RecordReload(false, 10);
  m.RecordReload(true, 20);
  EXPECT_EQ(SampleValue(m.RenderPrometheus(), "moderation_last_reload_success"), "1");
}

TEST(MetricsTest, ResultsWithoutReloadsHaveNoTimestamp) {
  Metrics m;
  m.RecordReload(true, 20);
  const std::string text = m.RenderPrometheus();
  EXPECT_THAT(text, Not(HasSubstr(R"(last_reload_timestamp_seconds{result="failure"})")));
  EXPECT_EQ(SampleValue(text, R"(moderation_reloads_total{result="failure"})"), "0");
}

TEST(MetricsTest, LabelValuesAreEscapedPerTheExpositionFormat) {
  struct Case {
    std::string raw;
    std::string rendered;
  };
  const std::vector<Case> cases = {
      {R"(back\slash)", R"(back\\slash)"},
      {R"(say "hi")", R"(say \"hi\")"},
      {"two\nlines", R"(two\nlines)"},
      {"caf\xC3\xA9", "caf\xC3\xA9"},            // valid UTF-8 passes through
      {"bad\xFF", "bad\xEF\xBF\xBD"},            // invalid byte becomes U+FFFD
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},  // overlong encoding is invalid
  };
  for (const Case& c : cases) {
    Metrics m;
    m.RecordRuleHit(c.raw);
    EXPECT_EQ(SampleValue(m.RenderPrometheus(),
                          "moderation_rule_hits_total{rule=\"" + c.rendered + "\",category=\"\"}"),
              "1")
        << c.raw;
  }
}

TEST(MetricsTest, LabelValuesBeyondTheLimitAreCountedAsOther) {
  Metrics m;
  for (size_t i = 0; i < kMaxLabelValues; ++i) m.RecordRuleHit("rule" + std::to_string(i));
  m.RecordRuleHit("rule0");  // already known: keeps its own series
  m.RecordRuleHit("late1");
  m.RecordRuleHit("late2");
  for (size_t i = 0; i < kMaxLabelValues; ++i) {
    m.RecordDecision("c" + std::to_string(i), "", "allow");
  }
  m.RecordDecision("late", "insult", "block");
  const std::string text = m.RenderPrometheus();

  EXPECT_EQ(SampleValue(text, R"(moderation_rule_hits_total{rule="rule0",category=""})"), "2");
  EXPECT_EQ(SampleValue(text, R"(moderation_rule_hits_total{rule="other",category=""})"), "2");
  EXPECT_THAT(text, Not(HasSubstr("late1")));
  // The decision is not client-controlled, so it survives the overflow.
  EXPECT_EQ(
      SampleValue(
          text,
          R"(moderation_decisions_total{community="other",category="other",decision="block"})"),
      "1");
}

TEST(MetricsTest, ConcurrentRecordingFromManyThreadsSumsExactly) {
  Metrics m;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Half the threads share label values, half race to create new ones.
        m.RecordRequest(t % 2 ? "Moderate" : "rpc" + std::to_string(i % 50), 0, 1e-5);
        m.RecordRuleHit("shared");
        m.RecordEngineLatency(1e-5);
        m.AddInFlight(1);
        m.AddInFlight(-1);
        if (i % 1000 == 0) m.RenderPrometheus();  // scrapes race with updates
      }
    });
  }
  for (std::thread& th : threads) th.join();
  const std::string text = m.RenderPrometheus();
  EXPECT_EQ(SampleValue(text, R"(moderation_rule_hits_total{rule="shared",category=""})"),
            std::to_string(kThreads * kPerThread));
  EXPECT_EQ(
      SampleValue(
          text,
          R"(grpc_server_handled_total{grpc_type="unary",grpc_service="moderation.v1.ModerationService",grpc_method="Moderate",grpc_code="OK"})"),
      std::to_string(kThreads / 2 * kPerThread));
  EXPECT_EQ(
      SampleValue(
          text,
          R"(grpc_server_handled_total{grpc_type="unary",grpc_service="moderation.v1.ModerationService",grpc_method="rpc7",grpc_code="OK"})"),
      std::to_string(kThreads / 2 * kPerThread / 50));
  EXPECT_EQ(SampleValue(text, "moderation_engine_latency_seconds_count"),
            std::to_string(kThreads * kPerThread));
  EXPECT_EQ(SampleValue(text, "moderation_in_flight_posts"), "0");
}

TEST(MetricsTest, SetRuleSetsReplacesThePreviousSets) {
  Metrics m;
  m.SetRuleSets({{"", "default", "v1", "aaa"}, {"games", "games", "v1", "bbb"}});
  m.SetRuleSets({{"", "default", "v2", "ccc"}});
  const std::string text = m.RenderPrometheus();
  EXPECT_EQ(
      SampleValue(
          text,
          R"(moderation_ruleset_info{community="",ruleset="default",version="v2",hash="ccc"})"),
      "1");
  EXPECT_THAT(text, Not(HasSubstr("aaa")));
  EXPECT_THAT(text, Not(HasSubstr("games")));
}

TEST(MetricsTest, RuleSetSizesAreOnePerCompiledSetAndProcessSeriesAreReal) {
  Metrics m;
  m.SetRuleSets(
      {{"", "de+spam", "v1", "aaa", 120, 1.5}, {"news-de", "de+spam", "v1", "aaa", 120, 1.5}});
  const std::string text = m.RenderPrometheus();
  EXPECT_EQ(SampleValue(text, R"(moderation_ruleset_rules{ruleset="de+spam"})"), "120");
  EXPECT_EQ(SampleValue(text, R"(moderation_ruleset_compile_seconds{ruleset="de+spam"})"), "1.5");
  EXPECT_EQ(text.find("moderation_ruleset_rules{"), text.rfind("moderation_ruleset_rules{"));
  // This test process has a start time and open files.
  const std::optional<std::string> start = SampleValue(text, "process_start_time_seconds");
  ASSERT_TRUE(start.has_value());
  EXPECT_GT(std::stod(*start), 1.7e9);
  ASSERT_TRUE(SampleValue(text, "process_open_fds").has_value());
  EXPECT_GE(std::stod(*SampleValue(text, "process_open_fds")), 3);
  EXPECT_GT(std::stod(*SampleValue(text, "process_resident_memory_bytes")), 1e6);
}

TEST(MetricsTest, EveryFamilyHasHelpAndTypeEvenBeforeAnyRecording) {
  const std::string text = Metrics().RenderPrometheus();
  const std::vector<std::string> families = {
      "moderation_decisions_total",
      "moderation_rule_hits_total",
      "moderation_community_rule_hits_total",
      "moderation_engine_latency_seconds",
      "moderation_in_flight_posts",
      "moderation_max_in_flight_posts",
      "moderation_ready",
      "moderation_open_streams",
      "moderation_ruleset_info",
      "moderation_ruleset_rules",
      "moderation_ruleset_compile_seconds",
      "moderation_reloads_total",
      "moderation_last_reload_timestamp_seconds",
      "moderation_last_reload_success",
      "grpc_server_handled_total",
      "grpc_server_handling_seconds",
      "grpc_server_msg_received_total",
      "grpc_server_msg_sent_total",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "process_open_fds",
      "process_max_fds",
      "process_start_time_seconds",
  };
  for (const std::string& f : families) {
    EXPECT_THAT(text, HasSubstr("# HELP " + f + " ")) << f;
    EXPECT_THAT(text, HasSubstr("# TYPE " + f + " ")) << f;
  }
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
}

// Runs `promtool check metrics` on text; returns its exit status and output.
std::pair<int, std::string> RunPromtool(const std::string& text) {
  char path[] = "/tmp/metrics_test_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return {-1, "mkstemp failed"};
  close(fd);
  std::ofstream(path) << text;
  const std::string command = std::string("/usr/bin/promtool check metrics < ") + path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buf[512];
  while (pipe != nullptr && fgets(buf, sizeof(buf), pipe) != nullptr) output += buf;
  const int status = pipe != nullptr ? pclose(pipe) : -1;
  unlink(path);
  return {status, output};
}

TEST(MetricsTest, PromtoolAcceptsTheExpositionWithoutLintWarnings) {
  if (access("/usr/bin/promtool", X_OK) != 0) GTEST_SKIP() << "promtool is not installed";
  Metrics populated;
  populated.RecordRequest("Moderate", 0, 1.2e-4);
  populated.RecordRequest("ModerateStream", 14, 3.0);
  populated.RecordDecision("", "", "allow");
  populated.RecordDecision("we \"quote\"\\ and\nbreak \xFF", "insult", "block");
  populated.RecordRuleHit("spam.links");
  populated.RecordEngineLatency(2e-6);
  populated.AddInFlight(1);
  populated.AddOpenStreams(2);
  populated.SetRuleSets(
      {{"", "default", "v1", "abc", 12, 0.5}, {"games", "games", "v3", "def", 3, 0.25}});
  populated.SetBuildInfo({"v1-2-gabc", "RelWithDebInfo", "5.4.0", "20220601", "1.51.1", "3.21.12"});
  populated.SetMaxInFlight(4096);
  populated.SetReady(true);
  populated.RecordStreamPost("ModerateStream");
  populated.RecordReload(true, 1700000000.5);
  populated.RecordReload(false, 1700000100.25);

  Metrics empty;
  for (const Metrics* m : {&populated, &empty}) {
    const auto [status, output] = RunPromtool(m->RenderPrometheus());
    EXPECT_EQ(status, 0) << output;
    EXPECT_EQ(output, "");
  }
}

}  // namespace
}  // namespace moderation::server
