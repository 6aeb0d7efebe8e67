#include "server/audit_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/testing/temp_dir.h"

namespace moderation::server {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  std::vector<nlohmann::json> ReadLines() {
    std::ifstream in(path_);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  static AuditRecord SampleRecord() {
    AuditRecord record;
    record.unix_seconds = 1795317000.125;  // 2026-11-22T03:10:00.125Z
    record.post_id = "post-1";
    record.community = "de";
    record.author_id = "author-7";
    record.decision = "BLOCK";
    record.score = 0.97;
    record.rule_ids = {"de.slur.1", "de.threat.2"};
    record.ruleset_id = "de";
    record.ruleset_version = "de@3";
    record.ruleset_hash = "abc123";
    record.title = "a title";
    record.body = "the body";
    record.author_display_name = "Someone";
    return record;
  }

  testing::TempDir temp_{"audit_test"};
  const std::filesystem::path dir_{temp_.path()};
  std::string path_ = (dir_ / "audit.jsonl").string();  // a test may point it elsewhere
};

TEST_F(AuditLogTest, RecordWritesOneJsonLineWithIdsDecisionAndRuleSet) {
  auto audit = AuditLog::Open(path_, /*include_text=*/false);
  ASSERT_TRUE(audit.ok()) << audit.status();
  (*audit)->Record(SampleRecord());

  // Flushed before Record returns: readable without closing the log.
  const auto lines = ReadLines();
  ASSERT_EQ(lines.size(), 1u);
  const auto& line = lines[0];
  EXPECT_EQ(line["ts"], "2026-11-22T03:10:00.125Z");
  EXPECT_EQ(line["post_id"], "post-1");
  EXPECT_EQ(line["community"], "de");
  EXPECT_EQ(line["author_id"], "author-7");
  EXPECT_EQ(line["decision"], "BLOCK");
  EXPECT_DOUBLE_EQ(line["score"].get<double>(), 0.97);
  EXPECT_EQ(line["rules"], nlohmann::json::array({"de.slur.1", "de.threat.2"}));
  EXPECT_EQ(line["ruleset_id"], "de");
  EXPECT_EQ(line["ruleset_version"], "de@3");
  EXPECT_EQ(line["ruleset_hash"], "abc123");
}

TEST_F(AuditLogTest, PostTextIsNotRecordedByDefault) {
  auto audit = AuditLog::Open(path_, /*include_text=*/false);
  ASSERT_TRUE(audit.ok()) << audit.status();
  (*audit)->Record(SampleRecord());
  const auto line = ReadLines().at(0);
  EXPECT_FALSE(line.contains("title"));
  EXPECT_FALSE(line.contains("body"));
  EXPECT_FALSE(line.contains("author_display_name"));
}

TEST_F(AuditLogTest, PostTextIsRecordedWhenIncludeTextIsOn) {
  auto audit = AuditLog::Open(path_, /*include_text=*/true);
  ASSERT_TRUE(audit.ok()) << audit.status();
  (*audit)->Record(SampleRecord());
  const auto line = ReadLines().at(0);
  EXPECT_EQ(line["title"], "a title");
  EXPECT_EQ(line["body"], "the body");
  EXPECT_EQ(line["author_display_name"], "Someone");
}

TEST_F(AuditLogTest, InvalidUtf8InTextIsReplacedNotThrown) {
  auto audit = AuditLog::Open(path_, /*include_text=*/true);
  ASSERT_TRUE(audit.ok()) << audit.status();
  AuditRecord record = SampleRecord();
  record.body = "broken \xff\xfe text";
  EXPECT_NO_THROW((*audit)->Record(record));
  EXPECT_EQ(ReadLines().at(0)["body"], "broken \xEF\xBF\xBD\xEF\xBF\xBD text");
}

TEST_F(AuditLogTest, ReopeningAppendsInsteadOfTruncating) {
  for (int i = 0; i < 2; ++i) {
    auto audit = AuditLog::Open(path_, /*include_text=*/false);
    ASSERT_TRUE(audit.ok()) << audit.status();
    (*audit)->Record(SampleRecord());
  }
  EXPECT_EQ(ReadLines().size(), 2u);
}

TEST_F(AuditLogTest, AfterLogrotateMovesTheFileReopenWritesToANewFileAtThePath) {
  auto audit = AuditLog::Open(path_, /*include_text=*/false);
  ASSERT_TRUE(audit.ok()) << audit.status();
  (*audit)->Record(SampleRecord());
  const std::string rotated = path_ + ".1";
  std::filesystem::rename(path_, rotated);
  (*audit)->Record(SampleRecord());  // still the moved file: nothing lost
  ASSERT_TRUE((*audit)->Reopen().ok());
  AuditRecord after = SampleRecord();
  after.post_id = "after-rotation";
  (*audit)->Record(after);
  const std::vector<nlohmann::json> fresh = ReadLines();
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0]["post_id"], "after-rotation");
  path_ = rotated;
  EXPECT_EQ(ReadLines().size(), 2u);
}

TEST_F(AuditLogTest, AFailedReopenKeepsWritingToTheOldFile) {
  auto audit = AuditLog::Open(path_, /*include_text=*/false);
  ASSERT_TRUE(audit.ok()) << audit.status();
  std::filesystem::remove(path_);
  std::filesystem::create_directory(path_);  // the path can no longer be a file
  const absl::Status reopened = (*audit)->Reopen();
  EXPECT_FALSE(reopened.ok());
  EXPECT_NE(std::string(reopened.message()).find(path_), std::string::npos) << reopened;
  (*audit)->Record(SampleRecord());  // goes to the unlinked old file; no crash
  std::filesystem::remove(path_);
}

TEST_F(AuditLogTest, OpenOnAnUnwritablePathFailsNamingThePath) {
  const std::string bad_path = (dir_ / "no-such-dir" / "audit.jsonl").string();
  auto audit = AuditLog::Open(bad_path, /*include_text=*/false);
  ASSERT_FALSE(audit.ok());
  EXPECT_NE(std::string(audit.status().message()).find(bad_path), std::string::npos)
      << audit.status();
  EXPECT_NE(std::string(audit.status().message()).find("No such file"), std::string::npos)
      << audit.status();
}

}  // namespace
}  // namespace moderation::server
