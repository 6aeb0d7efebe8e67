// The cost of each post of the engine_bench pool, alone: which posts are the
// slow ones by real work, and in which phase (issue 15's "per-post profile
// of the slowest 1 %").
//
// Why: engine_bench's p99_ns times single calls on a shared 2-core host, so
// a percentile mixes per-post cost with preemption and cache pollution by
// other processes. Here every post is judged many times, in rounds over the
// whole pool (round r judges posts 0..255 once each, so a noisy moment hits
// every post a little instead of one post a lot), and each post keeps its
// fastest time: what the post costs when nothing else gets in the way. The
// phases are timed the same way on their own, each in its own pass over the
// pool (normalise; Hyperscan literal scan of the skeleton with a counting
// callback; the folded and raw regex scans with RE2's span search; the
// mended views' pre-check and build, text/mended_view.h; the text
// features), and the match counts that drive the callbacks are printed
// beside them. Timed apart, a phase runs with caches and branch predictors
// warmed by itself on other posts, so "rest" (Evaluate minus the phases) is
// an upper bound of what the callbacks and the decision cost; the
// instruction counts of --callgrind split Evaluate exactly.
//
//   build/bench/post_cost --set=terms:10000 --bytes=1024 --rounds=200
//
// Under callgrind, --callgrind judges each post once with collection on and
// dumps the counts after it ("post <i>"), for exact instruction counts per
// post and per function (bench/post_cost_ir.py sums them by phase):
//
//   valgrind --tool=callgrind --collect-atstart=no --instr-atstart=no
//       --callgrind-out-file=/tmp/pc/cg.%p build/bench/post_cost --set=terms:10000 --callgrind
//   /usr/bin/python3 bench/post_cost_ir.py /tmp/pc/cg.<pid>.*
//
// Options: --set=terms:N|regexes:500|default-rules (terms:10000), --bytes=B
// (1024), --rounds=N (200), --top=N (slowest posts listed, 10),
// --abusive_rate=R (0.05), --rules=DIR (default-rules: <source>/rules),
// --rules_cache=DIR (the Hyperscan database cache for the rules; default a
// fresh one, so the default rules compile each run),
// --tsv=FILE (one line per post: index, minimum times per phase, counts).
// The posts and rule sets are engine_bench's (BenchData), so post <i> here
// is pool post i of evaluate/<set>/bytes:B.
//
// Thread-safety: a single-threaded program.
#include <valgrind/callgrind.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "bench/cli_flag.h"
#include "bench/engine/bench_data.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/text/features.h"
#include "engine/text/mended_view.h"
#include "engine/text/normalizer.h"

