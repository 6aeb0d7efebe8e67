#include "server/reload_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/testing/temp_dir.h"

namespace moderation::server {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr absl::Duration kDebounce = absl::Milliseconds(100);
// Upper bound for anything that should happen; tests normally finish far sooner.
constexpr milliseconds kTimeout(5000);
// How long to keep watching for a reload that must NOT happen: several
// debounce intervals, so a second reload would have fired by then.
constexpr milliseconds kQuietPeriod(400);

// Records reload reasons and lets a test wait for them with a timeout.
class ReloadRecorder {
 public:
  ReloadWatcher::ReloadFn Fn() {
    return [this](std::string_view reason) {
      std::lock_guard<std::mutex> lock(mu_);
      reasons_.emplace_back(reason);
      cv_.notify_all();
    };
  }

  // True once at least `count` reloads happened, false after `timeout`.
  bool WaitFor(size_t count, milliseconds timeout = kTimeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return reasons_.size() >= count; });
  }

  std::vector<std::string> Reasons() {
    std::lock_guard<std::mutex> lock(mu_);
    return reasons_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> reasons_;
};

class ReloadWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = root_ / "rules";
    fs::create_directory(dir_);
    log_file_ = std::tmpfile();
    ASSERT_NE(log_file_, nullptr);
    logger_ = std::make_unique<Logger>(LogLevel::kDebug, log_file_);
  }

  void TearDown() override {
    watcher_.reset();  // stop the thread before its directory goes away
    logger_.reset();
    std::fclose(log_file_);
  }

  void StartWatcher(bool watch_files = true, absl::Duration debounce = kDebounce) {
    auto watcher =
        ReloadWatcher::Start(dir_.string(), debounce, watch_files, recorder_.Fn(), logger_.get());
    ASSERT_TRUE(watcher.ok()) << watcher.status();
    watcher_ = std::move(*watcher);
  }

  static void WriteFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
  }

  std::string LogText() {
    std::fflush(log_file_);
    std::rewind(log_file_);
    std::string text;
    for (int c; (c = std::fgetc(log_file_)) != EOF;) text.push_back(static_cast<char>(c));
    return text;
  }

  testing::TempDir temp_{"reload_watcher_test"};
  const fs::path root_{temp_.path()};
  fs::path dir_;
  std::FILE* log_file_ = nullptr;
  std::unique_ptr<Logger> logger_;
  ReloadRecorder recorder_;
  std::unique_ptr<ReloadWatcher> watcher_;
};

TEST_F(ReloadWatcherTest, ABurstOfWritesTriggersExactlyOneReload) {
  StartWatcher();
  for (int i = 0; i < 10; ++i) WriteFile(dir_ / "rules.yaml", "version: " + std::to_string(i));

  ASSERT_TRUE(recorder_.WaitFor(1));
  EXPECT_FALSE(recorder_.WaitFor(2, kQuietPeriod)) << "the burst was not coalesced";
  EXPECT_EQ(recorder_.Reasons(), std::vector<std::string>{"inotify"});
  EXPECT_NE(LogText().find("\"rules_changed\""), std::string::npos);
  EXPECT_NE(LogText().find("\"reload_triggered\""), std::string::npos);
}

TEST_F(ReloadWatcherTest, ReloadWaitsForTheDirectoryToBeQuiet) {
  StartWatcher();
  const auto start = std::chrono::steady_clock::now();
  WriteFile(dir_ / "rules.yaml", "a");
  ASSERT_TRUE(recorder_.WaitFor(1));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(100));
}

TEST_F(ReloadWatcherTest, RenamingAFileIntoTheDirectoryTriggersAReload) {
  WriteFile(root_ / "staged.yaml", "new rules");
  StartWatcher();
  fs::rename(root_ / "staged.yaml", dir_ / "rules.yaml");
  EXPECT_TRUE(recorder_.WaitFor(1));
}

TEST_F(ReloadWatcherTest, KubernetesConfigMapSymlinkSwapTriggersAReload) {
  // The kubelet's layout: rules.yaml -> ..data/rules.yaml, ..data -> ..<timestamp>.
  fs::create_directory(dir_ / "..2026_11_22_old");
  fs::create_directory(dir_ / "..2026_11_22_new");
  WriteFile(dir_ / "..2026_11_22_old" / "rules.yaml", "old");
  WriteFile(dir_ / "..2026_11_22_new" / "rules.yaml", "new");
  fs::create_directory_symlink("..2026_11_22_old", dir_ / "..data");
  fs::create_symlink("..data/rules.yaml", dir_ / "rules.yaml");
  StartWatcher();

  // The update: a new link under a temporary name, renamed over "..data".
  fs::create_directory_symlink("..2026_11_22_new", dir_ / "..data_tmp");
  fs::rename(dir_ / "..data_tmp", dir_ / "..data");

  ASSERT_TRUE(recorder_.WaitFor(1));
  EXPECT_EQ(recorder_.Reasons().at(0), "inotify");
}

