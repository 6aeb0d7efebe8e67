// The standard process_* metrics (CPU, memory, file descriptors, start
// time), read from /proc/self as Prometheus' own client libraries export
// them, so stock dashboards and alerts work unchanged.
//
// Why: Debian packages no Prometheus C++ client (metrics.h), and these are
// the first series an operator looks at when a replica misbehaves.
//
//   std::string text;
//   AppendProcessMetrics(ReadProcessStats(), &text);
//
// Thread-safety: pure functions; ReadProcessStats reads /proc on each call.
#ifndef MODERATION_SERVER_PROCESS_METRICS_H_
#define MODERATION_SERVER_PROCESS_METRICS_H_

#include <string>

namespace moderation::server {

struct ProcessStats {
  bool ok = false;                // false if /proc could not be read (then nothing is rendered)
  double cpu_seconds = 0;         // user + system
  double resident_bytes = 0;      // RSS
  double virtual_bytes = 0;       // VSZ
  double open_fds = 0;            // entries in /proc/self/fd
  double max_fds = 0;             // RLIMIT_NOFILE soft limit
  double start_time_seconds = 0;  // unix time the process started
};

ProcessStats ReadProcessStats();

// Appends process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds and
// process_start_time_seconds (nothing if !stats.ok).
void AppendProcessMetrics(const ProcessStats& stats, std::string* out);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PROCESS_METRICS_H_
