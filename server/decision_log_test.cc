#include "server/decision_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/testing/temp_dir.h"

namespace moderation::server {
namespace {

using nlohmann::json;

// 2026-11-23T10:15:00Z, a Monday.
const absl::Time kMonday1015 = absl::FromUnixSeconds(1795428900);

Post SamplePost(const std::string& id) {
  Post post;
  post.id = id;
  post.community = "news-de";
  post.author.id = "author-7";
  post.fields = {{"body", "Du Blödmann, ich bring dich um"}};
  return post;
}

RuleHit Hit(const std::string& rule, const std::string& category, rules::Action action) {
  RuleHit hit;
  hit.rule_id = rule;
  hit.ruleset_id = "de";
  hit.category = category;
  hit.action = action;
  hit.score = action == rules::Action::kScore ? 5 : 0;
  hit.spans = {{"body", 3, 11, "Blödmann"}};
  hit.dsa_category = "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH";
  hit.dsa_terms_ground = "Netiquette 2";
  hit.dsa_territorial_scope = {"DE", "AT"};
  return hit;
}

Decision MakeDecision(Verdict verdict, std::vector<RuleHit> hits,
                      std::vector<RuleHit> shadow = {}) {
  Decision decision;
  decision.verdict = verdict;
  decision.hits = std::move(hits);
  decision.shadow_hits = std::move(shadow);
  decision.ruleset_id = "de+pii";
  decision.ruleset_version = "de@1,pii@1";
  decision.ruleset_hash = "sha256:00";
  return decision;
}

class DecisionLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<DecisionLog> OpenLog(bool allow_in_full = false, bool include_text = false) {
    DecisionLog::Options options;
    options.path = path_;
    options.replica = "r1";
    options.flush_interval = absl::ZeroDuration();
    options.allow_in_full = allow_in_full;
    options.include_text = include_text;
    auto log = DecisionLog::Open(options);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  static std::vector<json> ReadLines(const std::string& path) {
    std::ifstream in(path);
    std::vector<json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
  }

  static std::vector<json> OfType(const std::vector<json>& lines, const std::string& type) {
    std::vector<json> out;
    for (const json& line : lines) {
      if (line.at("type") == type) out.push_back(line);
    }
    return out;
  }

  static int64_t CountedPosts(const std::vector<json>& lines) {
    int64_t posts = 0;
    for (const json& line : OfType(lines, "counts")) posts += line.at("posts").get<int64_t>();
    return posts;
  }

