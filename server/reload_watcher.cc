#include "server/reload_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/status.h"

namespace moderation::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kInotifyReason = "inotify";

// Everything that can mean "the rules may have changed". A ConfigMap update
// swaps the "..data" symlink: IN_CREATE of a temporary link, then
// IN_MOVED_TO "..data". IN_ATTRIB covers `touch` and chmod.
constexpr uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                                IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

// Re-adding a lost watch polls at least this far apart, so a zero debounce
// never turns the loop into a busy wait.
constexpr Clock::duration kMinRewatchInterval = std::chrono::milliseconds(10);

// Keeps deadline arithmetic and poll()'s int timeout far from overflow.
constexpr absl::Duration kMaxDebounce = absl::Hours(24);

// Closes a file descriptor on scope exit unless released.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// The watcher: one thread polls an inotify fd (optional) and an eventfd
// (Trigger and stop), debounces, and calls reload_ on that thread.
class InotifyReloadWatcher final : public ReloadWatcher {
 public:
  InotifyReloadWatcher(std::string directory, Clock::duration debounce, Fd inotify_fd, int wd,
                       Fd event_fd, ReloadFn reload, Logger* logger)
      : directory_(std::move(directory)),
        debounce_(debounce),
        rewatch_interval_(std::max(debounce, kMinRewatchInterval)),
        inotify_fd_(std::move(inotify_fd)),
        event_fd_(std::move(event_fd)),
        reload_(std::move(reload)),
        logger_(logger),
        wd_(wd) {
    thread_ = std::thread([this] { Run(); });
  }

