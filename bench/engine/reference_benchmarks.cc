// What the engine is compared against, on the same post pools and terms:
// reading and copying the bytes (the memory-bandwidth ceiling), and the
// plain-matching baselines of bench/baselines.h.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench/baselines.h"
#include "bench/engine/benchmarks.h"

namespace moderation::bench {
namespace {

// Sums the text as 64-bit words: a read of every byte that the compiler
// vectorises, the fastest any matcher could look at the post.
uint64_t Checksum(const std::string& text) {
  uint64_t sum = 0;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    sum += word;
  }
  for (; i < text.size(); ++i) sum += static_cast<unsigned char>(text[i]);
  return sum;
}

void MemRead(benchmark::State& state, BenchData* data, size_t bytes) {
  const std::vector<Post>& posts = data->Posts(bytes).posts;
  size_t i = 0, bytes_done = 0;
  for (auto _ : state) {
    const std::string& body = posts[i].fields[0].text;
    benchmark::DoNotOptimize(Checksum(body));
    bytes_done += body.size();
    if (++i == posts.size()) i = 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes_done));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void MemCopy(benchmark::State& state, BenchData* data, size_t bytes) {
  const std::vector<Post>& posts = data->Posts(bytes).posts;
  std::string copy(bytes, '\0');
  size_t i = 0, bytes_done = 0;
  for (auto _ : state) {
    const std::string& body = posts[i].fields[0].text;
    std::memcpy(copy.data(), body.data(), body.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
    bytes_done += body.size();
    if (++i == posts.size()) i = 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes_done));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// count(text) -> StatusOr<size_t>: terms found.
template <typename Count>
void RunBaseline(benchmark::State& state, BenchData* data, size_t bytes, Count count) {
  const std::vector<Post>& posts = data->Posts(bytes).posts;
  size_t i = 0, bytes_done = 0, with_hits = 0;
  for (auto _ : state) {
    const std::string& body = posts[i].fields[0].text;
    absl::StatusOr<size_t> found = count(body);
    if (!found.ok()) {
      state.SkipWithError(std::string(found.status().message()).c_str());
      break;
    }
    with_hits += *found > 0;
    bytes_done += body.size();
    if (++i == posts.size()) i = 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes_done));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["hit_share"] =
      static_cast<double>(with_hits) / std::max<double>(1, state.iterations());
}

void RunBaseline(benchmark::State& state, BenchData* data, Baseline kind, size_t terms,
                 size_t bytes) {
  switch (kind) {
    case Baseline::kStdRegex: {
      absl::StatusOr<const StdRegexBaseline*> m = data->StdRegex(terms);
      if (!m.ok()) return state.SkipWithError(std::string(m.status().message()).c_str());
      return RunBaseline(state, data, bytes,
                         [&](const std::string& t) { return (*m)->CountMatchingTerms(t); });
    }
    case Baseline::kRe2Set: {
      absl::StatusOr<const Re2SetBaseline*> m = data->Re2Set(terms);
      if (!m.ok()) return state.SkipWithError(std::string(m.status().message()).c_str());
      return RunBaseline(state, data, bytes,
                         [&](const std::string& t) { return (*m)->CountMatchingTerms(t); });
    }
    case Baseline::kFind: {
      FindBaseline* m = data->Find(terms);
      return RunBaseline(state, data, bytes, [&](const std::string& t) {
        return absl::StatusOr<size_t>(m->CountMatchingTerms(t));
      });
    }
  }
}

const char* BaselineName(Baseline kind) {
  switch (kind) {
    case Baseline::kStdRegex:
      return "baseline_stdregex";
    case Baseline::kRe2Set:
      return "baseline_re2set";
    case Baseline::kFind:
      return "baseline_find";
  }
  return "baseline_unknown";
}

}  // namespace

void RegisterMemoryReference(BenchData* data, size_t bytes) {
  benchmark::RegisterBenchmark(absl::StrCat("memread/bytes:", bytes).c_str(),
                               [=](benchmark::State& state) { MemRead(state, data, bytes); });
  benchmark::RegisterBenchmark(absl::StrCat("memcpy/bytes:", bytes).c_str(),
                               [=](benchmark::State& state) { MemCopy(state, data, bytes); });
}

void RegisterBaseline(BenchData* data, Baseline kind, size_t terms, size_t bytes) {
  benchmark::RegisterBenchmark(
      absl::StrCat(BaselineName(kind), "/terms:", terms, "/bytes:", bytes).c_str(),
      [=](benchmark::State& state) { RunBaseline(state, data, kind, terms, bytes); });
}

}  // namespace moderation::bench
