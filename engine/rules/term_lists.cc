#include "engine/rules/term_lists.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/text/normalizer.h"
#include "re2/re2.h"

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

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsListName(std::string_view name) { return !name.empty() && IsValidId(name); }

// The terms of "@name", reported at `at` when the list is unknown.
const std::vector<LocatedTerm>* FindList(YamlReader* reader, std::string_view name,
                                         const SourceLocation& at, const ListTable& lists) {
  const auto list = lists.find(name);
  if (list == lists.end()) {
    reader->Error(at, UnknownListMessage(std::string(name), lists));
    return nullptr;
  }
  return &list->second;
}

std::vector<Term> ListTerms(const std::vector<LocatedTerm>& list, MatchMode mode) {
  std::vector<Term> terms;
  for (const LocatedTerm& item : list) {
    terms.push_back({item.spec.text, item.spec.wildcard.value_or(mode), item.location});
  }
  return terms;
}

// One alternative of a phrase slot or `unless`, appended to *terms.
void AddAlternative(YamlReader* reader, std::string_view raw, const SourceLocation& at,
                    const ListTable& lists, MatchMode mode, bool* digits,
                    std::vector<Term>* terms) {
  const std::string_view text = Trim(raw);
  if (text == "@digits" && digits != nullptr) {
    *digits = true;
    return;
  }
  std::string error;
  std::optional<TermSpec> spec = ParseTermSpec(text, &error);
  if (!spec) {
    reader->Error(at, std::move(error));
    return;
  }
  if (!spec->is_list_reference) {
    if (reader->ChargeTerms(1, at))
      terms->push_back({spec->text, spec->wildcard.value_or(mode), at});
    return;
  }
  const std::vector<LocatedTerm>* list = FindList(reader, spec->text, at, lists);
  if (list == nullptr || !reader->ChargeTerms(list->size(), at)) return;
  for (Term& term : ListTerms(*list, mode)) terms->push_back(std::move(term));
}

std::string RegexAlternative(const Term& term) {
  std::string folded;
  if (!text::FoldTerm(term.text, &folded).ok()) folded = term.text;
  std::string quoted = RE2::QuoteMeta(folded);
  if (term.mode == MatchMode::kPrefix || term.mode == MatchMode::kSubstring) {
    quoted += "\\w*";
  }
  if (term.mode == MatchMode::kSuffix || term.mode == MatchMode::kSubstring) {
    quoted = "\\w*" + quoted;
  }
  return quoted;
}

}  // namespace

std::optional<PairSpec> ParsePairSpec(std::string_view text) {
  text = Trim(text);
  const size_t plus = text.find('+');
  if (!text.starts_with('@') || plus == std::string_view::npos) return std::nullopt;
  const std::string_view modifiers = Trim(text.substr(1, plus - 1));
  std::string_view heads = Trim(text.substr(plus + 1));
  if (!heads.starts_with('@')) return std::nullopt;
  heads = Trim(heads.substr(1));
  if (!IsListName(modifiers) || !IsListName(heads)) return std::nullopt;
  return PairSpec{modifiers, heads};
}

void ParseWordEntries(YamlReader* reader, const Entry& entry, const ListTable& lists,
                      MatchMode default_mode, std::vector<Term>* terms,
                      std::vector<CompoundPair>* pairs) {
  std::vector<LocatedTerm> plain;
  for (LocatedString& item : StringList(reader, entry)) {
    if (const std::optional<PairSpec> pair = ParsePairSpec(item.text)) {
      const auto* modifier_list = FindList(reader, pair->modifiers, item.location, lists);
      const auto* head_list = FindList(reader, pair->heads, item.location, lists);
      if (modifier_list == nullptr || head_list == nullptr) continue;
      if (!reader->ChargeTerms(modifier_list->size() + head_list->size(), item.location)) break;
      pairs->push_back({ListTerms(*modifier_list, MatchMode::kCompound),
                        ListTerms(*head_list, MatchMode::kCompound), item.location});
      continue;
    }
    std::string error;
    std::optional<TermSpec> spec = ParseTermSpec(item.text, &error);
    if (!spec) {
      reader->Error(item.location, std::move(error));
      continue;
    }
    plain.push_back({std::move(*spec), std::move(item.location)});
  }
  if (entry.value->IsSequence() && entry.value->size() == 0) {
    reader->Error(entry.value_location, absl::StrCat("'", entry.key, "' must not be empty"));
  }
  *terms = ExpandTerms(reader, plain, lists, default_mode);
}

