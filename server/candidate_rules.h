// Candidate rules for the admin calls: rule files a moderator sends, loaded
// without touching the active rules.
//
// Why: ValidateRules, TestPost and PreviewImpact all answer "what would
// these files do?". They load the files through the one loader
// (RuleCatalog::LoadFiles), either on their own or applied to one
// community's live rule sets: each candidate set's main file replaces the
// live set of the same id (its live parts stay), each candidate part the live
// file of the same name; others are added. Keeping this here keeps the handlers thin.
//
//   CandidateRules c = LoadCandidate(files, options);
//   CandidateRules live = ApplyToCommunity(*registry->Current(), "news-de", files, options);
//   if (live.status.ok() && live.errors.empty()) (*live.set)->Evaluate(post);
//
// Thread-safety: pure functions over immutable catalogs.
#ifndef MODERATION_SERVER_CANDIDATE_RULES_H_
#define MODERATION_SERVER_CANDIDATE_RULES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/catalog.h"

namespace moderation::server {

struct CandidateRules {
  // The request cannot be served at all (NOT_FOUND for a community without
  // rules, UNAVAILABLE for one whose rules are broken).
  absl::Status status;
  // Problems in the candidate files (status stays OK).
  rules::Diagnostics errors;
  RuleCatalog::Details details;
  // The loaded catalog, when status is OK and there are no errors.
  std::shared_ptr<const RuleCatalog> catalog;
};

// The files on their own, loaded as the server loads its directory.
CandidateRules LoadCandidate(const std::vector<rules::SourceFile>& files,
                             const RuleCatalog::Options& options);

// `community`'s live rule sets in `live`, with `files` replacing or adding
// sets and parts (see above); the result's default community ("") is the combination. A
// communities file among `files` is an error (it would pick other sets).
CandidateRules ApplyToCommunity(const RuleCatalog& live, const std::string& community,
                                const std::vector<rules::SourceFile>& files,
                                const RuleCatalog::Options& options);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_CANDIDATE_RULES_H_
