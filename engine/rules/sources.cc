// LoadSources: parsing a list of named texts and the checks across files.
#include "engine/rules/sources.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/loader.h"
#include "engine/util/parallel.h"

namespace moderation::rules {
namespace {

std::string Where(const SourceLocation& location) {
  return absl::StrCat(location.file, ":", location.line);
}

// Rule-set ids select sets and rule ids name decisions: both must be unique
// across all files.
void CheckUniqueIds(const std::vector<RuleSetSource>& sets, Diagnostics* diagnostics) {
  std::map<std::string, const SourceLocation*> set_ids, rule_ids;
  for (const RuleSetSource& set : sets) {
    const auto [first, inserted] = set_ids.emplace(set.id, &set.location);
    if (!inserted) {
      diagnostics->push_back(
          {set.location,
           absl::StrCat("rule set '", set.id, "' is also defined at ", Where(*first->second))});
      continue;  // its rules would repeat the message for every rule id
    }
    for (const Rule& rule : set.rules) {
      const auto [first_rule, new_rule] = rule_ids.emplace(rule.id, &rule.location);
      if (!new_rule && first_rule->second->file != rule.location.file) {
        diagnostics->push_back(
            {rule.location, absl::StrCat("rule id '", rule.id, "' is also defined at ",
                                         Where(*first_rule->second))});
      }
    }
  }
}

void CheckCommunityReferences(const CommunityMap& communities,
                              const std::vector<RuleSetSource>& sets, Diagnostics* diagnostics) {
  std::vector<std::string_view> ids;
  for (const RuleSetSource& set : sets) ids.push_back(set.id);
  for (const auto& [id, location] : communities.references) {
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
    std::string message = absl::StrCat("unknown rule set '", id, "'");
    const std::string hint = DidYouMean(id, ids);
    if (!hint.empty()) absl::StrAppend(&message, " (did you mean '", hint, "'?)");
    diagnostics->push_back({location, std::move(message)});
  }
}

// The ids of the rule sets a load defines, from each main file's
// `ruleset:` line, so that a part of a set whose main file is broken is not
// called a part of an unknown set. Read like PartOf (loader.h).
std::vector<std::string> DeclaredSetIds(const std::vector<const SourceFile*>& mains,
                                        const std::vector<RuleSetSource>& sets) {
  std::vector<std::string> ids;
  for (const RuleSetSource& set : sets) ids.push_back(set.id);
  for (const SourceFile* main : mains) {
    if (std::optional<std::string> id = TopLevelScalar(main->content, "ruleset")) {
      ids.push_back(std::move(*id));
    }
  }
  return ids;
}

// A part whose set no file defines: reported at its file, with a hint.
void CheckPartsHaveSets(const PartsBySet& parts, const std::vector<std::string>& set_ids,
                        Diagnostics* diagnostics) {
  std::vector<std::string_view> ids(set_ids.begin(), set_ids.end());
  for (const auto& [id, files] : parts) {
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
    for (const SourceFile* file : files) {
      std::string message =
          absl::StrCat("part_of names rule set '", id, "', which no loaded file defines");
      const std::string hint = DidYouMean(id, ids);
      if (!hint.empty()) absl::StrAppend(&message, " (did you mean '", hint, "'?)");
      diagnostics->push_back({WholeFile(file->name), std::move(message)});
    }
  }
}

// One main file's set (nullopt: broken) and what its parse reported.
struct ParsedMain {
  std::optional<RuleSetSource> set;
  Diagnostics diagnostics;
};

void ParseMain(const SourceFile& main, const PartsBySet& parts, ParseCache* cache,
               ParsedMain* out) {
  // On a throw, out->set keeps nullopt: it is only assigned a parsed set.
  ReportExceptions(WholeFile(main.name), "cannot load rules", &out->diagnostics, [&] {
    out->set = cache != nullptr ? cache->Parse(main, parts, &out->diagnostics)
                                : ParseRuleSet(main, parts, &out->diagnostics);
  });
}

// The main files parsed on as many threads as there are cores, the results
// in the order of `mains`. The big sets' files (de with its parts, en) take
// most of a load's parse, and they share nothing but the ParseCache, which
// locks.
std::vector<ParsedMain> ParseMains(const std::vector<const SourceFile*>& mains,
                                   const PartsBySet& parts, ParseCache* cache) {
  std::vector<ParsedMain> out(mains.size());
  util::ForEachOnCores(mains.size(),
                       [&](size_t i) { ParseMain(*mains[i], parts, cache, &out[i]); });
  return out;
}

void LoadFiles(const std::vector<SourceFile>& files, LoadedSources* out, Diagnostics* diagnostics,
               ParseCache* cache) {
  const SourceFile* communities_file = nullptr;
  std::vector<const SourceFile*> mains;
  PartsBySet parts;
  for (const SourceFile& file : files) {
    if (IsCommunitiesFileName(file.name)) {
      if (communities_file != nullptr) {
        diagnostics->push_back(
            {WholeFile(file.name),
             absl::StrCat("conflicts with ", communities_file->name, ": keep one")});
        continue;
      }
      communities_file = &file;
    } else if (std::optional<std::string> of = PartOf(file.content)) {
      parts[*of].push_back(&file);
    } else {
      mains.push_back(&file);
    }
  }
  size_t broken_rule_files = 0;
  std::vector<ParsedMain> parsed = ParseMains(mains, parts, cache);
  for (size_t m = 0; m < mains.size(); ++m) {
    const SourceFile* main = mains[m];
    std::optional<RuleSetSource>& set = parsed[m].set;
    diagnostics->insert(diagnostics->end(), parsed[m].diagnostics.begin(),
                        parsed[m].diagnostics.end());
    if (!set) {
      ++broken_rule_files;
      if (!TopLevelScalar(main->content, "ruleset"))
        out->files_of_unknown_set.push_back(main->name);
      continue;
    }
    std::vector<SourceFile> set_files = {*main};
    for (const SourceFile* part : PartsOf(parts, set->id)) set_files.push_back(*part);
    out->sets.push_back(std::move(*set));
    out->set_files.push_back(std::move(set_files));
  }
  const size_t before = diagnostics->size();
  CheckPartsHaveSets(parts, DeclaredSetIds(mains, out->sets), diagnostics);
  broken_rule_files += diagnostics->size() - before;
  CheckUniqueIds(out->sets, diagnostics);
  if (communities_file == nullptr) return;
  out->has_communities_file = true;
  out->communities =
      ParseCommunities(communities_file->content, communities_file->name, diagnostics);
  // A set from a broken file is missing, not unknown: do not report it
  // twice. Without any set, every reference would be reported: noise.
  if (out->communities && broken_rule_files == 0 && !out->sets.empty()) {
    CheckCommunityReferences(*out->communities, out->sets, diagnostics);
  }
}

// Whether `given` are the parts `remembered` holds, names and bytes.
bool SameParts(const std::vector<SourceFile>& remembered,
               const std::vector<const SourceFile*>& given) {
  if (remembered.size() != given.size()) return false;
  for (size_t i = 0; i < given.size(); ++i) {
    if (remembered[i].name != given[i]->name || remembered[i].content != given[i]->content) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<RuleSetSource> ParseCache::Parse(const SourceFile& main, const PartsBySet& parts,
                                               Diagnostics* diagnostics) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(main.name);
    if (it != entries_.end() && it->second.content == main.content &&
        SameParts(it->second.parts, PartsOf(parts, it->second.set.id))) {
      it->second.used = true;
      ++hits_;
      return it->second.set;
    }
    ++misses_;
  }
  const size_t before = diagnostics->size();
  std::optional<RuleSetSource> set = ParseRuleSet(main, parts, diagnostics);
  if (!set || diagnostics->size() != before) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.erase(main.name);  // never serve the bytes it held before
    return set;
  }
  // Copied before taking the lock: files parsed side by side (LoadFiles)
  // would otherwise copy their sets one after the other.
  Entry entry{main.content, {}, *set, true};
  for (const SourceFile* part : PartsOf(parts, set->id)) entry.parts.push_back(*part);
  std::lock_guard<std::mutex> lock(mu_);
  entries_[main.name] = std::move(entry);
  return set;
}

void ParseCache::ForgetUnused() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!it->second.used) {
      it = entries_.erase(it);
      continue;
    }
    it->second.used = false;
    ++it;
  }
}

