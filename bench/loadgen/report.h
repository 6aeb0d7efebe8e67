// The load generator's output: a human summary and one RESULT JSON line.
//
// Why: people read the summary; bench/run.sh and report.py grep the line
// starting with "RESULT " and parse the JSON after it. Exactly one RESULT
// line is printed per run.
//
//   PrintReport(config, stats, environment, stdout);
//
// Thread-safety: call after the run, when the stats no longer change.
#ifndef MODERATION_BENCH_LOADGEN_REPORT_H_
#define MODERATION_BENCH_LOADGEN_REPORT_H_

#include <cstdio>
#include <string>

#include "bench/loadgen/run_stats.h"

namespace moderation::bench {

// What the run was asked to do.
struct RunConfig {
  std::string label;    // free text, e.g. "echo" or "moderationd"
  std::string target;   // host:port
  std::string rpc;      // "moderate" | "batch" | "stream"
  std::string loop;     // "closed" | "open"
  int concurrency = 0;  // closed loop: calls (posts, for streams) kept in flight; open loop: 0
  int streams = 0;      // stream: number of streams
  int window = 0;       // closed-loop stream: posts unanswered per stream
  int batch = 0;        // batch: posts per call
  double rate = 0;      // open loop: calls/s (posts/s for streams)
  int max_outstanding = 0;
  int late_us = 0;  // open loop: sent more than this after schedule = late
  int channels = 1;
  double seconds = 0;
  double warmup = 0;
  size_t post_bytes = 0;
  int abusive_every = 0;
  std::string community;
};

// Where the client ran.
struct ClientEnvironment {
  std::string cpus;     // CPUs the client may run on, e.g. "1" or "0-1"
  int host_cpus = 0;    // CPUs online on this host
  std::string note;     // e.g. "client and server share the host's 2 cores"
  double cpu_util = 0;  // client CPU time / wall time over the run (1 = one core busy)
};

// Measures this process's CPU use (all threads) from construction to Util().
class CpuMeter {
 public:
  CpuMeter();
  double Util() const;

 private:
  double cpu_start_s_;
  int64_t wall_start_ns_;
};

// CPUs this process may run on (sched_getaffinity), as "0-1,3".
std::string AllowedCpus();

// The RESULT line's JSON (without the prefix).
std::string ResultJson(const RunConfig& config, const RunStats& stats,
                       const ClientEnvironment& env);

void PrintReport(const RunConfig& config, const RunStats& stats, const ClientEnvironment& env,
                 std::FILE* out);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_LOADGEN_REPORT_H_
