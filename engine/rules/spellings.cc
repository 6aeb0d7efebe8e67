#include "engine/rules/spellings.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/rules/term_check.h"
#include "engine/text/normalizer.h"

namespace moderation::rules::internal {
namespace {

// Letters that must remain beside a prefix or suffix spelling, so "ver*"
// widens "verdreschen" but not "vera" and "*en" not "ten".
constexpr size_t kMinRestBytes = 3;

enum class Kind { kWord, kPrefix, kSuffix };

struct Parsed {
  Kind kind;
  std::string folded;
};

// "x" = a word, "x*" = a prefix, "*x" = a suffix; one word of letters each.
std::optional<Parsed> ParseSide(std::string_view text, std::string* error) {
  Kind kind = Kind::kWord;
  if (text.size() > 1 && text.back() == '*') {
    kind = Kind::kPrefix;
    text.remove_suffix(1);
  } else if (text.size() > 1 && text.front() == '*') {
    kind = Kind::kSuffix;
    text.remove_prefix(1);
  }
  if (text.empty()) {
    *error = "a spelling must have letters";
    return std::nullopt;
  }
  if (text.find_first_of("* |@+\t") != std::string_view::npos) {
    *error = absl::StrCat("'", std::string(text),
                          "' is not a spelling: one word, with '*' only at its start (a suffix) "
                          "or its end (a prefix)");
    return std::nullopt;
  }
  Parsed parsed{kind, {}};
  if (!text::FoldTerm(text, &parsed.folded).ok() || parsed.folded.empty()) {
    *error = absl::StrCat("'", std::string(text), "' has no letters after folding");
    return std::nullopt;
  }
  return parsed;
}

std::vector<Spelling>* KindList(SpellingTable* table, Kind kind) {
  switch (kind) {
    case Kind::kWord:
      return &table->words;
    case Kind::kPrefix:
      return &table->prefixes;
    case Kind::kSuffix:
      return &table->suffixes;
  }
  return &table->words;
}

void AddUnique(std::vector<std::string>* options, std::string option) {
  if (std::find(options->begin(), options->end(), option) == options->end()) {
    options->push_back(std::move(option));
  }
}

// Every spelling of one folded word: itself, its word spellings, then a
// prefix spelling of each of those, then a suffix spelling of each so far.
// `open_start` / `open_end`: the term's wildcard leaves that end open, so
// no prefix (suffix) spelling applies there.
std::vector<std::string> WordOptions(const SpellingTable& table, const std::string& word,
                                     bool open_start, bool open_end) {
  std::vector<std::string> options = {word};
  for (const Spelling& s : table.words) {
    if (s.from == word) {
      for (const std::string& to : s.to) AddUnique(&options, to);
    }
  }
  if (!open_start) {
    const size_t n = options.size();
    for (size_t i = 0; i < n; ++i) {
      const std::string o = options[i];  // a copy: AddUnique may reallocate
      for (const Spelling& s : table.prefixes) {
        if (o.size() >= s.from.size() + kMinRestBytes && o.starts_with(s.from)) {
          for (const std::string& to : s.to) AddUnique(&options, to + o.substr(s.from.size()));
        }
      }
    }
  }
  if (!open_end) {
    const size_t n = options.size();
    for (size_t i = 0; i < n; ++i) {
      const std::string o = options[i];  // a copy: AddUnique may reallocate
      for (const Spelling& s : table.suffixes) {
        if (o.size() >= s.from.size() + kMinRestBytes && o.ends_with(s.from)) {
          for (const std::string& to : s.to) {
            AddUnique(&options, o.substr(0, o.size() - s.from.size()) + to);
          }
        }
      }
    }
  }
  return options;
}

// The product of the words' options, first word varying slowest, at most
// kMaxSpellingsPerTerm entries.
std::vector<std::string> Combine(const std::vector<std::vector<std::string>>& options) {
  std::vector<std::string> out;
  std::vector<size_t> at(options.size(), 0);
  while (out.size() < kMaxSpellingsPerTerm) {
    std::string joined;
    for (size_t w = 0; w < options.size(); ++w) {
      if (w > 0) joined += ' ';
      joined += options[w][at[w]];
    }
    AddUnique(&out, std::move(joined));
    size_t w = options.size();
    while (w > 0 && ++at[w - 1] == options[w - 1].size()) at[--w] = 0;
    if (w == 0) break;
  }
  return out;
}

// Mode and text of a term -> SpellingsOf: a shared @list is spelled once
// per set, not once for each rule and phrase slot that names it.
using SpellingMemo =
    absl::flat_hash_map<std::pair<MatchMode, std::string>, std::vector<std::string>>;

void WidenTerms(YamlReader* reader, const SpellingTable& table, SpellingMemo* memo,
                std::vector<Term>* terms) {
  std::vector<Term> widened;
  widened.reserve(terms->size());
  bool over_budget = false;
  for (Term& term : *terms) {
    const auto [known, inserted] = memo->try_emplace({term.mode, term.text});
    if (inserted) known->second = SpellingsOf(table, term.text, term.mode);
    const std::vector<std::string>& spellings = known->second;
    widened.push_back(std::move(term));
    if (spellings.size() <= 1 || over_budget) continue;
    const Term& own = widened.back();
    if (!reader->ChargeTerms(spellings.size() - 1, own.location)) {
      over_budget = true;
      continue;
    }
    const MatchMode mode = own.mode;
    const SourceLocation location = own.location;
    for (size_t i = 1; i < spellings.size(); ++i) {
      widened.push_back({spellings[i], mode, location, /*spelling=*/true});
    }
  }
  *terms = std::move(widened);
}

}  // namespace

SpellingTable ParseSpellings(YamlReader* reader, const Entry* entry) {
  SpellingTable table;
  if (entry == nullptr) return table;
  MapReader map(reader, *entry->value, "spellings", std::nullopt, "spelling");
  for (const Entry& item : map.entries()) {
    std::string error;
    const std::optional<Parsed> from = ParseSide(item.key, &error);
    if (!from) {
      reader->Error(item.key_location, std::move(error));
      continue;
    }
    Spelling spelling{from->folded, {}};
    for (const LocatedString& value : StringList(reader, item)) {
      const std::optional<Parsed> to = ParseSide(value.text, &error);
      if (!to) {
        reader->Error(value.location, std::move(error));
      } else if (to->kind != from->kind) {
        reader->Error(value.location,
                      absl::StrCat("'", value.text, "' must have its '*' where '", item.key,
                                   "' has it: a word, a prefix ('x*') and a suffix ('*x') are "
                                   "spelled by their own kind"));
      } else if (to->folded != from->folded) {
        spelling.to.push_back(to->folded);
      }
    }
    if (!spelling.to.empty()) KindList(&table, from->kind)->push_back(std::move(spelling));
  }
  return table;
}

std::vector<std::string> SpellingsOf(const SpellingTable& table, std::string_view term,
                                     MatchMode mode) {
  std::string folded;
  if (table.empty() || !text::FoldTerm(term, &folded).ok() || folded.empty()) {
    return {std::string(term)};
  }
  const std::vector<std::string> words = absl::StrSplit(folded, ' ', absl::SkipEmpty());
  const bool open_start = mode == MatchMode::kSuffix || mode == MatchMode::kSubstring;
  const bool open_end = mode == MatchMode::kPrefix || mode == MatchMode::kSubstring;
  std::vector<std::vector<std::string>> options;
  for (size_t w = 0; w < words.size(); ++w) {
    options.push_back(
        WordOptions(table, words[w], open_start && w == 0, open_end && w + 1 == words.size()));
  }
  std::vector<std::string> combined = Combine(options);
  std::vector<std::string> out = {std::string(term)};
  for (size_t i = 1; i < combined.size(); ++i) {
    if (!TermSkeletonProblem(Term{combined[i], mode, {}}, "term")) {
      out.push_back(std::move(combined[i]));
    }
  }
  return out;
}

void ApplySpellings(YamlReader* reader, const SpellingTable& table, RuleSetSource* set) {
  if (table.empty()) return;
  SpellingMemo memo;
  for (Rule& rule : set->rules) {
    WidenTerms(reader, table, &memo, &rule.terms);
    for (Phrase& phrase : rule.phrases) {
      for (PhraseSlot& slot : phrase.slots) WidenTerms(reader, table, &memo, &slot.terms);
    }
  }
}

}  // namespace moderation::rules::internal
