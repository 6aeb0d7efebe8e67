// Conditions and examples of a rule; declared in rule_parser.h.
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/rule_parser.h"

namespace moderation::rules::internal {
namespace {

struct IntConditionKey {
  std::string_view key;
  std::optional<int> Condition::*field;
};

constexpr IntConditionKey kIntConditionKeys[] = {
    {"author_account_age_days_below", &Condition::author_account_age_days_below},
    {"author_account_age_days_at_least", &Condition::author_account_age_days_at_least},
    {"author_trust_level_below", &Condition::author_trust_level_below},
    {"author_trust_level_at_least", &Condition::author_trust_level_at_least},
    {"author_prior_violations_at_least", &Condition::author_prior_violations_at_least},
    {"links_at_least", &Condition::links_at_least},
    {"mentions_at_least", &Condition::mentions_at_least},
    {"length_at_least", &Condition::length_at_least},
    {"length_below", &Condition::length_below},
    {"repeated_chars_at_least", &Condition::repeated_chars_at_least},
    {"duplicates_recent_at_least", &Condition::duplicates_recent_at_least},
    {"author_duplicates_recent_at_least", &Condition::author_duplicates_recent_at_least},
    {"author_posts_last_minute_at_least", &Condition::author_posts_last_minute_at_least},
};

// Multi-posting counts include the post itself, so a bound below 2 holds
// for every post: surely not what the moderator meant.
void CheckActivityBounds(YamlReader* reader, const MapReader& map, const Condition& condition) {
  const std::pair<std::string_view, const std::optional<int>*> kBounds[] = {
      {"duplicates_recent_at_least", &condition.duplicates_recent_at_least},
      {"author_duplicates_recent_at_least", &condition.author_duplicates_recent_at_least},
      {"author_posts_last_minute_at_least", &condition.author_posts_last_minute_at_least},
  };
  for (const auto& [key, bound] : kBounds) {
    if (!bound->has_value() || **bound >= 2 || **bound < 0) continue;  // < 0: said above
    reader->Error(map.Find(key)->value_location,
                  absl::StrCat("'", std::string(key),
                               "' must be at least 2: the count includes the post itself, so ",
                               **bound, " holds for every post"));
  }
}

std::vector<std::string_view> ConditionKeys() {
  std::vector<std::string_view> keys = {"caps_ratio_at_least", "caps_min_letters"};
  for (const IntConditionKey& k : kIntConditionKeys) keys.push_back(k.key);
  return keys;
}

void ParseCaps(YamlReader* reader, MapReader* map, Condition* condition) {
  condition->caps_ratio_at_least = map->Number("caps_ratio_at_least", kOptional);
  if (condition->caps_ratio_at_least &&
      (*condition->caps_ratio_at_least < 0 || *condition->caps_ratio_at_least > 1)) {
    reader->Error(map->Find("caps_ratio_at_least")->value_location,
                  "'caps_ratio_at_least' must be between 0 and 1");
  }
  if (std::optional<int> min_letters = map->Int("caps_min_letters", kOptional)) {
    if (*min_letters < 1) {
      reader->Error(map->Find("caps_min_letters")->value_location,
                    "'caps_min_letters' must be at least 1");
    }
    condition->caps_min_letters = *min_letters;
  }
}

const std::vector<std::string_view> kExampleKeys = {"text", "author", "activity"};
const std::vector<std::string_view> kAuthorKeys = {"account_age_days", "trust_level",
                                                   "prior_violations"};

const std::vector<std::string_view> kActivityKeys = {
    "duplicates_recent", "author_duplicates_recent", "author_posts_last_minute"};

void ParseActivity(YamlReader* reader, const Entry& entry, Activity* activity) {
  MapReader map(reader, *entry.value, "activity", kActivityKeys);
  activity->duplicates_recent = map.Int("duplicates_recent", kOptional);
  activity->author_duplicates_recent = map.Int("author_duplicates_recent", kOptional);
  activity->author_posts_last_minute = map.Int("author_posts_last_minute", kOptional);
}

void ParseAuthor(YamlReader* reader, const Entry& entry, Author* author) {
  MapReader map(reader, *entry.value, "author", kAuthorKeys);
  author->account_age_days = map.Int("account_age_days", kOptional);
  author->trust_level = map.Int("trust_level", kOptional);
  author->prior_violations = map.Int("prior_violations", kOptional);
}

// A plain string, or {text, author} for rules with author conditions.
std::optional<Example> ParseExample(YamlReader* reader, const YamlNode& node) {
  Example example;
  example.location = reader->Loc(node);
  if (node.IsScalar()) {
    example.text = node.Scalar();
    return example;
  }
  if (!node.IsMap()) {
    reader->Error(example.location,
                  "an example must be a string or a mapping {text: ..., author: {...}, "
                  "activity: {...}}");
    return std::nullopt;
  }
  MapReader map(reader, node, "example", kExampleKeys);
  std::optional<std::string> text = map.String("text", kRequired);
  if (const Entry* author = map.Find("author")) ParseAuthor(reader, *author, &example.author);
  if (const Entry* activity = map.Find("activity")) {
    ParseActivity(reader, *activity, &example.activity);
  }
  if (!text) return std::nullopt;
  example.text = std::move(*text);
  return example;
}

void ParseExampleList(YamlReader* reader, const Entry* entry, std::vector<Example>* out) {
  if (entry == nullptr) return;
  if (!entry->value->IsSequence()) {
    reader->Error(entry->value_location,
                  absl::StrCat("'", entry->key, "' must be a list of examples"));
    return;
  }
  for (const YamlNode* item : entry->value->items()) {
    if (std::optional<Example> example = ParseExample(reader, *item)) {
      out->push_back(std::move(*example));
    }
  }
}

}  // namespace

Condition ParseCondition(YamlReader* reader, const Entry& entry) {
  static const std::vector<std::string_view> kKeys = ConditionKeys();
  Condition condition;
  condition.location = entry.value_location;
  MapReader map(reader, *entry.value, "condition", kKeys);
  if (!map.is_map()) return condition;
  for (const IntConditionKey& k : kIntConditionKeys) {
    condition.*k.field = map.Int(k.key, kOptional);
    if (condition.*k.field && *(condition.*k.field) < 0) {
      reader->Error(map.Find(k.key)->value_location,
                    absl::StrCat("'", std::string(k.key), "' must not be negative"));
    }
  }
  CheckActivityBounds(reader, map, condition);
  ParseCaps(reader, &map, &condition);
  if (entry.value->size() == 0) {
    reader->Error(condition.location, "empty condition: give at least one test");
  } else if (map.Has("caps_min_letters") && !map.Has("caps_ratio_at_least")) {
    reader->Error(map.Find("caps_min_letters")->key_location,
                  "'caps_min_letters' only qualifies 'caps_ratio_at_least'; add it");
  }
  return condition;
}

void ParseExamples(YamlReader* reader, const Entry& entry, Rule* rule) {
  MapReader map(reader, *entry.value, "examples",
                std::vector<std::string_view>{"match", "no_match"});
  ParseExampleList(reader, map.Find("match"), &rule->match_examples);
  ParseExampleList(reader, map.Find("no_match"), &rule->no_match_examples);
}

}  // namespace moderation::rules::internal
