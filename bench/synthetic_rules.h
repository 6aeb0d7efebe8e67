// Deterministic synthetic rule sets and posts for benchmarks and scale tests.
//
// Why: performance must be measured at 100 to 50,000 terms, far beyond any
// hand-written rule file, and the numbers must be reproducible: the same
// seed gives the same terms, regexes and posts on every machine. Posts are
// realistic German (fortunes-de) with a configurable share of abusive
// sentences whose rule term is often disguised (leet, spaced, stretched), as
// the engine meets them in production.
//
//   std::string yaml = SyntheticRuleYaml({.terms = 10000, .regexes = 50, .seed = 1});
//   std::string post = GermanPost(1024, /*seed=*/7);
//   std::vector<std::string> pool = GermanPosts(
//       {.bytes = 1024, .count = 256, .abusive_rate = 0.05, .terms = SyntheticTerms(100, 1)});
//
// Thread-safety: pure functions.
#ifndef MODERATION_BENCH_SYNTHETIC_RULES_H_
#define MODERATION_BENCH_SYNTHETIC_RULES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace moderation::bench {

struct SyntheticSpec {
  size_t terms = 1000;  // word-list terms, one rule per term
  size_t regexes = 0;   // regex rules
  // Phrase rules, each [term*, "dich|euch|ihn|sie", "um|ab|kalt"] within 3
  // words. The first 20 use terms the posts carry (so their
  // anchors do occur and the phrase search runs); the others use fresh terms,
  // as most of a real set's phrases are absent from any one post. Every one
  // shares the common slots "dich|euch|ihn|sie" and "um|ab|kalt".
  size_t phrases = 0;
  // One two-list compound rule "@a+@b" with this many members per list (the
  // first list holds the terms the posts carry). 0: none.
  size_t pair_list = 0;
  uint64_t seed = 1;
  // Also add three condition rules shaped like rules/spam.yaml and the
  // shouting rule of rules/de.yaml (links + new account, mass mentions, caps
  // ratio), so Evaluate pays the text-features pass as it does on the
  // default rules. Default true.
  bool condition_rules = true;
};

// Pseudo-German words of 7-14 letters built from syllables (with umlauts), so
// they behave like real terms after normalisation. Distinct. The list for a
// smaller count is a prefix of the list for a larger one (same seed), so the
// first 100 terms are rule terms of every synthetic set.
std::vector<std::string> SyntheticTerms(size_t count, uint64_t seed);

// A complete rule file (ruleset id "synthetic") for spec.
std::string SyntheticRuleYaml(const SyntheticSpec& spec);

// Realistic German text of about `bytes` bytes, assembled from the Debian
// fortunes-de collection when installed (else from built-in sentences).
std::string GermanPost(size_t bytes, uint64_t seed);

// True when GermanPost draws on fortunes-de (false: built-in sentences).
bool HaveFortunes();

// How an abusive sentence writes its term.
enum class Disguise { kPlain, kUpper, kLeet, kSpaced, kStretched };

// term written as `how`: "KALOTISCH", "K4l0t1sch", "K a l o t i s c h",
// "Kaaaalotisch". Multi-byte characters (umlauts) are kept whole.
std::string DisguiseTerm(const std::string& term, Disguise how);

struct PostPoolSpec {
  size_t bytes = 1024;  // each post is cut to at most this many bytes
  size_t count = 256;   // posts in the pool
  // Share of sentences preceded by an insult carrying one of `terms`, in a
  // random Disguise. At 64 B a post is about one sentence, so this is then
  // about the share of posts. 0 gives clean text.
  double abusive_rate = 0.05;
  std::vector<std::string> terms;  // empty: clean text whatever the rate
  uint64_t seed = 7;
};

// A pool of distinct posts as described by spec (valid UTF-8, cut at a
// character boundary).
std::vector<std::string> GermanPosts(const PostPoolSpec& spec);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_SYNTHETIC_RULES_H_
