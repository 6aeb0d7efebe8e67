// Baseline matchers the engine is compared against, on the same posts and
// the same rule terms.
//
// Why: the engine's figures mean little alone. These are the obvious ways to
// check a post against a word list: a std::regex per term, one RE2::Set of
// all terms, and lower-casing the post and calling find() per term. They do
// plain matching only: no evasion handling (leet, spacing, stretching, look-
// alikes), no word boundaries, no spans, no allow lists, no conditions.
// That is the point of the comparison: what the engine's extra work costs
// (or saves) against what a naive implementation would do. Their hit counts
// (lower than the engine's on disguised terms) show what they miss.
//
//   auto re2 = Re2SetBaseline::Create(terms);
//   absl::StatusOr<size_t> n = (*re2)->CountMatchingTerms(post);
//
// Thread-safety: Re2SetBaseline and StdRegexBaseline are immutable after
// Create and may be shared. FindBaseline keeps a lower-casing buffer: one
// per thread.
#ifndef MODERATION_BENCH_BASELINES_H_
#define MODERATION_BENCH_BASELINES_H_

#include <re2/set.h>

#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace moderation::bench {

// One std::regex per term (ECMAScript, icase), regex_search each. Slow:
// register it only for small term counts (see engine_bench.cc).
class StdRegexBaseline {
 public:
  static absl::StatusOr<std::unique_ptr<const StdRegexBaseline>> Create(
      const std::vector<std::string>& terms);
  // Number of terms found in text. Internal if std::regex throws (e.g.
  // error_complexity on pathological input).
  absl::StatusOr<size_t> CountMatchingTerms(std::string_view text) const;

 private:
  StdRegexBaseline() = default;
  std::vector<std::regex> regexes_;
};

// One RE2::Set of all terms (quoted), unanchored, case-insensitive, with a
// 256 MiB memory budget. RE2::Set silently misses matches when its DFA runs
// out of memory, so CountMatchingTerms reports that as ResourceExhausted.
class Re2SetBaseline {
 public:
  static absl::StatusOr<std::unique_ptr<const Re2SetBaseline>> Create(
      const std::vector<std::string>& terms);
  absl::StatusOr<size_t> CountMatchingTerms(std::string_view text) const;

 private:
  Re2SetBaseline();
  RE2::Set set_;
};

// ASCII-lower-cases the post into a reused buffer, then std::string::find
// for each ASCII-lower-cased term.
class FindBaseline {
 public:
  explicit FindBaseline(const std::vector<std::string>& terms);
  size_t CountMatchingTerms(std::string_view text);

 private:
  std::vector<std::string> terms_;
  std::string lowered_;
};

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_BASELINES_H_
