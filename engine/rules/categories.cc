#include "engine/rules/categories.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace moderation::rules::internal {
namespace {

bool Contains(const std::vector<std::string_view>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// Lower-case ASCII letters, digits and '_': the form of the built-in names,
// so extensions read like them in metrics labels.
bool IsCategoryName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void ParseExtraCategories(YamlReader* reader, const Entry& entry, RuleSetSource* set) {
  for (LocatedString& item : StringList(reader, entry)) {
    if (!IsCategoryName(item.text)) {
      reader->Error(item.location, absl::StrCat("invalid category '", item.text,
                                                "': use lower-case letters, digits and '_'"));
    } else if (Contains(BuiltInCategories(), item.text)) {
      reader->Error(item.location,
                    absl::StrCat("category '", item.text, "' is built in: remove it here"));
    } else if (std::find(set->extra_categories.begin(), set->extra_categories.end(), item.text) !=
               set->extra_categories.end()) {
      reader->Error(item.location, absl::StrCat("category '", item.text, "' is listed twice"));
    } else {
      set->extra_categories.push_back(std::move(item.text));
    }
  }
}

}  // namespace

const std::vector<std::string_view>& BuiltInCategories() {
  static const std::vector<std::string_view> kCategories = {
      "insult", "threat",   "harm_wish", "incitement", "hate",    "extremism",
      "sexual", "selfharm", "spam",      "pii",        "shouting"};
  return kCategories;
}

void CheckCategories(YamlReader* reader, const Entry* header_entry, RuleSetSource* set) {
  if (header_entry != nullptr) ParseExtraCategories(reader, *header_entry, set);
  std::vector<std::string_view> known = BuiltInCategories();
  for (const std::string& extra : set->extra_categories) known.push_back(extra);
  for (const Rule& rule : set->rules) {
    if (rule.category.empty() || Contains(known, rule.category)) continue;
    std::string message = absl::StrCat("unknown category '", rule.category, "'");
    const std::string hint = DidYouMean(rule.category, known);
    if (!hint.empty()) {
      absl::StrAppend(&message, " (did you mean '", hint, "'?)");
    } else {
      absl::StrAppend(&message, "; add it to the rule set's 'categories:' if it is new");
    }
    reader->Error(rule.category_location, std::move(message));
  }
}

}  // namespace moderation::rules::internal