std::vector<Term> ParseAlternatives(YamlReader* reader, const YamlNode& node,
                                    const ListTable& lists, MatchMode default_mode, bool* digits) {
  std::vector<Term> terms;
  const auto add_string = [&](const YamlNode& item) {
    const SourceLocation at = reader->Loc(item);
    std::optional<std::string> text = ScalarText(item);
    if (!text || text->empty()) {
      reader->Error(at, "expected a word, \"a|b\" alternatives or an @list");
      return;
    }
    std::string_view rest = *text;
    while (true) {
      const size_t bar = rest.find('|');
      AddAlternative(reader, rest.substr(0, bar), at, lists, default_mode, digits, &terms);
      if (bar == std::string_view::npos) break;
      rest.remove_prefix(bar + 1);
    }
  };
  if (node.IsSequence()) {
    if (node.size() == 0) reader->Error(node, "the list of alternatives must not be empty");
    for (const YamlNode* item : node.items()) add_string(*item);
  } else {
    add_string(node);
  }
  return terms;
}

std::optional<std::string> ExpandRegexLists(YamlReader* reader, const std::string& regex,
                                            const SourceLocation& location,
                                            const ListTable& lists) {
  std::string out;
  size_t pos = 0;
  bool ok = true;
  while (true) {
    const size_t open = regex.find("{@", pos);
    if (open == std::string::npos) break;
    const size_t close = regex.find('}', open);
    if (close == std::string::npos) break;
    const std::string name = regex.substr(open + 2, close - open - 2);
    out.append(regex, pos, open - pos);
    pos = close + 1;
    if (const auto pattern = lists.patterns.find(name); pattern != lists.patterns.end()) {
      absl::StrAppend(&out, "(?:", pattern->second, ")");
      continue;
    }
    const std::vector<LocatedTerm>* list = FindList(reader, name, location, lists);
    if (list == nullptr) {
      ok = false;
      continue;
    }
    out += "(?:";
    for (size_t i = 0; i < list->size(); ++i) {
      if (i > 0) out += '|';
      const LocatedTerm& item = (*list)[i];
      out += RegexAlternative({item.spec.text, item.spec.wildcard.value_or(MatchMode::kWord), {}});
    }
    out += ')';
  }
  out.append(regex, pos, std::string::npos);
  if (!ok) return std::nullopt;
  return out;
}

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

void ParsePatterns(YamlReader* reader, const Entry* entry, ListTable* lists) {
  if (entry == nullptr) return;
  MapReader map(reader, *entry->value, "patterns", std::nullopt, "pattern");
  for (const Entry& pattern : map.entries()) {
    if (lists->contains(pattern.key)) {
      reader->Error(pattern.key_location,
                    absl::StrCat("'", pattern.key, "' is both a list and a pattern: rename one"));
      continue;
    }
    std::optional<std::string> text = map.String(pattern.key, kRequired);
    if (!text) continue;
    std::optional<std::string> expanded =
        ExpandRegexLists(reader, *text, pattern.value_location, *lists);
    if (!expanded) continue;
    if (std::optional<std::string> problem = RegexProblem(*expanded)) {
      reader->Error(pattern.value_location, std::move(*problem));
      continue;
    }
    lists->patterns[pattern.key] = std::move(*expanded);
  }
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
