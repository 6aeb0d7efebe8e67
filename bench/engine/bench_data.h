// The engine benchmarks' shared inputs: the run's configuration, post pools,
// compiled rule sets and baseline matchers, each built on first use and kept
// for the rest of the process.
//
// Why: compiling 50,000 terms takes seconds and posts must be identical
// across benchmarks (engine, phases, baselines, memory reference), so every
// benchmark asks one BenchData for them. Building lazily means a
// --benchmark_filter run compiles only what it measures. main() owns the one
// instance and hands it to every registered benchmark; nothing is global.
//
//   BenchData data(config);
//   const PostPool& pool = data.Posts(1024);
//   std::shared_ptr<const CompiledRuleSet> set = data.Synthetic({10000, 50});
//
// Thread-safety: not thread-safe. Benchmarks run one at a time on the main
// thread (none uses ->Threads()).
#ifndef MODERATION_BENCH_ENGINE_BENCH_DATA_H_
#define MODERATION_BENCH_ENGINE_BENCH_DATA_H_

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/baselines.h"
#include "engine/post/post.h"
#include "engine/rule_set.h"

namespace moderation::bench {

enum class BenchSize { kSmall, kDefault, kFull };

struct BenchConfig {
  BenchSize size = BenchSize::kDefault;
  // Share of sentences carrying a (often disguised) rule term; see
  // PostPoolSpec. Default 0.05.
  double abusive_rate = 0.05;
  // Rules directory for the "default-rules" benchmarks. Default: rules/ of
  // the source tree this binary was built from.
  std::string rules_path;
  // Hyperscan database cache for the default rules (DefaultRules() and the
  // warm-up load of the reload/default-rules benchmarks), e.g. one a test run
  // already filled. "" (default): both use CacheDir(), so rules/ is compiled
  // once per run (about 80 s of CPU when pinned to one core).
  std::string rules_cache_dir;
  // --benchmark_min_time in seconds (Google Benchmark's default 0.5); see
  // latency.h for why the benchmarks need it.
  double min_time = 0.5;
};

// A synthetic rule set: `terms` word rules, `regexes` regex rules (plus the
// three condition rules). Named "terms:N", or "regexes:N" for the
// regex-heavy set.
struct SetShape {
  size_t terms = 0;
  size_t regexes = 0;
  size_t phrases = 0;    // "phrases:N": 100 terms, 0 regexes, N phrase rules
  size_t pair_list = 0;  // "pairs:NxN": 100 terms, one "@a+@b" rule of N x N
  std::string Label() const;
  friend bool operator<(const SetShape& a, const SetShape& b) {
    return std::tie(a.terms, a.regexes, a.phrases, a.pair_list) <
           std::tie(b.terms, b.regexes, b.phrases, b.pair_list);
  }
};

// The sizes every rule-count benchmark uses: terms/200 regexes, as in
// DESIGN's scale targets; and a regex-heavy set of 500 regexes, 100 terms.
SetShape TermsShape(size_t terms);
SetShape RegexHeavyShape();
SetShape PhrasesShape(size_t phrases);
SetShape PairsShape(size_t list_size);

// kPoolSize distinct posts of one size, rotated through by every benchmark
// so the branch predictor and caches cannot learn a single post.
inline constexpr size_t kPoolSize = 256;
struct PostPool {
  std::vector<Post> posts;  // one "body" field each; author age varies
  size_t total_bytes = 0;
};

// A post pool normalised ahead of time, for the scan-phase benchmark.
struct ScanInput {
  std::string skeleton;
  std::string folded;
  const std::string* raw = nullptr;  // the pool post's body
};

class BenchData {
 public:
  explicit BenchData(BenchConfig config);
  ~BenchData();  // removes the cache directory
  BenchData(const BenchData&) = delete;
  BenchData& operator=(const BenchData&) = delete;

  const BenchConfig& config() const { return config_; }

  const PostPool& Posts(size_t bytes);
  // Empty on a normalisation error (the posts are valid UTF-8: a bug).
  const std::vector<ScanInput>& Normalized(size_t bytes);

  // The terms every baseline and synthetic set of this size uses.
  const std::vector<std::string>& Terms(size_t count);
  // The YAML text of a synthetic set (generated once).
  const std::string& Yaml(const SetShape& shape);

  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> Synthetic(const SetShape& shape);
  // The default community's set of config().rules_path (rules/: de+en+pii+spam).
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> DefaultRules();

  absl::StatusOr<const StdRegexBaseline*> StdRegex(size_t terms);
  absl::StatusOr<const Re2SetBaseline*> Re2Set(size_t terms);
  FindBaseline* Find(size_t terms);

  // A fresh per-process temporary directory for the database cache.
  const std::string& CacheDir();
  // config().rules_cache_dir if set, else CacheDir(): where loads of the
  // default rules keep their databases.
  const std::string& RulesCacheDir();

 private:
  BenchConfig config_;
  std::map<size_t, PostPool> posts_;
  std::map<size_t, std::vector<ScanInput>> normalized_;
  std::map<size_t, std::vector<std::string>> terms_;
  std::map<SetShape, std::string> yaml_;
  std::map<SetShape, absl::StatusOr<std::shared_ptr<const CompiledRuleSet>>> sets_;
  std::optional<absl::StatusOr<std::shared_ptr<const CompiledRuleSet>>> default_rules_;
  std::map<size_t, absl::StatusOr<std::unique_ptr<const StdRegexBaseline>>> std_regex_;
  std::map<size_t, absl::StatusOr<std::unique_ptr<const Re2SetBaseline>>> re2_set_;
  std::map<size_t, std::unique_ptr<FindBaseline>> find_;
  std::string cache_dir_;
};

// Parses `yaml` and compiles it: what loading a synthetic rule file costs.
absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> CompileYaml(const std::string& yaml,
                                                                   const CompileOptions& options);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_ENGINE_BENCH_DATA_H_
