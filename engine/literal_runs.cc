#include "engine/literal_runs.h"

#include <algorithm>

namespace moderation::internal {

std::vector<LiteralRun> LiteralRunsOf(std::vector<uint32_t> literals) {
  std::sort(literals.begin(), literals.end());
  literals.erase(std::unique(literals.begin(), literals.end()), literals.end());
  std::vector<LiteralRun> runs;
  for (uint32_t literal : literals) {
    if (!runs.empty() && runs.back().last + 1 == literal) {
      runs.back().last = literal;
    } else {
      runs.push_back({literal, literal});
    }
  }
  return runs;
}

// Both sides ascend, so each search starts where the last one ended.
bool AnyLiteralInRuns(std::span<const LiteralRun> runs, std::span<const uint32_t> sorted_literals) {
  auto from = sorted_literals.begin();
  for (const LiteralRun& run : runs) {
    from = std::lower_bound(from, sorted_literals.end(), run.first);
    if (from == sorted_literals.end()) return false;
    if (*from <= run.last) return true;
  }
  return false;
}

}  // namespace moderation::internal
