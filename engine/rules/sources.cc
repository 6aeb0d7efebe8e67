// LoadSources: parsing a list of named texts and the checks across files.
#include "engine/rules/sources.h"

#include <algorithm>
#include <exception>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/loader.h"

namespace moderation::rules {
namespace {

SourceLocation WholeFile(const std::string& file) { return {file, 0, 0}; }

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

void LoadFiles(const std::vector<SourceFile>& files, LoadedSources* out, Diagnostics* diagnostics,
               ParseCache* cache) {
  const SourceFile* communities_file = nullptr;
  size_t broken_rule_files = 0;
  for (const SourceFile& file : files) {
    if (IsCommunitiesFileName(file.name)) {
      if (communities_file != nullptr) {
        diagnostics->push_back(
            {WholeFile(file.name),
             absl::StrCat("conflicts with ", communities_file->name, ": keep one")});
        continue;
      }
      communities_file = &file;
      continue;
    }
    std::optional<RuleSetSource> set = cache != nullptr
                                           ? cache->Parse(file, diagnostics)
                                           : ParseRuleSet(file.content, file.name, diagnostics);
    if (set) {
      out->sets.push_back(std::move(*set));
      out->set_files.push_back(file);
    } else {
      ++broken_rule_files;
    }
  }
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

}  // namespace

std::optional<RuleSetSource> ParseCache::Parse(const SourceFile& file, Diagnostics* diagnostics) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(file.name);
    if (it != entries_.end() && it->second.content == file.content) {
      it->second.used = true;
      ++hits_;
      return it->second.set;
    }
    ++misses_;
  }
  const size_t before = diagnostics->size();
  std::optional<RuleSetSource> set = ParseRuleSet(file.content, file.name, diagnostics);
  std::lock_guard<std::mutex> lock(mu_);
  if (set && diagnostics->size() == before) {
    entries_[file.name] = Entry{file.content, *set, true};
  } else {
    entries_.erase(file.name);  // never serve the bytes it held before
  }
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

bool IsCommunitiesFileName(std::string_view name) {
  const size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  return name == "communities.yaml" || name == "communities.yml";
}

LoadedSources LoadSourcesPartial(const std::vector<SourceFile>& files, Diagnostics* diagnostics,
                                 ParseCache* cache) {
  LoadedSources out;
  try {
    LoadFiles(files, &out, diagnostics, cache);
  } catch (const std::exception& e) {
    diagnostics->push_back({{}, absl::StrCat("cannot load rules: ", e.what())});
  } catch (...) {
    diagnostics->push_back({{}, "cannot load rules: unknown error"});
  }
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
