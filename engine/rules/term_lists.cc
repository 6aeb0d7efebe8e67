#include "engine/rules/term_lists.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace moderation::rules::internal {
namespace {

std::string UnknownListMessage(const std::string& name, const ListTable& lists) {
  std::vector<std::string_view> names;
  for (const auto& [list_name, terms] : lists) names.push_back(list_name);
  std::string message = absl::StrCat("unknown list '@", name, "'");
  const std::string hint = DidYouMean(name, names);
  if (!hint.empty()) absl::StrAppend(&message, " (did you mean '@", hint, "'?)");
  return message;
}

}  // namespace

std::vector<LocatedTerm> ParseTerms(YamlReader* reader, const Entry& entry, bool allow_references) {
  std::vector<LocatedTerm> terms;
  for (LocatedString& item : StringList(reader, entry)) {
    std::string error;
    std::optional<TermSpec> spec = ParseTermSpec(item.text, &error);
    if (!spec) {
      reader->Error(item.location, std::move(error));
      continue;
    }
    if (spec->is_list_reference && !allow_references) {
      reader->Error(item.location,
                    absl::StrCat("a list cannot reference another list ('@", spec->text,
                                 "'): lists of lists are not supported"));
      continue;
    }
    terms.push_back({std::move(*spec), std::move(item.location)});
  }
  if (entry.value->IsSequence() && entry.value->size() == 0) {
    reader->Error(entry.value_location, absl::StrCat("'", entry.key, "' must not be empty"));
  }
  return terms;
}

ListTable ParseLists(YamlReader* reader, const Entry* entry) {
  ListTable lists;
  if (entry == nullptr) return lists;
  MapReader map(reader, *entry->value, "lists", std::nullopt, "list");
  for (const Entry& list : map.entries()) {
    lists[list.key] = ParseTerms(reader, list, /*allow_references=*/false);
  }
  return lists;
}

std::vector<Term> ExpandTerms(YamlReader* reader, const std::vector<LocatedTerm>& terms,
                              const ListTable& lists, MatchMode default_mode) {
  std::vector<Term> expanded;
  const auto add = [&](const LocatedTerm& term) {
    expanded.push_back({term.spec.text, term.spec.wildcard.value_or(default_mode), term.location});
  };
  for (const LocatedTerm& term : terms) {
    if (!term.spec.is_list_reference) {
      if (!reader->ChargeTerms(1, term.location)) break;
      add(term);
      continue;
    }
    const auto list = lists.find(term.spec.text);
    if (list == lists.end()) {
      reader->Error(term.location, UnknownListMessage(term.spec.text, lists));
      continue;
    }
    if (!reader->ChargeTerms(list->second.size(), term.location)) break;
    for (const LocatedTerm& item : list->second) add(item);
  }
  return expanded;
}

}  // namespace moderation::rules::internal
