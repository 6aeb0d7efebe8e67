#include "tests/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace moderation::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string TempDirectory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

// Creates an empty temporary file and returns its path ("" on failure).
std::string MakeTempFile(const char* tag) {
  std::string path = TempDirectory() + "/modctl_cli_" + tag + "_XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) return "";
  close(fd);
  return path;
}

std::string ReadAndRemove(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  unlink(path.c_str());
  return contents.str();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// Waits for pid until deadline, then kills it; fills the exit fields of result.
void WaitForChild(pid_t pid, Clock::time_point deadline, ProcessResult* result) {
  int status = 0;
  rusage usage{};
  for (;;) {
    const pid_t done = wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return;
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      result->timed_out = true;
      while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFEXITED(status)) result->exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result->term_signal = WTERMSIG(status);
  result->max_rss_kib = usage.ru_maxrss;  // KiB on Linux
}

std::vector<char*> ArgvPointers(const std::vector<std::string>& argv) {
  std::vector<char*> pointers;
  for (const std::string& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  signal(SIGPIPE, SIG_IGN);
  ProcessResult result;
  std::string stdin_path = options.stdin_file;
  std::string stdin_temp;
  if (stdin_path.empty()) {
    stdin_temp = stdin_path = MakeTempFile("stdin");
    if (stdin_path.empty() || !WriteFile(stdin_path, options.stdin_text)) {
      result.spawn_error = "cannot write the stdin temporary file";
      return result;
    }
  }
  const bool own_stdout = options.stdout_file.empty();
  const std::string out_path = own_stdout ? MakeTempFile("stdout") : options.stdout_file;
  const std::string err_path = MakeTempFile("stderr");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_TRUNC,
                                   0);
  std::vector<char*> args = ArgvPointers(argv);
  const auto start = Clock::now();
  pid_t pid = -1;
  const int spawn_status = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_status != 0) {
    result.spawn_error = std::string("posix_spawn ") + argv[0] + ": " + std::strerror(spawn_status);
  } else {
    WaitForChild(pid, start + options.timeout, &result);
  }
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (own_stdout) result.out = ReadAndRemove(out_path);
  result.err = ReadAndRemove(err_path);
  if (!stdin_temp.empty()) unlink(stdin_temp.c_str());
  return result;
}

InteractiveProcess::InteractiveProcess(const std::vector<std::string>& argv) {
  signal(SIGPIPE, SIG_IGN);
  // O_CLOEXEC keeps the test's ends of the pipes out of the child, so the
  // child sees end of input when the test closes stdin.
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) {
    spawn_error_ = "pipe2 failed";
    return;
  }
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    spawn_error_ = "pipe2 failed";
    return;
  }
  stderr_path_ = MakeTempFile("stderr");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(),
                                   O_WRONLY | O_TRUNC, 0);
  std::vector<char*> args = ArgvPointers(argv);
  const int spawn_status = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  stdin_fd_ = in_pipe[1];
  stdout_fd_ = out_pipe[0];
  if (spawn_status != 0) {
    pid_ = -1;
    spawn_error_ = std::string("posix_spawn ") + argv[0] + ": " + std::strerror(spawn_status);
  }
}

InteractiveProcess::~InteractiveProcess() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (!stderr_path_.empty()) unlink(stderr_path_.c_str());
}

bool InteractiveProcess::Write(const std::string& text) {
  size_t written = 0;
  while (stdin_fd_ >= 0 && written < text.size()) {
    const ssize_t n = write(stdin_fd_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<size_t>(n);
  }
  return stdin_fd_ >= 0;
}

std::optional<std::string> InteractiveProcess::ReadLine(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (size_t newline = pending_.find('\n'); newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (stdout_fd_ < 0 || left.count() <= 0) return std::nullopt;
    pollfd fd{stdout_fd_, POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char buffer[4096];
    const ssize_t n = read(stdout_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;  // closed
    pending_.append(buffer, static_cast<size_t>(n));
  }
}

ProcessResult InteractiveProcess::Finish(std::chrono::milliseconds timeout) {
  ProcessResult result;
  result.spawn_error = spawn_error_;
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
  if (pid_ > 0) {
    const auto deadline = Clock::now() + timeout;
    // Drain stdout while waiting, so a child with much left to say never
    // blocks on a full pipe.
    while (stdout_fd_ >= 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      pollfd fd{stdout_fd_, POLLIN, 0};
      if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[4096];
      const ssize_t n = read(stdout_fd_, buffer, sizeof(buffer));
      if (n <= 0) break;
      pending_.append(buffer, static_cast<size_t>(n));
    }
    WaitForChild(pid_, deadline, &result);
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
  result.out = std::move(pending_);
  pending_.clear();
  result.err = ReadAndRemove(stderr_path_);
  stderr_path_.clear();
  return result;
}

}  // namespace moderation::testing
