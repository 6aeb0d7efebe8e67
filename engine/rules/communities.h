// The communities file: which rule sets each community uses.
//
// Why: a news site's comment section and a gaming forum have different
// netiquettes. A rules directory may hold communities.yaml:
//
//   default: [de, spam, pii]        # used for unknown communities (optional)
//   communities:
//     news-de: [de, spam, pii]
//     gaming-en: [en, spam]
//
// Without a communities file, every rule set in the directory forms the
// default. A community's rule set is the union of the sets it names.
//
// Thread-safety: plain values.
#ifndef MODERATION_ENGINE_RULES_COMMUNITIES_H_
#define MODERATION_ENGINE_RULES_COMMUNITIES_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rules/diagnostic.h"

namespace moderation::rules {

struct CommunityMap {
  // Rule-set ids for communities without an entry; unset = such communities
  // are unknown (NOT_FOUND).
  std::optional<std::vector<std::string>> default_sets;
  std::map<std::string, std::vector<std::string>> communities;
  SourceLocation location;
  // Where each set id was referenced, for "unknown rule set" diagnostics.
  std::vector<std::pair<std::string, SourceLocation>> references;
};

// Parses communities.yaml text; appends problems to *diagnostics and returns
// nullopt if there were any.
std::optional<CommunityMap> ParseCommunities(std::string_view yaml_text, std::string_view filename,
                                             Diagnostics* diagnostics);

}  // namespace moderation::rules

#endif  // MODERATION_ENGINE_RULES_COMMUNITIES_H_
