// LoadRulesPath: a rules file or directory, and the checks across its files.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/loader.h"

namespace moderation::rules {
namespace {

namespace fs = std::filesystem;

SourceLocation WholeFile(const std::string& file) { return {file, 0, 0}; }

std::string Where(const SourceLocation& location) {
  return absl::StrCat(location.file, ":", location.line);
}

std::optional<std::string> ReadFile(const std::string& path, Diagnostics* diagnostics) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    diagnostics->push_back(
        {WholeFile(path), absl::StrCat("cannot read file: ", std::strerror(errno))});
    return std::nullopt;
  }
  return std::move(text).str();
}

bool IsYamlName(const std::string& name) {
  const fs::path path(name);
  return !name.empty() && name[0] != '.' &&
         (path.extension() == ".yaml" || path.extension() == ".yml");
}

bool IsCommunitiesName(const std::string& name) {
  return name == "communities.yaml" || name == "communities.yml";
}

// The *.yaml / *.yml files directly in `dir`, sorted by name.
std::vector<std::string> ListYamlFiles(const std::string& dir, Diagnostics* diagnostics) {
  std::vector<std::string> names;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    std::error_code type_error;
    const std::string name = it->path().filename().string();
    if (IsYamlName(name) && it->is_regular_file(type_error)) names.push_back(name);
  }
  if (error) {
    diagnostics->push_back(
        {WholeFile(dir), absl::StrCat("cannot list directory: ", error.message())});
  }
  std::sort(names.begin(), names.end());
  return names;
}

void LoadRuleFile(const std::string& path, LoadedSources* out, Diagnostics* diagnostics) {
  std::optional<std::string> text = ReadFile(path, diagnostics);
  if (!text) return;
  if (std::optional<RuleSetSource> set = ParseRuleSet(*text, path, diagnostics)) {
    out->sets.push_back(std::move(*set));
  }
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

void LoadDirectory(const std::string& dir, LoadedSources* out, Diagnostics* diagnostics) {
  const size_t errors_before = diagnostics->size();
  std::vector<std::string> community_files;
  bool any_rule_file = false;
  for (const std::string& name : ListYamlFiles(dir, diagnostics)) {
    const std::string path = (fs::path(dir) / name).string();
    if (IsCommunitiesName(name)) {
      community_files.push_back(path);
      continue;
    }
    any_rule_file = true;
    LoadRuleFile(path, out, diagnostics);
  }
  if (!any_rule_file) {
    diagnostics->push_back({WholeFile(dir), "no rule files (*.yaml, *.yml) in this directory"});
  }
  if (community_files.size() > 1) {
    diagnostics->push_back({WholeFile(community_files[1]),
                            absl::StrCat("conflicts with ", community_files[0], ": keep one")});
  }
  if (community_files.empty()) return;
  std::optional<std::string> text = ReadFile(community_files[0], diagnostics);
  if (text) out->communities = ParseCommunities(*text, community_files[0], diagnostics);
  // A set from a broken file is missing, not unknown: do not report it twice.
  if (out->communities && diagnostics->size() == errors_before) {
    CheckCommunityReferences(*out->communities, out->sets, diagnostics);
  }
}

}  // namespace

std::optional<LoadedSources> LoadRulesPath(const std::string& path, Diagnostics* diagnostics) {
  Diagnostics local;
  if (diagnostics == nullptr) diagnostics = &local;
  const size_t errors_before = diagnostics->size();
  LoadedSources out = LoadRulesPathPartial(path, diagnostics);
  if (diagnostics->size() != errors_before) return std::nullopt;
  return out;
}

LoadedSources LoadRulesPathPartial(const std::string& path, Diagnostics* diagnostics) {
  LoadedSources out;
  try {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (fs::is_directory(status)) {
      LoadDirectory(path, &out, diagnostics);
    } else if (fs::is_regular_file(status)) {
      LoadRuleFile(path, &out, diagnostics);
    } else if (error || !fs::exists(status)) {
      diagnostics->push_back(
          {WholeFile(path), "cannot read rules path: no such file or directory"});
    } else {
      diagnostics->push_back({WholeFile(path), "rules path is neither a file nor a directory"});
    }
    CheckUniqueIds(out.sets, diagnostics);
  } catch (const std::exception& e) {
    diagnostics->push_back({WholeFile(path), absl::StrCat("cannot load rules: ", e.what())});
  } catch (...) {
    diagnostics->push_back({WholeFile(path), "cannot load rules: unknown error"});
  }
  return out;
}

}  // namespace moderation::rules
