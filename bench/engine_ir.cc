// A fixed amount of engine work for instruction counting: the default rules
// judge the engine_bench 1 KiB post pool (same texts, same seed) a given
// number of times. Callgrind counts the same instructions every run, where
// times on this shared host drift by 30 %, so engine changes are judged by
//
//   build/bench/engine_ir --cache_dir=/tmp/ir-cache   # once: fills the cache
//   valgrind --tool=callgrind --toggle-collect='moderation::CompiledRuleSet::Evaluate*'
//       build/bench/engine_ir --cache_dir=/tmp/ir-cache --passes=1
//   callgrind_annotate --inclusive=yes callgrind.out.<pid>
//
// and Ir per post = the total / (passes x 256). Natively the cache keeps
// the Hyperscan compile out of the run; under valgrind it misses (the CPU
// features differ, so the key does), so the first valgrind run compiles, which
// takes tens of minutes on a loaded 2-vCPU host. For times, run it natively
// with --passes=20 and with --passes=0 (loading alone) and subtract.
//
// Options: --rules=DIR (default <source>/rules), --bytes=B (default 1024),
// --passes=N (default 1), --cache_dir=DIR (default none).
// Prints the post count and how many had an enforced hit, so that runs on
// different builds can be checked to have judged alike.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench/synthetic_rules.h"
#include "engine/catalog.h"

namespace {

std::string Flag(int argc, char** argv, std::string_view name, std::string fallback) {
  const std::string prefix = "--" + std::string(name) + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).starts_with(prefix)) return argv[i] + prefix.size();
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace moderation;
  const std::string rules = Flag(argc, argv, "rules", MODERATION_SOURCE_DIR "/rules");
  const size_t bytes = std::stoul(Flag(argc, argv, "bytes", "1024"));
  const size_t passes = std::stoul(Flag(argc, argv, "passes", "1"));
  RuleCatalog::Options options;
  options.run_examples = false;
  options.compile.cache_dir = Flag(argc, argv, "cache_dir", "");
  rules::Diagnostics problems;
  auto catalog = RuleCatalog::Load(rules, options, &problems);
  if (!catalog.ok()) {
    std::fprintf(stderr, "engine_ir: cannot load %s: %s\n", rules.c_str(),
                 std::string(catalog.status().message()).c_str());
    return 1;
  }
  auto set = (*catalog)->ForCommunity("");
  if (!set.ok()) {
    std::fprintf(stderr, "engine_ir: %s\n", std::string(set.status().message()).c_str());
    return 1;
  }
  // As BenchData::Posts: 256 posts, 5 % abusive, 100 synthetic terms (seed
  // 1), post seed 7.
  const std::vector<std::string> bodies =
      bench::GermanPosts({.bytes = bytes,
                          .count = 256,
                          .abusive_rate = 0.05,
                          .terms = bench::SyntheticTerms(100, 1),
                          .seed = 7});
  size_t posts = 0, with_hits = 0, hits = 0;
  for (size_t pass = 0; pass < passes; ++pass) {
    for (size_t i = 0; i < bodies.size(); ++i) {
      Post post;
      post.id = "bench-" + std::to_string(i);
      post.community = "bench";
      post.author.account_age_days = static_cast<int>(i % 30);
      post.fields.push_back({"body", bodies[i]});
      absl::StatusOr<Decision> decision = (*set)->Evaluate(post);
      if (!decision.ok()) {
        std::fprintf(stderr, "engine_ir: %s\n", std::string(decision.status().message()).c_str());
        return 1;
      }
      ++posts;
      with_hits += !decision->hits.empty();
      hits += decision->hits.size();
    }
  }
  std::printf("posts %zu, with hits %zu, hits %zu\n", posts, with_hits, hits);
  return 0;
}
