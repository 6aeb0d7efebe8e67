// What each regex of a compiled rule set costs to scan, on sample posts.
//
// Why: a rule set's regexes are scanned together in one Hyperscan database
// per view, so their cost shows only as a total; yet one regex (a wide
// bounded repeat, an alternation of long optional groups) can cost more
// than all others together. `modctl validate --cost` prints this for
// moderators. Two figures per regex:
//  - alone: the regex compiled alone, scanned over the sample's view as the
//    evaluator does (Hyperscan, then RE2 for the spans of what Hyperscan
//    reported);
//  - saved (the rules' `regex:` only): the time of the view's whole
//    database minus the time of that database without this regex, which is
//    what dropping or rewriting it would gain. Hyperscan shares work
//    between patterns, so the alone figures do not add up to the total and
//    do not rank the regexes the same way.
// `unless` and `near:` regexes are not scanned on every field: Evaluate
// runs them only in fields with a candidate hit of their rules (and a
// near context's spans only around the hit). Their figures here are for
// the whole of every text, so they are upper bounds, listed apart.
//
// Times are wall-clock times of this thread, best of `passes` runs each, so
// they move with the host's load; the ranking and the ratios to the
// together-figure are what to read. Compiling each regex alone takes time
// too (seconds for a few hundred regexes; a database cache dir keeps it to
// the first run).
//
//   RegexCostOptions options;
//   absl::StatusOr<RegexCostReport> report = MeasureRegexCosts(*set, texts, options);
//   for (const RegexCost& r : report->regexes) ... r.rule_id, r.ns_per_kib
//
// Thread-safety: MeasureRegexCosts may run concurrently with anything; it
// allocates its own scratch.
#ifndef MODERATION_ENGINE_REGEX_COST_H_
#define MODERATION_ENGINE_REGEX_COST_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/rule_set.h"
#include "engine/rules/rule.h"

namespace moderation {

struct RegexCostOptions {
  size_t passes = 5;      // each figure is the best of this many runs
  std::string cache_dir;  // for the one-regex Hyperscan databases; "" = none
  // Measure `saved` for the rules' regexes: one more database compile per
  // regex (cached in cache_dir like the others).
  bool leave_one_out = true;
};

// One distinct regex of the set (an `unless` or `near:` regex shared by
// several rules counts once, under its first rule).
struct RegexCost {
  std::string rule_id;
  bool unless = false;  // the rule's `unless` regex, not its pattern
  bool near = false;    // a regex of the rule's `near:` contexts
  std::string pattern;
  rules::RegexView view = rules::RegexView::kFolded;
  rules::SourceLocation location;
  bool on_re2 = false;        // Hyperscan rejected it: RE2::Set scans it
  size_t posts_reported = 0;  // sample posts in which it matched
  double ns_per_kib = 0;      // scanning it alone, per KiB of sample
  // A rule's `regex:` with leave_one_out: what the view's database costs
  // with it minus without it, per KiB (0 when within the timing noise).
  double saved_ns_per_kib = 0;

  bool context() const { return unless || near; }
};

struct RegexCostReport {
  // The rules' regexes first, by saved (by alone without leave_one_out),
  // then the unless and near regexes, by alone; costliest first in each.
  std::vector<RegexCost> regexes;
  double together_ns_per_kib = 0;  // the rules' regexes, both views, as every field is scanned
  double contexts_ns_per_kib = 0;  // the unless and near regexes together, whole texts
  size_t sample_posts = 0;
  size_t sample_bytes = 0;  // of the raw texts
};

// Measures every regex of `set` on `texts` (each a field's raw text; invalid
// UTF-8 is skipped). InvalidArgument if a regex cannot be compiled alone.
absl::StatusOr<RegexCostReport> MeasureRegexCosts(const CompiledRuleSet& set,
                                                  const std::vector<std::string>& texts,
                                                  const RegexCostOptions& options);

}  // namespace moderation

#endif  // MODERATION_ENGINE_REGEX_COST_H_
