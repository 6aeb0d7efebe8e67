// A rule catalog: every community's compiled rule set, loaded from a rules
// path (one file, or a directory with an optional communities.yaml).
//
// Why: the server and modctl load rules the same way, with the same checks.
// Loading parses every file, compiles each distinct combination of rule sets
// that a community uses once (communities sharing a combination share one
// compiled set), and runs every embedded example. Any problem - in any file -
// fails the whole load with every diagnostic, so a running service keeps its
// last good catalog instead of serving half of a new one. All compiled sets of
// a catalog share one Hyperscan scratch prototype sized for every database,
// so a thread needs one scratch for all communities (see match/scratch.h).
//
//   rules::Diagnostics problems;
//   auto catalog = RuleCatalog::Load("rules/", RuleCatalog::Options{}, &problems);
//   auto set = (*catalog)->ForCommunity("news-de");
//
// Thread-safety: immutable after Load; share it as
// std::shared_ptr<const RuleCatalog>.
#ifndef MODERATION_ENGINE_CATALOG_H_
#define MODERATION_ENGINE_CATALOG_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/example_runner.h"
#include "engine/rule_set.h"
#include "engine/rules/sources.h"

namespace moderation {

class RuleCatalog {
 public:
  struct Options {
    CompileOptions compile;
    // Run embedded examples; a failing example fails the load. Default true.
    bool run_examples = true;
  };

  // What a load found besides the catalog, filled in even when it fails:
  // for tools that show every example (ValidateRules, modctl test).
  struct Details {
    std::vector<ExampleResult> examples;  // every example run (when run_examples)
    rules::Diagnostics warnings;
  };

  // Loads and compiles everything under path. On failure returns
  // InvalidArgument and *problems lists every problem with file:line:col
  // (or Internal, naming the call, if Hyperscan cannot allocate scratch).
  static absl::StatusOr<std::shared_ptr<const RuleCatalog>> Load(const std::string& path,
                                                                 const Options& options,
                                                                 rules::Diagnostics* problems);

  // The same for files given as text (rules::LoadSources): the server's
  // directory, ValidateRules and TestPost all load through one path, so the
  // same files give the same catalog and the same messages. `details` may be
  // null.
  static absl::StatusOr<std::shared_ptr<const RuleCatalog>> LoadFiles(
      const std::vector<rules::SourceFile>& files, const Options& options,
      rules::Diagnostics* problems, Details* details = nullptr);

  // The set for `community`: its own, else the default, else NotFound.
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> ForCommunity(
      std::string_view community) const;

  // Every distinct compiled set (one per combination of rule sets in use).
  std::vector<std::shared_ptr<const CompiledRuleSet>> compiled_sets() const;
  // Community id -> compiled set; the default, if any, is under "".
  const std::map<std::string, std::shared_ptr<const CompiledRuleSet>>& communities() const {
    return communities_;
  }
  const std::vector<ExampleResult>& example_results() const { return example_results_; }
  const rules::Diagnostics& warnings() const { return warnings_; }
  size_t rule_set_count() const { return rule_set_count_; }

 private:
  RuleCatalog() = default;
  static absl::StatusOr<std::shared_ptr<const RuleCatalog>> Build(
      const rules::LoadedSources& loaded, size_t problems_before, const Options& options,
      rules::Diagnostics* problems, Details* details);

  std::map<std::string, std::shared_ptr<const CompiledRuleSet>> communities_;
  std::vector<ExampleResult> example_results_;
  rules::Diagnostics warnings_;
  size_t rule_set_count_ = 0;
};

}  // namespace moderation

#endif  // MODERATION_ENGINE_CATALOG_H_
