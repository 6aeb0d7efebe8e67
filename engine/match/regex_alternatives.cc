#include "engine/match/regex_alternatives.h"

#include "engine/match/regex_syntax.h"

namespace moderation::match {
namespace {

// A group that opens with "(?" but is neither "(?:" nor a named group sets
// flags ("(?i)", "(?s:…)" counts as a group, "(?i)" does not close one).
bool IsFlagGroup(std::string_view regex, size_t open) {
  if (open + 2 >= regex.size() || regex[open + 1] != '?') return false;
  const char next = regex[open + 2];
  return next != ':' && next != 'P' && next != '<';
}

}  // namespace

std::vector<std::string> SplitTopLevelAlternatives(std::string_view regex) {
  std::vector<std::string> parts;
  const std::vector<std::string> whole = {std::string(regex)};
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < regex.size();) {
    const char c = regex[i];
    if (c == '\\') {
      if (i + 1 < regex.size() && regex[i + 1] == 'Q') return whole;
      i = RegexEscapeEnd(regex, i);
    } else if (c == '[') {
      i = RegexClassEnd(regex, i);
    } else if (c == '(') {
      if (depth == 0 && IsFlagGroup(regex, i)) return whole;
      ++depth;
      ++i;
    } else if (c == ')') {
      if (--depth < 0) return whole;
      ++i;
    } else if (c == '|' && depth == 0) {
      parts.emplace_back(regex.substr(start, i - start));
      start = ++i;
    } else {
      ++i;
    }
  }
  if (depth != 0 || parts.empty()) return whole;
  parts.emplace_back(regex.substr(start));
  for (const std::string& part : parts) {
    if (part.empty()) return whole;  // "a|" matches the empty string: leave it to RE2
  }
  return parts;
}

}  // namespace moderation::match
