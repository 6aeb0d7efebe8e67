#include "engine/catalog.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/loader.h"

namespace moderation {
namespace {

rules::ParseCache* ParseCacheOf(const RuleCatalog::Options& options) {
  return options.reuse != nullptr ? &options.reuse->parsed() : nullptr;
}

// The sources of the rules at `path`; with a ReloadCache, the previous
// load's when the files did not change (see reload_cache.h), else parsed
// (unchanged files from its ParseCache) and remembered only when nothing
// was found wrong.
std::shared_ptr<const rules::LoadedSources> LoadSourcesAt(const std::string& path,
                                                          const RuleCatalog::Options& options,
                                                          rules::Diagnostics* found) {
  if (options.reuse == nullptr) {
    return std::make_shared<const rules::LoadedSources>(rules::LoadRulesPathPartial(path, found));
  }
  std::vector<rules::SourceFile> files = rules::ReadRulesPath(path, found);
  if (found->empty()) {
    if (auto known = options.reuse->FindSources(files)) return known;
  }
  auto loaded = std::make_shared<const rules::LoadedSources>(
      rules::LoadSourcesPartial(files, found, &options.reuse->parsed()));
  if (found->empty()) {
    options.reuse->RememberSources(std::move(files), loaded);
  } else {
    options.reuse->ForgetSources();
  }
  return loaded;
}

}  // namespace

const char* CommunityStateName(CommunityState::Kind kind) {
  switch (kind) {
    case CommunityState::Kind::kCurrent:
      return "current";
    case CommunityState::Kind::kPrevious:
      return "previous";
    case CommunityState::Kind::kLastGood:
      return "last_good";
    case CommunityState::Kind::kUnavailable:
      return "unavailable";
  }
  return "unknown";
}

absl::StatusOr<std::shared_ptr<const RuleCatalog>> RuleCatalog::Strict(PartialLoad load,
                                                                       rules::Diagnostics* problems,
                                                                       Details* details) {
  problems->insert(problems->end(), load.problems.begin(), load.problems.end());
  if (details != nullptr) *details = std::move(load.details);
  if (!load.problems.empty()) return rules::DiagnosticsToStatus(load.problems);
  if (load.catalog == nullptr) return absl::InternalError("the rules could not be loaded");
  return load.catalog;
}

absl::StatusOr<std::shared_ptr<const RuleCatalog>> RuleCatalog::Load(const std::string& path,
                                                                     const Options& options,
                                                                     rules::Diagnostics* problems,
                                                                     Details* details) {
  rules::Diagnostics found;
  const std::shared_ptr<const rules::LoadedSources> loaded = LoadSourcesAt(path, options, &found);
  return Strict(BuildPartial(*loaded, std::move(found), options), problems, details);
}

absl::StatusOr<std::shared_ptr<const RuleCatalog>> RuleCatalog::LoadFiles(
    const std::vector<rules::SourceFile>& files, const Options& options,
    rules::Diagnostics* problems, Details* details) {
  rules::Diagnostics found;
  const rules::LoadedSources loaded =
      rules::LoadSourcesPartial(files, &found, ParseCacheOf(options));
  return Strict(BuildPartial(loaded, std::move(found), options), problems, details);
}

RuleCatalog::PartialLoad RuleCatalog::LoadPartial(const std::string& path, const Options& options) {
  rules::Diagnostics found;
  const std::shared_ptr<const rules::LoadedSources> loaded = LoadSourcesAt(path, options, &found);
  return BuildPartial(*loaded, std::move(found), options);
}

std::shared_ptr<const RuleCatalog> RuleCatalog::WithFallbacks(
    const RuleCatalog& base, std::map<std::string, Fallback> fallbacks) {
  std::shared_ptr<RuleCatalog> catalog(new RuleCatalog(base));
  for (auto& [community, fallback] : fallbacks) {
    if (base.states_.count(community)) continue;
    catalog->states_[community] = std::move(fallback.state);
    if (fallback.set == nullptr) continue;
    catalog->communities_[community] = std::move(fallback.set);
    catalog->files_[community] =
        std::make_shared<const std::vector<RuleSetFile>>(std::move(fallback.files));
  }
  return catalog;
}

std::shared_ptr<const RuleCatalog> RuleCatalog::FromFallbacks(
    std::map<std::string, Fallback> fallbacks) {
  return WithFallbacks(RuleCatalog(), std::move(fallbacks));
}

const std::string* RuleCatalog::EntryFor(std::string_view community) const {
  if (auto it = states_.find(std::string(community)); it != states_.end()) return &it->first;
  if (auto it = states_.find(""); it != states_.end()) return &it->first;
  return nullptr;
}

absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> RuleCatalog::ForCommunity(
    std::string_view community) const {
  const std::string* entry = EntryFor(community);
  if (entry == nullptr) {
    return absl::NotFoundError(absl::StrCat("unknown community '", std::string(community),
                                            "' and no default rule sets are configured"));
  }
  if (auto it = communities_.find(*entry); it != communities_.end()) return it->second;
  return absl::UnavailableError(
      absl::StrCat("rules unavailable: ", states_.at(*entry).problem, " (fix it and reload)"));
}

std::vector<RuleSetFile> RuleCatalog::FilesFor(std::string_view community) const {
  const std::string* entry = EntryFor(community);
  if (entry == nullptr) return {};
  auto it = files_.find(*entry);
  return it == files_.end() ? std::vector<RuleSetFile>{} : *it->second;
}

std::vector<std::shared_ptr<const CompiledRuleSet>> RuleCatalog::compiled_sets() const {
  std::vector<std::shared_ptr<const CompiledRuleSet>> out;
  for (const auto& [community, set] : communities_) {
    if (std::find(out.begin(), out.end(), set) == out.end()) out.push_back(set);
  }
  return out;
}

}  // namespace moderation
