#include "engine/rules/phrase_parser.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/patterns.h"
#include "engine/rules/rule_parser.h"

namespace moderation::rules::internal {
namespace {

const std::vector<std::string_view> kPhraseKeys = {"slots", "ordered", "within", "match"};
const std::vector<std::string_view> kSlotKeys = {"words", "optional", "match", "not_followed_by",
                                                 "not_preceded_by"};
const std::vector<std::string_view> kNearKeys = {"words", "regex", "within", "side"};
// In the order of NearContext::Side's enumerators, so an index casts.
const std::vector<std::string_view> kSides = {"either", "before", "after", "overlap"};
const std::vector<std::string_view> kUnlessKeys = {"words",  "reports",         "negation", "regex",
                                                   "within", "negation_within", "condition"};
// In the order of MatchMode's enumerators, so an index casts.
const std::vector<std::string_view> kMatchModes = {"word",     "prefix",    "suffix",
                                                   "compound", "substring", "inflected"};

MatchMode ModeOr(MapReader* map, MatchMode fallback) {
  const std::optional<size_t> mode = map->Enum("match", kMatchModes);
  return mode ? static_cast<MatchMode>(*mode) : fallback;
}

// A negative neighbour list: words (or @digits) that veto the slot.
std::vector<Term> ParseNeighbours(YamlReader* reader, const Entry* entry, const ListTable& lists,
                                  bool* digits) {
  if (entry == nullptr) return {};
  return ParseAlternatives(reader, *entry->value, lists, MatchMode::kWord, digits);
}

PhraseSlot ParseSlot(YamlReader* reader, const YamlNode& node, const ListTable& lists,
                     MatchMode phrase_mode) {
  PhraseSlot slot;
  slot.location = reader->Loc(node);
  if (!node.IsMap()) {
    slot.terms = ParseAlternatives(reader, node, lists, phrase_mode, nullptr);
    return slot;
  }
  MapReader map(reader, node, "phrase slot", kSlotKeys);
  const MatchMode mode = ModeOr(&map, phrase_mode);
  if (const Entry* words = map.Get("words", kRequired)) {
    slot.terms = ParseAlternatives(reader, *words->value, lists, mode, nullptr);
  }
  slot.optional = map.Bool("optional", kOptional).value_or(false);
  slot.not_followed_by =
      ParseNeighbours(reader, map.Find("not_followed_by"), lists, &slot.not_followed_by_digits);
  slot.not_preceded_by =
      ParseNeighbours(reader, map.Find("not_preceded_by"), lists, &slot.not_preceded_by_digits);
  return slot;
}

void CheckPhrase(YamlReader* reader, const Phrase& phrase) {
  size_t required = 0;
  for (const PhraseSlot& slot : phrase.slots) required += !slot.optional;
  if (phrase.slots.size() > kMaxPhraseSlots) {
    reader->Error(phrase.location,
                  absl::StrCat("a phrase has at most ", kMaxPhraseSlots, " slots (this one has ",
                               phrase.slots.size(), "): split it into two rules"));
  }
  if (required < 2) {
    reader->Error(phrase.location,
                  "a phrase needs at least 2 slots that are not optional: for a single word, "
                  "use 'words'");
  }
}

std::optional<Phrase> ParsePhrase(YamlReader* reader, const YamlNode& node,
                                  const ListTable& lists) {
  Phrase phrase;
  phrase.location = reader->Loc(node);
  const YamlNode* slots = &node;
  MatchMode mode = MatchMode::kWord;
  std::optional<MapReader> map;
  if (node.IsMap()) {
    map.emplace(reader, node, "phrase", kPhraseKeys);
    const Entry* entry = map->Get("slots", kRequired);
    if (entry == nullptr) return std::nullopt;
    slots = entry->value;
    mode = ModeOr(&*map, mode);
    phrase.ordered = map->Bool("ordered", kOptional).value_or(false);
    if (std::optional<int> within = map->Int("within", kOptional)) {
      if (*within < 0 || *within > kMaxPhraseWithin) {
        reader->Error(map->Find("within")->value_location,
                      absl::StrCat("'within' must be between 0 and ", kMaxPhraseWithin,
                                   " words (got ", *within, ")"));
      }
      phrase.within = *within;
    }
  }
  if (!slots->IsSequence()) {
    reader->Error(*slots, "a phrase is a list of slots, or a mapping with 'slots'");
    return std::nullopt;
  }
  for (const YamlNode* slot : slots->items()) {
    phrase.slots.push_back(ParseSlot(reader, *slot, lists, mode));
  }
  CheckPhrase(reader, phrase);
  return phrase;
}

// The `regex` of an unless or near map, its @lists expanded and checked.
void ParseContextRegex(YamlReader* reader, MapReader& map, const ListTable& lists,
                       std::optional<std::string>* regex, SourceLocation* location) {
  const Entry* entry = map.Find("regex");
  if (entry == nullptr) return;
  *location = entry->value_location;
  std::optional<std::string> text = map.String("regex", kOptional);
  if (!text) return;
  *regex = ExpandRegexLists(reader, *text, *location, lists);
  if (*regex) {
    if (std::optional<std::string> problem = RegexProblem(**regex)) {
      reader->Error(*location, std::move(*problem));
    }
  }
}

// `key` of an unless map: a word distance from 0 to `max`; `fallback` if absent.
int ParseUnlessWithin(YamlReader* reader, MapReader& map, std::string_view key, int fallback,
                      int max) {
  std::optional<int> within = map.Int(key, kOptional);
  if (!within) return fallback;
  if (*within < 0 || *within > max) {
    reader->Error(map.Find(key)->value_location,
                  absl::StrCat("'", std::string(key), "' must be between 0 and ", max, " words"));
  }
  return *within;
}

}  // namespace

std::vector<Phrase> ParsePhrases(YamlReader* reader, MapReader* rule, const ListTable& lists) {
  std::vector<Phrase> phrases;
  if (const Entry* one = rule->Find("phrase")) {
    if (std::optional<Phrase> phrase = ParsePhrase(reader, *one->value, lists)) {
      phrases.push_back(std::move(*phrase));
    }
  }
  if (const Entry* many = rule->Find("phrases")) {
    if (!many->value->IsSequence() || many->value->size() == 0) {
      reader->Error(many->value_location, "'phrases' must be a non-empty list of phrases");
      return phrases;
    }
    for (const YamlNode* node : many->value->items()) {
      if (std::optional<Phrase> phrase = ParsePhrase(reader, *node, lists)) {
        phrases.push_back(std::move(*phrase));
      }
    }
  }
  return phrases;
}

Unless ParseUnless(YamlReader* reader, const Entry& entry, const ListTable& lists) {
  Unless unless;
  unless.location = entry.value_location;
  MapReader map(reader, *entry.value, "unless", kUnlessKeys);
  if (!map.is_map()) return unless;
  if (const Entry* words = map.Find("words")) {
    unless.terms = ParseAlternatives(reader, *words->value, lists, MatchMode::kCompound, nullptr);
  }
  if (const Entry* reports = map.Find("reports")) {
    unless.reports =
        ParseAlternatives(reader, *reports->value, lists, MatchMode::kCompound, nullptr);
  }
  ParseContextRegex(reader, map, lists, &unless.regex, &unless.regex_location);
  if (const Entry* negation = map.Find("negation")) {
    // Whole words by default: "nie" must not veto "Knie" or "nieder".
    unless.negation = ParseAlternatives(reader, *negation->value, lists, MatchMode::kWord, nullptr);
  }
  unless.within = ParseUnlessWithin(reader, map, "within", unless.within, kMaxUnlessWithin);
  unless.negation_within =
      ParseUnlessWithin(reader, map, "negation_within", unless.negation_within, kMaxNegationWithin);
  if (map.Find("negation_within") && unless.negation.empty()) {
    reader->Error(map.Find("negation_within")->key_location,
                  "'negation_within' needs 'negation' words");
  }
  if (const Entry* condition = map.Find("condition")) {
    unless.condition = ParseCondition(reader, *condition);
  }
  if (unless.empty() && map.entries().empty()) {
    reader->Error(unless.location,
                  "'unless' needs 'words', 'reports', 'negation', 'regex' or 'condition'");
  }
  return unless;
}

namespace {

NearContext ParseNearContext(YamlReader* reader, const YamlNode& node, const ListTable& lists) {
  NearContext context;
  context.location = reader->Loc(node);
  MapReader map(reader, node, "near context", kNearKeys);
  if (!map.is_map()) return context;
  if (const Entry* words = map.Find("words")) {
    context.terms = ParseAlternatives(reader, *words->value, lists, MatchMode::kWord, nullptr);
  }
  ParseContextRegex(reader, map, lists, &context.regex, &context.regex_location);
  context.within = ParseUnlessWithin(reader, map, "within", context.within, kMaxUnlessWithin);
  if (const std::optional<size_t> side = map.Enum("side", kSides)) {
    context.side = static_cast<NearContext::Side>(*side);
  }
  if (!map.Has("words") && !map.Has("regex")) {
    reader->Error(context.location, "a 'near' context needs 'words' or 'regex'");
  }
  return context;
}

}  // namespace

std::vector<NearContext> ParseNear(YamlReader* reader, const Entry& entry, const ListTable& lists) {
  std::vector<NearContext> contexts;
  if (!entry.value->IsSequence()) {
    contexts.push_back(ParseNearContext(reader, *entry.value, lists));
    return contexts;
  }
  if (entry.value->size() == 0) {
    reader->Error(entry.value_location, "'near' must be a context or a non-empty list of them");
  }
  if (entry.value->size() > kMaxNearContexts) {
    reader->Error(entry.value_location,
                  absl::StrCat("'near' has at most ", kMaxNearContexts, " contexts (this one has ",
                               entry.value->size(), ")"));
    return contexts;
  }
  for (const YamlNode* node : entry.value->items()) {
    contexts.push_back(ParseNearContext(reader, *node, lists));
  }
  return contexts;
}

}  // namespace moderation::rules::internal
