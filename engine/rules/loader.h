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
// was any.
std::optional<RuleSetSource> ParseRuleSet(std::string_view yaml_text, std::string_view filename,
                                          Diagnostics* diagnostics);

// Loads a single rule file, or every *.yaml / *.yml file directly in a
// directory (sorted by name), through LoadSources (sources.h): a file named
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
