// What each regex of a compiled rule set costs to scan, on sample posts.
//
// Why: a rule set's regexes are scanned together in one Hyperscan database
// per view, so their cost shows only as a total; yet one regex (a wide
// bounded repeat, an alternation of long optional groups) can cost more
// than all others together. This compiles each regex alone, scans the
// sample's views with it as the evaluator does (Hyperscan, then RE2 for the
// spans of what Hyperscan reported) and reports the time per KiB of sample,
// costliest first, beside the time of all of them together. `modctl
// validate --cost` prints it for moderators.
//
// What dropping one regex from the whole database would save is not
// reported: timed on a shared host (with and without it, in turn, best of
// five), that difference ranked the regexes differently in each of three
// runs, and added up to seven times the total.
//
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

  bool context() const { return unless || near; }
};

struct RegexCostReport {
  // The rules' regexes first, then the unless and near regexes; costliest
  // first in each.
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
