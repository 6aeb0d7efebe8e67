// The YAML rule-file loader.
//
// Why: moderators write rule files by hand. The loader turns one file into a
// RuleSetSource and reports *every* problem at once with file:line:col:
// YAML syntax, unknown keys (with "did you mean"), wrong types, duplicate rule
// ids, unknown @list references, regexes RE2 rejects, empty or unsafe
// patterns. A file with any error yields no RuleSetSource at all, never a
// half-loaded set. (Failing embedded examples are checked later, once the
// set is compiled: see engine/example_runner.h.)
//
//   rules::Diagnostics diags;
//   std::optional<rules::RuleSetSource> set =
//       rules::ParseRuleSet(yaml_text, "rules/de.yaml", &diags);
//   if (!set) for (auto& d : diags) std::cerr << d.ToString() << "\n";
//
// A rule set may span several files: its main file (`ruleset: <id>`, the
// header, lists, spellings and some rules) and parts (`part_of: <id>`, more
// rules only), so that no file outgrows what a Kubernetes ConfigMap holds.
// A part's rules use the main file's lists, patterns, spellings, lexicon,
// categories and DSA mapping, as if they were written in the main file; the
// set is used whole (main and every part) or not at all.
//
// The file format is documented in rules/README.md.
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_RULES_LOADER_H_
#define MODERATION_ENGINE_RULES_LOADER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rules/communities.h"
#include "engine/rules/diagnostic.h"
#include "engine/rules/rule.h"
#include "engine/rules/sources.h"

namespace moderation::rules {

// Parses one rule file's text. `filename` is used in diagnostics and as the
// location's file. Appends problems to *diagnostics; returns nullopt if there
// was any. A part file (`part_of:`) alone is a problem: it needs its main.
std::optional<RuleSetSource> ParseRuleSet(std::string_view yaml_text, std::string_view filename,
                                          Diagnostics* diagnostics);

// Parses the rule set of the main file `main` together with the parts that
// name its id in `parts` (in their order); their rules follow the main
// file's. Rule ids must be unique across all of them. The content hash
// covers every file's name and bytes (a set without parts: the main file's
// bytes alone, as ParseRuleSet). nullopt if any file had a problem.
std::optional<RuleSetSource> ParseRuleSet(const SourceFile& main, const PartsBySet& parts,
                                          Diagnostics* diagnostics);

// The value of the first top-level `key: value` line of a YAML text (the key
// at the start of a line, plain or quoted; the value plain or quoted, up to
// a space or comment), read without parsing YAML, so that even a file with a
// syntax error can be told apart. nullopt when no line has the key.
std::optional<std::string> TopLevelScalar(std::string_view yaml_text, std::string_view key);

// The set id a part file names (`part_of: <id>`), by TopLevelScalar: a part
// with a syntax error still counts against its set. nullopt for other files.
inline std::optional<std::string> PartOf(std::string_view yaml_text) {
  return TopLevelScalar(yaml_text, "part_of");
}

// Loads a single rule file (with the other files of its rule set in the same
// directory: its main file and parts), or every *.yaml / *.yml file directly
// in a directory (sorted by name), through LoadSources (sources.h): a file named
// communities.yaml (or .yml) is the community map, and the checks across
// files are LoadSources'. Returns nullopt if any problem was found (all of
// them are in *diagnostics).
std::optional<LoadedSources> LoadRulesPath(const std::string& path, Diagnostics* diagnostics);

// Like LoadRulesPath, but returns every rule set that loaded cleanly even
// when other files had problems (all reported in *diagnostics). For tools
// that check the good files further (examples, compilation) in the same run,
// so one broken file does not hide the problems of the others. Never use the
// result to serve posts when diagnostics were added. `cache`: as for
// LoadSourcesPartial.
LoadedSources LoadRulesPathPartial(const std::string& path, Diagnostics* diagnostics,
                                   ParseCache* cache = nullptr);

// The files LoadRulesPathPartial would load (names and bytes, in its order),
// unparsed; problems reading them go to *diagnostics.
std::vector<SourceFile> ReadRulesPath(const std::string& path, Diagnostics* diagnostics);

}  // namespace moderation::rules

#endif  // MODERATION_ENGINE_RULES_LOADER_H_
