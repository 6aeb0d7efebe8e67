// Private representation of a CompiledRuleSet, shared by the compiler
// (compiled_rule_set.cc) and the evaluator (evaluator.cc). Not part of the
// engine's public API.
//
// Thread-safety: immutable after construction.
#ifndef MODERATION_ENGINE_COMPILED_RULE_SET_INTERNAL_H_
#define MODERATION_ENGINE_COMPILED_RULE_SET_INTERNAL_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "engine/match/literal_matcher.h"
#include "engine/match/regex_matcher.h"
#include "engine/match/scratch.h"
#include "engine/match/word_boundary.h"
#include "engine/rule_set.h"

namespace moderation {

// What a skeleton literal stands for: a rule's term (with its attachment
// mode), or an allow-list entry of one component.
struct LiteralRef {
  static constexpr uint32_t kAllow = std::numeric_limits<uint32_t>::max();
  uint32_t rule = kAllow;  // rule index, or kAllow
  uint32_t component = 0;  // for allow entries: whose allow list
  match::Attachment attachment = match::Attachment::kCompound;
};

struct CompiledRule {
  rules::Rule rule;
  uint32_t component = 0;  // index into components
  bool has_pattern = false;
  bool has_condition = false;
};

struct CompiledRuleSet::Impl {
  std::string id;
  std::string version;
  std::string content_hash;
  std::vector<RuleSetRef> components;
  std::vector<rules::Thresholds> thresholds;  // per component
  std::vector<CompiledRule> rules;

  std::unique_ptr<const match::LiteralDatabase> literals;  // skeleton view
  std::vector<std::vector<LiteralRef>> literal_refs;       // per literal id

  std::unique_ptr<const match::RegexDatabase> folded_regexes;
  std::vector<uint32_t> folded_regex_rule;  // regex id -> rule index
  std::unique_ptr<const match::RegexDatabase> raw_regexes;
  std::vector<uint32_t> raw_regex_rule;

  std::vector<uint32_t> condition_only_rules;
  bool any_condition = false;  // some rule has a condition (features needed)
  // Sized for at least this set's databases; shared by every set of a
  // catalog (catalog.cc), so one scratch per thread serves all communities.
  std::shared_ptr<const match::ScratchPrototype> scratch;
  CompileReport report;
  size_t max_spans_per_rule = 16;

  // This set's Hyperscan databases (never null), for sizing scratch.
  std::vector<const hs_database_t*> HyperscanDatabases() const;
};

// CompiledRuleSet::Compile without the scratch: impl->scratch is null, so that
// a caller compiling several sets can size one prototype for all of them and
// then publish each with CompiledRuleSet::FromImpl.
absl::StatusOr<std::unique_ptr<CompiledRuleSet::Impl>> CompileRuleSetImpl(
    std::vector<rules::RuleSetSource> sources, const CompileOptions& options,
    rules::Diagnostics* problems);

}  // namespace moderation

#endif  // MODERATION_ENGINE_COMPILED_RULE_SET_INTERNAL_H_
