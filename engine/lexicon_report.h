// What the lexicon does for a compiled rule set: per word-list term, how many
// dictionary words it hits and how many of those the lexicon protects.
//
// Why: a moderator must see "term `ische` hits 1,552 dictionary words" before
// deploying, and which real words still count as hits. `modctl validate
// --lexicon` prints this report.
//
//   auto report = AnalyzeLexicon(*set);
//   for (const LexiconTermReport& t : *report) ...
//
// Thread-safety: AnalyzeLexicon may run concurrently with Evaluate on the
// same set; it takes a few seconds for a 350,000-word dictionary.
#ifndef MODERATION_ENGINE_LEXICON_REPORT_H_
#define MODERATION_ENGINE_LEXICON_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/rule_set.h"

namespace moderation {

struct LexiconTermReport {
  std::string rule_id;
  std::string term;     // as written
  std::string lexicon;  // "de", "en", or a group: "de+en"
  rules::SourceLocation location;
  size_t dictionary_hits = 0;  // dictionary words the term hits without the lexicon
  size_t protected_hits = 0;   // of which the lexicon protects
  bool productive = false;     // a productive suffix or a common head (lexicon.h)
  std::vector<std::string> protected_examples;  // a few, in mild spelling
  std::vector<std::string> still_hit_examples;
};

// One entry per term of a rule whose set has a lexicon and whose term hits at
// least one dictionary word, sorted by dictionary_hits, largest first.
absl::StatusOr<std::vector<LexiconTermReport>> AnalyzeLexicon(const CompiledRuleSet& set,
                                                              size_t examples = 5);

}  // namespace moderation

#endif  // MODERATION_ENGINE_LEXICON_REPORT_H_
