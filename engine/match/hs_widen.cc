#include "engine/match/hs_widen.h"

#include <cctype>

namespace moderation::match {
namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The end (one past '}') of a `{m,n}` repeat starting at pattern[i] == '{',
// with *comma at the ',' ; 0 if pattern[i..] is no such repeat with n > m.
size_t BoundedRepeatEnd(std::string_view p, size_t i, size_t* comma) {
  size_t j = i + 1;
  const size_t m_begin = j;
  while (j < p.size() && IsDigit(p[j])) ++j;
  if (j == m_begin || j >= p.size() || p[j] != ',') return 0;
  *comma = j++;
  const size_t n_begin = j;
  while (j < p.size() && IsDigit(p[j])) ++j;
  if (j == n_begin || j >= p.size() || p[j] != '}') return 0;
  // RE2 allows at most 1000 repetitions, so nine digits never overflow.
  const std::string m(p.substr(m_begin, *comma - m_begin));
  const std::string n(p.substr(n_begin, j - n_begin));
  if (m.size() > 9 || n.size() > 9) return 0;
  return std::stoul(n) > std::stoul(m) ? j + 1 : 0;
}

// The end of the character class starting at p[i] == '['.
size_t ClassEnd(std::string_view p, size_t i) {
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

// The end of the escape starting at p[i] == '\\', braces of \p{..}, \x{..} included.
size_t EscapeEnd(std::string_view p, size_t i) {
  if (i + 1 >= p.size()) return p.size();
  const char kind = p[i + 1];
  if ((kind == 'p' || kind == 'P' || kind == 'x') && i + 2 < p.size() && p[i + 2] == '{') {
    const size_t close = p.find('}', i + 3);
    return close == std::string_view::npos ? p.size() : close + 1;
  }
  return i + 2;
}

}  // namespace

std::string WidenBoundedRepeats(std::string_view pattern) {
  if (pattern.find("\\Q") != std::string_view::npos) return std::string(pattern);
  std::string out;
  out.reserve(pattern.size());
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    size_t comma = 0;
    if (c == '{' && i > 0) {
      if (const size_t end = BoundedRepeatEnd(pattern, i, &comma); end != 0) {
        out.append(pattern.substr(i, comma + 1 - i));  // "{m,"
        out.push_back('}');
        i = end;
        continue;
      }
    }
    const size_t next = c == '\\' ? EscapeEnd(pattern, i) : c == '[' ? ClassEnd(pattern, i) : i + 1;
    out.append(pattern.substr(i, next - i));
    i = next;
  }
  return out;
}

}  // namespace moderation::match
