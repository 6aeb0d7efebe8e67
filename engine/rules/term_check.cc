#include "engine/rules/term_check.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/text/normalizer.h"
#include "engine/text/utf8.h"

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

// A letter of a script other than Latin (Greek, Cyrillic, Hebrew, Arabic,
// CJK, ...), by block: Latin and its extensions, combining marks,
// punctuation, symbols, full-width forms (folded to ASCII) and emoji are not.
bool IsOtherScriptLetter(char32_t cp) {
  if (cp < 0x370) return false;                    // up to Latin Extended, IPA, combining marks
  if (cp >= 0x1E00 && cp <= 0x1EFF) return false;  // Latin Extended Additional
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows, shapes
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;  // variation selectors
  if (cp >= 0xFF00 && cp <= 0xFFEF) return false;  // full-width and half-width forms
  return cp < 0x1F000;                             // emoji and pictographs are no letters
}

}  // namespace

std::string ForeignScriptAdvice(std::string_view term) {
  if (!text::ValidateUtf8(term).ok()) return "";
  for (size_t pos = 0; pos < term.size();) {
    int length = 1;
    const char32_t cp = text::DecodeUtf8(term, pos, &length);
    pos += length;
    if (!IsOtherScriptLetter(cp)) continue;
    return absl::StrCat(
        "; word lists match Latin letters (Greek and Cyrillic letters are read as the Latin "
        "letters they look like, other scripts' letters as separators), so for a word in another "
        "script write a regex with view: raw, e.g. '(?:^|\\PL)",
        std::string(term), "(?:\\PL|$)'");
  }
  return "";
}

std::optional<std::string> TermSkeletonProblem(const Term& term, const char* what) {
  std::string skeleton;
  return TermSkeletonProblem(term, what, &skeleton);
}

std::optional<std::string> TermSkeletonProblem(const Term& term, const char* what,
                                               std::string* skeleton_out) {
  if (std::string_view number = LoneNumberWord(term.text); !number.empty()) {
    return absl::StrFormat(
        "%s '%s': '%s' is a number on its own, and the word stream holds no numbers, so the %s "
        "would match without it; write the number as a word or match it with a regex",
        what, term.text, number, what);
  }
  std::string& skeleton = *skeleton_out;
  skeleton.clear();
  if (absl::Status s = text::SkeletonOfTerm(term.text, &skeleton); !s.ok()) {
    return absl::StrCat(what, " '", term.text, "': ", s.message());
  }
  size_t letters = 0;
  for (char c : skeleton) letters += c != ' ';
  const size_t minimum =
      term.mode == MatchMode::kWord || term.mode == MatchMode::kInflected ? 2 : 3;
  if (letters == 0) {
    return absl::StrCat(what, " '", term.text, "' has no letters after normalisation",
                        ForeignScriptAdvice(term.text));
  }
  if (letters >= minimum) return std::nullopt;
  return absl::StrFormat(
      "%s '%s' is too short after normalisation ('%s', %d letters; at least %d for match: %s): it "
      "would match inside too many words%s",
      what, term.text, skeleton, letters, minimum, MatchModeName(term.mode),
      ForeignScriptAdvice(term.text));
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
