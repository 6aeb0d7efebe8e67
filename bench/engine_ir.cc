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
// and Ir per post = the total / (passes x posts). Natively the cache keeps
// the Hyperscan compile out of the run; under valgrind it misses (the CPU
// features differ, so the key does), so the first valgrind run compiles, which
// takes tens of minutes on a loaded 2-vCPU host. For times, run it natively
// with --passes=20 and with --passes=0 (loading alone) and subtract.
//
// Options: --rules=DIR (default <source>/rules), --bytes=B (default 1024),
// --passes=N (default 1), --cache_dir=DIR (default none), --posts=FILE (the
// posts of a `modctl scan` input file, {"id", "text", "title"?, "author"?}
// per line, read as modctl reads them, instead of the synthetic pool),
// --write_posts=FILE (writes the pool in that format first), --split_words=0
// (compile without split-word matching, to measure what it costs).
//
// Under valgrind the cache misses because Hyperscan checks the CPU features
// of a database against the host's, and valgrind's CPU has fewer. Filling a
// separate cache once under `valgrind --tool=none ... --passes=0` (a few
// minutes, not the tens under callgrind) gives databases that callgrind runs
// then load.
// Prints the post count and how many had an enforced hit, so that runs on
// different builds can be checked to have judged alike.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/cli_flag.h"
#include "bench/synthetic_rules.h"
#include "engine/catalog.h"
#include "server/modctl/json_codec.h"

using moderation::bench::Flag;

int main(int argc, char** argv) {
  using namespace moderation;
  const std::string rules = Flag(argc, argv, "rules", MODERATION_SOURCE_DIR "/rules");
  const size_t bytes = std::stoul(Flag(argc, argv, "bytes", "1024"));
  const size_t passes = std::stoul(Flag(argc, argv, "passes", "1"));
  RuleCatalog::Options options;
  options.run_examples = false;
  options.compile.cache_dir = Flag(argc, argv, "cache_dir", "");
  options.compile.split_words = Flag(argc, argv, "split_words", "1") != "0";
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
  const std::string posts_file = Flag(argc, argv, "posts", "");
  std::vector<Post> pool;
  if (posts_file.empty()) {
    // As BenchData::Posts: 256 posts, 5 % abusive, 100 synthetic terms (seed
    // 1), post seed 7.
    const std::vector<std::string> bodies =
        bench::GermanPosts({.bytes = bytes,
                            .count = 256,
                            .abusive_rate = 0.05,
                            .terms = bench::SyntheticTerms(100, 1),
                            .seed = 7});
    for (size_t i = 0; i < bodies.size(); ++i) {
      Post post;
      post.id = "bench-" + std::to_string(i);
      post.community = "bench";
      post.author.account_age_days = static_cast<int>(i % 30);
      post.fields.push_back({"body", bodies[i]});
      pool.push_back(std::move(post));
    }
  } else {
    std::ifstream in(posts_file);
    if (!in) {
      std::fprintf(stderr, "engine_ir: cannot read %s\n", posts_file.c_str());
      return 1;
    }
    std::string line;
    for (size_t number = 1; std::getline(in, line); ++number) {
      nlohmann::json id;
      absl::StatusOr<Post> post = modctl::PostFromJsonLine(line, &id);
      if (!post.ok()) {
        std::fprintf(stderr, "engine_ir: %s:%zu: %s\n", posts_file.c_str(), number,
                     std::string(post.status().message()).c_str());
        return 1;
      }
      pool.push_back(std::move(*post));
    }
  }
  // --write_posts=FILE: the pool as `modctl scan` input, for `modctl scan`
  // and `modctl validate --cost` on the same posts.
  if (const std::string out_file = Flag(argc, argv, "write_posts", ""); !out_file.empty()) {
    std::ofstream out(out_file);
    for (const Post& post : pool) {
      nlohmann::json line = {{"id", post.id}};
      for (const Field& field : post.fields)
        line[field.name == "body" ? "text" : field.name] = field.text;
      out << line.dump() << "\n";
    }
    if (!out.flush()) {
      std::fprintf(stderr, "engine_ir: cannot write %s\n", out_file.c_str());
      return 1;
    }
  }
  size_t posts = 0, with_hits = 0, hits = 0;
  for (size_t pass = 0; pass < passes; ++pass) {
    for (const Post& post : pool) {
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
