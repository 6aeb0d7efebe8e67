// The engine's phases and the whole of Evaluate, on the post pools of
// BenchData: normalisation alone, the Hyperscan/RE2 scans alone (on views
// normalised ahead of time), and CompiledRuleSet::Evaluate (normalise, scan,
// word-boundary and allow-list checks, text features, conditions, decision).
// Evaluate's difference to normalise + scan is the decision-making cost.
#include <benchmark/benchmark.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "bench/engine/benchmarks.h"
#include "bench/engine/latency.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/text/normalizer.h"

namespace moderation::bench {
namespace {

using SetOrError = absl::StatusOr<std::shared_ptr<const CompiledRuleSet>>;

void SetThroughput(benchmark::State& state, size_t bytes_done) {
  state.SetBytesProcessed(static_cast<int64_t>(bytes_done));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void Normalize(benchmark::State& state, BenchData* data, size_t bytes) {
  const PostPool& pool = data->Posts(bytes);
  text::NormalizedText out;
  size_t i = 0, bytes_done = 0;
  for (auto _ : state) {
    const std::string& body = pool.posts[i].fields[0].text;
    benchmark::DoNotOptimize(text::Normalize(body, &out));
    bytes_done += body.size();
    if (++i == pool.posts.size()) i = 0;
  }
  SetThroughput(state, bytes_done);
}

// What Evaluate's FieldScanner scans, without mapping hits back to the
// original text or checking them: the literal scan of the skeleton and the
// regex scans of the folded and raw views (RE2 confirms Hyperscan's regex
// candidates, as in Evaluate).
absl::Status ScanOne(const CompiledRuleSet::Impl& impl, hs_scratch_t* scratch, const ScanInput& in,
                     std::vector<uint32_t>* ids, size_t* matches) {
  auto count = [&](uint32_t, size_t, size_t) { ++*matches; };
  if (absl::Status s = impl.literals->Scan(in.skeleton, scratch, count); !s.ok()) return s;
  if (impl.folded_regexes) {
    if (absl::Status s = impl.folded_regexes->ForEachMatch(in.folded, scratch,
                                                           impl.max_spans_per_rule, ids, count);
        !s.ok()) {
      return s;
    }
  }
  // Evaluate scans the unless regexes only for fields with a candidate they
  // may veto; here always, as the worst case.
  if (impl.unless_regexes) {
    if (absl::Status s = impl.unless_regexes->ForEachMatch(in.folded, scratch,
                                                           impl.max_spans_per_rule, ids, count);
        !s.ok()) {
      return s;
    }
  }
  if (impl.raw_regexes) {
    return impl.raw_regexes->ForEachMatch(*in.raw, scratch, impl.max_spans_per_rule, ids, count);
  }
  return absl::OkStatus();
}

void Scan(benchmark::State& state, BenchData* data, const SetOrError& set, size_t bytes) {
  if (!set.ok()) return state.SkipWithError(std::string(set.status().message()).c_str());
  const auto& parts = (*set)->parts();
  const absl::StatusOr<hs_scratch_t*> scratch = (*set)->scratch().ForThisThread();
  const std::vector<ScanInput>& inputs = data->Normalized(bytes);
  if (!scratch.ok() || inputs.empty())
    return state.SkipWithError("no scratch or posts do not normalise");
  std::vector<uint32_t> ids;
  size_t i = 0, bytes_done = 0, with_hits = 0;
  for (auto _ : state) {
    size_t matches = 0;
    absl::Status status;
    for (const auto& part : parts)
      status.Update(ScanOne(*part, *scratch, inputs[i], &ids, &matches));
    if (!status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      break;
    }
    with_hits += matches > 0;
    bytes_done += inputs[i].raw->size();
    if (++i == inputs.size()) i = 0;
  }
  SetThroughput(state, bytes_done);
  state.counters["hit_share"] =
      static_cast<double>(with_hits) / std::max<double>(1, state.iterations());
}

void Evaluate(benchmark::State& state, BenchData* data, const SetOrError& set_or, size_t bytes) {
  if (!set_or.ok()) return state.SkipWithError(std::string(set_or.status().message()).c_str());
  const CompiledRuleSet& set = **set_or;
  const std::vector<Post>& posts = data->Posts(bytes).posts;
  if (auto first = set.Evaluate(posts[0]); !first.ok()) {
    return state.SkipWithError(std::string(first.status().message()).c_str());
  }
  size_t i = 0, bytes_done = 0, with_hits = 0;
  const Stopwatch watch;
  for (auto _ : state) {
    absl::StatusOr<Decision> decision = set.Evaluate(posts[i]);
    benchmark::DoNotOptimize(decision);
    with_hits += decision.ok() && !decision->hits.empty();
    bytes_done += posts[i].fields[0].text.size();
    if (++i == posts.size()) i = 0;
  }
  SetThroughput(state, bytes_done);
  state.counters["hit_share"] =
      static_cast<double>(with_hits) / std::max<double>(1, state.iterations());
  if (LooksLikeFinalRun(watch, data->config().min_time)) {
    ReportLatency(state, LatencySamples(bytes), posts.size(), [&](size_t k) {
      absl::StatusOr<Decision> decision = set.Evaluate(posts[k % posts.size()]);
      benchmark::DoNotOptimize(decision);
    });
  }
}

}  // namespace

void RegisterNormalize(BenchData* data, size_t bytes) {
  benchmark::RegisterBenchmark(absl::StrCat("normalize/bytes:", bytes).c_str(),
                               [=](benchmark::State& state) { Normalize(state, data, bytes); });
}

void RegisterScan(BenchData* data, const SetShape& shape, size_t bytes) {
  benchmark::RegisterBenchmark(
      absl::StrCat("scan/", shape.Label(), "/bytes:", bytes).c_str(),
      [=](benchmark::State& state) { Scan(state, data, data->Synthetic(shape), bytes); });
}

void RegisterEvaluate(BenchData* data, const SetShape& shape, size_t bytes) {
  benchmark::RegisterBenchmark(
      absl::StrCat("evaluate/", shape.Label(), "/bytes:", bytes).c_str(),
      [=](benchmark::State& state) { Evaluate(state, data, data->Synthetic(shape), bytes); });
}

void RegisterScanDefaultRules(BenchData* data, size_t bytes) {
  benchmark::RegisterBenchmark(
      absl::StrCat("scan/default-rules/bytes:", bytes).c_str(),
      [=](benchmark::State& state) { Scan(state, data, data->DefaultRules(), bytes); });
}

void RegisterEvaluateDefaultRules(BenchData* data, size_t bytes) {
  benchmark::RegisterBenchmark(
      absl::StrCat("evaluate/default-rules/bytes:", bytes).c_str(),
      [=](benchmark::State& state) { Evaluate(state, data, data->DefaultRules(), bytes); });
}

}  // namespace moderation::bench
