// Splits a regex into its top-level alternatives: "(?:A)|(?:B)|c" into
// "(?:A)", "(?:B)" and "c".
//
// Why: `unless` regexes are shared by every rule whose veto is the same
// regex, so `{@quoted_report}` used by 369 rules is scanned once per field.
// A rule that adds its own veto beside it (`{@quoted_report}|{@self_insult}`)
// used to make a regex of its own, and the field was searched for the long
// quoted_report twice (10 % more Evaluate instructions on realistic posts
// for the two insult rules that did so). Split into alternatives, each
// alternative is shared on its own; a veto holds when any of its
// alternatives matches near the hit, which is what "A|B matches" means.
//
// The split respects escapes, character classes (with POSIX classes such as
// [[:alpha:]] inside) and groups. A regex with a top-level flag group such
// as "(?i)" or "(?s)", whose flags reach into the alternatives after it, or
// with "\Q…\E" quoting is returned whole, as is one without a top-level '|'.
//
//   SplitTopLevelAlternatives("(?:a|b)|c")  // {"(?:a|b)", "c"}
//
// Thread-safety: a pure function.
#ifndef MODERATION_ENGINE_MATCH_REGEX_ALTERNATIVES_H_
#define MODERATION_ENGINE_MATCH_REGEX_ALTERNATIVES_H_

#include <string>
#include <string_view>
#include <vector>

namespace moderation::match {

std::vector<std::string> SplitTopLevelAlternatives(std::string_view regex);

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_REGEX_ALTERNATIVES_H_
