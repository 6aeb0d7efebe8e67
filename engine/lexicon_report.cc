#include "engine/lexicon_report.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "engine/compiled_rule_set_internal.h"
#include "engine/text/normalizer.h"

namespace moderation {
namespace {

void AddExample(std::vector<std::string>* examples, std::string_view word, size_t limit) {
  if (examples->size() < limit) examples->emplace_back(word);
}

bool HeldByEarlier(const CompiledRuleSet::Impl& impl, size_t lexicon, std::string_view word) {
  for (size_t l = 0; l < lexicon; ++l) {
    if (impl.lexicons[l]->Contains(word)) return true;
  }
  return false;
}

// The report of one part, unsorted, terms without dictionary hits included.
absl::StatusOr<std::vector<LexiconTermReport>> AnalyzePart(const CompiledRuleSet::Impl& impl,
                                                           hs_scratch_t* scratch, size_t examples) {
  std::vector<LexiconTermReport> reports(impl.lexicon_terms.size());
  for (size_t t = 0; t < reports.size(); ++t) {
    const auto& [rule_index, term] = impl.lexicon_term_origins[t];
    const CompiledRule& rule = impl.rules[rule_index];
    reports[t].rule_id = rule.rule.id;
    reports[t].term = term.text;
    reports[t].location = term.location;
    reports[t].lexicon = rule.lexicon->languages();
    reports[t].productive = impl.lexicon_terms[t].productive;
  }
  if (impl.literals == nullptr || impl.literals->db() == nullptr || reports.empty()) {
    return std::vector<LexiconTermReport>{};
  }
  text::NormalizedText normalized;
  for (size_t l = 0; l < impl.lexicons.size(); ++l) {
    const std::shared_ptr<const text::Lexicon>& lexicon = impl.lexicons[l];
    for (std::string_view word : lexicon->words()) {
      if (HeldByEarlier(impl, l, word)) continue;  // a word of two languages counts once
      if (!text::Normalize(word, &normalized).ok()) continue;
      const text::SkeletonView& sk = normalized.skeleton;
      // A term counts once per word, however often it matches inside it.
      std::map<uint32_t, bool> seen;  // term -> protected
      absl::Status s = impl.literals->Scan(sk.text, scratch, [&](uint32_t id, size_t b, size_t e) {
        for (const LiteralRef& ref : impl.literal_refs[id]) {
          if (ref.kind != LiteralKind::kTerm) continue;
          const CompiledRule& rule = impl.rules[ref.rule];
          if (rule.lexicon == nullptr || !rule.lexicon->Holds(lexicon.get()) ||
              !match::AcceptsMatch(sk, b, e, ref.attachment)) {
            continue;
          }
          seen.emplace(ref.term, rule.lexicon->Protects(word, impl.lexicon_terms[ref.term]));
        }
      });
      if (!s.ok()) return s;
      for (const auto& [term, is_protected] : seen) {
        LexiconTermReport& r = reports[term];
        ++r.dictionary_hits;
        if (is_protected) {
          ++r.protected_hits;
          AddExample(&r.protected_examples, word, examples);
        } else {
          AddExample(&r.still_hit_examples, word, examples);
        }
      }
    }
  }
  return reports;
}

}  // namespace

absl::StatusOr<std::vector<LexiconTermReport>> AnalyzeLexicon(const CompiledRuleSet& set,
                                                              size_t examples) {
  auto scratch = set.scratch().ForThisThread();
  if (!scratch.ok()) return scratch.status();
  std::vector<LexiconTermReport> reports;
  for (const auto& part : set.parts()) {
    auto of_part = AnalyzePart(*part, *scratch, examples);
    if (!of_part.ok()) return of_part.status();
    std::move(of_part->begin(), of_part->end(), std::back_inserter(reports));
  }
  reports.erase(std::remove_if(reports.begin(), reports.end(),
                               [](const LexiconTermReport& r) { return r.dictionary_hits == 0; }),
                reports.end());
  std::stable_sort(reports.begin(), reports.end(),
                   [](const LexiconTermReport& a, const LexiconTermReport& b) {
                     return a.dictionary_hits > b.dictionary_hits;
                   });
  return reports;
}

}  // namespace moderation
