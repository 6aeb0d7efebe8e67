#include "server/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace moderation::server {
namespace {

std::string ReadAll(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// /proc/stat's btime: the boot time in unix seconds (0 if not found).
double BootTime() {
  std::istringstream in(ReadAll("/proc/stat"));
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double value = 0;
      in >> value;
      return value;
    }
  }
  return 0;
}

void AppendSeries(std::string_view name, std::string_view type, std::string_view help, double value,
                  std::string* out) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(name).append(" ").append(buf, res.ptr).append("\n");
}

}  // namespace

ProcessStats ReadProcessStats() {
  ProcessStats stats;
  const std::string stat = ReadAll("/proc/self/stat");
  // The command name (field 2) may hold spaces; fields resume after ')'.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return stats;
  std::istringstream in(stat.substr(close + 2));
  std::vector<std::string> fields;  // fields[0] is field 3 (state)
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() < 22) return stats;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // utime 14, stime 15, starttime 22, vsize 23, rss 24 (proc(5), 1-based).
  stats.cpu_seconds = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
  stats.start_time_seconds = BootTime() + std::stod(fields[19]) / ticks;
  stats.virtual_bytes = std::stod(fields[20]);
  stats.resident_bytes = std::stod(fields[21]) * page;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    stats.open_fds += 1;
  }
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) stats.max_fds = static_cast<double>(limit.rlim_cur);
  stats.ok = true;
  return stats;
}

void AppendProcessMetrics(const ProcessStats& stats, std::string* out) {
  if (!stats.ok) return;
  AppendSeries("process_cpu_seconds_total", "counter",
               "Total user and system CPU time spent in seconds.", stats.cpu_seconds, out);
  AppendSeries("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
               stats.resident_bytes, out);
  AppendSeries("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
               stats.virtual_bytes, out);
  AppendSeries("process_open_fds", "gauge", "Number of open file descriptors.", stats.open_fds,
               out);
  AppendSeries("process_max_fds", "gauge", "Maximum number of open file descriptors.",
               stats.max_fds, out);
  AppendSeries("process_start_time_seconds", "gauge",
               "Start time of the process since unix epoch in seconds.", stats.start_time_seconds,
               out);
}

}  // namespace moderation::server