  testing::TempDir temp_{"decision_log"};
  const std::filesystem::path dir_{temp_.path()};
  const std::string path_ = (dir_ / "decisions.jsonl").string();
};

TEST_F(DecisionLogTest, AllowsAreOnlyCountedAndRestrictionsAreWrittenInFull) {
  auto log = OpenLog();
  const DecisionContext context{kMonday1015, absl::Microseconds(84), "news-de", "req-1"};
  for (int i = 0; i < 3; ++i)
    log->Record(SamplePost("a" + std::to_string(i)), MakeDecision(Verdict::kAllow, {}), context);
  log->Record(SamplePost("p1"),
              MakeDecision(Verdict::kBlock,
                           {Hit("de.insult.common", "insult", rules::Action::kScore),
                            Hit("de.threat.kill", "threat", rules::Action::kBlock)},
                           {Hit("de.shadow.x", "hate", rules::Action::kFlag)}),
              context);

  // The restriction is on disk at once; the counts wait for a flush.
  std::vector<json> lines = ReadLines(path_);
  ASSERT_EQ(lines.size(), 1u);
  const json& block = lines[0];
  EXPECT_EQ(block["v"], kDecisionLogVersion);
  EXPECT_EQ(block["type"], "decision");
  EXPECT_EQ(block["replica"], "r1");
  EXPECT_EQ(block["ts"], "2026-11-23T10:15:00.000Z");
  EXPECT_EQ(block["request_id"], "req-1");
  EXPECT_EQ(block["post_id"], "p1");
  EXPECT_EQ(block["decision"], "BLOCK");
  EXPECT_EQ(block["automated"], true);
  EXPECT_DOUBLE_EQ(block["decision_ms"].get<double>(), 0.084);
  EXPECT_EQ(block["ruleset_version"], "de@1,pii@1");
  EXPECT_EQ(block["categories"], json({"insult", "threat"}));
  ASSERT_EQ(block["hits"].size(), 2u);
  EXPECT_EQ(block["hits"][1]["rule"], "de.threat.kill");
  EXPECT_EQ(block["hits"][1]["action"], "block");
  EXPECT_EQ(block["hits"][0]["spans"][0], json({{"field", "body"}, {"start", 3}, {"end", 11}}));
  EXPECT_EQ(block["hits"][1]["dsa"],
            json({{"category", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"},
                  {"terms_ground", "Netiquette 2"},
                  {"territorial_scope", {"DE", "AT"}}}));
  EXPECT_EQ(block["shadow"][0]["rule"], "de.shadow.x");
  // Privacy: neither the text nor the matched words nor the author.
  const std::string raw = block.dump();
  EXPECT_EQ(raw.find("Blödmann"), std::string::npos);
  EXPECT_EQ(raw.find("author-7"), std::string::npos);
  EXPECT_FALSE(block.contains("text"));

  log->Flush();
  lines = ReadLines(path_);
  const std::vector<json> counts = OfType(lines, "counts");
  ASSERT_EQ(counts.size(), 2u);  // one ALLOW group, one BLOCK group
  for (const json& group : counts) {
    EXPECT_EQ(group["hour"], "2026-11-23T10:00:00.000Z");
    EXPECT_EQ(group["community"], "news-de");
    if (group["decision"] == "ALLOW") {
      EXPECT_EQ(group["posts"], 3);
      EXPECT_TRUE(group["categories"].empty());
    } else {
      EXPECT_EQ(group["decision"], "BLOCK");
      EXPECT_EQ(group["posts"], 1);
      EXPECT_EQ(group["categories"], json({{"insult", 1}, {"threat", 1}}));
      EXPECT_EQ(group["rules"], json({{"de.insult.common", 1}, {"de.threat.kill", 1}}));
      EXPECT_EQ(group["shadow_rules"], json({{"de.shadow.x", 1}}));
    }
  }
  // A second flush has nothing new to say.
  log->Flush();
  EXPECT_EQ(ReadLines(path_).size(), lines.size());
}

TEST_F(DecisionLogTest, CountsAreGroupedByHourCommunityAndRuleSetVersion) {
  auto log = OpenLog();
  const Decision allow = MakeDecision(Verdict::kAllow, {});
  Decision newer = allow;
  newer.ruleset_version = "de@2,pii@1";
  log->Record(SamplePost("1"), allow, {kMonday1015, {}, "news-de", ""});
  log->Record(SamplePost("2"), allow, {kMonday1015 + absl::Minutes(44), {}, "news-de", ""});
  log->Record(SamplePost("3"), allow, {kMonday1015 + absl::Minutes(45), {}, "news-de", ""});
  log->Record(SamplePost("4"), allow, {kMonday1015, {}, "gaming-en", ""});
  log->Record(SamplePost("5"), newer, {kMonday1015, {}, "news-de", ""});
  log->Flush();
  const std::vector<json> counts = OfType(ReadLines(path_), "counts");
  std::map<std::string, int64_t> by_group;
  for (const json& c : counts) {
    by_group[c["hour"].get<std::string>() + " " + c["community"].get<std::string>() + " " +
             c["ruleset_version"].get<std::string>()] += c["posts"].get<int64_t>();
  }
  EXPECT_EQ(by_group,
            (std::map<std::string, int64_t>{{"2026-11-23T10:00:00.000Z gaming-en de@1,pii@1", 1},
                                            {"2026-11-23T10:00:00.000Z news-de de@1,pii@1", 2},
                                            {"2026-11-23T10:00:00.000Z news-de de@2,pii@1", 1},
                                            {"2026-11-23T11:00:00.000Z news-de de@1,pii@1", 1}}));
}

TEST_F(DecisionLogTest, TextAndAllowLinesOnlyWhenAskedFor) {
  auto log = OpenLog(/*allow_in_full=*/true, /*include_text=*/true);
  log->Record(SamplePost("a"), MakeDecision(Verdict::kAllow, {}), {kMonday1015, {}, "news-de", ""});
  const std::vector<json> lines = ReadLines(path_);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["decision"], "ALLOW");
  EXPECT_EQ(lines[0]["text"]["body"], "Du Blödmann, ich bring dich um");
}

TEST_F(DecisionLogTest, RenameAndReopenUnderLoadLosesNoDecisionAndCountsNoneTwice) {
  auto log = OpenLog();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 3000;
  std::atomic<bool> go{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) {
        // Every tenth post is a FLAG, written in full.
        const Verdict verdict = i % 10 == 0 ? Verdict::kFlag : Verdict::kAllow;
        log->Record(SamplePost(std::to_string(t) + "-" + std::to_string(i)),
                    MakeDecision(verdict, {}), {kMonday1015, {}, "news-de", ""});
      }
    });
  }
  go = true;
  // logrotate without copytruncate: rename, then signal (Reopen), 5 times.
  std::vector<std::string> rotated;
  for (int r = 0; r < 5; ++r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    rotated.push_back(path_ + "." + std::to_string(r));
    std::filesystem::rename(path_, rotated.back());
    ASSERT_TRUE(log->Reopen().ok());
  }
  for (std::thread& w : writers) w.join();
  log.reset();  // the destructor flushes the rest
  rotated.push_back(path_);

  int64_t posts = 0;
  std::set<std::string> flagged;
  size_t flag_lines = 0;
  for (const std::string& file : rotated) {
    const std::vector<json> lines = ReadLines(file);
    posts += CountedPosts(lines);
    for (const json& d : OfType(lines, "decision")) {
      flagged.insert(d["post_id"].get<std::string>());
      ++flag_lines;
    }
  }
  EXPECT_EQ(posts, kThreads * kPerThread);
  EXPECT_EQ(flag_lines, static_cast<size_t>(kThreads * kPerThread / 10));
  EXPECT_EQ(flagged.size(), flag_lines);
}

