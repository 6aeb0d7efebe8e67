// A rule catalog: every community's compiled rule set, loaded from a rules
// path (one file, or a directory with an optional communities.yaml) or from
// files given as text.
//
// Why: the server, modctl, ValidateRules and TestPost load rules the same
// way, with the same checks (rules::LoadSources). Loading parses every file,
// compiles each rule set that a community uses once, combines them into one
// CompiledRuleSet per distinct combination that communities use (which
// shares the sets' databases: `de` in three combinations is held once), and
// runs every embedded example. All compiled sets of a catalog share one
// Hyperscan scratch prototype sized for every database, so a thread needs
// one scratch for all communities (see match/scratch.h).
//
// Two ways to load:
//  * Load / LoadFiles (tools): any problem in any file fails the whole load
//    with every diagnostic.
//  * LoadPartial (the server): a broken rule set only takes out the
//    communities that use it. Every other community is compiled and served;
//    the broken ones are listed with a reason that names the broken files,
//    and the server fills them in with WithFallbacks (the rules that served
//    them before, or nothing: UNAVAILABLE). A broken file that names no
//    rule set (no `ruleset:` or `part_of:` line) may be a part of any set,
//    so it fails the whole load like a tool's.
//
//   rules::Diagnostics problems;
//   auto catalog = RuleCatalog::Load("rules/", RuleCatalog::Options{}, &problems);
//   auto set = (*catalog)->ForCommunity("news-de");
//
// Thread-safety: immutable after construction; share it as
// std::shared_ptr<const RuleCatalog>.
#ifndef MODERATION_ENGINE_CATALOG_H_
#define MODERATION_ENGINE_CATALOG_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/example_runner.h"
#include "engine/reload_cache.h"
#include "engine/rule_set.h"
#include "engine/rules/sources.h"

namespace moderation {

// How a community is served.
struct CommunityState {
  enum class Kind {
    kCurrent,      // by the rules just loaded
    kPrevious,     // its rules are broken: by the rules that served it before
    kLastGood,     // its rules are broken: by its last good rules from the cache
    kUnavailable,  // its rules are broken and nothing else is known: UNAVAILABLE
  };
  Kind kind = Kind::kCurrent;
  // Unless current: why, naming the broken rule sets and files.
  std::string problem;
};

const char* CommunityStateName(CommunityState::Kind kind);  // "current", ...

// One source file of a rule set (its main file or a part), with the set's id.
struct RuleSetFile {
  std::string set_id;
  rules::SourceFile file;
};

class RuleCatalog {
 public:
  struct Options {
    CompileOptions compile;
    // Run embedded examples; a failing example fails the load. Default true.
    bool run_examples = true;
    // Told how many of the rule sets to compile are compiled: once with 0
    // before compiling starts, then after each one. Called from the
    // compiling threads, possibly concurrently; must be thread-safe. Lets a
    // server say "compiling rules: 3 of 5 sets" during a cold start.
    // Default: none.
    std::function<void(size_t compiled, size_t total)> on_progress;
    // What the previous load left to reuse: unchanged files are not parsed
    // and unchanged rule sets not compiled again (reload_cache.h). The
    // server keeps one for all its reloads. Default: none.
    std::shared_ptr<ReloadCache> reuse;
  };

  // What a load found besides the catalog, filled in even when it fails:
  // for tools that show every example (ValidateRules, modctl test).
  struct Details {
    std::vector<ExampleResult> examples;  // every example run (when run_examples)
    rules::Diagnostics warnings;
    // Rule sets compiled by this load / taken unchanged from
    // Options::reuse.
    size_t sets_compiled = 0;
    size_t sets_reused = 0;
  };

  // Loads and compiles everything under path. On failure returns
  // InvalidArgument and *problems lists every problem with file:line:col
  // (or Internal, naming the call, if Hyperscan cannot allocate scratch).
  static absl::StatusOr<std::shared_ptr<const RuleCatalog>> Load(const std::string& path,
                                                                 const Options& options,
                                                                 rules::Diagnostics* problems,
                                                                 Details* details = nullptr);

