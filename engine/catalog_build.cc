// RuleCatalog::BuildPartial: from loaded sources to compiled communities,
// keeping every community whose rule sets are sound.
#include <algorithm>
#include <atomic>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/catalog.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/pattern_warnings.h"
#include "engine/text/lexicon.h"
#include "engine/util/parallel.h"

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
  // Taken from Options::reuse instead of compiled (then impl is unused).
  std::shared_ptr<const CompiledRuleSet> reused;
  // The compiled part, from impl or reused; null when compiling failed.
  std::shared_ptr<const CompiledRuleSet::Impl> part;
};

// A combination of several rule sets that communities use: its parts laid
// out with their combined literal database, or taken from Options::reuse.
struct CombinationResult {
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet::Layout>> layout =
      absl::UnknownError("not combined");
  std::shared_ptr<const CompiledRuleSet> reused;
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set = absl::UnknownError("not combined");
};

// The keys of a load's files and combinations in a ReloadCache: everything
// a compiled rule set and its example results depend on, the compile
// options that change results and the file's name (the locations in every
// message) and content hash; a combination's, its files' keys. Equal keys,
// equal sets.
class ReuseKeys {
 public:
  ReuseKeys(const rules::LoadedSources& loaded, const CompileOptions& options) : loaded_(loaded) {
    options_ = absl::StrCat("force_re2=", options.force_re2,
                            " max_spans=", options.max_spans_per_rule, "\n");
    for (const auto& [language, path] : options.lexicon_paths) {
      absl::StrAppend(&options_, "lexicon ", language, "=", path, "\n");
    }
  }
  // A set's key: its files' names (main first, then its parts) and the
  // content hash, which covers every file's bytes.
  std::string File(size_t set_index) const {
    std::string key = absl::StrCat(options_, "file");
    for (const rules::SourceFile& file : loaded_.set_files[set_index]) {
      absl::StrAppend(&key, " ", file.name.size(), ":", file.name);
    }
    absl::StrAppend(&key, " ", loaded_.sets[set_index].content_hash, "\n");
    return key;
  }
  // A combination's key: its files' keys, in order (never equal to one
  // file's key, since it holds several).
  std::string Combination(const std::vector<size_t>& set_indices) const {
    std::string key = "combination\n";
    for (size_t i : set_indices) absl::StrAppend(&key, File(i));
    return key;
  }

 private:
  const rules::LoadedSources& loaded_;
  std::string options_;
};

// The example results the previous load left for the rules of unchanged
// files, by rule id.
absl::flat_hash_map<std::string, std::vector<ExampleResult>> KnownExamples(
    const rules::LoadedSources& loaded, const ReuseKeys& keys, const ReloadCache& cache) {
  absl::flat_hash_map<std::string, std::vector<ExampleResult>> known;
  for (size_t i = 0; i < loaded.sets.size(); ++i) {
    const std::vector<ExampleResult>* results = cache.FindExamples(keys.File(i));
    if (results == nullptr) continue;
    for (const rules::Rule& rule : loaded.sets[i].rules) known[rule.id];  // rules without examples
    for (const ExampleResult& r : *results) known[r.rule_id].push_back(r);
  }
  return known;
}

// Compiles each rule set on its own thread (at most one per core): sets are
// independent, and Hyperscan's compile of large regex alternations takes
// seconds, so this divides startup and reload time. Each set's sources are
// copied on its thread (the compiler takes its rules over, and copying the
// default rules' sources took a tenth of a second).
std::map<std::string, CompileResult> CompileInParallel(
    const std::map<std::string, std::vector<const rules::RuleSetSource*>>& jobs,
    const CompileOptions& options, const std::function<void(size_t, size_t)>& on_progress) {
  std::vector<const std::pair<const std::string, std::vector<const rules::RuleSetSource*>>*> queue;
  for (const auto& job : jobs) queue.push_back(&job);
  std::map<std::string, CompileResult> results;
  for (const auto& [key, sources] : jobs)
    results[key];  // fixed slots: no rehashing while threads run
  std::atomic<size_t> done{0};
  if (on_progress) on_progress(0, queue.size());
  util::ForEachOnCores(queue.size(), [&](size_t i) {
    CompileResult& result = results.at(queue[i]->first);
    std::vector<rules::RuleSetSource> sources;
    for (const rules::RuleSetSource* source : queue[i]->second) sources.push_back(*source);
    result.impl = CompileRuleSetImpl(std::move(sources), options, &result.problems);
    if (on_progress) on_progress(++done, queue.size());
  });
  return results;
}

