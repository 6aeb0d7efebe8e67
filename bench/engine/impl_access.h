// Read access to a CompiledRuleSet's private Impl, for the scan-phase
// benchmark only.
//
// Why: the benchmark measures the Hyperscan/RE2 scans apart from
// normalisation and decision-making, so it must reach the databases and
// scratch inside CompiledRuleSet::Impl (compiled_rule_set_internal.h), but
// the engine offers no accessor to impl_ and the benchmarks may not change
// the engine. impl_access.cc reads the private member through the
// explicit-instantiation rule of C++ ([temp.spec.general]: access checking
// does not apply to names in an explicit instantiation). If the engine ever
// grows an internal accessor, use it and delete these two files.
//
//   const CompiledRuleSet::Impl& impl = ImplOf(*set);
//   impl.literals->Scan(skeleton, scratch, on_match);
//
// Thread-safety: Impl is immutable; the reference lives as long as the set.
#ifndef MODERATION_BENCH_ENGINE_IMPL_ACCESS_H_
#define MODERATION_BENCH_ENGINE_IMPL_ACCESS_H_

#include "engine/compiled_rule_set_internal.h"

namespace moderation::bench {

const CompiledRuleSet::Impl& ImplOf(const CompiledRuleSet& set);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_ENGINE_IMPL_ACCESS_H_
