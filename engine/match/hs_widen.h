// The form of a rule regex that Hyperscan scans: every bounded repeat
// `{m,n}` (n > m) made unbounded, `{m,}`.
//
// Why: Hyperscan only tells which regexes *may* match; RE2 then searches the
// exact regex for spans, and a regex without RE2 spans is no match
// (regex_matcher.h). So Hyperscan may scan any wider regex. A bounded repeat
// is what makes Hyperscan slow on the rules' regexes: a gap such as
// `(?:\W+\w+){0,10}?` between a word list and a quotation mark unrolls into
// ten copies of an NFA that runs from every trigger word on (the default
// `quoted_report` veto had one until 2026-12-04: 46 us/KiB alone on the
// realistic posts, 8.7 with the gap unbounded; the rule itself has since
// dropped the count, because RE2 pays for it too, BENCHMARKS.md).
// Unbounded, the gap is one self-loop. The only price is an RE2 search on
// a text where the gap is longer than n, which finds nothing.
//
// A leading run of character classes is dropped as well: in
// `(^|[^a-z0-9])[a-z0-9][a-z0-9\-]{1,40}\s*(\[\.\]|...)` Hyperscan must run
// the classes from every letter of the text, while the rest starts at the
// rare `[.]`; a text matching the pattern contains a match of the rest.
// (spam.link.obfuscated on the realistic posts: 6.9 -> 1.3 us/KiB alone.)
//
// Widening keeps everything else byte for byte: escapes (`\{`, `\p{Greek}`,
// `\x{41}`), character classes (`[{0,3}]`), `{n}` and `{m,}`, and the lazy
// `?` after a repeat. A pattern with `\Q...\E` is returned unchanged.
//
// Thread-safety: pure function.
#ifndef MODERATION_ENGINE_MATCH_HS_WIDEN_H_
#define MODERATION_ENGINE_MATCH_HS_WIDEN_H_

#include <string>
#include <string_view>

namespace moderation::match {

// The pattern with each `{m,n}` (n > m) outside classes and escapes written
// `{m,}`. Every text the pattern matches, the result matches too.
std::string WidenBoundedRepeats(std::string_view pattern);

// Each top-level alternative without its leading atoms that hold no literal
// character (classes, \s \w \d ., ^ $ \b, and groups of only those, with
// any quantifier), when a literal follows and what is left cannot match the
// empty string. Unchanged for a pattern with flag groups (`(?i)`, `(?P<`).
// Every text the pattern matches, the result matches too.
std::string DropLeadingClasses(std::string_view pattern);

// What Hyperscan scans for a rule regex: DropLeadingClasses(WidenBoundedRepeats(p)).
std::string HyperscanForm(std::string_view pattern);

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_HS_WIDEN_H_
