#include "engine/phrase_cost.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/field_scanner.h"

namespace moderation {
namespace {

// The term as a moderator writes it in a slot.
std::string AsWritten(const rules::Term& term) {
  switch (term.mode) {
    case rules::MatchMode::kPrefix:
      return absl::StrCat(term.text, "*");
    case rules::MatchMode::kSuffix:
      return absl::StrCat("*", term.text);
    case rules::MatchMode::kSubstring:
      return absl::StrCat("*", term.text, "*");
    default:
      return term.text;
  }
}

// One entry per phrase of the set, in rule order, without counts.
std::vector<PhraseCost> ListPhrases(const CompiledRuleSet::Impl& set) {
  std::vector<PhraseCost> list;
  for (const CompiledRule& rule : set.rules) {
    for (size_t p = 0; p < rule.phrases.size(); ++p) {
      const rules::Phrase& phrase = rule.rule.phrases[p];
      PhraseCost cost{.rule_id = rule.rule.id, .phrase = p, .location = phrase.location};
      for (const rules::Term& term : phrase.slots[rule.phrases[p].anchor_slot].terms) {
        cost.anchor_words.push_back(AsWritten(term));
      }
      list.push_back(std::move(cost));
    }
  }
  return list;
}

}  // namespace

absl::StatusOr<PhraseCostReport> MeasurePhraseCosts(const CompiledRuleSet& set,
                                                    const std::vector<Field>& fields) {
  absl::StatusOr<hs_scratch_t*> scratch = set.scratch().ForThisThread();
  if (!scratch.ok()) return scratch.status();
  PhraseCostReport report;
  internal::EvalBuffers buffers;
  for (size_t p = 0; p < set.parts().size(); ++p) {
    const CompiledRuleSet::Impl& impl = *set.parts()[p];
    internal::PhraseTallies tallies(impl.rules.size());
    for (size_t r = 0; r < impl.rules.size(); ++r) tallies[r].resize(impl.rules[r].phrases.size());
    internal::FieldScanner scanner(impl, *scratch, buffers);
    scanner.CountPhrases(&tallies);
    for (const Field& field : fields) {
      buffers.candidates.clear();
      if (absl::Status s = scanner.Scan(0, field); !s.ok()) {
        if (absl::IsInvalidArgument(s)) continue;  // invalid UTF-8, as Evaluate rejects it
        return s;
      }
      if (p > 0) continue;  // the sample is the same for every part
      ++report.sample_texts;
      report.sample_bytes += field.text.size();
    }
    const size_t first = report.phrases.size();
    std::vector<PhraseCost> listed = ListPhrases(impl);
    std::move(listed.begin(), listed.end(), std::back_inserter(report.phrases));
    size_t next = first;
    for (const std::vector<internal::PhraseTally>& of_rule : tallies) {
      for (const internal::PhraseTally& tally : of_rule) {
        PhraseCost& cost = report.phrases[next++];
        cost.triggers = tally.triggers;
        cost.searched = tally.searched;
        cost.matched = tally.matched;
        report.triggers += tally.triggers;
        report.searched += tally.searched;
        report.matched += tally.matched;
      }
    }
  }
  std::stable_sort(
      report.phrases.begin(), report.phrases.end(),
      [](const PhraseCost& a, const PhraseCost& b) { return a.triggers > b.triggers; });
  return report;
}

}  // namespace moderation
