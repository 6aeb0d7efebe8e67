// Deterministic synthetic rule sets and posts for benchmarks and scale tests.
//
// Why: performance must be measured at 100 to 50,000 terms, far beyond any
// hand-written rule file, and the numbers must be reproducible: the same
// seed gives the same terms, regexes and posts on every machine.
//
//   std::string yaml = SyntheticRuleYaml({.terms = 10000, .regexes = 50, .seed = 1});
//   std::string post = GermanPost(1024, /*seed=*/7);
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
  size_t terms = 1000;       // word-list terms, one rule per term
  size_t regexes = 0;        // regex rules
  uint64_t seed = 1;
};

// Pseudo-German words of 7-14 letters built from syllables (with umlauts), so
// they behave like real terms after normalisation. Distinct.
std::vector<std::string> SyntheticTerms(size_t count, uint64_t seed);

// A complete rule file (ruleset id "synthetic") for spec.
std::string SyntheticRuleYaml(const SyntheticSpec& spec);

// Realistic German text of about `bytes` bytes, assembled from the Debian
// fortunes-de collection when installed (else from built-in sentences).
std::string GermanPost(size_t bytes, uint64_t seed);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_SYNTHETIC_RULES_H_
