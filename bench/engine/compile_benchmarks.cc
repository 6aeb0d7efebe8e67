// Compile time and memory of the synthetic rule sets: parsing the YAML and
// CompiledRuleSet::Compile, cold (no database cache) and with the Hyperscan
// databases loaded from the on-disk cache (a fresh temporary directory per
// process, warmed before timing). No ->Iterations(1): Google Benchmark would
// append "/iterations:1" to the names; large sets run once anyway (one
// compile outlasts --benchmark_min_time), small ones a few times.
//
// Memory: database_bytes is what the engine reports for its Hyperscan
// databases. Peak RSS cannot be reset per benchmark (VmHWM), so free memory
// is handed back to the OS first (malloc_trim) and the current RSS is read
// before compiling and twice while the set is held: rss_growth_bytes right
// after compiling (the set plus what compiling freed but the allocator kept),
// rss_held_bytes after another malloc_trim (what holding the set costs: the
// databases, RE2 programs, rule metadata). Both are the largest over the
// iterations.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench/engine/benchmarks.h"

namespace moderation::bench {
namespace {

// Current resident set size from /proc/self/statm (0 if unreadable).
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size_pages = 0, resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

void Compile(benchmark::State& state, BenchData* data, const SetShape& shape, bool cached) {
  const std::string& yaml = data->Yaml(shape);
  CompileOptions options;
  if (cached) {
    options.cache_dir = data->CacheDir();
    if (options.cache_dir.empty())
      return state.SkipWithError("cannot create a temporary cache directory");
    if (auto warm = CompileYaml(yaml, options); !warm.ok()) {
      return state.SkipWithError(std::string(warm.status().message()).c_str());
    }
  }
  int64_t rss_growth = 0, rss_held = 0;
  size_t database_bytes = 0, rules = 0;
  double parse_and_compile_s = 0, compile_s = 0;
  for (auto _ : state) {
    state.PauseTiming();
    malloc_trim(0);
    const int64_t before = ResidentBytes();
    const auto start = std::chrono::steady_clock::now();
    state.ResumeTiming();
    absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set = CompileYaml(yaml, options);
    state.PauseTiming();
    parse_and_compile_s +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!set.ok() || (cached && !(*set)->report().literals_from_cache)) {
      state.ResumeTiming();
      state.SkipWithError(set.ok() ? "the database cache was not used"
                                   : std::string(set.status().message()).c_str());
      break;
    }
    rss_growth = std::max(rss_growth, ResidentBytes() - before);
    malloc_trim(0);
    rss_held = std::max(rss_held, ResidentBytes() - before);
    database_bytes = (*set)->report().database_bytes;
    rules = (*set)->report().rules;
    compile_s += (*set)->report().total_seconds;
    set->reset();  // freeing the set is not part of compiling it
    state.ResumeTiming();
  }
  const double n = std::max<double>(1, state.iterations());
  state.counters["database_bytes"] = static_cast<double>(database_bytes);
  state.counters["rss_growth_bytes"] = static_cast<double>(rss_growth);
  state.counters["rss_held_bytes"] = static_cast<double>(rss_held);
  // The YAML parse share of the time: total minus CompiledRuleSet::Compile.
  state.counters["parse_ms"] = 1e3 * (parse_and_compile_s - compile_s) / n;
  state.counters["rules"] = static_cast<double>(rules);
}

}  // namespace

void RegisterCompile(BenchData* data, const SetShape& shape) {
  for (const bool cached : {false, true}) {
    benchmark::RegisterBenchmark(
        absl::StrCat("compile/", shape.Label(), cached ? "/cached" : "/cold").c_str(),
        [=](benchmark::State& state) { Compile(state, data, shape, cached); })
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace moderation::bench
