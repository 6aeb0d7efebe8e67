#include "engine/rules/term_check.h"

#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/text/normalizer.h"

namespace moderation::rules::internal {

std::optional<std::string> TermSkeletonProblem(const Term& term, const char* what) {
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
