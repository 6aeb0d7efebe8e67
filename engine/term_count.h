// How many word terms each rule of a compiled rule set hands to the literal
// database, and how many of them are spellings (rules/README.md,
// "Spellings").
//
// Why: the literal scan reads Hyperscan tables whose size follows the
// number of literals, and past a few hundred thousand literals the scan is
// bound by memory: the default rules' 495,096 literals cost a 1 KiB post
// about 45 us in the scan alone, 66,487 without spellings about 27
// (BENCHMARKS.md, "Where the default rules' time goes now"). A term of
// several words gets the product of its words' spellings, up to 64, so a
// few rules with long word lists can hold most of the literals. `modctl
// validate --cost` prints the rules that hand over most terms, so that a
// moderator sees which list or spelling to write differently (words in
// slots of their own are widened one by one, not as a product).
//
// A rule's terms are its `words:` and its phrases' slot words, after @list
// expansion and spellings; the written ones are those not added by
// spellings. Rules that share an @list each count it, while the database
// holds each distinct literal once; the set's own count of distinct
// literals is given beside them.
//
//   TermCountReport report = CountTerms(*set);
//   for (const RuleTermCount& r : report.rules) ... r.rule_id, r.terms, r.written
//
// Thread-safety: CountTerms reads the immutable set; call it from any thread.
#ifndef MODERATION_ENGINE_TERM_COUNT_H_
#define MODERATION_ENGINE_TERM_COUNT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "engine/rule_set.h"
#include "engine/rules/diagnostic.h"

namespace moderation {

struct RuleTermCount {
  std::string rule_id;
  rules::SourceLocation location;  // the rule's
  size_t terms = 0;                // words and phrase slot words, spellings included
  size_t written = 0;              // of those, not added by spellings
};

struct TermCountReport {
  // Every rule with at least one term, most terms first (ties in rule order).
  std::vector<RuleTermCount> rules;
  size_t terms = 0;     // summed over the rules
  size_t written = 0;   // summed over the rules
  size_t literals = 0;  // distinct literals of each part, added up (CompileReport::literals)
};

TermCountReport CountTerms(const CompiledRuleSet& set);

}  // namespace moderation

#endif  // MODERATION_ENGINE_TERM_COUNT_H_
