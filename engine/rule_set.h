// A compiled, immutable rule set: one or more rule files compiled together
// into Hyperscan/RE2 databases, ready to judge posts.
//
// Why: compiling is slow (seconds for 50,000 terms) and judging must take
// microseconds, so the two are separated. A CompiledRuleSet is built once, off
// the request path, and shared by all threads through
// std::shared_ptr<const CompiledRuleSet>; reloading builds a new one and
// swaps the pointer, so requests in flight finish on the set they started
// with.
//
// All terms of all rules of a rule set (plus allow-list entries) reach
// Hyperscan as literals on the skeleton view, and all regexes as one database
// per view, so a post is scanned in one pass per view however many rules
// there are. Each rule set (source) is compiled alone into a part; a set of
// several sources judges with all of their parts, and a catalog shares each
// part among every combination of sets that holds it (a catalog does; see
// catalog.h), so a rule
// set used by ten communities is held in memory once, not ten times.
//
//   rules::Diagnostics problems;
//   absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set =
//       CompiledRuleSet::Compile({std::move(de_source)}, CompileOptions{}, &problems);
//   absl::StatusOr<Decision> d = (*set)->Evaluate(post);
//
// Thread-safety: immutable after Compile; Evaluate may be called from any
// number of threads at once (Hyperscan scratch and normaliser buffers are per
// thread).
#ifndef MODERATION_ENGINE_RULE_SET_H_
#define MODERATION_ENGINE_RULE_SET_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/activity.h"
#include "engine/decision.h"
#include "engine/post/post.h"
#include "engine/rules/diagnostic.h"
#include "engine/rules/rule.h"
#include "engine/text/lexicon.h"

namespace moderation {

namespace match {
class ScratchPrototype;  // match/scratch.h
}  // namespace match

struct CompileOptions {
  // Directory for serialised Hyperscan databases, keyed by content hash.
  // Default "" (no cache). With a cache, a restart or a reload of an unchanged
  // set loads its databases in milliseconds instead of recompiling.
  std::string cache_dir;
  // Run every regex through RE2 instead of Hyperscan. Default false. Only for
  // tests and benchmarks: results are the same, scanning is slower.
  bool force_re2 = false;
  // Match split words: a single-word term of at least 6 skeleton letters
  // typed as 2-3 chunks with only whitespace between them ("Arsch loch",
  // "ass hole"; match/split_word.h). Default true. Costs a second, smaller
  // literal scan of each field's joined skeleton (a few per cent of
  // Evaluate's instructions, BENCHMARKS.md); off only to measure it.
  bool split_words = true;
  // Find short whole-word phrase words ("er", "ne", "ich") by looking up the
  // field's words instead of in the Hyperscan scan, which reports them inside
  // every longer word ("er" in "aber", "Lehrer"): on the default rules'
  // 1 KiB posts about half of the literal callbacks, and a sixth of
  // Evaluate's instructions (BENCHMARKS.md). Default true; the results are
  // the same either way (short_phrase_words_test.cc); off only to measure.
  bool short_phrase_word_lookup = true;
  // At most this many spans are reported per rule and field. Default 16;
  // more adds nothing for a moderator and costs time on spam floods.
  size_t max_spans_per_rule = 16;
  // The dictionary a rule set's `lexicon: de|en` names: one word per line.
  // A set naming a language without a readable file compiles with a warning
  // and without protection (a missing dictionary must not take rules down).
  std::map<std::string, std::string> lexicon_paths = {{"de", "/usr/share/dict/ngerman"},
                                                      {"en", "/usr/share/dict/american-english"}};
  // Loaded dictionaries, shared by every compile that gets the same cache
  // (the server's registry keeps one). Null: each CompiledRuleSet::Compile
  // loads its own, and each RuleCatalog load shares one among its
  // combinations.
  std::shared_ptr<text::LexiconCache> lexicons;
};

// What compiling did; shown by `modctl validate` and in benchmarks.
struct CompileReport {
  rules::Diagnostics warnings;  // e.g. regexes Hyperscan rejected (RE2 runs them)
  size_t rules = 0;
  size_t terms = 0;     // word-list terms after @list expansion
  size_t phrases = 0;   // phrases of all rules
  size_t pairs = 0;     // two-list compounds of all rules
  size_t literals = 0;  // distinct skeleton literals in the Hyperscan database
  size_t regexes = 0;
  size_t regexes_on_re2 = 0;  // of which Hyperscan rejected (or force_re2)
  // Of `regexes`, those whose Hyperscan database (with its list of rejected
  // patterns) came from the disk cache instead of the Hyperscan compiler.
  size_t regexes_from_cache = 0;
  bool literals_from_cache = false;
  double literal_seconds = 0;  // compile or cache-load time of the literal database
  double regex_seconds = 0;
  double total_seconds = 0;
  size_t database_bytes = 0;
};

class CompiledRuleSet {
 public:
  // Compiles each of `sources` alone and combines them. Reports every
  // problem (terms that are empty or too short after normalisation,
  // duplicate rule ids across sources, patterns that cannot be compiled)
  // into *problems with file:line:col and returns InvalidArgument if there
  // was any. Embedded examples are not run here; see example_runner.h.
  static absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> Compile(
      std::vector<rules::RuleSetSource> sources, const CompileOptions& options,
      rules::Diagnostics* problems);

