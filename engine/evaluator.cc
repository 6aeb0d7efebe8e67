// CompiledRuleSet::Evaluate: the hot path from a post to a Decision.
//
// Per field: normalise into thread-local buffers, scan the skeleton once for
// all literals (terms and allow entries), scan the folded and raw views once
// each for all regexes, drop hits inside allowed words. Then per post: test
// conditions, tally enforced rules per component, judge.
#include <algorithm>
#include <chrono>
#include <tuple>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/policy/conditions.h"
#include "engine/text/features.h"
#include "engine/text/normalizer.h"

namespace moderation {
namespace {

// A candidate hit: rule `rule` matched original bytes [begin, end) of field
// (the reported span); [term_begin, term_end) are the bytes of the term
// itself, which allow-list suppression looks at, so that an allowed word
// glued to an insult ("Giraffenarsch") does not hide it.
struct Candidate {
  uint32_t rule;
  uint32_t field;
  uint32_t begin;
  uint32_t end;
  uint32_t term_begin;
  uint32_t term_end;
  bool SameSpan(const Candidate& o) const {
    return rule == o.rule && field == o.field && begin == o.begin && end == o.end;
  }
};

struct AllowSpan {
  uint32_t component;
  text::ByteRange range;
};

// Buffers reused across posts on one thread, so steady-state evaluation does
// not allocate for normalisation or candidate bookkeeping.
struct EvalBuffers {
  text::NormalizedText normalized;
  std::vector<Candidate> candidates;
  std::vector<AllowSpan> allows;
  std::vector<uint32_t> regex_ids;
  std::vector<uint32_t> fired;
};

thread_local EvalBuffers buffers;

// A word-list hit is reported as the whole word part the user typed
// ("Oberblödmann", "Blödmänner"), so highlighting and redaction cover it: the
// span grows to the nearest word edge on each side (soft edges count, so a
// spaced-out "D u m m b a t z" after "ein" does not swallow "ein").
// Substring hits cover only the term itself.
text::ByteRange ReportedSpan(const text::SkeletonView& sk, size_t begin, size_t end,
                             match::Attachment attachment, text::ByteRange term) {
  if (attachment == match::Attachment::kSubstring) return term;
  while (begin > 0 && !sk.IsWordEdge(begin)) --begin;
  while (end < sk.text.size() && !sk.IsWordEdge(end)) ++end;
  return sk.ToOriginal(begin, end);
}

class FieldScanner {
 public:
  FieldScanner(const CompiledRuleSet::Impl& set, hs_scratch_t* scratch, EvalBuffers& b)
      : set_(set), scratch_(scratch), b_(b) {}

  absl::Status Scan(uint32_t field_index, const Field& field) {
    if (absl::Status s = text::Normalize(field.text, &b_.normalized); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("field '", field.name, "': ", s.message()));
    }
    const size_t first_candidate = b_.candidates.size();
    b_.allows.clear();
    if (absl::Status s = ScanSkeleton(field_index); !s.ok()) return s;
    if (set_.folded_regexes) {
      const text::View& folded = b_.normalized.folded;
      if (absl::Status s = ScanRegexes(*set_.folded_regexes, set_.folded_regex_rule, folded.text,
                                       &folded, field_index);
          !s.ok()) {
        return s;
      }
    }
    if (set_.raw_regexes) {
      if (absl::Status s =
              ScanRegexes(*set_.raw_regexes, set_.raw_regex_rule, field.text, nullptr, field_index);
          !s.ok()) {
        return s;
      }
    }
    SuppressAllowed(first_candidate);
    return absl::OkStatus();
  }

 private:
  absl::Status ScanSkeleton(uint32_t field_index) {
    const text::SkeletonView& sk = b_.normalized.skeleton;
    return set_.literals->Scan(sk.text, scratch_, [&](uint32_t id, size_t begin, size_t end) {
      for (const LiteralRef& ref : set_.literal_refs[id]) {
        if (ref.rule == LiteralRef::kAllow) {
          b_.allows.push_back({ref.component, sk.ToOriginal(begin, end)});
        } else if (match::AcceptsMatch(sk, begin, end, ref.attachment)) {
          const text::ByteRange original = sk.ToOriginal(begin, end);
          const text::ByteRange span = ReportedSpan(sk, begin, end, ref.attachment, original);
          b_.candidates.push_back(
              {ref.rule, field_index, span.begin, span.end, original.begin, original.end});
        }
      }
    });
  }

  // view == nullptr: the text is the raw field, offsets are already original.
  absl::Status ScanRegexes(const match::RegexDatabase& db, const std::vector<uint32_t>& rule_of,
                           std::string_view text, const text::View* view, uint32_t field_index) {
    return db.ForEachMatch(text, scratch_, set_.max_spans_per_rule, &b_.regex_ids,
                           [&](uint32_t id, size_t begin, size_t end) {
                             const text::ByteRange original =
                                 view ? view->ToOriginal(begin, end)
                                      : text::ByteRange{static_cast<uint32_t>(begin),
                                                        static_cast<uint32_t>(end)};
                             b_.candidates.push_back({rule_of[id], field_index, original.begin,
                                                      original.end, original.begin, original.end});
                           });
  }

