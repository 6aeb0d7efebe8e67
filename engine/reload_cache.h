// What a reload may take over from the previous load of the same rules: the
// parsed files whose bytes did not change, and the compiled, validated rule
// sets whose files did not change.
//
// Why: the server reloads the whole rules directory when one file changes,
// and a warm reload used to parse every file, compile every rule set and
// run every embedded example again (50,000 terms: about 2 s, most of it
// parsing YAML; the default rules: about 0.7 s). With a ReloadCache in
// RuleCatalog::Options, a load
//  * parses only files whose name or bytes changed (rules::ParseCache:
//    bytes compared exactly, only clean parses remembered);
//  * compiles only rule sets whose file changed: a compiled set is reused
//    when its file's name and content hash and the compile options equal
//    those of a set that the previous load served (compiled, no problem in
//    its file, every example passed, in a combination some community used);
//    a combination of several sets (their parts and its literal database)
//    is reused when all of its files are;
//  * runs the examples of the rules of changed files only: a rule of a file
//    whose name, content hash and compile options equal those of a file the
//    previous load served keeps the example results it had (a rule fires
//    the same way in every combination it is in, see example_runner.h).
//  * takes the previous load's sources whole (no parse, no copy of a rule)
//    when the files read have exactly the names, order and bytes of the
//    previous load's and that load found no problem in them (reading,
//    parsing, checks across files): LoadSourcesPartial is a function of the
//    files alone, so this is what it would return. A parsed 50,000-term set
//    took about 0.2 s to copy out of the ParseCache.
// A changed file is therefore always parsed, compiled and checked in full,
// and a broken one is never remembered. Only the last load's sets and
// combinations are kept
// (they are shared with the catalog that serves, so they cost no memory of
// their own); the parsed files cost their text and rule model.
//
//   auto cache = std::make_shared<ReloadCache>();
//   RuleCatalog::Options options;
//   options.reuse = cache;          // the same cache for every reload
//   RuleCatalog::LoadPartial("rules/", options);
// (The parsed-sources memo serves Load and LoadPartial of a path.)
//
// Thread-safety: every member may be called from any thread (internally
// locked). Loads sharing one cache should not overlap (the server serialises
// its reloads); overlapping loads stay correct but may evict each other's
// entries.
#ifndef MODERATION_ENGINE_RELOAD_CACHE_H_
#define MODERATION_ENGINE_RELOAD_CACHE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/example_runner.h"
#include "engine/rule_set.h"
#include "engine/rules/sources.h"

namespace moderation {

class ReloadCache {
 public:
  using SetPtr = std::shared_ptr<const CompiledRuleSet>;
  // What a load served, for the next one: compiled rule sets (by the file's
  // key) and combinations (by their files' keys), and the example results
  // (all passed) of each served file's rules, by the file's key (the keys
  // are the catalog's; see catalog_build.cc).
  struct Generation {
    std::map<std::string, SetPtr> sets;
    std::map<std::string, std::vector<ExampleResult>> examples;
  };

  rules::ParseCache& parsed() { return parsed_; }

  // The sources remembered for exactly these files (names, order, bytes
  // compared), or null.
  std::shared_ptr<const rules::LoadedSources> FindSources(
      const std::vector<rules::SourceFile>& files) const;
  // Remembers `sources` as what loading `files` gives; call only when that
  // load found no problem. Replaces what was remembered before.
  void RememberSources(std::vector<rules::SourceFile> files,
                       std::shared_ptr<const rules::LoadedSources> sources);
  // Forgets the remembered sources (a load that found problems).
  void ForgetSources();

  // The compiled set or combination stored under `key` by the previous
  // load, or null.
  SetPtr FindSet(const std::string& key) const;
  // The example results stored for a file's rules, or null. The pointer
  // stays valid until the next Replace.
  const std::vector<ExampleResult>* FindExamples(const std::string& file_key) const;
  // Replaces everything stored with what the load just done served.
  void Replace(Generation generation);

 private:
  rules::ParseCache parsed_;
  mutable std::mutex mu_;
  Generation stored_;
  std::vector<rules::SourceFile> source_files_;
  std::shared_ptr<const rules::LoadedSources> sources_;
};

}  // namespace moderation

#endif  // MODERATION_ENGINE_RELOAD_CACHE_H_
