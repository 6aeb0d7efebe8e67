// How often each phrase of a compiled rule set is triggered on sample texts,
// and how rarely that ends in a match.
//
// Why: a phrase is resolved whenever a word of its anchor slot (the one
// required slot the compiler chose, CompiledPhrase::anchor_slot) occurs in a
// field: its words are joined with the field's words and, if every required
// slot has one, the span-near search runs. On the default rules most of the
// phrase cost is phrases anchored on common words that trigger on nearly
// every post and almost never match. Moderators can fix that (a rarer word
// in a required slot moves the anchor), but only once they see which
// phrases those are. `modctl validate --cost` prints this report.
//
// The figures are counts, not times: they do not move with the host's load,
// and a change to a phrase shows exactly. Each text is scanned as Evaluate
// scans one field (named by Field::name, so `fields:` scoping applies);
// phrases triggered inside the readings of masked words ("p*ssy") are not
// counted.
//
//   absl::StatusOr<PhraseCostReport> report = MeasurePhraseCosts(*set, fields);
//   for (const PhraseCost& p : report->phrases) ... p.rule_id, p.triggers
//
// Thread-safety: MeasurePhraseCosts may run concurrently with anything; it
// uses its own buffers and this thread's scratch of the set.
#ifndef MODERATION_ENGINE_PHRASE_COST_H_
#define MODERATION_ENGINE_PHRASE_COST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/post/post.h"
#include "engine/rule_set.h"
#include "engine/rules/rule.h"

namespace moderation {

// One phrase of one rule.
struct PhraseCost {
  std::string rule_id;
  size_t phrase = 0;  // index in the rule's `phrases:`, from 0
  // The anchor slot's terms as the rule writes them, with '*' for prefix,
  // suffix and substring terms.
  std::vector<std::string> anchor_words;
  rules::SourceLocation location;  // the phrase's
  uint64_t triggers = 0;           // fields in which an anchor word occurred
  uint64_t searched = 0;           // of those, with a word for every required slot
  uint64_t matched = 0;            // of those, where the phrase matched
};

struct PhraseCostReport {
  // Every phrase of the set, most triggers first (ties in rule order).
  std::vector<PhraseCost> phrases;
  size_t sample_texts = 0;  // scanned; invalid UTF-8 is skipped
  size_t sample_bytes = 0;  // of the scanned texts
  uint64_t triggers = 0;    // the sums over phrases
  uint64_t searched = 0;
  uint64_t matched = 0;
};

// Scans every field of `fields` with `set` and counts each phrase's
// triggers, searches and matches. Internal only if Hyperscan fails.
absl::StatusOr<PhraseCostReport> MeasurePhraseCosts(const CompiledRuleSet& set,
                                                    const std::vector<Field>& fields);

}  // namespace moderation

#endif  // MODERATION_ENGINE_PHRASE_COST_H_