// Lays out each combination of several sets that `by_community` names
// (sound communities only) over the compiled parts: taken from `reuse`
// when its files are unchanged, else with its combined literal database
// compiled or loaded from the database cache. Duplicate rule ids across
// a combination's sets go to *problems.
std::map<std::string, CombinationResult> LayOutCombinations(
    const std::map<std::string, std::vector<std::string>>& by_community,
    const std::map<std::string, std::string>& broken,
    const std::map<std::string, CompileResult>& compiled,
    const absl::flat_hash_map<std::string, size_t>& index_of, const ReuseKeys& keys,
    const RuleCatalog::Options& options, rules::Diagnostics* problems) {
  std::map<std::string, CombinationResult> out;
  // The combinations to lay out, in the order communities name them; each
  // loads (or compiles) a combined literal database of its own, so they run
  // on the cores side by side.
  struct Work {
    CombinationResult* result;
    std::vector<std::shared_ptr<const CompiledRuleSet::Impl>> parts;
    rules::Diagnostics problems;
  };
  std::vector<Work> work;
  for (const auto& [community, ids] : by_community) {
    if (broken.count(community) || ids.size() < 2) continue;
    const std::string key = absl::StrJoin(ids, "+");
    if (out.count(key)) continue;
    CombinationResult& result = out[key];
    std::vector<std::shared_ptr<const CompiledRuleSet::Impl>> parts;
    std::vector<size_t> indices;
    for (const std::string& id : ids) {
      const CompileResult& set = compiled.at(id);
      if (set.part == nullptr) {
        result.layout = set.impl.status();
        break;
      }
      parts.push_back(set.part);
      indices.push_back(index_of.at(id));
    }
    if (parts.size() < ids.size()) continue;
    if (options.reuse != nullptr) {
      if (auto reused = options.reuse->FindSet(keys.Combination(indices))) {
        result.reused = std::move(reused);
        continue;
      }
    }
    work.push_back({&result, std::move(parts), {}});
  }
  util::ForEachOnCores(work.size(), [&](size_t i) {
    work[i].result->layout =
        CombineParts(std::move(work[i].parts), options.compile, &work[i].problems);
  });
  for (const Work& w : work)
    problems->insert(problems->end(), w.problems.begin(), w.problems.end());
  return out;
}