  ~InotifyReloadWatcher() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    Wake();
    thread_.join();  // a reload in progress finishes first
  }

  void Trigger(std::string_view reason) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      trigger_reason_ = std::string(reason);
    }
    Wake();
  }

 private:
  void Wake() {
    const uint64_t one = 1;
    // Can only fail if the counter would overflow, which still leaves it readable.
    [[maybe_unused]] ssize_t n = write(event_fd_.get(), &one, sizeof(one));
  }

  void Log(LogLevel level, std::string_view event, nlohmann::json fields) {
    if (logger_ != nullptr) logger_->Log(level, event, std::move(fields));
  }

  // Starts (or restarts) the quiet period of a burst. An explicit reason
  // (Trigger) replaces the burst's reason; a filesystem event never hides
  // one, so "SIGHUP" stays visible in the log when files also changed.
  void Touch(std::string reason) {
    pending_reason_ = std::move(reason);
    deadline_ = Clock::now() + debounce_;
  }
  void TouchByFilesystem() { Touch(pending_reason_.value_or(std::string(kInotifyReason))); }

  void Run() {
    while (true) {
      pollfd fds[2] = {{event_fd_.get(), POLLIN, 0}, {inotify_fd_.get(), POLLIN, 0}};
      const nfds_t nfds = inotify_fd_.get() >= 0 ? 2 : 1;
      if (poll(fds, nfds, PollTimeoutMs()) < 0 && errno != EINTR) {
        Log(LogLevel::kError, "reload_watcher_poll_failed", {{"error", std::strerror(errno)}});
        return;
      }
      if (fds[0].revents & POLLIN) {
        uint64_t count;
        [[maybe_unused]] ssize_t n = read(event_fd_.get(), &count, sizeof(count));
        std::optional<std::string> reason;
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (stop_) return;
          reason = std::exchange(trigger_reason_, std::nullopt);
        }
        if (reason.has_value()) Touch(*std::move(reason));
      }
      if (nfds == 2 && (fds[1].revents & POLLIN)) DrainInotify();
      if (inotify_fd_.get() >= 0 && wd_ < 0 && Clock::now() >= next_rewatch_) TryRewatch();
      if (pending_reason_.has_value() && Clock::now() >= deadline_) {
        std::string reason = *std::exchange(pending_reason_, std::nullopt);
        Log(LogLevel::kInfo, "reload_triggered", {{"reason", reason}});
        try {
          reload_(reason);
        } catch (const std::exception& e) {
          Log(LogLevel::kError, "reload_failed", {{"reason", reason}, {"error", e.what()}});
        }
      }
    }
  }

  int PollTimeoutMs() const {
    std::optional<Clock::time_point> wake;
    if (pending_reason_.has_value()) wake = deadline_;
    if (inotify_fd_.get() >= 0 && wd_ < 0) {
      wake = wake.has_value() ? std::min(*wake, next_rewatch_) : next_rewatch_;
    }
    if (!wake.has_value()) return -1;
    const auto left = *wake - Clock::now();
    if (left <= Clock::duration::zero()) return 0;
    // Round up so we never wake just before the deadline and spin.
    return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
  }

  void DrainInotify() {
    alignas(inotify_event) char buffer[8192];
    while (true) {
      const ssize_t n = read(inotify_fd_.get(), buffer, sizeof(buffer));
      if (n <= 0) return;  // EAGAIN: drained
      for (ssize_t offset = 0; offset < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
        offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        HandleEvent(*event);
      }
    }
  }

  void HandleEvent(const inotify_event& event) {
    if (event.mask & IN_Q_OVERFLOW) {
      // Events were dropped; something changed, so reload to be safe.
      TouchByFilesystem();
      return;
    }
    if (wd_ < 0 || event.wd != wd_) return;  // a stale watch's last words
    if (event.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)) {
      // A moved directory keeps its watch; drop it so we follow the path.
      if (!(event.mask & IN_IGNORED)) inotify_rm_watch(inotify_fd_.get(), wd_);
      wd_ = -1;
      Log(LogLevel::kWarning, "watch_lost", {{"directory", directory_}});
      next_rewatch_ = Clock::now();  // the replacement may already be there
      return;
    }
    if (!pending_reason_.has_value()) {  // once per burst, not per event
      const std::string name = event.len > 0 ? std::string(event.name) : std::string();
      Log(LogLevel::kInfo, "rules_changed", {{"directory", directory_}, {"name", name}});
    }
    TouchByFilesystem();
  }

  void TryRewatch() {
    const int wd = inotify_add_watch(inotify_fd_.get(), directory_.c_str(), kWatchMask);
    if (wd < 0) {
      next_rewatch_ = Clock::now() + rewatch_interval_;
      return;
    }
    wd_ = wd;
    Log(LogLevel::kInfo, "watch_restored", {{"directory", directory_}});
    TouchByFilesystem();  // the replacement's contents are new to us
  }

  // Constant after construction.
  const std::string directory_;
  const Clock::duration debounce_;
  const Clock::duration rewatch_interval_;
  const Fd inotify_fd_;  // -1 when watch_files is false
  const Fd event_fd_;
  const ReloadFn reload_;
  Logger* const logger_;

  // Protected by mu_: written by Trigger and the destructor.
  std::mutex mu_;
  std::optional<std::string> trigger_reason_;
  bool stop_ = false;

  // Touched only by the watcher thread.
  int wd_;                                     // -1 while the directory is missing
  std::optional<std::string> pending_reason_;  // set while a burst is open
  Clock::time_point deadline_;                 // end of the burst's quiet period
  Clock::time_point next_rewatch_;

  std::thread thread_;  // started last, in the constructor body
};

}  // namespace

absl::StatusOr<std::unique_ptr<ReloadWatcher>> ReloadWatcher::Start(std::string directory,
                                                                    absl::Duration debounce,
                                                                    bool watch_files,
                                                                    ReloadFn reload,
                                                                    Logger* logger) {
  if (!reload) return absl::InvalidArgumentError("reload watcher needs a reload callback");
  Fd event_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (event_fd.get() < 0) return absl::ErrnoToStatus(errno, "eventfd for the reload watcher");
  Fd inotify_fd;
  int wd = -1;
  if (watch_files) {
    inotify_fd = Fd(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (inotify_fd.get() < 0) {
      return absl::ErrnoToStatus(errno, "inotify_init1 for watching " + directory);
    }
    wd = inotify_add_watch(inotify_fd.get(), directory.c_str(), kWatchMask);
    if (wd < 0) {
      return absl::ErrnoToStatus(errno, "cannot watch rules directory " + directory);
    }
  }
  const auto debounce_chrono = std::chrono::duration_cast<Clock::duration>(
      absl::ToChronoNanoseconds(std::clamp(debounce, absl::ZeroDuration(), kMaxDebounce)));
  return std::unique_ptr<ReloadWatcher>(
      new InotifyReloadWatcher(std::move(directory), debounce_chrono, std::move(inotify_fd), wd,
                               std::move(event_fd), std::move(reload), logger));
}

}  // namespace moderation::server
