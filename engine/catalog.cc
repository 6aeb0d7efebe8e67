#include "engine/catalog.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/pattern_warnings.h"
#include "engine/rules/loader.h"

namespace moderation {
namespace {

// A combination of rule-set ids, sorted and distinct, so that "de+spam" and
// "spam+de" compile once.
std::vector<std::string> Canonical(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// community id ("" = default) -> combination of set ids.
std::map<std::string, std::vector<std::string>> CombinationsFor(
    const rules::LoadedSources& loaded) {
  std::map<std::string, std::vector<std::string>> out;
  if (!loaded.communities) {
    std::vector<std::string> all;
    for (const rules::RuleSetSource& s : loaded.sets) all.push_back(s.id);
    out[""] = Canonical(all);
    return out;
  }
  if (loaded.communities->default_sets) out[""] = Canonical(*loaded.communities->default_sets);
  for (const auto& [community, ids] : loaded.communities->communities)
    out[community] = Canonical(ids);
  return out;
}

struct CompileResult {
  absl::StatusOr<std::unique_ptr<CompiledRuleSet::Impl>> impl = absl::UnknownError("not compiled");
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set = absl::UnknownError("not compiled");
  rules::Diagnostics problems;
};

// Compiles each combination of rule sets on its own thread (at most one per
// core): combinations are independent, and Hyperscan's compile of large
// regex alternations takes seconds, so this divides startup and reload time.
std::map<std::string, CompileResult> CompileInParallel(
    std::map<std::string, std::vector<rules::RuleSetSource>> jobs, const CompileOptions& options) {
  std::vector<std::pair<const std::string, std::vector<rules::RuleSetSource>>*> queue;
  for (auto& job : jobs) queue.push_back(&job);
  std::map<std::string, CompileResult> results;
  for (const auto& [key, sources] : jobs)
    results[key];  // fixed slots: no rehashing while threads run
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < queue.size(); i = next++) {
      CompileResult& result = results.at(queue[i]->first);
      result.impl = CompileRuleSetImpl(std::move(queue[i]->second), options, &result.problems);
    }
  };
  const size_t threads =
      std::min<size_t>(queue.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  return results;
}

// Publishes every compiled combination with one scratch prototype sized for
// all of their databases, so that a thread serving traffic that cycles
// through communities clones one scratch per catalog instead of one per
// combination (a clone is an allocation of up to megabytes).
absl::Status PublishWithSharedScratch(std::map<std::string, CompileResult>& compiled) {
  std::vector<const hs_database_t*> dbs;
  for (auto& [key, result] : compiled) {
    if (!result.impl.ok()) continue;
    for (const hs_database_t* db : (*result.impl)->HyperscanDatabases()) dbs.push_back(db);
  }
  auto prototype = match::ScratchPrototype::Create(dbs);
  if (!prototype.ok()) return prototype.status();
  auto shared = std::make_shared<const match::ScratchPrototype>(std::move(*prototype));
  for (auto& [key, result] : compiled) {
    if (!result.impl.ok()) {
      result.set = result.impl.status();
      continue;
    }
    (*result.impl)->scratch = shared;
    result.set = CompiledRuleSet::FromImpl(std::move(*result.impl));
  }
  return absl::OkStatus();
}

// When some file is broken, the sets that did load are still compiled and
// their examples run, so that a moderator sees every problem in one pass.
void CheckGoodSetsAlone(const std::vector<rules::RuleSetSource>& sets,
                        const CompileOptions& options, rules::Diagnostics* problems,
                        std::vector<ExampleResult>* examples) {
  std::vector<std::shared_ptr<const CompiledRuleSet>> compiled;
  for (const rules::RuleSetSource& source : sets) {
    auto set = CompiledRuleSet::Compile({source}, options, problems);
    if (set.ok()) compiled.push_back(*set);
  }
  *examples = RunExamplesOnce(compiled);
  for (const ExampleResult& r : *examples) {
    if (!r.passed) problems->push_back(r.ToDiagnostic());
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RuleCatalog>> RuleCatalog::Load(const std::string& path,
                                                                     const Options& options,
                                                                     rules::Diagnostics* problems) {
  const size_t problems_before = problems->size();
  const rules::LoadedSources loaded = rules::LoadRulesPathPartial(path, problems);
  return Build(loaded, problems_before, options, problems, nullptr);
}

absl::StatusOr<std::shared_ptr<const RuleCatalog>> RuleCatalog::LoadFiles(
    const std::vector<rules::SourceFile>& files, const Options& options,
    rules::Diagnostics* problems, Details* details) {
  const size_t problems_before = problems->size();
  const rules::LoadedSources loaded = rules::LoadSourcesPartial(files, problems);
  return Build(loaded, problems_before, options, problems, details);
}

absl::StatusOr<std::shared_ptr<const RuleCatalog>> RuleCatalog::Build(
    const rules::LoadedSources& loaded, size_t problems_before, const Options& options,
    rules::Diagnostics* problems, Details* details) {
  Details local_details;
  if (details == nullptr) details = &local_details;
  details->warnings = PatternWarnings(loaded.sets);
  if (problems->size() > problems_before) {
    if (options.run_examples) {
      CheckGoodSetsAlone(loaded.sets, options.compile, problems, &details->examples);
    }
    return rules::DiagnosticsToStatus(*problems);
  }
  absl::flat_hash_map<std::string, const rules::RuleSetSource*> by_id;
  for (const rules::RuleSetSource& s : loaded.sets) by_id[s.id] = &s;

  std::shared_ptr<RuleCatalog> catalog(new RuleCatalog());
  catalog->rule_set_count_ = loaded.sets.size();
  const std::map<std::string, std::vector<std::string>> by_community = CombinationsFor(loaded);
  std::map<std::string, std::vector<rules::RuleSetSource>> jobs;  // combination key -> sources
  for (const auto& [community, ids] : by_community) {
    std::vector<rules::RuleSetSource>& sources = jobs[absl::StrJoin(ids, "+")];
    if (!sources.empty()) continue;
    for (const std::string& id : ids) sources.push_back(*by_id.at(id));
  }
  std::map<std::string, CompileResult> compiled =
      CompileInParallel(std::move(jobs), options.compile);
  if (absl::Status s = PublishWithSharedScratch(compiled); !s.ok()) return s;
  std::vector<std::shared_ptr<const CompiledRuleSet>> sets;  // in key order: deterministic output
  std::set<std::string> warning_texts;
  for (const rules::Diagnostic& w : details->warnings) {
    if (warning_texts.insert(w.ToString()).second) catalog->warnings_.push_back(w);
  }
  for (auto& [key, result] : compiled) {
    problems->insert(problems->end(), result.problems.begin(), result.problems.end());
    if (!result.set.ok()) continue;  // problems recorded; keep checking the rest
    sets.push_back(*result.set);
    for (const rules::Diagnostic& w : (*result.set)->report().warnings) {
      if (warning_texts.insert(w.ToString()).second) catalog->warnings_.push_back(w);
    }
  }
  details->warnings = catalog->warnings_;
  if (options.run_examples) {
    catalog->example_results_ = RunExamplesOnce(sets);
    details->examples = catalog->example_results_;
    for (const ExampleResult& r : catalog->example_results_) {
      if (!r.passed) problems->push_back(r.ToDiagnostic());
    }
  }
  for (const auto& [community, ids] : by_community) {
    const CompileResult& result = compiled.at(absl::StrJoin(ids, "+"));
    if (result.set.ok()) catalog->communities_[community] = *result.set;
  }
  if (problems->size() > problems_before) return rules::DiagnosticsToStatus(*problems);
  return std::shared_ptr<const RuleCatalog>(std::move(catalog));
}

absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> RuleCatalog::ForCommunity(
    std::string_view community) const {
  if (auto it = communities_.find(std::string(community)); it != communities_.end())
    return it->second;
  if (auto it = communities_.find(""); it != communities_.end()) return it->second;
  return absl::NotFoundError(absl::StrCat("unknown community '", std::string(community),
                                          "' and no default rule sets are configured"));
}

std::vector<std::shared_ptr<const CompiledRuleSet>> RuleCatalog::compiled_sets() const {
  std::vector<std::shared_ptr<const CompiledRuleSet>> out;
  for (const auto& [community, set] : communities_) {
    if (std::find(out.begin(), out.end(), set) == out.end()) out.push_back(set);
  }
  return out;
}

}  // namespace moderation
