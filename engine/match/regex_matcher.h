// A group of regexes on one view: Hyperscan finds which match in one pass,
// RE2 runs the ones Hyperscan rejects and reports exact spans for all.
//
// Why: Hyperscan scans all patterns at once but reports only match ends and
// rejects some RE2 syntax; RE2 is linear-time and gives leftmost-first spans.
// So Hyperscan answers "which regexes match" for the patterns it accepts, an
// RE2::Set answers it for the rest, and RE2 then extracts the spans of the
// (rare) matching regexes. Because spans always come from RE2, a regex gives
// the same answer whichever engine gated it (regex_fallback_test.cc checks).
// The Hyperscan database is cached on disk together with the list of
// rejected patterns and Hyperscan's reasons (db_cache.h), so a pattern list
// with rejections loads from the cache like any other.
// All regexes are case-insensitive, UTF-8, with ASCII \w and \b in both
// engines.
//
//   auto db = RegexDatabase::Compile({"ich\\s+bring\\w*\\s+dich\\s+um"}, {}, cache);
//   std::vector<uint32_t> ids;
//   (*db)->MatchingIds(text, scratch, &ids);
//   for (uint32_t id : ids) (*db)->FindSpans(id, text, on_span);
//
// Thread-safety: immutable after Compile. MatchingIds and FindSpans may run
// concurrently; scratch is per thread. Compile may run concurrently: the
// compiled RE2 of equal patterns are shared between databases (RE2 matches
// thread-safely), so a regex is compiled once however many databases hold it.
#ifndef MODERATION_ENGINE_MATCH_REGEX_MATCHER_H_
#define MODERATION_ENGINE_MATCH_REGEX_MATCHER_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "engine/match/db_cache.h"
#include "engine/match/first_bytes.h"
#include "engine/match/hyperscan_db.h"
#include "engine/match/literal_matcher.h"

namespace moderation::match {

// A pattern Hyperscan rejected, and why; RE2 runs it instead.
struct RegexFallback {
  uint32_t id = 0;
  std::string reason;
};

class RegexDatabase {
 public:
  struct Options {
    // Run every pattern through RE2 (tests compare both paths).
    bool force_re2 = false;
    // Memory budget of the RE2::Set for fallback patterns. The RE2 default
    // (8 MiB) fails at thousands of patterns (DESIGN §7).
    int64_t re2_set_max_mem = int64_t{64} << 20;
    // Skip start positions a span cannot begin at (first_bytes.h) in the
    // anchored span search; off only for tests that compare both searches.
    bool first_byte_skip = true;
  };

  // Compiles patterns (the id of a pattern is its index). Fails with
  // InvalidArgument, naming the pattern id, if RE2 rejects a pattern.
  static absl::StatusOr<std::unique_ptr<const RegexDatabase>> Compile(
      const std::vector<std::string>& patterns, const Options& options, const DbCache& cache);

  RegexDatabase(const RegexDatabase&) = delete;
  RegexDatabase& operator=(const RegexDatabase&) = delete;

  // Appends the ids of the patterns that match somewhere in text (each once,
  // in no particular order). Fails rather than missing matches silently if
  // the RE2::Set runs out of memory.
  absl::Status MatchingIds(std::string_view text, hs_scratch_t* scratch,
                           std::vector<uint32_t>* ids) const;

  // The evaluator's call: on_span(id, begin, end) for the spans (as
  // FindSpans) of every pattern that matches text. RE2's span search is
  // itself the confirmation of a Hyperscan hit, so no pattern is run twice.
  // RE2 stops looking for further spans of a pattern after the last end
  // Hyperscan reported for it, where none can be (the spans are the same).
  // *ids is a caller-owned buffer, reused to avoid allocating per post; its
  // contents afterwards are unspecified.
  absl::Status ForEachMatch(
      std::string_view text, hs_scratch_t* scratch, size_t max_spans, std::vector<uint32_t>* ids,
      absl::FunctionRef<void(uint32_t id, size_t begin, size_t end)> on_span) const;

  // Calls on_span(begin, end) for each leftmost-first, non-overlapping match
  // of pattern id in text, at most max_spans times.
  void FindSpans(uint32_t id, std::string_view text, size_t max_spans,
                 absl::FunctionRef<void(size_t begin, size_t end)> on_span) const;

  // The ids of the patterns that may match somewhere in text, not yet
  // confirmed by RE2: Hyperscan's reports and the fallback set's matches.
  // For a caller that searches only parts of the text (FindSpansIn), which
  // confirms them where it looks. Replaces *ids (a caller-owned buffer).
  absl::Status CandidateIds(std::string_view text, hs_scratch_t* scratch,
                            std::vector<uint32_t>* ids) const;

  // FindSpans from position from on, for spans that start before to (<=
  // text.size()); a span may end after to. The spans are the leftmost-first,
  // non-overlapping ones of a search that begins at from; ^, $ and \b still
  // see the whole text.
  void FindSpansIn(uint32_t id, std::string_view text, size_t from, size_t to, size_t max_spans,
                   absl::FunctionRef<void(size_t begin, size_t end)> on_span) const;

  // FindSpans, for a caller that knows no span of pattern id ends after
  // last_end (<= text.size()); the spans are FindSpans', found sooner.
  void FindSpansUpTo(uint32_t id, std::string_view text, size_t max_spans, size_t last_end,
                     absl::FunctionRef<void(size_t begin, size_t end)> on_span) const;

  const hs_database_t* db() const { return hs_db_.get(); }
  const std::vector<RegexFallback>& fallbacks() const { return fallbacks_; }
  const DbBuildInfo& build_info() const { return build_info_; }
  size_t size() const { return regexes_.size(); }

 private:
  RegexDatabase() = default;

  absl::Status BuildHyperscan(const std::vector<std::string>& patterns, const Options& options,
                              const DbCache& cache);
  bool RestoreFromCache(std::optional<DbCacheEntry> entry, size_t submitted);
  absl::Status BuildFallbackSet(const std::vector<std::string>& patterns, const Options& options);
  // Candidates: appends an (id, last end offset) pair per pattern Hyperscan
  // reports (not yet confirmed by RE2), flattened into *pairs; then the ids
  // the fallback RE2::Set reports.
  absl::Status ScanHyperscan(std::string_view text, hs_scratch_t* scratch,
                             std::vector<uint32_t>* pairs) const;
  absl::Status ScanFallback(std::string_view text, std::vector<uint32_t>* ids) const;

  // Per id, for spans; shared with every other database holding the same
  // pattern (see SharedRuleRegex in regex_matcher.cc).
  std::vector<std::shared_ptr<const RE2>> regexes_;
  // Per id, the bytes a span can begin with; nullopt: any (first_bytes.h).
  std::vector<std::optional<FirstBytes>> first_bytes_;
  HsDatabasePtr hs_db_;  // patterns Hyperscan accepted; may be null
  std::vector<RegexFallback> fallbacks_;
  std::unique_ptr<RE2::Set> fallback_set_;  // may be null
  std::vector<uint32_t> fallback_ids_;      // set index -> pattern id
  DbBuildInfo build_info_;
};

// The RE2 options every rule regex is compiled with.
RE2::Options RuleRegexOptions();

}  // namespace moderation::match

#endif  // MODERATION_ENGINE_MATCH_REGEX_MATCHER_H_
