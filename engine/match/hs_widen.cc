#include "engine/match/hs_widen.h"

#include <re2/re2.h>

#include <cctype>
#include <vector>

#include "engine/match/regex_matcher.h"
#include "engine/match/regex_syntax.h"

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

// One atom of a pattern: [begin, end) including its quantifier; literal if
// it holds a character that must appear in the text as written.
struct Atom {
  size_t begin = 0;
  size_t end = 0;
  bool literal = false;
};

bool IsClassEscape(char c) {
  return std::string_view("sSwWdDbBAzpP").find(c) != std::string_view::npos;
}

// The end of the group starting at p[i] == '(' (one past its ')').
size_t GroupEnd(std::string_view p, size_t i) {
  int depth = 0;
  size_t j = i;
  while (j < p.size()) {
    if (p[j] == '\\') {
      j = RegexEscapeEnd(p, j);
      continue;
    }
    if (p[j] == '[') {
      j = RegexClassEnd(p, j);
      continue;
    }
    if (p[j] == '(') ++depth;
    if (p[j] == ')' && --depth == 0) return j + 1;
    ++j;
  }
  return p.size();
}

// The end of a quantifier at p[i] (i itself if there is none).
size_t QuantifierEnd(std::string_view p, size_t i) {
  size_t j = i;
  if (j < p.size() && (p[j] == '*' || p[j] == '+' || p[j] == '?')) {
    ++j;
  } else if (j < p.size() && p[j] == '{') {
    const size_t close = p.find('}', j);
    if (close == std::string_view::npos) return i;
    for (size_t k = j + 1; k < close; ++k) {
      if (!IsDigit(p[k]) && p[k] != ',') return i;
    }
    j = close + 1;
  } else {
    return i;
  }
  if (j < p.size() && p[j] == '?') ++j;  // lazy
  return j;
}

bool HasLiteral(std::string_view p);

// The atom starting at p[i], outside any class.
Atom NextAtom(std::string_view p, size_t i) {
  Atom atom{i, i + 1, true};
  const char c = p[i];
  if (c == '\\') {
    atom.end = RegexEscapeEnd(p, i);
    atom.literal = i + 1 < p.size() && !IsClassEscape(p[i + 1]);
  } else if (c == '[') {
    atom.end = RegexClassEnd(p, i);
    atom.literal = false;
  } else if (c == '.' || c == '^' || c == '$') {
    atom.literal = false;
  } else if (c == '(') {
    atom.end = GroupEnd(p, i);
    const size_t inner = p.substr(i, 3) == "(?:" ? i + 3 : i + 1;
    atom.literal = HasLiteral(p.substr(inner, atom.end - 1 - inner));
  }
  atom.end = QuantifierEnd(p, atom.end);
  return atom;
}

// Whether any atom of p (at any depth) is a literal character.
bool HasLiteral(std::string_view p) {
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '|') {
      ++i;
      continue;
    }
    const Atom atom = NextAtom(p, i);
    if (atom.literal) return true;
    i = atom.end;
  }
  return false;
}

// The top-level alternatives of p.
std::vector<std::string_view> Alternatives(std::string_view p) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '|') {
      out.push_back(p.substr(start, i - start));
      start = ++i;
      continue;
    }
    i = NextAtom(p, i).end;
  }
  out.push_back(p.substr(start));
  return out;
}

// The length in characters of the run of plain literal characters p starts
// with (an escaped one such as \. counts; one with a quantifier ends it).
size_t LiteralRun(std::string_view p) {
  size_t chars = 0;
  for (size_t i = 0; i < p.size();) {
    const unsigned char c = static_cast<unsigned char>(p[i]);
    const Atom atom = NextAtom(p, i);
    const size_t bare_end = c == '\\' ? i + 2 : i + 1;
    if (!atom.literal || c == '(' || atom.end != bare_end) break;  // a class, group or quantifier
    if ((c & 0xC0) != 0x80) ++chars;  // a UTF-8 continuation byte starts no character
    i = atom.end;
  }
  return chars;
}

// Whether the literal p starts with (a character or a group) may be only one
// or two characters ("st" in `(road|rd|street|st)`) or optional: Hyperscan
// would then stop at nearly every word, so the classes before it stay.
bool StartsWithShortLiteral(std::string_view p) {
  const Atom first = NextAtom(p, 0);
  if (p[0] != '(') return LiteralRun(p) <= 2;
  const size_t group_end = GroupEnd(p, 0);
  if (first.end != group_end) return true;  // a quantified group may be skipped
  const size_t inner = p.substr(0, 3) == "(?:" ? 3 : 1;
  for (std::string_view alternative : Alternatives(p.substr(inner, group_end - 1 - inner))) {
    if (alternative.empty()) return true;
    const size_t run = LiteralRun(alternative);
    if (run > 0 && run <= 2) return true;
    if (run == 0 && alternative[0] == '(' && StartsWithShortLiteral(alternative)) return true;
  }
  return false;
}

bool MatchesEmpty(std::string_view p) {
  const RE2 re(p, RuleRegexOptions());
  return !re.ok() || RE2::PartialMatch("", re);
}

std::string_view WithoutLeadingClasses(std::string_view alternative) {
  size_t i = 0;
  while (i < alternative.size()) {
    const Atom atom = NextAtom(alternative, i);
    if (atom.literal) break;
    i = atom.end;
  }
  if (i == 0 || i >= alternative.size()) return alternative;
  const std::string_view rest = alternative.substr(i);
  return StartsWithShortLiteral(rest) || MatchesEmpty(rest) ? alternative : rest;
}

}  // namespace

std::string DropLeadingClasses(std::string_view pattern) {
  for (size_t at = pattern.find("(?"); at != std::string_view::npos;
       at = pattern.find("(?", at + 2)) {
    if (pattern.substr(at, 3) != "(?:") return std::string(pattern);
  }
  const std::vector<std::string_view> alternatives = Alternatives(pattern);
  std::string out;
  for (size_t k = 0; k < alternatives.size(); ++k) {
    if (k > 0) out.push_back('|');
    out.append(WithoutLeadingClasses(alternatives[k]));
  }
  return out;
}

std::string HyperscanForm(std::string_view pattern) {
  return DropLeadingClasses(WidenBoundedRepeats(pattern));
}

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
    const size_t next = c == '\\'  ? RegexEscapeEnd(pattern, i)
                        : c == '[' ? RegexClassEnd(pattern, i)
                                   : i + 1;
    out.append(pattern.substr(i, next - i));
    i = next;
  }
  return out;
}

}  // namespace moderation::match
