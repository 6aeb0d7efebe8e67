// Engine microbenchmarks: normalisation, scanning and full evaluation at
// 100 to 50,000 rules and 64 B to 16 KiB posts, the default rules, plain-
// matching baselines, a memory-bandwidth reference on the same bytes, and
// compile time and memory cold and from the database cache.
//
//   MODERATION_BENCH_SIZE=small build/bench/engine_bench --benchmark_format=json
//   build/bench/engine_bench --bench_size=full --benchmark_filter='^evaluate/'
//
// Options (flag, else environment variable, else default):
//   --bench_size=small|default|full     MODERATION_BENCH_SIZE (default)
//       small:   100 and 1,000 terms, 64 B and 1 KiB posts, baselines at 100
//                terms, compile 100 / 1,000 terms; CI's smoke run (well
//                under a minute with --benchmark_min_time=0.05).
//       default: adds 10,000 terms at 64 B / 1 KiB / 16 KiB, the 500-regex
//                set, 16 KiB posts, baselines at 1,000 and 10,000 terms,
//                compile 10,000 terms and the 500-regex set.
//       full:    adds 50,000 terms (evaluate, scan, RE2::Set and find
//                baselines, compile).
//   --bench_abusive_rate=R              MODERATION_BENCH_ABUSIVE_RATE (0.05)
//       share of sentences carrying a rule term, often disguised (leet,
//       spaced, stretched, upper case); see bench/synthetic_rules.h.
//   --bench_rules=DIR                   MODERATION_BENCH_RULES (<source>/rules)
//       rule directory for the default-rules benchmarks.
//   --bench_rules_cache=DIR             MODERATION_BENCH_RULES_CACHE (none)
//       Hyperscan cache for loading them (e.g. the tests' warm cache);
//       without it the default-rules set is compiled once per run.
// Every other flag goes to Google Benchmark (1.7.1: --benchmark_min_time
// takes plain seconds, e.g. 0.05).
//
// Benchmark names (stable; bench/report.py parses them):
//   normalize/bytes:B                     text::Normalize
//   scan/terms:N/bytes:B                  Hyperscan literal scan of the skeleton +
//   scan/regexes:500/bytes:B                regex scans (folded, raw), views
//                                           normalised ahead of time
//   evaluate/terms:N/bytes:B              CompiledRuleSet::Evaluate
//   evaluate/regexes:500/bytes:B
//   evaluate/phrases:N/bytes:B            100 terms + N phrase rules (N = 100, 1000)
//   evaluate/pairs:200x200/bytes:B        100 terms + one "@a+@b" rule, 200 x 200
//   scan/default-rules/bytes:B            rules/ default community (de+en+pii+spam):
//   evaluate/default-rules/bytes:B          the scans alone, and Evaluate
//   baseline_re2set/terms:N/bytes:1024    RE2::Set of the N terms
//   baseline_find/terms:N/bytes:1024      lower-case + std::string::find per term
//   baseline_stdregex/terms:N/bytes:1024  one std::regex per term; only N <= 1,000
//                                           (1,000 take ~40 ms a post, 10,000 ~0.4 s)
//   memread/bytes:B, memcpy/bytes:B       B in {1024, 16384}
//   compile/terms:N/cold|cached           parse + Compile, no cache / from cache
//   compile/regexes:500/cold|cached
//   reload/terms:N/unchanged|changed      RuleCatalog::LoadPartial of a directory
//                                           with the server's ReloadCache and the
//                                           database cache, warm: nothing changed /
//                                           the file's version changed (N 1000,
//                                           10000, 50000 in full)
//   reload/default-rules/unchanged|de-changed   the same for rules/, de.yaml changed
// B is 64, 1024 or 16384; N is 100, 1000, 10000 or 50000. terms:N sets have
// N word rules, N/200 regex rules and 3 condition rules; regexes:500 has 100
// word rules, 500 regex rules and the 3 condition rules.
//
// Counters (besides Google Benchmark's real_time / cpu_time per post):
//   bytes_per_second, items_per_second    all post benchmarks (items = posts)
//   hit_share                             share of the posts measured with >= 1 hit (evaluate:
//                                           an enforced rule hit; scan: any raw
//                                           match; baselines: any term found)
//   p50_ns, p99_ns, p999_ns               evaluate/*: per-post latency from a
//                                           separate timed loop (latency.h)
//   min_p50_ns, min_p99_ns, min_repeats   evaluate/*: the same loop's percentiles
//                                           over the pool's posts of each post's
//                                           fastest time (timed min_repeats times
//                                           each): the real work of the slow posts
//                                           without the host's noise (latency.h)
//   database_bytes, rss_growth_bytes,     compile/*: Hyperscan database size,
//   rss_held_bytes, parse_ms, rules         RSS growth right after compiling and
//                                           while holding the set (after
//                                           malloc_trim), YAML parse time per
//                                           compile, rule count
//   sets_compiled, sets_reused            reload/*: rule sets compiled / reused
// Every post benchmark rotates through the same pool of 256 posts per size.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bench/engine/benchmarks.h"
#include "bench/synthetic_rules.h"