  // A hit inside an allowed word of its own rule set is not a hit.
  void SuppressAllowed(size_t first_candidate) {
    if (b_.allows.empty()) return;
    auto suppressed = [&](const Candidate& c) {
      const uint32_t component = set_.rules[c.rule].component;
      for (const AllowSpan& a : b_.allows) {
        if (a.component == component && a.range.begin <= c.term_begin &&
            c.term_end <= a.range.end) {
          return true;
        }
      }
      return false;
    };
    auto first = b_.candidates.begin() + static_cast<std::ptrdiff_t>(first_candidate);
    b_.candidates.erase(std::remove_if(first, b_.candidates.end(), suppressed),
                        b_.candidates.end());
  }

  const CompiledRuleSet::Impl& set_;
  hs_scratch_t* scratch_;
  EvalBuffers& b_;
};

RuleHit MakeHit(const CompiledRuleSet::Impl& set, uint32_t rule_index) {
  const CompiledRule& compiled = set.rules[rule_index];
  const rules::Rule& rule = compiled.rule;
  RuleHit hit;
  hit.rule_id = rule.id;
  hit.ruleset_id = set.components[compiled.component].id;
  hit.category = rule.category;
  hit.action = rule.action;
  hit.score = rule.action == rules::Action::kScore ? rule.score : 0;
  hit.reason = rule.reason;
  hit.note = rule.note;
  hit.legal_ground = rule.legal_ground;
  return hit;
}

void AddSpans(const Post& post, const Candidate* begin, const Candidate* end, size_t max_spans,
              RuleHit* hit) {
  for (const Candidate* c = begin; c != end && hit->spans.size() < max_spans; ++c) {
    const Field& field = post.fields[c->field];
    hit->spans.push_back(
        {field.name, c->begin, c->end, field.text.substr(c->begin, c->end - c->begin)});
  }
}

}  // namespace

absl::StatusOr<Decision> CompiledRuleSet::Evaluate(const Post& post) const {
  const auto start = std::chrono::steady_clock::now();
  const Impl& set = *impl_;
  auto scratch = set.scratch->ForThisThread();
  if (!scratch.ok()) return scratch.status();
  EvalBuffers& b = buffers;
  b.candidates.clear();
  text::TextFeatures features;
  FieldScanner scanner(set, *scratch, b);
  for (uint32_t f = 0; f < post.fields.size(); ++f) {
    if (absl::Status s = scanner.Scan(f, post.fields[f]); !s.ok()) return s;
    // Only conditions read the features: skip the extra pass over the text
    // for rule sets without any.
    if (set.any_condition) text::AccumulateFeatures(post.fields[f].text, &features);
  }
  std::sort(b.candidates.begin(), b.candidates.end(), [](const Candidate& x, const Candidate& y) {
    return std::tie(x.rule, x.field, x.begin, x.end) < std::tie(y.rule, y.field, y.begin, y.end);
  });
  b.candidates.erase(
      std::unique(b.candidates.begin(), b.candidates.end(),
                  [](const Candidate& x, const Candidate& y) { return x.SameSpan(y); }),
      b.candidates.end());

  Decision decision;
  // Few communities combine more than a handful of sets: no heap allocation.
  absl::InlinedVector<policy::SetTally, 8> tallies(set.components.size());
  auto fire = [&](uint32_t rule_index, const Candidate* first, const Candidate* last) {
    const CompiledRule& compiled = set.rules[rule_index];
    if (compiled.has_condition &&
        !policy::ConditionHolds(compiled.rule.condition, post.author, features)) {
      return;
    }
    RuleHit hit = MakeHit(set, rule_index);
    AddSpans(post, first, last, set.max_spans_per_rule, &hit);
    if (compiled.rule.mode == rules::RuleMode::kShadow) {
      decision.shadow_hits.push_back(std::move(hit));
      return;
    }
    tallies[compiled.component].Add(compiled.rule.action, compiled.rule.score);
    if (!hit.reason.empty() && std::find(decision.reasons.begin(), decision.reasons.end(),
                                         hit.reason) == decision.reasons.end()) {
      decision.reasons.push_back(hit.reason);
    }
    decision.hits.push_back(std::move(hit));
  };
  const Candidate* data = b.candidates.data();
  for (size_t i = 0; i < b.candidates.size();) {
    size_t j = i;
    while (j < b.candidates.size() && b.candidates[j].rule == b.candidates[i].rule) ++j;
    fire(b.candidates[i].rule, data + i, data + j);
    i = j;
  }
  for (uint32_t rule_index : set.condition_only_rules) fire(rule_index, nullptr, nullptr);

  for (size_t c = 0; c < tallies.size(); ++c) {
    decision.score += tallies[c].score;
    decision.verdict =
        policy::Stricter(decision.verdict, policy::Judge(set.thresholds[c], tallies[c]));
  }
  decision.ruleset_id = set.id;
  decision.ruleset_version = set.version;
  decision.ruleset_hash = set.content_hash;
  decision.evaluation_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count();
  return decision;
}

}  // namespace moderation
