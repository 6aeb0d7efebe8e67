// Engine microbenchmarks: normalisation, full evaluation at 100 to 50,000
// rules, compile time cold and from the database cache, and a memory-read
// reference on the same bytes.
//
//   build/bench/engine_bench --benchmark_filter=Evaluate
//
// Google Benchmark reports means; BM_Evaluate also reports per-post p50 /
// p99 / p999 latency (ns) from its own timing of every iteration.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <numeric>

#include "bench/synthetic_rules.h"
#include "engine/rule_set.h"
#include "engine/rules/loader.h"
#include "engine/text/normalizer.h"

namespace moderation::bench {
namespace {

std::shared_ptr<const CompiledRuleSet> CompileSynthetic(size_t terms, size_t regexes,
                                                        const CompileOptions& options = {}) {
  rules::Diagnostics problems;
  auto source = rules::ParseRuleSet(SyntheticRuleYaml({terms, regexes, 1}), "synthetic.yaml", &problems);
  if (!source) return nullptr;
  std::vector<rules::RuleSetSource> sources;
  sources.push_back(std::move(*source));
  auto set = CompiledRuleSet::Compile(std::move(sources), options, &problems);
  return set.ok() ? *set : nullptr;
}

// Compiled sets are expensive; build each size once per process.
std::shared_ptr<const CompiledRuleSet> SetWithTerms(size_t terms) {
  static std::map<size_t, std::shared_ptr<const CompiledRuleSet>> sets;
  auto& set = sets[terms];
  if (set == nullptr) set = CompileSynthetic(terms, terms / 200);
  return set;
}

Post PostOf(const std::string& body) {
  Post post;
  post.id = "bench";
  post.fields.push_back({"body", body});
  return post;
}

void ReportPercentiles(benchmark::State& state, std::vector<int64_t>& ns) {
  if (ns.empty()) return;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) { return static_cast<double>(ns[std::min(ns.size() - 1, size_t(q * ns.size()))]); };
  state.counters["p50_ns"] = at(0.50);
  state.counters["p99_ns"] = at(0.99);
  state.counters["p999_ns"] = at(0.999);
}

void BM_Normalize(benchmark::State& state) {
  const std::string text = GermanPost(static_cast<size_t>(state.range(0)), 7);
  text::NormalizedText out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(text::Normalize(text, &out));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Normalize)->Arg(64)->Arg(1024)->Arg(16384);

// One post of range(1) bytes against range(0) word rules (+ range(0)/200
// regex rules). The post is clean German text: the common case.
void BM_Evaluate(benchmark::State& state) {
  auto set = SetWithTerms(static_cast<size_t>(state.range(0)));
  if (set == nullptr) {
    state.SkipWithError("compile failed");
    return;
  }
  const Post post = PostOf(GermanPost(static_cast<size_t>(state.range(1)), 7));
  std::vector<int64_t> ns;
  ns.reserve(1 << 20);
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto decision = set->Evaluate(post);
    benchmark::DoNotOptimize(decision);
    if (ns.size() < ns.capacity()) {
      ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
    }
  }
  ReportPercentiles(state, ns);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * post.fields[0].text.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Evaluate)
    ->Args({100, 1024})
    ->Args({1000, 1024})
    ->Args({10000, 64})
    ->Args({10000, 1024})
    ->Args({10000, 16384})
    ->Args({50000, 1024});

// The same 1 KiB post with five rule terms mixed in, disguised: the cost of
// reporting hits (spans, reasons) on top of scanning.
void BM_EvaluateAbusive(benchmark::State& state) {
  auto set = SetWithTerms(10000);
  const std::vector<std::string> terms = SyntheticTerms(10000, 1);
  std::string body = GermanPost(900, 7);
  for (size_t i = 0; i < 5; ++i) body += " Du " + terms[i * 997] + "!";
  const Post post = PostOf(body);
  for (auto _ : state) {
    auto decision = set->Evaluate(post);
    benchmark::DoNotOptimize(decision);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_EvaluateAbusive);

// Reference: reading the same bytes once (a checksum over the post).
void BM_MemoryRead(benchmark::State& state) {
  const std::string text = GermanPost(static_cast<size_t>(state.range(0)), 7);
  for (auto _ : state) {
    uint64_t sum = std::accumulate(text.begin(), text.end(), uint64_t{0},
                                   [](uint64_t a, char c) { return a + static_cast<unsigned char>(c); });
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_MemoryRead)->Arg(1024)->Arg(16384);

// Compile time: cold (no cache) and from the on-disk database cache.
void BM_Compile(benchmark::State& state) {
  const size_t terms = static_cast<size_t>(state.range(0));
  const bool cached = state.range(1) != 0;
  CompileOptions options;
  const auto dir = std::filesystem::temp_directory_path() / "moderation-bench-cache";
  if (cached) {
    options.cache_dir = dir.string();
    CompileSynthetic(terms, terms / 100, options);  // warm the cache
  }
  for (auto _ : state) {
    auto set = CompileSynthetic(terms, terms / 100, options);
    if (set == nullptr) state.SkipWithError("compile failed");
    benchmark::DoNotOptimize(set);
  }
  if (cached) std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Compile)
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->Args({50000, 0})
    ->Args({50000, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace moderation::bench

BENCHMARK_MAIN();
