#include "engine/match/regex_syntax.h"

namespace moderation::match {

size_t RegexClassEnd(std::string_view p, size_t i) {
  size_t j = i + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') ++j;  // a leading ']' is a literal
  while (j < p.size() && p[j] != ']') {
    if (p[j] == '\\') {
      j += 2;
    } else if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
      const size_t close = p.find(":]", j + 2);
      j = close == std::string_view::npos ? j + 1 : close + 2;
    } else {
      ++j;
    }
  }
  return j < p.size() ? j + 1 : p.size();
}

size_t RegexEscapeEnd(std::string_view p, size_t i) {
  if (i + 1 >= p.size()) return p.size();
  const char kind = p[i + 1];
  if ((kind == 'p' || kind == 'P' || kind == 'x') && i + 2 < p.size() && p[i + 2] == '{') {
    const size_t close = p.find('}', i + 3);
    return close == std::string_view::npos ? p.size() : close + 1;
  }
  return i + 2;
}

}  // namespace moderation::match
