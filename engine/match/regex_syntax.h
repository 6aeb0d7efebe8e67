// Where the pieces of an RE2 pattern end, for code that walks a pattern's
// text without compiling it: a character class and an escape.
//
// Why: hs_widen.cc (widening bounded repeats for Hyperscan) and
// regex_alternatives.cc (splitting veto regexes at the top level) both step
// over classes and escapes so that a '|', '(' or '{' inside one is not read
// as syntax; one definition keeps them reading a pattern alike.
//
//   RegexClassEnd("[]|]x", 0)    // 4: one past the class "[]|]"
//   RegexEscapeEnd("\\p{L}x", 0)  // 5: one past "\p{L}"
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_MATCH_REGEX_SYNTAX_H_
#define MODERATION_ENGINE_MATCH_REGEX_SYNTAX_H_

#include <cstddef>
#include <string_view>

namespace moderation::match {

// One past the ']' of the class starting at p[i] == '[' (a ']' right after
// '[' or '[^' is a literal; POSIX classes such as [:alpha:] nest), or
// p.size() when the class does not close.
size_t RegexClassEnd(std::string_view p, size_t i);

// One past the escape starting at p[i] == '\\', the braces of \p{..} and
// \x{..} included.
size_t RegexEscapeEnd(std::string_view p, size_t i);

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_REGEX_SYNTAX_H_
