#include "engine/rules/dsa_mapping.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/categories.h"
#include "engine/rules/dsa_schema.h"

namespace moderation::rules::internal {
namespace {

const std::vector<std::string_view> kDsaKeys = {"terms_ground", "territorial_scope", "categories"};

std::string UnknownValue(std::string_view what, std::string_view value,
                         const std::vector<std::string_view>& allowed) {
  // (Debian's Abseil has its own string_view: std::string bridges the two.)
  std::string message = absl::StrCat("unknown ", std::string(what), " '", std::string(value), "'");
  const std::string hint = DidYouMean(value, allowed);
  if (!hint.empty()) {
    absl::StrAppend(&message, " (did you mean '", hint, "'?)");
  } else {
    absl::StrAppend(&message, "; allowed:");
    for (std::string_view v : allowed) absl::StrAppend(&message, " ", std::string(v));
  }
  return message;
}

// The EEA states outside the EU.
bool OutsideEu(std::string_view code) { return code == "IS" || code == "LI" || code == "NO"; }

std::vector<std::string> ParseTerritories(YamlReader* reader, const Entry& entry) {
  std::vector<std::string> codes;
  for (LocatedString& code : StringList(reader, entry)) {
    if (code.text == "EU" || code.text == "EEA") {  // shorthands for their member states
      for (std::string_view member : DsaTerritories()) {
        if (code.text == "EU" && OutsideEu(member)) continue;
        if (std::find(codes.begin(), codes.end(), member) == codes.end())
          codes.emplace_back(member);
      }
    } else if (!IsDsaValue(DsaTerritories(), code.text)) {
      reader->Error(code.location,
                    UnknownValue("EU/EEA country code", code.text, DsaTerritories()));
    } else if (std::find(codes.begin(), codes.end(), code.text) == codes.end()) {
      codes.push_back(std::move(code.text));
    }
  }
  if (codes.empty()) reader->Error(entry.value_location, "'territorial_scope' must name a country");
  return codes;
}

// our category -> STATEMENT_CATEGORY_*; *mentioned gets every key written,
// valid or not, so that a bad value is not reported again as a missing one.
std::map<std::string, std::string> ParseCategories(YamlReader* reader, const Entry& entry,
                                                   const RuleSetSource& set,
                                                   std::set<std::string>* mentioned) {
  std::vector<std::string_view> known = BuiltInCategories();
  for (const std::string& extra : set.extra_categories) known.push_back(extra);
  std::map<std::string, std::string> mapping;
  MapReader map(reader, *entry.value, "dsa.categories", std::nullopt, "category");
  for (const Entry& item : map.entries()) {
    mentioned->insert(item.key);
    if (std::find(known.begin(), known.end(), item.key) == known.end()) {
      reader->Error(item.key_location, UnknownValue("category", item.key, known));
      continue;
    }
    const std::optional<std::string> value = ScalarText(*item.value);
    if (!value) {
      reader->Error(item.value_location, absl::StrCat("dsa.categories.", item.key,
                                                      " must be a STATEMENT_CATEGORY_* value"));
    } else if (!IsDsaValue(DsaStatementCategories(), *value)) {
      reader->Error(item.value_location,
                    UnknownValue("DSA statement category", *value, DsaStatementCategories()));
    } else {
      mapping[item.key] = *value;
    }
  }
  return mapping;
}

// A rule's own `dsa_category:` (ParseOwnDsaCategory), set before the mapping.
bool OwnCategory(const Rule& rule) { return !rule.dsa_category.empty(); }

// It takes the header's terms ground and territory, so it needs the header.
void RequireHeaderForOwnCategories(YamlReader* reader, const RuleSetSource& set) {
  for (const Rule& rule : set.rules) {
    if (!OwnCategory(rule)) continue;
    reader->Error(rule.location,
                  absl::StrCat("rule '", rule.id,
                               "' has a dsa_category, which needs the file's `dsa:` header "
                               "(terms_ground, territorial_scope)"));
  }
}

}  // namespace

void ApplyDsaMapping(YamlReader* reader, const Entry* entry, RuleSetSource* set) {
  if (entry == nullptr) {
    RequireHeaderForOwnCategories(reader, *set);
    return;
  }
  MapReader dsa(reader, *entry->value, "dsa", kDsaKeys);
  if (!dsa.is_map()) return;
  const std::string terms_ground = dsa.String("terms_ground", kRequired).value_or("");
  std::vector<std::string> territories;
  if (const Entry* scope = dsa.Get("territorial_scope", kRequired)) {
    territories = ParseTerritories(reader, *scope);
  }
  std::map<std::string, std::string> categories;
  std::set<std::string> mentioned;
  if (const Entry* mapped = dsa.Get("categories", kRequired)) {
    categories = ParseCategories(reader, *mapped, *set, &mentioned);
  }
  for (Rule& rule : set->rules) {
    if (OwnCategory(rule)) {
      rule.dsa_terms_ground = terms_ground;
      rule.dsa_territorial_scope = territories;
      continue;
    }
    const auto it = categories.find(rule.category);
    if (it == categories.end()) {
      // Once per category, at its first rule.
      if (!mentioned.insert(rule.category).second) continue;
      reader->Error(rule.category_location,
                    absl::StrCat("category '", rule.category,
                                 "' has no DSA statement category: add it to the header's "
                                 "dsa.categories (or give the rule a dsa_category)"));
      continue;
    }
    rule.dsa_category = it->second;
    rule.dsa_terms_ground = terms_ground;
    rule.dsa_territorial_scope = territories;
  }
}

void ParseOwnDsaCategory(YamlReader* reader, const Entry& entry, Rule* rule) {
  const std::optional<std::string> value = ScalarText(*entry.value);
  if (!value || value->empty()) {
    reader->Error(entry.value_location, "dsa_category must be a STATEMENT_CATEGORY_* value");
    rule->dsa_category.push_back('?');  // not reported again as unmapped
    return;
  }
  if (!IsDsaValue(DsaStatementCategories(), *value)) {
    reader->Error(entry.value_location,
                  UnknownValue("DSA statement category", *value, DsaStatementCategories()));
  }
  rule->dsa_category = *value;
}

}  // namespace moderation::rules::internal
