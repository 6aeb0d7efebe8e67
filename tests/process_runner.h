// Runs a child process for process-level tests: argv in; exit code, stdout,
// stderr and peak memory out, with a timeout so no test can hang.
//
// Why: modctl's contract is its process interface (exit codes, the two output
// streams, flushing, memory use), which only a real child process shows.
//
//   ProcessResult r = RunProcess({"/bin/echo", "hi"}, {.stdin_text = ""});
//   EXPECT_EQ(r.exit_code, 0);
//   EXPECT_EQ(r.out, "hi\n");
//
//   InteractiveProcess p({"/bin/cat"});
//   p.WriteLine("hello");
//   std::optional<std::string> line = p.ReadLine(std::chrono::seconds(5));
//
// Thread-safety: RunProcess is safe to call from several threads; an
// InteractiveProcess is used by one thread. Both ignore SIGPIPE in the calling
// process, so that writing to a child that died reports an error instead of
// killing the test.
#ifndef MODERATION_TESTS_PROCESS_RUNNER_H_
#define MODERATION_TESTS_PROCESS_RUNNER_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace moderation::testing {

struct ProcessOptions {
  // The child's stdin: the contents of stdin_file if set, else stdin_text.
  std::string stdin_text;
  std::string stdin_file;
  // If set, stdout is written to this file and ProcessResult::out stays
  // empty (for outputs too large to hold in memory comfortably).
  std::string stdout_file;
  // The child is killed (SIGKILL) when it runs longer than this.
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

struct ProcessResult {
  int exit_code = -1;      // -1 if the child did not exit normally
  int term_signal = 0;     // the signal that ended the child, if any
  bool timed_out = false;  // killed because it exceeded the timeout
  std::string out;         // everything written to stdout
  std::string err;         // everything written to stderr
  long max_rss_kib = 0;    // the child's peak resident set size (wait4 ru_maxrss)
  double wall_seconds = 0;
  std::string spawn_error;  // non-empty if the child could not be started
};

// Starts argv[0] (a path, not searched in $PATH) with argv, waits for it and
// returns what it did. stdout and stderr go through temporary files, so a
// child that writes a lot can never block on a full pipe.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// A child whose stdin and stdout are pipes held by the test, for
// request-response conversations. stderr goes to a temporary file. The
// destructor kills the child if it is still running.
class InteractiveProcess {
 public:
  explicit InteractiveProcess(const std::vector<std::string>& argv);
  ~InteractiveProcess();
  InteractiveProcess(const InteractiveProcess&) = delete;
  InteractiveProcess& operator=(const InteractiveProcess&) = delete;

  // Empty if the child is running, else why it could not be started.
  const std::string& spawn_error() const { return spawn_error_; }

  // Writes text to the child's stdin; false if the child closed it.
  bool Write(const std::string& text);
  bool WriteLine(const std::string& line) { return Write(line + "\n"); }

  // The next line of the child's stdout without its '\n', or nullopt if none
  // arrives within timeout (or stdout was closed).
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);

  // Closes stdin, waits up to timeout for the child to exit (then kills it)
  // and returns the exit status, the rest of stdout and all of stderr.
  ProcessResult Finish(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string stderr_path_;
  std::string pending_;  // stdout bytes read but not yet returned as a line
  std::string spawn_error_;
};

}  // namespace moderation::testing

#endif  // MODERATION_TESTS_PROCESS_RUNNER_H_
