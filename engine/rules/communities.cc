#include "engine/rules/communities.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules {
namespace {

using internal::Entry;
using internal::MapReader;
using internal::YamlNode;
using internal::YamlReader;

// A non-empty list of rule-set ids; records where each id is referenced so
// LoadRulesPath can point at unknown ones.
std::vector<std::string> ParseSetList(YamlReader* reader, const Entry& entry, CommunityMap* map) {
  std::vector<std::string> sets;
  for (internal::LocatedString& item : internal::StringList(reader, entry)) {
    map->references.emplace_back(item.text, item.location);
    sets.push_back(std::move(item.text));
  }
  if (entry.value->IsSequence() && entry.value->size() == 0) {
    reader->Error(entry.value_location,
                  absl::StrCat("'", entry.key, "' must name at least one rule set"));
  }
  return sets;
}

void ParseCommunityEntries(YamlReader* reader, const Entry& entry, CommunityMap* map) {
  MapReader communities(reader, *entry.value, "communities", std::nullopt, "community");
  for (const Entry& community : communities.entries()) {
    if (!internal::IsValidId(community.key)) {
      reader->Error(community.key_location,
                    absl::StrCat("invalid community id '", community.key,
                                 "': use only letters, digits, '.', '_' and '-'"));
    }
    map->communities[community.key] = ParseSetList(reader, community, map);
  }
}

std::optional<CommunityMap> ParseDocument(YamlReader* reader, const YamlNode& root) {
  MapReader top(reader, root, "communities file",
                std::vector<std::string_view>{"default", "communities"});
  if (!top.is_map()) return std::nullopt;
  CommunityMap map;
  map.location = top.location();
  if (const Entry* default_sets = top.Find("default")) {
    map.default_sets = ParseSetList(reader, *default_sets, &map);
  }
  if (const Entry* communities = top.Find("communities")) {
    ParseCommunityEntries(reader, *communities, &map);
  }
  if (!top.Has("default") && !top.Has("communities")) {
    reader->Error(map.location, "a communities file needs 'default' or 'communities'");
  }
  return map;
}

}  // namespace

std::optional<CommunityMap> ParseCommunities(std::string_view yaml_text, std::string_view filename,
                                             Diagnostics* diagnostics) {
  return internal::ParseYamlFile<CommunityMap>(yaml_text, filename, diagnostics, ParseDocument);
}

}  // namespace moderation::rules
