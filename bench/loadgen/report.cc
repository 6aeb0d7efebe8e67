#include "bench/loadgen/report.h"

#include <sched.h>
#include <sys/resource.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace moderation::bench {
namespace {

double Round1(double x) { return std::round(x * 10) / 10; }

std::string ErrorsText(const RunStats& stats) {
  std::string text;
  for (const auto& [code, count] : stats.errors()) {
    if (!text.empty()) text += ", ";
    text += code + " " + std::to_string(count);
  }
  return text.empty() ? "none" : text;
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

CpuMeter::CpuMeter() : cpu_start_s_(CpuSeconds()), wall_start_ns_(NowNs()) {}

double CpuMeter::Util() const {
  const double wall = static_cast<double>(NowNs() - wall_start_ns_) / 1e9;
  return wall > 0 ? (CpuSeconds() - cpu_start_s_) / wall : 0;
}

std::string AllowedCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return "?";
  std::string text;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &set)) continue;
    int last = cpu;
    while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set)) ++last;
    if (!text.empty()) text += ',';
    text += std::to_string(cpu);
    if (last > cpu) text += "-" + std::to_string(last);
    cpu = last;
  }
  return text;
}

std::string ResultJson(const RunConfig& config, const RunStats& stats,
                       const ClientEnvironment& env) {
  const double seconds = stats.timeline().measured_seconds();
  const LatencyHistogram& latency = stats.latency();
  nlohmann::ordered_json errors = nlohmann::ordered_json::object();
  for (const auto& [code, count] : stats.errors()) errors[code] = count;
  nlohmann::ordered_json json = {
      {"tool", "loadgen"},
      {"label", config.label},
      {"target", config.target},
      {"rpc", config.rpc},
      {"loop", config.loop},
      {"concurrency", config.concurrency},
      {"streams", config.streams},
      {"window", config.window},
      {"batch", config.batch},
      {"rate", config.rate},
      {"max_outstanding", config.max_outstanding},
      {"late_us", config.late_us},
      {"channels", config.channels},
      {"seconds", config.seconds},
      {"warmup", config.warmup},
      {"post_bytes", config.post_bytes},
      {"abusive_every", config.abusive_every},
      {"community", config.community},
      {"requests", stats.answered()},
      {"posts", stats.answered_posts()},
      {"qps", Round1(static_cast<double>(stats.answered()) / seconds)},
      {"posts_per_s", Round1(static_cast<double>(stats.answered_posts()) / seconds)},
      {"not_allowed", stats.not_allowed()},
      {"p50_us", latency.PercentileUs(0.50)},
      {"p90_us", latency.PercentileUs(0.90)},
      {"p99_us", latency.PercentileUs(0.99)},
      {"p999_us", latency.PercentileUs(0.999)},
      {"max_us", Round1(latency.max_us())},
      {"mean_us", Round1(latency.mean_us())},
      {"errors", errors},
      {"failed", stats.failed()},
      {"late", stats.late()},
      {"max_send_lag_us", Round1(static_cast<double>(stats.max_send_lag_ns()) / 1e3)},
      {"dropped", stats.dropped()},
      {"client_cpus", env.cpus},
      {"client_cpu_util", std::round(env.cpu_util * 100) / 100},
      {"host_cpus", env.host_cpus},
      {"note", env.note},
  };
  return json.dump();
}

void PrintReport(const RunConfig& config, const RunStats& stats, const ClientEnvironment& env,
                 std::FILE* out) {
  const double seconds = stats.timeline().measured_seconds();
  const LatencyHistogram& latency = stats.latency();
  std::string shape;
  if (config.loop == "closed") {
    shape = config.rpc == "stream" ? std::to_string(config.streams) + " stream(s) x window " +
                                         std::to_string(config.window)
                                   : std::to_string(config.concurrency) + " call(s) in flight";
  } else {
    shape = "rate " + std::to_string(std::lround(config.rate)) +
            (config.rpc == "stream" ? " posts/s" : " calls/s") + ", at most " +
            std::to_string(config.max_outstanding) + " outstanding";
  }
  if (config.rpc == "batch") shape += ", " + std::to_string(config.batch) + " posts per call";
  std::fprintf(out, "loadgen %s: %s %s loop, %s, %.0f s measured after %.0f s warm-up, target %s\n",
               config.label.empty() ? "-" : config.label.c_str(), config.rpc.c_str(),
               config.loop.c_str(), shape.c_str(), seconds, config.warmup, config.target.c_str());
  std::fprintf(out, "  answered  %llu requests (%llu posts): %.0f requests/s, %.0f posts/s\n",
               static_cast<unsigned long long>(stats.answered()),
               static_cast<unsigned long long>(stats.answered_posts()),
               static_cast<double>(stats.answered()) / seconds,
               static_cast<double>(stats.answered_posts()) / seconds);
  std::fprintf(out,
               "  latency   p50 %lld us, p90 %lld us, p99 %lld us, p99.9 %lld us, max %.0f us "
               "(mean %.0f us)%s\n",
               static_cast<long long>(latency.PercentileUs(0.5)),
               static_cast<long long>(latency.PercentileUs(0.9)),
               static_cast<long long>(latency.PercentileUs(0.99)),
               static_cast<long long>(latency.PercentileUs(0.999)), latency.max_us(),
               latency.mean_us(), config.loop == "open" ? ", from scheduled send" : "");
  std::fprintf(out, "  answers   %llu posts not allowed (FLAG or BLOCK); errors: %s\n",
               static_cast<unsigned long long>(stats.not_allowed()), ErrorsText(stats).c_str());
  if (config.loop == "open") {
    std::fprintf(out,
                 "  pacing    %llu sent late (over %d us after schedule; max lag %.0f us), %llu "
                 "dropped at the cap\n",
                 static_cast<unsigned long long>(stats.late()), config.late_us,
                 static_cast<double>(stats.max_send_lag_ns()) / 1e3,
                 static_cast<unsigned long long>(stats.dropped()));
  }
  std::fprintf(out, "  client    CPUs %s of %d, %.0f%% of one core busy; %s\n", env.cpus.c_str(),
               env.host_cpus, env.cpu_util * 100, env.note.c_str());
  std::fprintf(out, "RESULT %s\n", ResultJson(config, stats, env).c_str());
  std::fflush(out);
}

}  // namespace moderation::bench
