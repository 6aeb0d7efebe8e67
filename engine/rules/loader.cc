// ParseRuleSet: one rule file's structure. Rules themselves are parsed in
// rule_parser.cc; LoadRulesPath is in load_path.cc.
#include "engine/rules/loader.h"

#include <algorithm>
#include <exception>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/categories.h"
#include "engine/rules/diagnostic.h"
#include "engine/rules/dsa_mapping.h"
#include "engine/rules/rule_parser.h"
#include "engine/rules/spellings.h"
#include "engine/rules/term_check.h"
#include "engine/rules/term_lists.h"
#include "engine/rules/yaml_reader.h"
#include "engine/util/sha256.h"

namespace moderation::rules {
namespace {

using internal::Entry;
using internal::kOptional;
using internal::kRequired;
using internal::MapReader;
using internal::YamlReader;

const std::vector<std::string_view> kTopKeys = {"ruleset", "version", "description", "thresholds",
                                                "lists",   "allow",   "rules",       "categories",
                                                "lexicon", "dsa",     "patterns",    "spellings"};
const std::vector<std::string_view> kLexicons = {"de", "en"};

void ParseHeader(YamlReader* reader, MapReader* top, RuleSetSource* set) {
  set->location = top->location();
  if (std::optional<std::string> id = top->String("ruleset", kRequired)) {
    set->location = top->Find("ruleset")->value_location;
    if (!internal::IsValidId(*id)) {
      reader->Error(set->location, absl::StrCat("invalid rule set id '", *id,
                                                "': use only letters, digits, '.', '_' and '-'"));
    }
    set->id = std::move(*id);
  }
  set->version = top->String("version", kRequired).value_or("");
  top->String("description", kOptional);  // checked for type only; not used by the engine
}

void ParseThresholds(YamlReader* reader, const Entry* entry, Thresholds* thresholds) {
  if (entry == nullptr) return;
  MapReader map(reader, *entry->value, "thresholds",
                std::vector<std::string_view>{"flag", "block"});
  const std::optional<double> flag = map.Number("flag", kOptional);
  const std::optional<double> block = map.Number("block", kOptional);
  if (flag) thresholds->flag = *flag;
  if (block) thresholds->block = *block;
  if (!(thresholds->flag > 0 && thresholds->flag <= thresholds->block)) {
    reader->Error(entry->value_location,
                  absl::StrCat("thresholds must satisfy 0 < flag <= block (flag ", thresholds->flag,
                               ", block ", thresholds->block, ")"));
  }
}

void ParseRules(YamlReader* reader, const Entry* entry, const internal::ListTable& lists,
                RuleSetSource* set) {
  if (entry == nullptr) return;
  if (!entry->value->IsSequence()) {
    reader->Error(entry->value_location, "'rules' must be a list of rules");
    return;
  }
  std::map<std::string, SourceLocation> first_seen;
  for (const internal::YamlNode* node : entry->value->items()) {
    SourceLocation id_location;
    std::optional<Rule> rule = internal::ParseRule(reader, *node, lists, &id_location);
    if (!rule) continue;
    if (!rule->id.empty()) {
      const auto [first, inserted] = first_seen.emplace(rule->id, id_location);
      if (!inserted) {
        reader->Error(id_location,
                      absl::StrCat("duplicate rule id '", rule->id, "' (first defined at line ",
                                   first->second.line, ")"));
      }
    }
    set->rules.push_back(std::move(*rule));
  }
}

// `lexicon: de` or `lexicon: [de, en]`: every name is checked, not only the
// first, and a name listed twice is an error (it would say nothing).
void ParseLexicons(YamlReader* reader, const MapReader& top, RuleSetSource* set) {
  const Entry* entry = top.Find("lexicon");
  if (entry == nullptr) return;
  std::vector<internal::LocatedString> names;
  if (entry->value->IsSequence() && entry->value->items().empty()) {
    reader->Error(entry->value_location,
                  "'lexicon' is an empty list: name a dictionary (de, en) or leave the key out");
    return;
  } else if (entry->value->IsSequence()) {
    names = internal::StringList(reader, *entry);
  } else if (std::optional<std::string> name = internal::ScalarText(*entry->value)) {
    names.push_back({std::move(*name), entry->value_location});
  } else {
    reader->Error(entry->value_location,
                  "'lexicon' must be a dictionary name (de, en) or a list of them");
    return;
  }
  for (internal::LocatedString& name : names) {
    if (std::find(kLexicons.begin(), kLexicons.end(), name.text) == kLexicons.end()) {
      std::string message = absl::StrCat("unknown lexicon '", name.text, "' (expected de or en");
      const std::string hint = DidYouMean(name.text, kLexicons);
      if (!hint.empty()) absl::StrAppend(&message, "; did you mean '", hint, "'?");
      reader->Error(name.location, absl::StrCat(message, ")"));
    } else if (std::find(set->lexicons.begin(), set->lexicons.end(), name.text) !=
               set->lexicons.end()) {
      reader->Error(name.location, absl::StrCat("lexicon '", name.text, "' is listed twice"));
    } else {
      set->lexicons.push_back(std::move(name.text));
      set->lexicon_locations.push_back(name.location);
    }
  }
}

std::optional<RuleSetSource> ParseDocument(YamlReader* reader, const internal::YamlNode& root) {
  MapReader top(reader, root, "rule file", kTopKeys);
  if (!top.is_map()) return std::nullopt;
  RuleSetSource set;
  ParseHeader(reader, &top, &set);
  ParseThresholds(reader, top.Find("thresholds"), &set.thresholds);
  ParseLexicons(reader, top, &set);
  internal::ListTable lists = internal::ParseLists(reader, top.Find("lists"));
  internal::ParsePatterns(reader, top.Find("patterns"), &lists);
  if (const Entry* allow = top.Find("allow")) {
    // The mode of allow-list entries is unused; compound keeps them uniform.
    set.allow = internal::ExpandTerms(
        reader, internal::ParseTerms(reader, *allow, /*allow_references=*/true), lists,
        MatchMode::kCompound);
  }
  const internal::SpellingTable spellings = internal::ParseSpellings(reader, top.Find("spellings"));
  ParseRules(reader, top.Get("rules", kRequired), lists, &set);
  internal::ApplySpellings(reader, spellings, &set);
  internal::CheckCategories(reader, top.Find("categories"), &set);
  internal::ApplyDsaMapping(reader, top.Find("dsa"), &set);
  internal::CheckTermSkeletons(reader, set);
  return set;
}

}  // namespace

std::optional<RuleSetSource> ParseRuleSet(std::string_view yaml_text, std::string_view filename,
                                          Diagnostics* diagnostics) {
  std::optional<RuleSetSource> set =
      internal::ParseYamlFile<RuleSetSource>(yaml_text, filename, diagnostics, ParseDocument);
  if (set) set->content_hash = util::Sha256Hex(yaml_text);
  return set;
}

}  // namespace moderation::rules