TEST_F(ReloadWatcherTest, TriggerReloadsWithItsReason) {
  StartWatcher();
  watcher_->Trigger("SIGHUP");
  ASSERT_TRUE(recorder_.WaitFor(1));
  EXPECT_EQ(recorder_.Reasons(), std::vector<std::string>{"SIGHUP"});
}

TEST_F(ReloadWatcherTest, TriggersInABurstCoalesceIntoOneReloadWithTheLastReason) {
  StartWatcher();
  watcher_->Trigger("SIGHUP");
  watcher_->Trigger("admin_rpc");
  ASSERT_TRUE(recorder_.WaitFor(1));
  EXPECT_FALSE(recorder_.WaitFor(2, kQuietPeriod));
  EXPECT_EQ(recorder_.Reasons(), std::vector<std::string>{"admin_rpc"});
}

TEST_F(ReloadWatcherTest, WithoutFileWatchingWritesAreIgnoredButTriggerWorks) {
  StartWatcher(/*watch_files=*/false);
  WriteFile(dir_ / "rules.yaml", "ignored");
  EXPECT_FALSE(recorder_.WaitFor(1, kQuietPeriod));

  watcher_->Trigger("admin_rpc");
  ASSERT_TRUE(recorder_.WaitFor(1));
  EXPECT_EQ(recorder_.Reasons(), std::vector<std::string>{"admin_rpc"});
}

TEST_F(ReloadWatcherTest, WatchIsRestoredWhenTheDirectoryIsReplaced) {
  StartWatcher();
  fs::rename(dir_, root_ / "rules.old");
  fs::create_directory(dir_);
  // Re-adding the watch reloads, since the new directory's contents are new.
  ASSERT_TRUE(recorder_.WaitFor(1));
  // And the new directory is watched: a write there reloads again.
  WriteFile(dir_ / "rules.yaml", "new");
  ASSERT_TRUE(recorder_.WaitFor(2));
  const std::string log = LogText();
  EXPECT_NE(log.find("\"watch_lost\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"watch_restored\""), std::string::npos) << log;
}

TEST_F(ReloadWatcherTest, DestructionWhileIdleIsPrompt) {
  StartWatcher(/*watch_files=*/true, absl::Seconds(30));
  watcher_->Trigger("pending");  // even a burst waiting out a long debounce
  const auto start = std::chrono::steady_clock::now();
  watcher_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  EXPECT_TRUE(recorder_.Reasons().empty());
}

TEST_F(ReloadWatcherTest, DestructionWaitsForAReloadInProgress) {
  std::mutex mu;
  std::condition_variable cv;
  bool started = false;
  bool finished = false;
  auto watcher = ReloadWatcher::Start(
      dir_.string(), absl::ZeroDuration(), /*watch_files=*/false,
      [&](std::string_view) {
        {
          std::lock_guard<std::mutex> lock(mu);
          started = true;
        }
        cv.notify_all();
        std::this_thread::sleep_for(milliseconds(100));
        std::lock_guard<std::mutex> lock(mu);
        finished = true;
      },
      logger_.get());
  ASSERT_TRUE(watcher.ok()) << watcher.status();
  (*watcher)->Trigger("admin_rpc");
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, kTimeout, [&] { return started; }));
  }
  watcher->reset();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_TRUE(finished);
}

TEST_F(ReloadWatcherTest, StartOnAMissingDirectoryFailsNamingIt) {
  const std::string missing = (root_ / "does-not-exist").string();
  auto watcher =
      ReloadWatcher::Start(missing, kDebounce, /*watch_files=*/true, recorder_.Fn(), logger_.get());
  ASSERT_FALSE(watcher.ok());
  EXPECT_NE(std::string(watcher.status().message()).find(missing), std::string::npos)
      << watcher.status();
  EXPECT_NE(std::string(watcher.status().message()).find("No such file"), std::string::npos)
      << watcher.status();
}

}  // namespace
}  // namespace moderation::server
