#include "server/log.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace moderation::server {
namespace {

// True for "2026-11-22T03:10:00.123Z". (Not std::regex: GCC 12 warns inside it at -O2.)
bool IsRfc3339UtcMillis(const std::string& ts) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (ts.size() != shape.size()) return false;
  for (size_t i = 0; i < ts.size(); ++i) {
    const bool ok =
        shape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(ts[i])) != 0 : ts[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

// A Logger writing to an anonymous temporary file, read back line by line.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = std::tmpfile();
    ASSERT_NE(file_, nullptr);
  }
  void TearDown() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  std::vector<std::string> Lines() {
    std::fflush(file_);
    std::rewind(file_);
    std::vector<std::string> lines;
    std::string line;
    for (int c; (c = std::fgetc(file_)) != EOF;) {
      if (c == '\n') {
        lines.push_back(std::move(line));
        line.clear();
      } else {
        line.push_back(static_cast<char>(c));
      }
    }
    EXPECT_TRUE(line.empty()) << "last line is not terminated: " << line;
    return lines;
  }

  std::FILE* file_ = nullptr;
};

TEST_F(LogTest, LinesAreJsonWithTimestampLevelEventAndFields) {
  Logger logger(LogLevel::kInfo, file_);
  logger.Info("rules_loaded", {{"version", "de@1"}, {"seconds", 0.12}});

  const auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("{\"ts\":", 0), 0u) << "ts comes first: " << lines[0];
  const auto json = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(json["level"], "info");
  EXPECT_EQ(json["event"], "rules_loaded");
  EXPECT_EQ(json["version"], "de@1");
  EXPECT_DOUBLE_EQ(json["seconds"].get<double>(), 0.12);
  EXPECT_TRUE(IsRfc3339UtcMillis(json["ts"].get<std::string>())) << json["ts"];
}

TEST_F(LogTest, EveryLevelIsNamedInTheLine) {
  Logger logger(LogLevel::kDebug, file_);
  logger.Debug("a");
  logger.Info("b");
  logger.Warning("c");
  logger.Error("d");
  const auto lines = Lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["level"], "debug");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["level"], "info");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["level"], "warning");
  EXPECT_EQ(nlohmann::json::parse(lines[3])["level"], "error");
}

TEST_F(LogTest, LinesBelowTheMinimumLevelAreDropped) {
  Logger logger(LogLevel::kWarning, file_);
  logger.Debug("hidden_debug");
  logger.Info("hidden_info");
  logger.Warning("shown_warning");
  logger.Error("shown_error");
  const auto lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["event"], "shown_warning");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["event"], "shown_error");
}

TEST_F(LogTest, NonObjectFieldsAreKeptUnderFields) {
  Logger logger(LogLevel::kInfo, file_);
  logger.Info("odd", nlohmann::json::array({1, 2}));
  const auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["fields"], nlohmann::json::array({1, 2}));
}

TEST_F(LogTest, FieldsNamedLikeTheFixedKeysDoNotOverwriteThem) {
  Logger logger(LogLevel::kInfo, file_);
  logger.Info("real_event", {{"event", "impostor"}, {"level", "x"}});
  const auto json = nlohmann::json::parse(Lines().at(0));
  EXPECT_EQ(json["event"], "real_event");
  EXPECT_EQ(json["level"], "info");
  EXPECT_EQ(json["field_event"], "impostor");
}

TEST_F(LogTest, InvalidUtf8IsReplacedInsteadOfThrowing) {
  Logger logger(LogLevel::kInfo, file_);
  EXPECT_NO_THROW(logger.Info("bad\xff", {{"post_id", std::string("p\xc3\x28")}}));
  const auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto json = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(json["event"], "bad\xEF\xBF\xBD");
}

TEST_F(LogTest, ConcurrentLoggingProducesWholeLines) {
  Logger logger(LogLevel::kInfo, file_);
  constexpr int kThreads = 8;
  constexpr int kLinesPerThread = 250;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&logger, t] {
      for (int i = 0; i < kLinesPerThread; ++i) {
        logger.Info("tick", {{"thread", t}, {"i", i}, {"padding", std::string(200, 'x')}});
      }
    });
  }
  for (auto& thread : threads) thread.join();

  const auto lines = Lines();
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLinesPerThread));
  std::vector<int> per_thread(kThreads, 0);
  for (const auto& line : lines) {
    const auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(json.is_discarded()) << line;
    ++per_thread.at(json["thread"].get<int>());
  }
  for (int count : per_thread) EXPECT_EQ(count, kLinesPerThread);
}

TEST(ParseLogLevelTest, AcceptsTheFourLevelNamesOnly) {
  LogLevel level = LogLevel::kInfo;
  EXPECT_TRUE(ParseLogLevel("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_TRUE(ParseLogLevel("warning", &level));
  EXPECT_EQ(level, LogLevel::kWarning);
  EXPECT_TRUE(ParseLogLevel("error", &level));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_TRUE(ParseLogLevel("info", &level));
  EXPECT_EQ(level, LogLevel::kInfo);
  EXPECT_FALSE(ParseLogLevel("INFO", &level));
  EXPECT_FALSE(ParseLogLevel("warn", &level));
  EXPECT_FALSE(ParseLogLevel("", &level));
  EXPECT_EQ(level, LogLevel::kInfo) << "a failed parse leaves the level alone";
}

}  // namespace
}  // namespace moderation::server
