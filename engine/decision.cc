#include "engine/decision.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace moderation {
namespace {

uint32_t FirstStart(const RuleHit& hit) {
  uint32_t first = std::numeric_limits<uint32_t>::max();
  for (const MatchSpan& span : hit.spans) first = std::min(first, span.start);
  return first;
}

}  // namespace

const RuleHit* StrongestHit(const std::vector<RuleHit>& hits) {
  const RuleHit* strongest = nullptr;
  for (const RuleHit& hit : hits) {
    // Stronger: a harder action, a higher score, an earlier span (so the
    // negated offset compares the same way as the other two).
    const auto strength = [](const RuleHit& h) {
      return std::tuple(static_cast<int>(h.action), h.score, -static_cast<int64_t>(FirstStart(h)));
    };
    if (strongest == nullptr || strength(hit) > strength(*strongest)) strongest = &hit;
  }
  return strongest;
}

}  // namespace moderation
