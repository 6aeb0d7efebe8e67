// ParseRuleSet: one rule file's structure. Rules themselves are parsed in
// rule_parser.cc; LoadRulesPath is in load_path.cc.
#include "engine/rules/loader.h"

#include <algorithm>
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
const std::vector<std::string_view> kPartKeys = {"part_of", "description", "rules"};
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

// Rule ids seen so far in a set (main file and parts) -> where first written.
using RuleIdsSeen = std::map<std::string, SourceLocation>;

void ParseRules(YamlReader* reader, const Entry* entry, const internal::ListTable& lists,
                RuleIdsSeen* first_seen, RuleSetSource* set) {
  if (entry == nullptr) return;
  if (!entry->value->IsSequence()) {
    reader->Error(entry->value_location, "'rules' must be a list of rules");
    return;
  }
  for (const internal::YamlNode* node : entry->value->items()) {
    SourceLocation id_location;
    std::optional<Rule> rule = internal::ParseRule(reader, *node, lists, &id_location);
    if (!rule) continue;
    if (!rule->id.empty()) {
      const auto [first, inserted] = first_seen->emplace(rule->id, id_location);
      if (!inserted) {
        const std::string where = first->second.file == id_location.file
                                      ? absl::StrCat("line ", first->second.line)
                                      : absl::StrCat(first->second.file, ":", first->second.line);
        reader->Error(id_location, absl::StrCat("duplicate rule id '", rule->id,
                                                "' (first defined at ", where, ")"));
      }
    }
    set->rules.push_back(std::move(*rule));
  }
}

// One part file's rules, appended to `set`. The part has its own reader (its
// own locations and term budget); the tree lives until the rules are parsed.
void ParsePartRules(const SourceFile& part, const internal::ListTable& lists, RuleIdsSeen* rule_ids,
                    RuleSetSource* set, Diagnostics* diagnostics) {
  internal::SourceText source(part.content, part.name);
  YamlReader reader(&source, diagnostics);
  const internal::YamlNode* root = reader.Parse();
  if (root == nullptr) return;
  // Header keys are known keys in the wrong file: say where they go.
  std::vector<std::string_view> known = kPartKeys;
  known.insert(known.end(), kTopKeys.begin(), kTopKeys.end());
  MapReader top(&reader, *root, "rule file part", known);
  if (!top.is_map()) return;
  for (const Entry& entry : top.entries()) {
    if (std::find(kPartKeys.begin(), kPartKeys.end(), entry.key) != kPartKeys.end()) continue;
    reader.Error(entry.key_location,
                 absl::StrCat("'", entry.key, "' belongs in the main file of rule set '", set->id,
                              "' (the file that says 'ruleset: ", set->id,
                              "'); a part holds only part_of, description and rules"));
  }
  const std::optional<std::string> of = top.String("part_of", kRequired);
  if (of && *of != set->id) {
    // PartOf read another id from the text than YAML does (quoting it
    // does not follow): say so rather than mix the part into a set.
    reader.Error(top.Find("part_of")->value_location,
                 absl::StrCat("part_of '", *of,
                              "' could not be read from the line itself; write "
                              "it plainly, as 'part_of: ",
                              *of, "' at the start of a line"));
  }
  top.String("description", kOptional);  // checked for type only
  ParseRules(&reader, top.Get("rules", kRequired), lists, rule_ids, set);
}