size_t ParseCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

size_t ParseCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

const std::vector<const SourceFile*>& PartsOf(const PartsBySet& parts, std::string_view id) {
  static const std::vector<const SourceFile*> kNone;
  auto it = parts.find(id);
  return it == parts.end() ? kNone : it->second;
}

std::string_view BaseName(std::string_view name) {
  const size_t slash = name.find_last_of('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

bool IsCommunitiesFileName(std::string_view name) {
  name = BaseName(name);
  return name == "communities.yaml" || name == "communities.yml";
}

LoadedSources LoadSourcesPartial(const std::vector<SourceFile>& files, Diagnostics* diagnostics,
                                 ParseCache* cache) {
  LoadedSources out;
  ReportExceptions({}, "cannot load rules", diagnostics,
                   [&] { LoadFiles(files, &out, diagnostics, cache); });
  if (cache != nullptr) cache->ForgetUnused();
  return out;
}

std::optional<LoadedSources> LoadSources(const std::vector<SourceFile>& files,
                                         Diagnostics* diagnostics) {
  Diagnostics local;
  if (diagnostics == nullptr) diagnostics = &local;
  const size_t errors_before = diagnostics->size();
  LoadedSources out = LoadSourcesPartial(files, diagnostics);
  if (diagnostics->size() != errors_before) return std::nullopt;
  return out;
}

}  // namespace moderation::rules