  // The same for files given as text (rules::LoadSources): the server's
  // directory, ValidateRules and TestPost all load through one path, so the
  // same files give the same catalog and the same messages. `details` may be
  // null.
  static absl::StatusOr<std::shared_ptr<const RuleCatalog>> LoadFiles(
      const std::vector<rules::SourceFile>& files, const Options& options,
      rules::Diagnostics* problems, Details* details = nullptr);

  // The outcome of LoadPartial.
  struct PartialLoad {
    // Every community whose rule sets all loaded, compiled and passed their
    // examples (state current). Null when communities cannot be told apart:
    // there is no communities file and some file is broken, the communities
    // file itself is broken, or Hyperscan failed.
    std::shared_ptr<const RuleCatalog> catalog;
    // Every other community ("" = the default) -> why, naming the files.
    std::map<std::string, std::string> broken;
    rules::Diagnostics problems;  // every problem of the load
    Details details;
  };

  // Loads what can be loaded; see PartialLoad.
  static PartialLoad LoadPartial(const std::string& path, const Options& options);

  // A stand-in for a community that LoadPartial reported broken.
  struct Fallback {
    std::shared_ptr<const CompiledRuleSet> set;  // null: the community is unavailable
    CommunityState state;                        // kPrevious, kLastGood or kUnavailable
    std::vector<RuleSetFile> files;              // the sources of `set`
  };

  // `base` plus the fallbacks. A fallback for a community `base` serves is
  // ignored.
  static std::shared_ptr<const RuleCatalog> WithFallbacks(
      const RuleCatalog& base, std::map<std::string, Fallback> fallbacks);
  // A catalog of fallbacks only: for a server whose rules directory cannot
  // be loaded at all at startup.
  static std::shared_ptr<const RuleCatalog> FromFallbacks(
      std::map<std::string, Fallback> fallbacks);

  // The set for `community`: its own, else the default, else NotFound.
  // Unavailable (naming the broken files) when that entry is unavailable.
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> ForCommunity(
      std::string_view community) const;

  // The source files of the rule sets that ForCommunity(community) uses, in
  // the order they were loaded; empty when it has none.
  std::vector<RuleSetFile> FilesFor(std::string_view community) const;

  // Every distinct compiled set (one per combination of rule sets in use).
  std::vector<std::shared_ptr<const CompiledRuleSet>> compiled_sets() const;
  // Every rule set compiled alone, in id order: the parts the combinations
  // share. For reports that walk each rule once (the lexicon report).
  // Empty for a catalog of fallbacks.
  const std::vector<std::shared_ptr<const CompiledRuleSet>>& rule_sets() const {
    return rule_sets_;
  }
  // Community id -> compiled set; the default, if any, is under "". Holds
  // every community that is served (whatever its state).
  const std::map<std::string, std::shared_ptr<const CompiledRuleSet>>& communities() const {
    return communities_;
  }
  // Every community, served or unavailable, with its state.
  const std::map<std::string, CommunityState>& states() const { return states_; }
  const std::vector<ExampleResult>& example_results() const { return example_results_; }
  const rules::Diagnostics& warnings() const { return warnings_; }
  size_t rule_set_count() const { return rule_set_count_; }

 private:
  RuleCatalog() = default;
  static PartialLoad BuildPartial(const rules::LoadedSources& loaded, rules::Diagnostics problems,
                                  const Options& options);
  static absl::StatusOr<std::shared_ptr<const RuleCatalog>> Strict(PartialLoad load,
                                                                   rules::Diagnostics* problems,
                                                                   Details* details);
  const std::string* EntryFor(std::string_view community) const;

  std::map<std::string, std::shared_ptr<const CompiledRuleSet>> communities_;
  std::map<std::string, CommunityState> states_;
  std::map<std::string, std::shared_ptr<const std::vector<RuleSetFile>>> files_;
  std::vector<std::shared_ptr<const CompiledRuleSet>> rule_sets_;
  std::vector<ExampleResult> example_results_;
  rules::Diagnostics warnings_;
  size_t rule_set_count_ = 0;
};

}  // namespace moderation

#endif  // MODERATION_ENGINE_CATALOG_H_