// Publishes every compiled rule set and combination with one scratch
// prototype sized for all of their databases, so that a thread serving
// traffic that cycles through communities clones one scratch per catalog
// instead of one per set (a clone is an allocation of up to megabytes).
absl::Status PublishWithSharedScratch(std::map<std::string, CompileResult>& compiled,
                                      std::map<std::string, CombinationResult>& combinations) {
  std::vector<const hs_database_t*> dbs;
  for (auto& [id, result] : compiled) {
    if (result.part == nullptr) continue;
    for (const hs_database_t* db : result.part->HyperscanDatabases()) dbs.push_back(db);
  }
  for (auto& [key, result] : combinations) {
    const CompiledRuleSet::Layout* layout = result.reused        ? &result.reused->layout()
                                            : result.layout.ok() ? result.layout->get()
                                                                 : nullptr;
    if (layout != nullptr && layout->literals != nullptr && layout->literals->db() != nullptr) {
      dbs.push_back(layout->literals->db());
    }
  }
  auto prototype = match::ScratchPrototype::Create(dbs);
  if (!prototype.ok()) return prototype.status();
  auto shared = std::make_shared<const match::ScratchPrototype>(std::move(*prototype));
  for (auto& [id, result] : compiled) {
    if (result.reused) {
      result.set = result.reused->WithScratch(shared);
    } else if (result.part == nullptr) {
      result.set = result.impl.status();
    } else {
      result.set = CompiledRuleSet::FromLayout(CompiledRuleSet::Layout::Of({result.part}), shared);
    }
  }
  for (auto& [key, result] : combinations) {
    if (result.reused) {
      result.set = result.reused->WithScratch(shared);
    } else if (!result.layout.ok()) {
      result.set = result.layout.status();
    } else {
      result.set = CompiledRuleSet::FromLayout(*result.layout, shared);
    }
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

// Which rule-set ids can be used, given the problems found so far: a set is
// sound when no problem points into its file and its id is unique.
class SetHealth {
 public:
  explicit SetHealth(const rules::LoadedSources& loaded) : loaded_(loaded) {
    if (loaded.communities) communities_file_ = loaded.communities->location.file;
  }

  void Update(const rules::Diagnostics& problems) {
    bad_files_.clear();
    for (const rules::Diagnostic& d : problems) bad_files_.insert(d.location.file);
  }

  // Why the set `id` cannot be used, or "" when it can.
  std::string Problem(const std::string& id) const {
    std::vector<std::string> bad;
    bool found = false;
    for (size_t i = 0; i < loaded_.sets.size(); ++i) {
      if (loaded_.sets[i].id != id) continue;
      found = true;
      for (const rules::SourceFile& file : loaded_.set_files[i]) {
        if (bad_files_.count(file.name)) bad.push_back(file.name);
      }
    }
    if (!bad.empty()) {
      return absl::StrCat("rule set '", id, "' has errors in ", absl::StrJoin(bad, ", "));
    }
    if (found) return "";
    const std::vector<std::string> orphans = FilesWithoutSet();
    if (orphans.empty()) return absl::StrCat("unknown rule set '", id, "'");
    return absl::StrCat("rule set '", id, "' did not load (errors in ",
                        absl::StrJoin(orphans, ", "), ")");
  }

  // Why a community using `ids` cannot be served, or "".
  std::string Problem(const std::vector<std::string>& ids) const {
    std::vector<std::string> reasons;
    for (const std::string& id : ids) {
      if (std::string reason = Problem(id); !reason.empty()) reasons.push_back(std::move(reason));
    }
    return absl::StrJoin(reasons, "; ");
  }

  // Files with problems that hold no rule set (they failed to parse): the
  // sets a community misses are probably in them.
  std::vector<std::string> FilesWithoutSet() const {
    std::vector<std::string> out;
    for (const std::string& file : bad_files_) {
      if (file == communities_file_) continue;
      const bool holds_set = std::any_of(
          loaded_.set_files.begin(), loaded_.set_files.end(),
          [&](const std::vector<rules::SourceFile>& set) {
            return std::any_of(set.begin(), set.end(),
                               [&](const rules::SourceFile& f) { return f.name == file; });
          });
      if (!holds_set) out.push_back(file);
    }
    return out;
  }

 private:
  const rules::LoadedSources& loaded_;
  std::string communities_file_;
  std::set<std::string> bad_files_;
};

// Problems that no file can be blamed for (an exception, a Hyperscan
// failure) leave no community sound.
bool AnyUnlocated(const rules::Diagnostics& problems) {
  return std::any_of(problems.begin(), problems.end(),
                     [](const rules::Diagnostic& d) { return d.location.file.empty(); });
}

std::string Where(const std::string& community) {
  return community.empty() ? std::string("the default rule sets")
                           : absl::StrCat("community '", community, "'");
}

// Stores what `catalog` serves as current (compiled, no problem in its
// files, every example passed) for the next load: the compiled rule sets and
// combinations its communities use, and the example results of each of
// their files' rules.
// Everything else is forgotten.
void Remember(const RuleCatalog& catalog, const rules::LoadedSources& loaded, const ReuseKeys& keys,
              const absl::flat_hash_map<std::string, size_t>& index_of,
              const std::map<std::string, std::vector<std::string>>& by_community,
              const std::map<std::string, CompileResult>& compiled,
              const std::map<std::string, CombinationResult>& combinations, bool examples_ran,
              ReloadCache* cache) {
  ReloadCache::Generation served;
  std::set<size_t> files;  // indices into loaded.sets
  for (const auto& [community, ids] : by_community) {
    if (!catalog.communities().count(community)) continue;
    std::vector<size_t> indices;
    for (const std::string& id : ids) {
      const size_t index = index_of.at(id);
      indices.push_back(index);
      files.insert(index);
      served.sets[keys.File(index)] = *compiled.at(id).set;
    }
    if (ids.size() > 1) {
      served.sets[keys.Combination(indices)] = *combinations.at(absl::StrJoin(ids, "+")).set;
    }
  }
  if (examples_ran) {
    absl::flat_hash_map<std::string, size_t> file_of_rule;
    for (size_t i : files) {
      served.examples[keys.File(i)];
      for (const rules::Rule& rule : loaded.sets[i].rules) file_of_rule[rule.id] = i;
    }
    for (const ExampleResult& r : catalog.example_results()) {
      auto file = file_of_rule.find(r.rule_id);
      if (file != file_of_rule.end()) served.examples[keys.File(file->second)].push_back(r);
    }
  }
  cache->Replace(std::move(served));
}

}  // namespace

RuleCatalog::PartialLoad RuleCatalog::BuildPartial(const rules::LoadedSources& loaded,
                                                   rules::Diagnostics problems,
                                                   const Options& given) {
  // Every rule set of one load shares one copy of each dictionary (each
  // set would otherwise load its own: the default rules once held three
  // copies of ngerman, 70 MB).
  Options options = given;
  if (options.compile.lexicons == nullptr) {
    options.compile.lexicons = std::make_shared<text::LexiconCache>();
  }
  PartialLoad out;
  out.problems = std::move(problems);
  out.details.warnings = PatternWarnings(loaded.sets);
  // A broken file that names no set may hold the rules of any set: then no
  // community is sound, and every one keeps the rules it has.
  const bool can_isolate = loaded.communities.has_value() && !AnyUnlocated(out.problems) &&
                           loaded.files_of_unknown_set.empty();
  if (!out.problems.empty() && !can_isolate) {
    if (options.run_examples) {
      CheckGoodSetsAlone(loaded.sets, options.compile, &out.problems, &out.details.examples);
    }
    return out;
  }
  SetHealth health(loaded);
  health.Update(out.problems);
  absl::flat_hash_map<std::string, size_t> index_of;  // set id -> index in loaded.sets
  for (size_t i = 0; i < loaded.sets.size(); ++i) index_of.emplace(loaded.sets[i].id, i);

  const std::map<std::string, std::vector<std::string>> by_community = CombinationsFor(loaded);
  // Each rule set that a sound community uses is compiled once (or reused)
  // and shared by every combination that holds it.
  std::map<std::string, std::vector<const rules::RuleSetSource*>> jobs;  // set id -> its source
  std::map<std::string, std::shared_ptr<const CompiledRuleSet>> reused;  // set id -> set
  const ReuseKeys keys(loaded, options.compile);
  std::set<std::string> compiled_ids;
  for (const auto& [community, ids] : by_community) {
    if (std::string problem = health.Problem(ids); !problem.empty()) {
      out.broken[community] = absl::StrCat(Where(community), ": ", problem);
      continue;
    }
    for (const std::string& id : ids) {
      if (!compiled_ids.insert(id).second) continue;
      const size_t index = index_of.at(id);
      if (options.reuse != nullptr) {
        if (auto set = options.reuse->FindSet(keys.File(index))) {
          reused[id] = std::move(set);
          continue;
        }
      }
      jobs[id].push_back(&loaded.sets[index]);
    }
  }
  out.details.sets_compiled = jobs.size();
  out.details.sets_reused = reused.size();
  std::map<std::string, CompileResult> compiled =
      CompileInParallel(jobs, options.compile, options.on_progress);
  for (auto& [id, set] : reused) compiled[id].reused = std::move(set);
  for (auto& [id, result] : compiled) {
    if (result.reused) {
      result.part = result.reused->parts()[0];
    } else if (result.impl.ok()) {
      result.part = std::move(*result.impl);
    }
  }
  std::map<std::string, CombinationResult> combinations = LayOutCombinations(
      by_community, out.broken, compiled, index_of, keys, options, &out.problems);
  if (absl::Status s = PublishWithSharedScratch(compiled, combinations); !s.ok()) {
    out.problems.push_back({{}, std::string(s.message())});
    return out;
  }
  std::shared_ptr<RuleCatalog> catalog(new RuleCatalog());
  catalog->rule_set_count_ = loaded.sets.size();
  std::vector<std::shared_ptr<const CompiledRuleSet>> sets;  // in id order: deterministic output
  std::set<std::string> warning_texts;
  for (const rules::Diagnostic& w : out.details.warnings) {
    if (warning_texts.insert(w.ToString()).second) catalog->warnings_.push_back(w);
  }
  for (auto& [id, result] : compiled) {
    out.problems.insert(out.problems.end(), result.problems.begin(), result.problems.end());
    if (!result.set.ok()) continue;  // problems recorded; keep checking the rest
    sets.push_back(*result.set);
    for (const rules::Diagnostic& w : (*result.set)->report().warnings) {
      if (warning_texts.insert(w.ToString()).second) catalog->warnings_.push_back(w);
    }
  }
  catalog->rule_sets_ = sets;
  out.details.warnings = catalog->warnings_;
  if (options.run_examples) {
    catalog->example_results_ =
        RunExamplesOnce(sets, options.reuse != nullptr
                                  ? KnownExamples(loaded, keys, *options.reuse)
                                  : absl::flat_hash_map<std::string, std::vector<ExampleResult>>{});
    out.details.examples = catalog->example_results_;
    for (const ExampleResult& r : catalog->example_results_) {
      if (!r.passed) out.problems.push_back(r.ToDiagnostic());
    }
  }
  // Compile errors and failing examples point into files too.
  health.Update(out.problems);
  std::map<std::string, std::shared_ptr<const std::vector<RuleSetFile>>> files_by_key;
  for (const auto& [community, ids] : by_community) {
    if (out.broken.count(community)) continue;
    const absl::StatusOr<std::shared_ptr<const CompiledRuleSet>>& set =
        ids.size() == 1 ? compiled.at(ids[0]).set : combinations.at(absl::StrJoin(ids, "+")).set;
    std::string problem = health.Problem(ids);
    if (problem.empty() && !set.ok()) problem = std::string(set.status().message());
    if (!problem.empty()) {
      out.broken[community] = absl::StrCat(Where(community), ": ", problem);
      continue;
    }
    catalog->communities_[community] = *set;
    catalog->states_[community] = CommunityState{};
    std::shared_ptr<const std::vector<RuleSetFile>>& files = files_by_key[absl::StrJoin(ids, "+")];
    if (files == nullptr) {
      auto list = std::make_shared<std::vector<RuleSetFile>>();
      for (const std::string& id : ids) {
        for (const rules::SourceFile& file : loaded.set_files[index_of.at(id)]) {
          list->push_back({id, file});
        }
      }
      files = std::move(list);
    }
    catalog->files_[community] = files;
  }
  if (options.reuse != nullptr) {
    Remember(*catalog, loaded, keys, index_of, by_community, compiled, combinations,
             options.run_examples, options.reuse.get());
  }
  // Sound sets that only broken communities use were not compiled: check
  // them alone, so that one run still reports every problem.
  if (options.run_examples && !out.broken.empty()) {
    std::vector<rules::RuleSetSource> rest;
    for (const rules::RuleSetSource& set : loaded.sets) {
      if (!compiled_ids.count(set.id) && health.Problem(set.id).empty()) rest.push_back(set);
    }
    std::vector<ExampleResult> examples;
    CheckGoodSetsAlone(rest, options.compile, &out.problems, &examples);
    out.details.examples.insert(out.details.examples.end(), examples.begin(), examples.end());
  }
  out.catalog = std::move(catalog);
  return out;
}

}  // namespace moderation
