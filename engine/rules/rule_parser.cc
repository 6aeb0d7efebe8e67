#include "engine/rules/rule_parser.h"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/dsa_mapping.h"
#include "engine/rules/patterns.h"
#include "engine/rules/phrase_parser.h"
#include "engine/rules/signal_parser.h"

namespace moderation::rules::internal {
namespace {

const std::vector<std::string_view> kRuleKeys = {
    "id",           "category",    "words",  "match",   "regex",  "view",
    "condition",    "score",       "action", "mode",    "reason", "legal_ground",
    "note",         "examples",    "phrase", "phrases", "fields", "unless",
    "dsa_category", "split_words", "near",   "signal"};
// Enum value names in the order of their C++ enumerators, so an index casts.
const std::vector<std::string_view> kMatchModes = {"word",     "prefix",    "suffix",
                                                   "compound", "substring", "inflected"};
const std::vector<std::string_view> kActions = {"flag", "block"};
const std::vector<std::string_view> kRuleModes = {"enforce", "shadow"};
const std::vector<std::string_view> kViews = {"folded", "raw"};

void ParseId(YamlReader* reader, MapReader* map, Rule* rule, SourceLocation* id_location) {
  std::optional<std::string> id = map->String("id", kRequired);
  if (!id) return;
  *id_location = map->Find("id")->value_location;
  if (!IsValidId(*id)) {
    reader->Error(*id_location, absl::StrCat("invalid rule id '", *id,
                                             "': use only letters, digits, '.', '_' and '-'"));
  }
  rule->id = std::move(*id);
}

void ParseCategory(YamlReader* reader, MapReader* map, Rule* rule) {
  std::optional<std::string> category = map->String("category", kRequired);
  if (!category) return;
  rule->category_location = map->Find("category")->value_location;
  if (category->empty())
    reader->Error(map->Find("category")->value_location, "'category' must not be empty");
  rule->category = std::move(*category);
}

// `words:`/`match:` or `regex:`/`view:`, never both.
void ParsePattern(YamlReader* reader, MapReader* map, const ListTable& lists, Rule* rule) {
  const std::optional<size_t> match = map->Enum("match", kMatchModes);
  const MatchMode mode = match ? static_cast<MatchMode>(*match) : MatchMode::kCompound;
  if (const Entry* words = map->Find("words")) {
    ParseWordEntries(reader, *words, lists, mode, &rule->terms, &rule->pairs);
  }
  if (const Entry* regex = map->Find("regex")) {
    if (map->Has("words")) {
      reader->Error(regex->key_location,
                    "a rule has 'words' or 'regex', not both: write two rules");
    }
    rule->regex_location = regex->value_location;
    if (std::optional<std::string> text = map->String("regex", kOptional)) {
      rule->regex = ExpandRegexLists(reader, *text, rule->regex_location, lists);
    }
    if (rule->regex) {
      if (std::optional<std::string> problem = RegexProblem(*rule->regex)) {
        reader->Error(rule->regex_location, std::move(*problem));
      }
    }
  }
  if (const std::optional<size_t> view = map->Enum("view", kViews)) {
    rule->regex_view = static_cast<RegexView>(*view);
  }
  if (map->Has("match") && !map->Has("words")) {
    reader->Error(map->Find("match")->key_location, "'match' applies only to 'words'");
  }
  rule->split_words = map->Bool("split_words", kOptional).value_or(true);
  if (map->Has("split_words") && !map->Has("words")) {
    reader->Error(map->Find("split_words")->key_location, "'split_words' applies only to 'words'");
  }
  if (map->Has("view") && !map->Has("regex")) {
    reader->Error(map->Find("view")->key_location, "'view' applies only to a 'regex'");
  }
}

// `fields:` names from kFieldNames, with a did-you-mean for typos.
void ParseFields(YamlReader* reader, const Entry& entry, Rule* rule) {
  std::vector<std::string_view> known(std::begin(kFieldNames), std::end(kFieldNames));
  for (LocatedString& item : StringList(reader, entry)) {
    if (std::find(known.begin(), known.end(), item.text) == known.end()) {
      std::string message = absl::StrCat("unknown field '", item.text, "'");
      const std::string hint = DidYouMean(item.text, known);
      if (!hint.empty()) absl::StrAppend(&message, " (did you mean '", hint, "'?)");
      absl::StrAppend(&message, "; fields are title, body and author_display_name");
      reader->Error(item.location, std::move(message));
      continue;
    }
    rule->fields.push_back(std::move(item.text));
  }
  if (entry.value->IsSequence() && entry.value->size() == 0) {
    reader->Error(entry.value_location, "'fields' must not be empty (leave it out for all fields)");
  }
}

// Either a hard `action:` or a positive `score:`.
void ParseOutcome(YamlReader* reader, MapReader* map, Rule* rule) {
  const Entry* score = map->Find("score");
  const Entry* action = map->Find("action");
  if (score && action) {
    reader->Error(score->key_location, "a rule has 'action' or 'score', not both");
  } else if (!score && !action) {
    reader->Error(map->location(), "a rule needs 'action: flag|block' or a 'score'");
  }
  if (const std::optional<size_t> index = map->Enum("action", kActions)) {
    rule->action = *index == 0 ? Action::kFlag : Action::kBlock;
  }
  if (const std::optional<double> value = map->Number("score", kOptional)) {
    if (*value <= 0) reader->Error(score->value_location, "'score' must be greater than 0");
    rule->score = *value;
  }
}

// `signal:`, which is the rule's whole pattern: a learned signal mixed with
// words or phrases in one rule would make neither's hits explainable.
void ParseSignalPattern(YamlReader* reader, MapReader* map, Rule* rule) {
  const Entry* signal = map->Find("signal");
  if (signal == nullptr) return;
  for (const char* other : {"words", "regex", "phrase", "phrases"}) {
    if (map->Has(other)) {
      reader->Error(signal->key_location, absl::StrCat("a rule has 'signal' or '", other,
                                                       "', not both: write two rules"));
    }
  }
  rule->signal = ParseSignal(reader, *signal);
}

}  // namespace

std::optional<Rule> ParseRule(YamlReader* reader, const YamlNode& node, const ListTable& lists,
                              SourceLocation* id_location) {
  MapReader map(reader, node, "rule", kRuleKeys);
  if (!map.is_map()) return std::nullopt;
  Rule rule;
  rule.location = map.location();
  *id_location = map.location();
  ParseId(reader, &map, &rule, id_location);
  ParseCategory(reader, &map, &rule);
  ParsePattern(reader, &map, lists, &rule);
  if (const Entry* condition = map.Find("condition")) {
    rule.condition = ParseCondition(reader, *condition);
  }
  rule.phrases = ParsePhrases(reader, &map, lists);
  ParseSignalPattern(reader, &map, &rule);
  if (const Entry* fields = map.Find("fields")) ParseFields(reader, *fields, &rule);
  if (const Entry* unless = map.Find("unless")) rule.unless = ParseUnless(reader, *unless, lists);
  if (const Entry* near = map.Find("near")) rule.near = ParseNear(reader, *near, lists);
  const bool has_pattern = map.Has("words") || map.Has("regex") || map.Has("phrase") ||
                           map.Has("phrases") || map.Has("signal");
  if (!has_pattern && !map.Has("condition")) {
    reader->Error(map.location(),
                  "a rule needs 'words', 'regex', 'phrase(s)', 'signal' or 'condition'");
  }
  if (!has_pattern && map.Has("unless")) {
    reader->Error(map.Find("unless")->key_location,
                  "'unless' vetoes a pattern's hits: the rule needs 'words', 'regex', "
                  "'phrase(s)' or 'signal'");
  }
  if (!has_pattern && map.Has("near")) {
    reader->Error(map.Find("near")->key_location,
                  "'near' is a context for a pattern's hits: the rule needs 'words', 'regex', "
                  "'phrase(s)' or 'signal'");
  }
  ParseOutcome(reader, &map, &rule);
  if (const std::optional<size_t> mode = map.Enum("mode", kRuleModes)) {
    rule.mode = static_cast<RuleMode>(*mode);
  }
  rule.reason = map.String("reason", kOptional).value_or("");
  rule.note = map.String("note", kOptional).value_or("");
  rule.legal_ground = map.String("legal_ground", kOptional).value_or("");
  if (const Entry* dsa = map.Find("dsa_category")) ParseOwnDsaCategory(reader, *dsa, &rule);
  if (const Entry* examples = map.Find("examples")) ParseExamples(reader, *examples, &rule);
  return rule;
}

}  // namespace moderation::rules::internal
