// Registration of the engine benchmarks, one function per benchmark family.
// engine_bench.cc decides which sizes a run registers (small / default /
// full) and documents the names and counters.
//
//   BenchData data(config);
//   RegisterEvaluate(&data, TermsShape(10000), 1024);  // evaluate/terms:10000/bytes:1024
//
// Every benchmark rotates through data's pool of kPoolSize posts of the given
// size, so all of them see the same bytes.
//
// Thread-safety: call from main before running the benchmarks; `data` must
// outlive benchmark::RunSpecifiedBenchmarks.
#ifndef MODERATION_BENCH_ENGINE_BENCHMARKS_H_
#define MODERATION_BENCH_ENGINE_BENCHMARKS_H_

#include <cstddef>

#include "bench/engine/bench_data.h"

namespace moderation::bench {

// phase_benchmarks.cc: the engine, by phase and whole.
void RegisterNormalize(BenchData* data, size_t bytes);                    // normalize/bytes:B
void RegisterScan(BenchData* data, const SetShape& shape, size_t bytes);  // scan/<shape>/bytes:B
void RegisterEvaluate(BenchData* data, const SetShape& shape,
                      size_t bytes);                               // evaluate/<shape>/bytes:B
void RegisterScanDefaultRules(BenchData* data, size_t bytes);      // scan/default-rules/bytes:B
void RegisterEvaluateDefaultRules(BenchData* data, size_t bytes);  // evaluate/default-rules/bytes:B

// reference_benchmarks.cc: what the engine is compared against.
void RegisterMemoryReference(BenchData* data, size_t bytes);  // memread/bytes:B, memcpy/bytes:B
enum class Baseline { kStdRegex, kRe2Set, kFind };
void RegisterBaseline(BenchData* data, Baseline kind, size_t terms, size_t bytes);

// compile_benchmarks.cc: compile/<shape>/cold and compile/<shape>/cached.
void RegisterCompile(BenchData* data, const SetShape& shape);

// reload_benchmarks.cc: reload/<shape>/unchanged|changed and
// reload/default-rules/unchanged|de-changed (RuleCatalog::LoadPartial with
// the server's ReloadCache and the database cache).
void RegisterReload(BenchData* data, const SetShape& shape);
void RegisterReloadDefaultRules(BenchData* data);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_ENGINE_BENCHMARKS_H_
