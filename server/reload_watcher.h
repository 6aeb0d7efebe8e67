// Watches the rules directory and triggers reloads, debounced.
//
// Why: moderators ship rules by writing files (an editor save, a ConfigMap
// update that swaps a symlink, `cp`); each of these is a burst of filesystem
// events. The watcher waits until the directory has been quiet for
// `debounce`, then calls the reload callback once. SIGHUP and the admin RPC
// go through Trigger(), so every reload path is debounced and serialised the
// same way. Reloads run on the watcher's own thread, never on a request
// thread.
//
//   auto watcher = ReloadWatcher::Start("rules/", absl::Milliseconds(300),
//                                       [&](std::string_view why) { registry.Reload(why); },
//                                       &logger);
//   (*watcher)->Trigger("SIGHUP");
//
// Thread-safety: Trigger may be called from any thread (including a signal
// waiting thread). The destructor stops the thread and waits for it.
#ifndef MODERATION_SERVER_RELOAD_WATCHER_H_
#define MODERATION_SERVER_RELOAD_WATCHER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/log.h"

namespace moderation::server {

class ReloadWatcher {
 public:
  using ReloadFn = std::function<void(std::string_view reason)>;

  // Starts watching `directory` with inotify (file writes, creates, deletes,
  // renames, and symlink swaps of the directory's entries). `watch_files`
  // false disables inotify (Trigger still works).
  static absl::StatusOr<std::unique_ptr<ReloadWatcher>> Start(std::string directory,
                                                              absl::Duration debounce,
                                                              bool watch_files, ReloadFn reload,
                                                              Logger* logger);
  virtual ~ReloadWatcher() = default;

  // Requests a reload (after the debounce interval).
  virtual void Trigger(std::string_view reason) = 0;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_RELOAD_WATCHER_H_
