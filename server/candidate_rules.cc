#include "server/candidate_rules.h"

#include <functional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/loader.h"
#include "engine/rules/sources.h"

namespace moderation::server {

CandidateRules LoadCandidate(const std::vector<rules::SourceFile>& files,
                             const RuleCatalog::Options& options) {
  CandidateRules out;
  absl::StatusOr<std::shared_ptr<const RuleCatalog>> catalog =
      RuleCatalog::LoadFiles(files, options, &out.errors, &out.details);
  if (catalog.ok()) {
    out.catalog = *catalog;
  } else if (out.errors.empty()) {
    out.errors.push_back({{}, std::string(catalog.status().message())});
  }
  return out;
}

CandidateRules ApplyToCommunity(const RuleCatalog& live, const std::string& community,
                                const std::vector<rules::SourceFile>& files,
                                const RuleCatalog::Options& options) {
  CandidateRules out;
  if (absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set = live.ForCommunity(community);
      !set.ok()) {
    out.status = set.status();
    return out;
  }
  // A candidate rule set's main file replaces the live set of its id (the
  // set's live parts stay); a candidate part replaces the live file of its
  // name (without directories), or is added. Problems in the candidates come
  // from loading them with the rest, as the server would.
  std::set<std::string, std::less<>> replaced_sets, replaced_files;
  for (const rules::SourceFile& file : files) {
    if (rules::IsCommunitiesFileName(file.name)) {
      out.errors.push_back({{file.name, 0, 0},
                            "a communities file cannot be applied to one community's rules; "
                            "send rule sets only"});
    } else if (rules::PartOf(file.content)) {
      replaced_files.insert(std::string(rules::BaseName(file.name)));
    } else if (std::optional<std::string> id = rules::TopLevelScalar(file.content, "ruleset")) {
      replaced_sets.insert(*id);
    }
  }
  if (!out.errors.empty()) return out;
  std::vector<rules::SourceFile> merged;
  for (const RuleSetFile& f : live.FilesFor(community)) {
    const bool is_part = rules::PartOf(f.file.content).has_value();
    const bool replaced = is_part ? replaced_files.count(rules::BaseName(f.file.name)) > 0
                                  : replaced_sets.count(f.set_id) > 0;
    if (!replaced) merged.push_back(f.file);
  }
  merged.insert(merged.end(), files.begin(), files.end());
  return LoadCandidate(merged, options);
}

}  // namespace moderation::server