void ParsePart(const SourceFile& part, const internal::ListTable& lists, RuleIdsSeen* rule_ids,
               RuleSetSource* set, Diagnostics* diagnostics) {
  ReportExceptions(WholeFile(part.name), "cannot load", diagnostics,
                   [&] { ParsePartRules(part, lists, rule_ids, set, diagnostics); });
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

// A part file given alone has no header: name its set rather than list
// every missing key.
bool RejectLonePart(YamlReader* reader, const internal::YamlNode& root) {
  for (const auto& [key, value] : root.entries()) {
    if (key->Scalar() != "part_of") continue;
    const std::string id = internal::ScalarText(*value).value_or("");
    reader->Error(*key,
                  absl::StrCat("this file is a part of rule set '", id,
                               "': load it together with the file that says 'ruleset: ", id, "'"));
    return true;
  }
  return false;
}

std::optional<RuleSetSource> ParseDocument(YamlReader* reader, const internal::YamlNode& root,
                                           const PartsBySet& parts, Diagnostics* diagnostics) {
  if (RejectLonePart(reader, root)) return std::nullopt;
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
  RuleIdsSeen rule_ids;
  ParseRules(reader, top.Get("rules", kRequired), lists, &rule_ids, &set);
  // A main file without an id claims no parts (they are reported apart).
  for (const SourceFile* part : set.id.empty() ? PartsOf({}, "") : PartsOf(parts, set.id)) {
    ParsePart(*part, lists, &rule_ids, &set, diagnostics);
  }
  internal::ApplySpellings(reader, spellings, &set);
  internal::CheckCategories(reader, top.Find("categories"), &set);
  internal::ApplyDsaMapping(reader, top.Find("dsa"), &set);
  internal::CheckTermSkeletons(reader, set);
  return set;
}

// The hash a decision names its rule set by: of the main file's bytes alone
// when the set has no parts (as before parts existed, so caches keyed by it
// stay valid), else of every file's bytes and each part's base name (the
// same files in another directory are the same set).
std::string ContentHash(std::string_view main_text, const std::vector<const SourceFile*>& parts) {
  if (parts.empty()) return util::Sha256Hex(main_text);
  std::string all = util::Sha256Hex(main_text);
  for (const SourceFile* part : parts) {
    const std::string_view name = BaseName(part->name);
    absl::StrAppend(&all, "\npart ", name.size(), ":", std::string(name), " ",
                    util::Sha256Hex(part->content));
  }
  return util::Sha256Hex(all);
}

}  // namespace

std::optional<RuleSetSource> ParseRuleSet(std::string_view yaml_text, std::string_view filename,
                                          Diagnostics* diagnostics) {
  return ParseRuleSet(SourceFile{std::string(filename), std::string(yaml_text)}, PartsBySet{},
                      diagnostics);
}

std::optional<RuleSetSource> ParseRuleSet(const SourceFile& main, const PartsBySet& parts,
                                          Diagnostics* diagnostics) {
  Diagnostics local;
  if (diagnostics == nullptr) diagnostics = &local;
  std::optional<RuleSetSource> set = internal::ParseYamlFile<RuleSetSource>(
      main.content, main.name, diagnostics,
      [&](YamlReader* reader, const internal::YamlNode& root) {
        return ParseDocument(reader, root, parts, diagnostics);
      });
  if (set) set->content_hash = ContentHash(main.content, PartsOf(parts, set->id));
  return set;
}

std::optional<std::string> TopLevelScalar(std::string_view text, std::string_view key) {
  const auto consume = [](std::string_view* s, std::string_view prefix) {
    if (s->substr(0, prefix.size()) != prefix) return false;
    s->remove_prefix(prefix.size());
    return true;
  };
  const auto skip_blanks = [](std::string_view* s) {
    while (!s->empty() && (s->front() == ' ' || s->front() == '\t')) s->remove_prefix(1);
  };
  const auto is_quote = [](std::string_view s) {
    return !s.empty() && (s.front() == '"' || s.front() == '\'');
  };
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (is_quote(line)) {
      const std::string_view quote = line.substr(0, 1);
      line.remove_prefix(1);
      if (!consume(&line, key) || !consume(&line, quote)) continue;
    } else if (!consume(&line, key)) {
      continue;
    }
    skip_blanks(&line);
    if (!consume(&line, ":")) continue;
    skip_blanks(&line);
    if (is_quote(line)) {
      const char quote = line.front();
      line.remove_prefix(1);
      line = line.substr(0, line.find(quote));
    } else {
      line = line.substr(0, line.find_first_of(" \t#\r"));
    }
    return std::string(line);
  }
  return std::nullopt;
}

}  // namespace moderation::rules
