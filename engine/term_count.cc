#include "engine/term_count.h"

#include <algorithm>

#include "engine/compiled_rule_set_internal.h"

namespace moderation {
namespace {

void Count(const std::vector<rules::Term>& terms, RuleTermCount* count) {
  count->terms += terms.size();
  for (const rules::Term& term : terms) count->written += !term.spelling;
}

}  // namespace

TermCountReport CountTerms(const CompiledRuleSet& set) {
  TermCountReport report;
  report.literals = set.report().literals;
  for (const auto& part : set.parts()) {
    for (const CompiledRule& compiled : part->rules) {
      const rules::Rule& rule = compiled.rule;
      RuleTermCount count{rule.id, rule.location};
      Count(rule.terms, &count);
      for (const rules::Phrase& phrase : rule.phrases) {
        for (const rules::PhraseSlot& slot : phrase.slots) Count(slot.terms, &count);
      }
      if (count.terms == 0) continue;
      report.terms += count.terms;
      report.written += count.written;
      report.rules.push_back(std::move(count));
    }
  }
  std::stable_sort(
      report.rules.begin(), report.rules.end(),
      [](const RuleTermCount& a, const RuleTermCount& b) { return a.terms > b.terms; });
  return report;
}

}  // namespace moderation
