// LoadSources: the one path from rule-file texts to rule sets.
//
// Why: rules reach the engine from a directory (the server, modctl) and from
// requests (ValidateRules, TestPost). Every route gives LoadSources a list of
// named texts, so the same files give the same sets and the same messages,
// whatever their origin. It parses each file (communities.yaml / .yml by its
// base name as the community map, files that say `part_of: <id>` as parts of
// that set, all others as rule sets) and checks across files: rule-set ids
// and rule ids unique, one communities file, every part's set present, and
// every set a community names present.
//
//   std::vector<rules::SourceFile> files = {{"de.yaml", de_text}, {"spam.yaml", spam_text}};
//   rules::Diagnostics problems;
//   std::optional<rules::LoadedSources> loaded = rules::LoadSources(files, &problems);
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_RULES_SOURCES_H_
#define MODERATION_ENGINE_RULES_SOURCES_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rules/communities.h"
#include "engine/rules/diagnostic.h"
#include "engine/rules/rule.h"

namespace moderation::rules {

// One file's name (used in every diagnostic about it) and its bytes.
struct SourceFile {
  std::string name;
  std::string content;
};

// The part files of each rule set (loader.h), by the id their `part_of:`
// names, each list in load order. The pointers must outlive the parse.
using PartsBySet = std::map<std::string, std::vector<const SourceFile*>, std::less<>>;

// The parts of the set `id` in `parts`; empty when it has none.
const std::vector<const SourceFile*>& PartsOf(const PartsBySet& parts, std::string_view id);

// Everything found in a list of files.
struct LoadedSources {
  std::vector<RuleSetSource> sets;  // in file order
  // set_files[i]: the files of sets[i], its main file first, then its parts.
  std::vector<std::vector<SourceFile>> set_files;
  std::optional<CommunityMap> communities;  // from communities.yaml, if present
  bool has_communities_file = false;        // even if it failed to parse
  // Broken rule files with neither a `ruleset:` nor a `part_of:` line: they
  // may be a part of any set (a part whose `part_of:` lost its colon), so no
  // set can be called sound while one is there (engine/catalog.h).
  std::vector<std::string> files_of_unknown_set;
};

// Rule files parsed by earlier loads, so that a reload does not parse a file
// again whose bytes did not change: parsing is most of a reload (2.4 s of
// YAML for 50,000 terms), and the server reloads the whole directory when
// one file changes. Keyed by file name; an entry serves only when the new
// bytes equal the remembered bytes exactly (compared, not hashed), and only
// parses without any diagnostic are remembered, so a hit gives exactly what
// parsing would have given, and a changed or broken file is always parsed.
// Memory: each remembered file's text and parsed set, until a load no longer
// includes that file name (ForgetUnused).
//
// Thread-safety: every member may be called from any thread (one mutex).
class ParseCache {
 public:
  // ParseRuleSet(main, parts, diagnostics) (loader.h), from the cache when
  // the main file and the parts of its set are the ones it parsed before.
  std::optional<RuleSetSource> Parse(const SourceFile& main, const PartsBySet& parts,
                                     Diagnostics* diagnostics);
  // Forgets every file not passed to Parse since the previous call.
  void ForgetUnused();
  // How many Parse calls were answered from the cache / parsed, so far.
  size_t hits() const;
  size_t misses() const;

 private:
  struct Entry {
    std::string content;
    std::vector<SourceFile> parts;  // the set's parts when it was parsed
    RuleSetSource set;
    bool used = true;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by main file name
  size_t hits_ = 0;
  size_t misses_ = 0;
};

// A file name without its directories ("rules/de.yaml" -> "de.yaml").
std::string_view BaseName(std::string_view name);

// True for "communities.yaml" / "communities.yml", also as a path's last part.
bool IsCommunitiesFileName(std::string_view name);

// Parses and cross-checks `files`. Returns every rule set that loaded
// cleanly even when other files had problems (all of them appended to
// *diagnostics), so that tools can check the good sets further in the same
// run. Never serve the result when diagnostics were added, except per
// community as the catalog does (engine/catalog.h). With a `cache`, files
// parsed before with the same bytes are taken from it (and it forgets the
// files this call did not see).
LoadedSources LoadSourcesPartial(const std::vector<SourceFile>& files, Diagnostics* diagnostics,
                                 ParseCache* cache = nullptr);

// Like LoadSourcesPartial, but nullopt if any problem was found.
std::optional<LoadedSources> LoadSources(const std::vector<SourceFile>& files,
                                         Diagnostics* diagnostics);

}  // namespace moderation::rules

#endif  // MODERATION_ENGINE_RULES_SOURCES_H_