TEST_F(DecisionLogTest, TheFlushThreadWritesCountsWithoutBeingAsked) {
  DecisionLog::Options options;
  options.path = path_;
  options.flush_interval = absl::Milliseconds(20);
  auto log = DecisionLog::Open(options);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_FALSE((*log)->replica().empty());  // defaults to the host name
  (*log)->Record(SamplePost("a"), MakeDecision(Verdict::kAllow, {}), {kMonday1015, {}, "c", ""});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (CountedPosts(ReadLines(path_)) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(CountedPosts(ReadLines(path_)), 1);
}

TEST_F(DecisionLogTest, PulseAlertsAreWrittenAtOnceWhenTheyOpenAndEnd) {
  auto log = OpenLog();
  AlertRecord alert;
  alert.id = 7;
  alert.community = "news-de";
  alert.kind = "category_share";
  alert.subject = "threat";
  alert.severity = "critical";
  alert.started = kMonday1015;
  alert.window_posts = 120;
  alert.observed = 0.2;
  alert.expected = 0.02;
  alert.z = 9.5;
  alert.top_rules = {{"de.threat.kill", 20}};
  log->RecordAlert(alert);
  alert.open = false;
  alert.ended = kMonday1015 + absl::Minutes(30);
  log->RecordAlert(alert);
  const std::vector<json> lines = OfType(ReadLines(path_), "alert");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["state"], "open");
  EXPECT_EQ(lines[0]["subject"], "threat");
  EXPECT_EQ(lines[0]["started"], "2026-11-23T10:15:00.000Z");
  EXPECT_FALSE(lines[0].contains("ended"));
  EXPECT_EQ(lines[0]["top_rules"], json::parse(R"([{"rule":"de.threat.kill","posts":20}])"));
  EXPECT_EQ(lines[1]["state"], "ended");
  EXPECT_EQ(lines[1]["ended"], "2026-11-23T10:45:00.000Z");
}

TEST_F(DecisionLogTest, AnUnwritablePathIsAnErrorNamingIt) {
  DecisionLog::Options options;
  options.path = (dir_ / "missing" / "decisions.jsonl").string();
  auto log = DecisionLog::Open(options);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find(options.path), std::string::npos);
}

}  // namespace
}  // namespace moderation::server