  ~CompiledRuleSet();
  CompiledRuleSet(const CompiledRuleSet&) = delete;
  CompiledRuleSet& operator=(const CompiledRuleSet&) = delete;

  // Judges a post. InvalidArgument (naming the field) if a field is not valid
  // UTF-8; Internal only if Hyperscan itself fails. With an ActivitySource
  // (activity.h), the post's multi-posting counts come from it, and it is
  // told about the post once the text is valid; without one, from
  // post.activity.
  absl::StatusOr<Decision> Evaluate(const Post& post, ActivitySource* activity = nullptr) const;

  const std::string& id() const;       // "de" or "de+pii+spam"
  const std::string& version() const;  // "2026-11-22.1" or "de@...,pii@..."
  const std::string& content_hash() const;
  const std::vector<RuleSetRef>& components() const;
  const CompileReport& report() const;
  size_t rule_count() const;
  const rules::Rule& rule(size_t index) const;

  struct Impl;    // one compiled part; defined in compiled_rule_set_internal.h
  struct Layout;  // the parts and how their rules are numbered; ditto
  // The compiled state, for engine internals and the scan-phase benchmark;
  // only usable with compiled_rule_set_internal.h, which is not public API.
  const Layout& layout() const { return *layout_; }
  const std::vector<std::shared_ptr<const Impl>>& parts() const;
  // The Hyperscan scratch prototype Evaluate takes its per-thread scratch
  // from (shared by every set of a catalog; see match/scratch.h).
  const match::ScratchPrototype& scratch() const { return *scratch_; }
  // Publishes a compiled state with the scratch prototype that serves it,
  // which must fit the state's databases (see CompileRuleSetImpl).
  static std::shared_ptr<const CompiledRuleSet> FromImpl(
      std::unique_ptr<const Impl> impl, std::shared_ptr<const match::ScratchPrototype> scratch);
  // The same for a laid-out combination (CombineParts); the scratch must
  // fit Layout::HyperscanDatabases().
  static std::shared_ptr<const CompiledRuleSet> FromLayout(
      std::shared_ptr<const Layout> layout, std::shared_ptr<const match::ScratchPrototype> scratch);
  // The same compiled state, shared, served with another scratch prototype
  // that fits its databases: a reload that reuses an unchanged set gives it
  // the new catalog's prototype, so a thread still needs one scratch per
  // catalog. Costs no compile.
  std::shared_ptr<const CompiledRuleSet> WithScratch(
      std::shared_ptr<const match::ScratchPrototype> scratch) const;

 private:
  CompiledRuleSet(std::shared_ptr<const Layout> layout,
                  std::shared_ptr<const match::ScratchPrototype> scratch);
  // FromLayout with a scratch prototype of the layout's own.
  static absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> Publish(
      std::shared_ptr<const Layout> layout);
  std::shared_ptr<const Layout> layout_;
  std::shared_ptr<const match::ScratchPrototype> scratch_;
};

}  // namespace moderation

#endif  // MODERATION_ENGINE_RULE_SET_H_