namespace moderation::bench {
namespace {

bool HasFlag(int argc, char** argv, std::string_view name) {
  const std::string flag = "--" + std::string(name);
  for (int i = 1; i < argc; ++i) {
    if (flag == argv[i]) return true;
  }
  return false;
}

// The phases of one post, each its fastest time over the rounds, in ns.
enum Phase { kEvaluate, kNormalize, kLiterals, kRegexes, kMend, kFeatures, kPhases };
constexpr const char* kPhaseNames[kPhases] = {"evaluate", "normalize", "literals",
                                              "regexes",  "mend",      "features"};

struct PostCost {
  double ns[kPhases];
  size_t literal_matches = 0, regex_matches = 0, hits = 0, spans = 0;
  bool mended = false;  // the regexes run again on a mended view
  PostCost() { std::fill(std::begin(ns), std::end(ns), std::numeric_limits<double>::max()); }
  // What Evaluate spends besides the timed phases: the literal and regex
  // callbacks (word edges, lexicon, candidates), phrase and compound
  // resolution, unless and allow checks, sorting, conditions and building
  // the Decision; and the regex scans of mended views.
  double Rest() const {
    return ns[kEvaluate] - ns[kNormalize] - ns[kLiterals] - ns[kRegexes] - ns[kMend] -
           ns[kFeatures];
  }
};

template <typename F>
double TimeNs(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
}

// One round: each phase in a pass of its own over the whole pool, as
// engine_bench runs it (a phase never follows itself on the same text, so
// branch predictors and caches do not favour it), keeping the minima. The
// scans read views normalised ahead of time (BenchData::Normalized).
absl::Status Round(const CompiledRuleSet& set, hs_scratch_t* scratch,
                   const std::vector<Post>& posts, const std::vector<ScanInput>& views,
                   std::vector<PostCost>* costs) {
  const auto& parts = set.parts();
  auto keep = [&](size_t i, Phase phase, double ns) {
    (*costs)[i].ns[phase] = std::min((*costs)[i].ns[phase], ns);
  };
  for (size_t i = 0; i < posts.size(); ++i) {
    absl::StatusOr<Decision> decision;
    keep(i, kEvaluate, TimeNs([&] { decision = set.Evaluate(posts[i]); }));
    if (!decision.ok()) return decision.status();
    (*costs)[i].hits = decision->hits.size();
    (*costs)[i].spans = 0;
    for (const RuleHit& hit : decision->hits) (*costs)[i].spans += hit.spans.size();
  }
  text::NormalizedText normalized;
  absl::Status status;
  for (size_t i = 0; i < posts.size(); ++i) {
    keep(i, kNormalize,
         TimeNs([&] { status = text::Normalize(posts[i].fields[0].text, &normalized); }));
    if (!status.ok()) return status;
  }
  for (size_t i = 0; i < posts.size(); ++i) {
    size_t matches = 0;
    auto count = [&](uint32_t, size_t, size_t) { ++matches; };
    keep(i, kLiterals, TimeNs([&] {
           if (set.layout().literals != nullptr) {  // one scan for all parts
             status.Update(set.layout().literals->Scan(views[i].skeleton, scratch, count));
             return;
           }
           for (const auto& part : parts) {
             status.Update(part->literals->Scan(views[i].skeleton, scratch, count));
           }
         }));
    if (!status.ok()) return status;
    (*costs)[i].literal_matches = matches;
  }
  std::vector<uint32_t> ids;
  for (size_t i = 0; i < posts.size(); ++i) {
    size_t matches = 0;
    auto count = [&](uint32_t, size_t, size_t) { ++matches; };
    keep(i, kRegexes, TimeNs([&] {
           for (const auto& part : parts) {
             if (part->folded_regexes) {
               status.Update(part->folded_regexes->ForEachMatch(
                   views[i].folded, scratch, part->max_spans_per_rule, &ids, count));
             }
             if (part->raw_regexes) {
               status.Update(part->raw_regexes->ForEachMatch(
                   *views[i].raw, scratch, part->max_spans_per_rule, &ids, count));
             }
           }
         }));
    if (!status.ok()) return status;
    (*costs)[i].regex_matches = matches;
  }
  text::MendScratch mend_scratch;
  text::View mended[text::kMaxMendedViews];
  for (size_t i = 0; i < posts.size(); ++i) {
    status = text::Normalize(posts[i].fields[0].text, &normalized);
    if (!status.ok()) return status;
    size_t views = 0;
    keep(i, kMend,
         TimeNs([&] { views = text::MendFoldedViews(normalized.folded, &mend_scratch, mended); }));
    (*costs)[i].mended = views > 0;
  }
  for (size_t i = 0; i < posts.size(); ++i) {
    text::TextFeatures features;
    keep(i, kFeatures, TimeNs([&] {
           if (set.layout().any_condition)
             text::AccumulateFeatures(posts[i].fields[0].text, &features);
         }));
  }
  return absl::OkStatus();
}

// Nearest-rank percentile of values (sorted ascending).
double Percentile(const std::vector<double>& sorted, double q) {
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

void PrintPost(size_t i, const PostCost& c, size_t bytes) {
  std::printf("%5zu %6zu", i, bytes);
  for (double ns : c.ns) std::printf(" %9.0f", ns);
  std::printf(" %9.0f %5zu %5zu %4zu %5zu\n", c.Rest(), c.literal_matches, c.regex_matches, c.hits,
              c.spans);
}

void PrintHeader() {
  std::printf("%5s %6s", "post", "bytes");
  for (const char* name : kPhaseNames) std::printf(" %9s", name);
  std::printf(" %9s %5s %5s %4s %5s\n", "rest", "lits", "rexs", "hits", "spans");
}

int Measure(const CompiledRuleSet& set, const std::vector<Post>& posts,
            const std::vector<ScanInput>& views, size_t rounds, size_t top,
            const std::string& tsv) {
  const absl::StatusOr<hs_scratch_t*> scratch = set.scratch().ForThisThread();
  if (!scratch.ok()) return std::fprintf(stderr, "post_cost: no scratch\n"), 1;
  std::vector<PostCost> costs(posts.size());
  for (size_t r = 0; r < rounds; ++r) {
    if (absl::Status s = Round(set, *scratch, posts, views, &costs); !s.ok()) {
      std::fprintf(stderr, "post_cost: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  std::vector<size_t> order(posts.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return costs[a].ns[kEvaluate] < costs[b].ns[kEvaluate]; });
  std::printf("fastest time per post over %zu rounds, ns (rest = evaluate - the phases)\n", rounds);
  std::printf("percentiles over the %zu posts (nearest rank):\n", posts.size());
  for (int p = 0; p < kPhases; ++p) {
    std::vector<double> v;
    for (const PostCost& c : costs) v.push_back(c.ns[p]);
    std::sort(v.begin(), v.end());
    std::printf("  %-9s mean %7.0f  p50 %7.0f  p99 %7.0f  max %7.0f\n", kPhaseNames[p],
                std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()),
                Percentile(v, 0.5), Percentile(v, 0.99), v.back());
  }
  const size_t mended = static_cast<size_t>(
      std::count_if(costs.begin(), costs.end(), [](const PostCost& c) { return c.mended; }));
  std::printf("posts with a mended view (their regexes run again): %zu of %zu\n", mended,
              posts.size());
  PrintHeader();
  std::printf("median post:\n");
  const size_t median = order[order.size() / 2];
  PrintPost(median, costs[median], posts[median].fields[0].text.size());
  std::printf("slowest %zu posts:\n", std::min(top, order.size()));
  for (size_t k = 0; k < top && k < order.size(); ++k) {
    const size_t i = order[order.size() - 1 - k];
    PrintPost(i, costs[i], posts[i].fields[0].text.size());
  }
  if (!tsv.empty()) {
    std::ofstream out(tsv);
    out << "post\tbytes";
    for (const char* name : kPhaseNames) out << "\t" << name;
    out << "\trest\tliterals\tregexes\thits\tspans\n";
    for (size_t i = 0; i < posts.size(); ++i) {
      out << i << "\t" << posts[i].fields[0].text.size();
      for (double ns : costs[i].ns) out << "\t" << ns;
      out << "\t" << costs[i].Rest() << "\t" << costs[i].literal_matches << "\t"
          << costs[i].regex_matches << "\t" << costs[i].hits << "\t" << costs[i].spans << "\n";
    }
  }
  return 0;
}

// Under callgrind: one warm pass (thread-local buffers reach their size),
// then each post once with collection on, dumped on its own.
int Callgrind(const CompiledRuleSet& set, const std::vector<Post>& posts) {
  for (const Post& post : posts) (void)set.Evaluate(post);
  CALLGRIND_START_INSTRUMENTATION;
  for (size_t i = 0; i < posts.size(); ++i) {
    CALLGRIND_TOGGLE_COLLECT;
    absl::StatusOr<Decision> decision = set.Evaluate(posts[i]);
    CALLGRIND_TOGGLE_COLLECT;
    const std::string name = "post " + std::to_string(i);
    CALLGRIND_DUMP_STATS_AT(name.c_str());
    if (!decision.ok()) return std::fprintf(stderr, "post_cost: evaluate failed\n"), 1;
  }
  CALLGRIND_STOP_INSTRUMENTATION;
  return 0;
}

absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> LoadSet(BenchData* data,
                                                               std::string_view name) {
  if (name == "default-rules") return data->DefaultRules();
  if (name == "regexes:500") return data->Synthetic(RegexHeavyShape());
  size_t terms = 0;
  if (!name.starts_with("terms:") ||
      !absl::SimpleAtoi(absl::string_view(name.data() + 6, name.size() - 6), &terms)) {
    return absl::InvalidArgumentError("--set: terms:N, regexes:500 or default-rules");
  }
  return data->Synthetic(TermsShape(terms));
}

}  // namespace
}  // namespace moderation::bench

int main(int argc, char** argv) {
  using namespace moderation::bench;
  BenchConfig config;
  config.rules_path = Flag(argc, argv, "rules", MODERATION_SOURCE_DIR "/rules");
  config.rules_cache_dir = Flag(argc, argv, "rules_cache", "");
  if (!absl::SimpleAtod(Flag(argc, argv, "abusive_rate", "0.05"), &config.abusive_rate)) {
    return std::fprintf(stderr, "post_cost: bad --abusive_rate\n"), 2;
  }
  size_t bytes = 0, rounds = 0, top = 0;
  if (!absl::SimpleAtoi(Flag(argc, argv, "bytes", "1024"), &bytes) ||
      !absl::SimpleAtoi(Flag(argc, argv, "rounds", "200"), &rounds) ||
      !absl::SimpleAtoi(Flag(argc, argv, "top", "10"), &top) || rounds == 0) {
    return std::fprintf(stderr, "post_cost: bad --bytes, --rounds or --top\n"), 2;
  }
  BenchData data(config);
  const std::string set_name = Flag(argc, argv, "set", "terms:10000");
  auto set = LoadSet(&data, set_name);
  if (!set.ok()) {
    std::fprintf(stderr, "post_cost: %s: %s\n", set_name.c_str(),
                 std::string(set.status().message()).c_str());
    return 1;
  }
  const std::vector<moderation::Post>& posts = data.Posts(bytes).posts;
  if (HasFlag(argc, argv, "callgrind")) return Callgrind(**set, posts);
  std::printf("set %s, %zu posts of %zu bytes\n", set_name.c_str(), posts.size(), bytes);
  const std::vector<ScanInput>& views = data.Normalized(bytes);
  if (views.size() != posts.size())
    return std::fprintf(stderr, "post_cost: posts do not normalise\n"), 1;
  return Measure(**set, posts, views, rounds, top, Flag(argc, argv, "tsv", ""));
}
