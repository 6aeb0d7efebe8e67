#include "server/candidate_rules.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"

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
  // The candidates' set ids decide which live sets they replace.
  const rules::LoadedSources candidates = rules::LoadSourcesPartial(files, &out.errors);
  if (candidates.has_communities_file) {
    for (const rules::SourceFile& file : files) {
      if (!rules::IsCommunitiesFileName(file.name)) continue;
      out.errors.push_back({{file.name, 0, 0},
                            "a communities file cannot be applied to one community's rules; "
                            "send rule sets only"});
    }
  }
  if (!out.errors.empty()) return out;
  std::set<std::string> replaced;
  for (const rules::RuleSetSource& set : candidates.sets) replaced.insert(set.id);
  std::vector<rules::SourceFile> merged;
  for (const RuleSetFile& f : live.FilesFor(community)) {
    if (!replaced.count(f.set_id)) merged.push_back(f.file);
  }
  merged.insert(merged.end(), files.begin(), files.end());
  return LoadCandidate(merged, options);
}

}  // namespace moderation::server