namespace moderation::bench {
namespace {

constexpr std::string_view kUsage =
    "engine_bench options (besides Google Benchmark's):\n"
    "  --bench_size=small|default|full   or MODERATION_BENCH_SIZE (default: default)\n"
    "  --bench_abusive_rate=R            or MODERATION_BENCH_ABUSIVE_RATE (default: 0.05)\n"
    "  --bench_rules=DIR                 or MODERATION_BENCH_RULES (default: <source>/rules)\n"
    "  --bench_rules_cache=DIR           or MODERATION_BENCH_RULES_CACHE (default: none)\n";

// The value of --name=value in argv (removed from argv), else of env, else "".
std::string TakeOption(int* argc, char** argv, std::string_view name, const char* env) {
  const std::string prefix = "--" + std::string(name) + "=";
  std::string value;
  bool found = false;
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    if (std::string_view(argv[i]).substr(0, prefix.size()) == prefix) {
      value = argv[i] + prefix.size();
      found = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  if (!found && std::getenv(env) != nullptr) value = std::getenv(env);
  return value;
}

// Google Benchmark's --benchmark_min_time (left in argv), else its default.
double MinTime(int argc, char** argv) {
  constexpr std::string_view kPrefix = "--benchmark_min_time=";
  double seconds = 0.5;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.substr(0, kPrefix.size()) != kPrefix) continue;
    arg.remove_prefix(kPrefix.size());
    if (!arg.empty() && arg.back() == 's') arg.remove_suffix(1);
    if (!absl::SimpleAtod(absl::string_view(arg.data(), arg.size()), &seconds)) seconds = 0.5;
  }
  return seconds;
}

bool ParseConfig(int* argc, char** argv, BenchConfig* config) {
  const std::string size = TakeOption(argc, argv, "bench_size", "MODERATION_BENCH_SIZE");
  if (size == "small") {
    config->size = BenchSize::kSmall;
  } else if (size == "full") {
    config->size = BenchSize::kFull;
  } else if (!size.empty() && size != "default") {
    std::fprintf(stderr, "engine_bench: unknown size '%s'\n%s", size.c_str(), kUsage.data());
    return false;
  }
  const std::string rate =
      TakeOption(argc, argv, "bench_abusive_rate", "MODERATION_BENCH_ABUSIVE_RATE");
  if (!rate.empty() && (!absl::SimpleAtod(rate, &config->abusive_rate) ||
                        config->abusive_rate < 0 || config->abusive_rate > 1)) {
    std::fprintf(stderr, "engine_bench: abusive rate '%s' is not in [0, 1]\n%s", rate.c_str(),
                 kUsage.data());
    return false;
  }
  config->rules_path = TakeOption(argc, argv, "bench_rules", "MODERATION_BENCH_RULES");
  if (config->rules_path.empty()) config->rules_path = MODERATION_SOURCE_DIR "/rules";
  config->rules_cache_dir =
      TakeOption(argc, argv, "bench_rules_cache", "MODERATION_BENCH_RULES_CACHE");
  config->min_time = MinTime(*argc, argv);
  return true;
}

const char* SizeName(BenchSize size) {
  switch (size) {
    case BenchSize::kSmall:
      return "small";
    case BenchSize::kDefault:
      return "default";
    case BenchSize::kFull:
      return "full";
  }
  return "?";
}

void RegisterAll(BenchData* data) {
  const BenchSize size = data->config().size;
  const bool small = size == BenchSize::kSmall, full = size == BenchSize::kFull;
  const std::vector<size_t> post_sizes =
      small ? std::vector<size_t>{64, 1024} : std::vector<size_t>{64, 1024, 16384};

  for (size_t bytes : post_sizes) RegisterNormalize(data, bytes);
  std::vector<std::pair<SetShape, std::vector<size_t>>> sets = {{TermsShape(100), {64, 1024}},
                                                                {TermsShape(1000), {64, 1024}}};
  if (!small) sets.push_back({TermsShape(10000), post_sizes});
  if (full) sets.push_back({TermsShape(50000), post_sizes});
  if (!small) sets.push_back({RegexHeavyShape(), post_sizes});
  // The rule language: cost per post must follow the text, not the number of
  // phrases (phrases:100 vs phrases:1000) or the size of compound lists.
  sets.push_back({PhrasesShape(100), {64, 1024}});
  sets.push_back({PhrasesShape(1000), {64, 1024}});
  sets.push_back({PairsShape(200), {64, 1024}});
  for (const auto& [shape, sizes] : sets) {
    for (size_t bytes : sizes) {
      RegisterScan(data, shape, bytes);
      RegisterEvaluate(data, shape, bytes);
    }
  }
  for (size_t bytes : post_sizes) {
    RegisterScanDefaultRules(data, bytes);
    RegisterEvaluateDefaultRules(data, bytes);
  }

  // Baselines on 1 KiB posts. std::regex is capped at 1,000 terms.
  std::vector<size_t> baseline_terms = {100};
  if (!small) baseline_terms.insert(baseline_terms.end(), {1000, 10000});
  if (full) baseline_terms.push_back(50000);
  for (size_t terms : baseline_terms) {
    RegisterBaseline(data, Baseline::kRe2Set, terms, 1024);
    RegisterBaseline(data, Baseline::kFind, terms, 1024);
    if (terms <= 1000) RegisterBaseline(data, Baseline::kStdRegex, terms, 1024);
  }
  for (size_t bytes : {1024, 16384}) RegisterMemoryReference(data, bytes);

  std::vector<SetShape> compiled = {TermsShape(100), TermsShape(1000)};
  if (!small) compiled.insert(compiled.end(), {TermsShape(10000), RegexHeavyShape()});
  if (full) compiled.push_back(TermsShape(50000));
  for (const SetShape& shape : compiled) RegisterCompile(data, shape);
  std::vector<SetShape> reloaded = {TermsShape(1000)};
  if (!small) reloaded.push_back(TermsShape(10000));
  if (full) reloaded.push_back(TermsShape(50000));
  for (const SetShape& shape : reloaded) RegisterReload(data, shape);
  RegisterReloadDefaultRules(data);
}

}  // namespace
}  // namespace moderation::bench

int main(int argc, char** argv) {
  using namespace moderation::bench;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) std::fputs(kUsage.data(), stdout);
  }
  BenchConfig config;
  if (!ParseConfig(&argc, argv, &config)) return 2;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("bench_size", SizeName(config.size));
  benchmark::AddCustomContext("bench_abusive_rate", absl::StrCat(config.abusive_rate));
  benchmark::AddCustomContext("bench_post_pool", absl::StrCat(kPoolSize));
  benchmark::AddCustomContext("bench_text", HaveFortunes() ? "fortunes-de" : "built-in sentences");
  benchmark::AddCustomContext("bench_rules", config.rules_path);
  if (!config.rules_cache_dir.empty()) {
    benchmark::AddCustomContext("bench_rules_cache", config.rules_cache_dir);
  }
  BenchData data(config);
  RegisterAll(&data);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
