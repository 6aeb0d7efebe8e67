#include "engine/rules/term_check.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/text/normalizer.h"

namespace moderation::rules::internal {

namespace {

// The first word of a term of several words that is a number and nothing
// else ("6" in "6 Millionen"), or "". A lone number leaves no letters on the
// word stream, so the term would quietly match without it ("Millionen").
std::string_view LoneNumberWord(std::string_view text) {
  if (text.find(' ') == std::string_view::npos) return "";  // one word: the checks below apply
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = std::min(text.find(' ', begin), text.size());
    const std::string_view word = text.substr(begin, end - begin);
    begin = end + 1;
    if (word.empty()) continue;
    const bool digits_only = std::all_of(word.begin(), word.end(), [](char c) {
      return (c >= '0' && c <= '9') || c == '.' || c == ',';
    });
    if (digits_only &&
        std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return word;
    }
  }
  return "";
}

}  // namespace

std::optional<std::string> TermSkeletonProblem(const Term& term, const char* what) {
  if (std::string_view number = LoneNumberWord(term.text); !number.empty()) {
    return absl::StrFormat(
        "%s '%s': '%s' is a number on its own, and the word stream holds no numbers, so the %s "
        "would match without it; write the number as a word or match it with a regex",
        what, term.text, number, what);
  }
  std::string skeleton;
  if (absl::Status s = text::SkeletonOfTerm(term.text, &skeleton); !s.ok()) {
    return absl::StrCat(what, " '", term.text, "': ", s.message());
  }
  size_t letters = 0;
  for (char c : skeleton) letters += c != ' ';
  const size_t minimum =
      term.mode == MatchMode::kWord || term.mode == MatchMode::kInflected ? 2 : 3;
  if (letters == 0)
    return absl::StrCat(what, " '", term.text, "' has no letters after normalisation");
  if (letters >= minimum) return std::nullopt;
  return absl::StrFormat(
      "%s '%s' is too short after normalisation ('%s', %d letters; at least %d for match: %s): it "
      "would match inside too many words",
      what, term.text, skeleton, letters, minimum, MatchModeName(term.mode));
}

void CheckTermSkeletons(YamlReader* reader, const RuleSetSource& set) {
  std::set<std::tuple<int, int, MatchMode>> checked;  // a list item used by several rules
  const auto check = [&](const Term& term, const char* what) {
    if (!checked.emplace(term.location.line, term.location.column, term.mode).second) return;
    if (std::optional<std::string> problem = TermSkeletonProblem(term, what)) {
      reader->Error(term.location, std::move(*problem));
    }
  };
  for (const Rule& rule : set.rules) {
    for (const Term& term : rule.terms) check(term, "term");
  }
  for (Term term : set.allow) {
    term.mode = MatchMode::kWord;  // allow entries may be short whole words
    check(term, "allow entry");
  }
}

}  // namespace moderation::rules::internal
