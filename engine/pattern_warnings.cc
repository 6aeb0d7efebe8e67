#include "engine/pattern_warnings.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/match/regex_alternatives.h"
#include "engine/match/regex_syntax.h"
#include "engine/rules/term_check.h"
#include "engine/text/normalizer.h"
#include "engine/text/utf8.h"
#include "re2/re2.h"

namespace moderation {
namespace {

// Skips the escape starting at pattern[pos] ('\\'); returns the index after
// it. Escapes never name a literal that folding would change in a way we
// can point at: \x{DF} and \p{Lu} are left alone.
size_t SkipEscape(std::string_view pattern, size_t pos) {
  size_t next = pos + 1;
  if (next >= pattern.size()) return next;
  const char kind = pattern[next];
  if (kind == 'Q') {  // \Q...\E quotes literally: its characters are literals
    return next + 1;
  }
  if ((kind == 'p' || kind == 'P' || kind == 'x') && next + 1 < pattern.size() &&
      pattern[next + 1] == '{') {
    const size_t close = pattern.find('}', next + 2);
    return close == std::string_view::npos ? pattern.size() : close + 1;
  }
  int length = 1;
  text::DecodeUtf8(pattern, next, &length);
  return next + length;
}

// What the folded view makes of `cp` when a case-insensitive regex cannot
// find it there: "" when the regex still matches ('A' or 'Ä' match their
// folded 'a' and 'ä'), "\x01" when the folded view drops it.
std::string FoldChange(char32_t cp) {
  std::string original, folded;
  text::AppendUtf8(cp, &original);
  if (!text::FoldTerm(original, &folded).ok() || folded == original) return "";
  if (folded.empty()) return "\x01";
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  const RE2 literal(RE2::QuoteMeta(original), options);
  return literal.ok() && RE2::FullMatch(folded, literal) ? "" : folded;
}

// Where the scan is: outside a character class, or inside one. A negated
// class ([^a-zß]) may name characters that never occur: excluding them is
// harmless.
struct ClassState {
  bool inside = false;
  bool negated = false;
  bool at_start = false;  // a ']' right after '[' or '[^' is a literal
};

void Track(std::string_view pattern, size_t pos, ClassState* state) {
  const char c = pattern[pos];
  if (!state->inside) {
    if (c == '[') {
      state->inside = true;
      state->negated = pos + 1 < pattern.size() && pattern[pos + 1] == '^';
      state->at_start = true;
    }
    return;
  }
  if (c == '^' && state->at_start && pattern[pos - 1] == '[') return;
  if (c == ']' && !state->at_start) state->inside = false;
  state->at_start = false;
}

void CheckRegex(const rules::Rule& rule, rules::Diagnostics* warnings) {
  const std::string& pattern = *rule.regex;
  if (!text::ValidateUtf8(pattern).ok()) return;  // the loader reports it
  std::set<std::string> reported;
  ClassState state;
  for (size_t pos = 0; pos < pattern.size();) {
    if (pattern[pos] == '\\') {
      state.at_start = false;
      pos = SkipEscape(pattern, pos);
      continue;
    }
    Track(pattern, pos, &state);
    int length = 1;
    const char32_t cp = text::DecodeUtf8(pattern, pos, &length);
    const std::string character(pattern.substr(pos, length));
    pos += length;
    if (state.inside && state.negated) continue;
    const std::string folded = FoldChange(cp);
    if (folded.empty() || !reported.insert(character).second) continue;
    const std::string becomes = folded == "\x01" ? std::string("it is removed")
                                                 : absl::StrCat("it becomes \"", folded, "\"");
    const std::string advice =
        folded == "\x01" ? std::string("leave it out") : absl::StrCat("write \"", folded, "\"");
    warnings->push_back(
        {rule.regex_location, absl::StrCat("regex of rule '", rule.id, "': '", character,
                                           "' never occurs in the folded view the regex scans (",
                                           becomes, "); ", advice, ", or use view: raw")});
  }
}

// Letters (any script the folded view keeps as letters of the Latin
// alphabet, with or without diacritics), spaces and the separators '-', '.'
// and '\'' are read as written; everything else is read as something else.
bool ReadAsWritten(char32_t cp) {
  if ((cp >= 'a' && cp <= 'z') || cp == ' ' || cp == '-' || cp == '.' || cp == '\'') return true;
  return cp >= 0xDF && cp <= 0x24F && cp != 0xF7;  // Latin-1 and Latin Extended-A/B letters
}

void CheckTerm(const rules::Rule& rule, const rules::Term& term, rules::Diagnostics* warnings) {
  std::string folded, skeleton;
  if (!text::FoldTerm(term.text, &folded).ok()) return;
  std::string changed;
  for (size_t pos = 0; pos < folded.size();) {
    int length = 1;
    const char32_t cp = text::DecodeUtf8(folded, pos, &length);
    if (!ReadAsWritten(cp) && changed.find(folded.substr(pos, length)) == std::string::npos) {
      absl::StrAppend(&changed, changed.empty() ? "" : " ", folded.substr(pos, length));
    }
    pos += length;
  }
  if (changed.empty() || !text::SkeletonOfTerm(term.text, &skeleton).ok()) return;
  std::string advice = rules::internal::ForeignScriptAdvice(term.text);
  if (advice.empty()) advice = "; write the plain spelling (its disguised forms are caught anyway)";
  warnings->push_back(
      {term.location,
       absl::StrCat("term '", term.text, "' of rule '", rule.id, "' is matched as '", skeleton,
                    "': the normaliser reads ", changed, " as letters or separators", advice)});
}

// A letter outside ASCII: RE2's \b and \w know only ASCII letters, so a
// word edge next to one is not a word edge to them.
bool IsNonAsciiLetter(char32_t cp) { return cp >= 0xC0 && cp != 0xD7 && cp != 0xF7; }

// The index after the group openers and flag groups at `pos`: "(", "(?:",
// "(?i:", "(?P<x>", "(?i)".
size_t SkipOpeners(std::string_view pattern, size_t pos) {
  while (pos < pattern.size() && pattern[pos] == '(') {
    ++pos;
    if (pos < pattern.size() && pattern[pos] == '?') {
      // "(?:", "(?i:", "(?P<x>" open a group; "(?i)" only sets flags.
      const size_t body = pattern.find_first_of(":>)", pos);
      if (body == std::string_view::npos) return pattern.size();
      pos = body + 1;
    }
  }
  return pos;
}

// The top-level alternatives of the group opened at pattern[open] ('('):
// none for a flag group such as "(?i)", or a group that does not close.
std::vector<std::string> GroupAlternatives(std::string_view pattern, size_t open) {
  size_t body = open + 1;
  if (body < pattern.size() && pattern[body] == '?') {
    const size_t end = pattern.find_first_of(":>)", body);
    if (end == std::string_view::npos || pattern[end] == ')') return {};
    body = end + 1;
  }
  int depth = 0;
  for (size_t pos = body; pos < pattern.size();) {
    const char c = pattern[pos];
    if (c == '\\') {
      pos = match::RegexEscapeEnd(pattern, pos);
      continue;
    }
    if (c == '[') {
      pos = match::RegexClassEnd(pattern, pos);
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && depth-- == 0) {
      return match::SplitTopLevelAlternatives(pattern.substr(body, pos - body));
    }
    ++pos;
  }
  return {};
}

// The non-ASCII letter written right at `pos` (a literal, not an escape or
// class), or 0.
char32_t LiteralLetterAt(std::string_view pattern, size_t pos) {
  if (pos >= pattern.size()) return 0;
  int length = 1;
  const char32_t cp = text::DecodeUtf8(pattern, pos, &length);
  return IsNonAsciiLetter(cp) ? cp : 0;
}

// Warns where a `\b` stands right before or after a non-ASCII letter
// ("\büber", "\b(?:ärger|wut)", "blöd\b" is fine, "schö\b" is not): the
// edge it means is no edge to RE2, so that branch never matches at a word
// start, only inside a word. The rules' own text is what people type,
// with umlauts, so this silently loses matches.
void CheckWordEdges(std::string_view pattern, const rules::SourceLocation& location,
                    const std::string& what, rules::Diagnostics* warnings) {
  if (!text::ValidateUtf8(pattern).ok()) return;
  std::set<std::string> reported;
  const auto report = [&](char32_t cp, bool before) {
    std::string letter;
    text::AppendUtf8(cp, &letter);
    if (!reported.insert(letter).second) return;
    warnings->push_back(
        {location,
         absl::StrCat(what, ": '\\b' ", before ? "before" : "after", " '", letter,
                      "' never marks a word edge there: \\b and \\w know only ASCII letters, so ",
                      "this branch matches only inside a word; leave the \\b out, or write ",
                      before ? "(?:^|\\PL) before the word" : "(?:\\PL|$) after the word")});
  };
  ClassState state;
  for (size_t pos = 0; pos < pattern.size();) {
    const bool edge = !state.inside && pattern.compare(pos, 2, "\\b") == 0;
    if (pattern[pos] == '\\') {
      state.at_start = false;
      const size_t next = SkipEscape(pattern, pos);
      if (edge) {
        // What follows: a letter, or a group whose alternatives may begin
        // with one; what precedes: a letter written just before.
        const size_t after = SkipOpeners(pattern, next);
        if (char32_t cp = LiteralLetterAt(pattern, after)) report(cp, true);
        if (next < pattern.size() && pattern[next] == '(') {
          for (const std::string& alternative : GroupAlternatives(pattern, next)) {
            if (char32_t cp = LiteralLetterAt(alternative, SkipOpeners(alternative, 0))) {
              report(cp, true);
            }
          }
        }
        if (pos > 0) {
          size_t before = pos - 1;  // the lead byte of the character before the \b
          while (before > 0 && (static_cast<unsigned char>(pattern[before]) & 0xC0) == 0x80) {
            --before;
          }
          const bool escaped = before > 0 && pattern[before - 1] == '\\';
          if (char32_t cp = escaped ? 0 : LiteralLetterAt(pattern, before)) report(cp, false);
        }
      }
      pos = next;
      continue;
    }
    Track(pattern, pos, &state);
    ++pos;
  }
}

// Every regex of the rule: its own, its veto's and its near contexts'.
void CheckWordEdgesOfRule(const rules::Rule& rule, rules::Diagnostics* warnings) {
  if (rule.regex) {
    CheckWordEdges(*rule.regex, rule.regex_location, absl::StrCat("regex of rule '", rule.id, "'"),
                   warnings);
  }
  if (rule.unless.regex) {
    CheckWordEdges(*rule.unless.regex, rule.unless.regex_location,
                   absl::StrCat("unless regex of rule '", rule.id, "'"), warnings);
  }
  for (const rules::NearContext& context : rule.near) {
    if (context.regex) {
      CheckWordEdges(*context.regex, context.regex_location,
                     absl::StrCat("near regex of rule '", rule.id, "'"), warnings);
    }
  }
}

}  // namespace

rules::Diagnostics PatternWarnings(const std::vector<rules::RuleSetSource>& sets) {
  rules::Diagnostics warnings;
  for (const rules::RuleSetSource& set : sets) {
    for (const rules::Rule& rule : set.rules) {
      if (rule.regex && rule.regex_view == rules::RegexView::kFolded) CheckRegex(rule, &warnings);
      CheckWordEdgesOfRule(rule, &warnings);
      for (const rules::Term& term : rule.terms) CheckTerm(rule, term, &warnings);
    }
  }
  return warnings;
}

}  // namespace moderation
