#include "server/pulse/bucket.h"

#include <bit>
#include <cmath>

namespace moderation::server::pulse {

void AuthorSketch::Add(uint64_t hash) {
  // The register from the top six bits (the best mixed after the pulse's
  // multiplicative hashing), the rank from the rest: the position of their
  // first set bit, capped at what four bits hold (2^15 authors per
  // register, far beyond need).
  const int index = static_cast<int>(hash >> 58);
  const uint64_t rest = hash | (uint64_t{1} << 57);
  const int rank = std::min(std::countr_zero(rest) + 1, 15);
  if (rank > Get(index)) {
    uint8_t& cell = registers_[index / 2];
    const int shift = (index % 2) * 4;
    cell = static_cast<uint8_t>((cell & ~(0xF << shift)) | (rank << shift));
  }
}

void AuthorSketch::Merge(const AuthorSketch& other) {
  for (int i = 0; i < kHllRegisters; ++i) {
    const uint8_t v = other.Get(i);
    if (v > Get(i)) {
      uint8_t& cell = registers_[i / 2];
      const int shift = (i % 2) * 4;
      cell = static_cast<uint8_t>((cell & ~(0xF << shift)) | (v << shift));
    }
  }
}

double AuthorSketch::Estimate() const {
  constexpr double m = kHllRegisters;
  constexpr double alpha = 0.709;  // Flajolet et al.'s constant for m = 64
  double sum = 0;
  int zeros = 0;
  for (int i = 0; i < kHllRegisters; ++i) {
    const int v = Get(i);
    sum += std::ldexp(1.0, -v);
    if (v == 0) ++zeros;
  }
  const double raw = alpha * m * m / sum;
  // Small ranges: linear counting is far more accurate while registers are
  // still empty.
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / zeros);
  return raw;
}

void Bucket::AddHostile(uint8_t category, Outcome outcome) {
  if (outcome == Outcome::kFlag) ++flagged;
  if (outcome == Outcome::kBlock) ++blocked;
  if (category == 0) return;
  for (CategoryCount& slot : categories) {
    if (slot.category == category && slot.outcome == outcome) {
      ++slot.count;
      return;
    }
    if (slot.category == 0) {
      slot = {category, outcome, 1};
      return;
    }
  }
  ++(outcome == Outcome::kFlag ? other_category_flagged : other_category_blocked);
}

void Bucket::AddShadowHit(uint16_t rule) {
  for (RuleCount& slot : shadow) {
    if (slot.rule == rule) {
      ++slot.count;
      return;
    }
    if (slot.rule == 0) {
      slot = {rule, 1};
      return;
    }
  }
  ++shadow_other;
}

}  // namespace moderation::server::pulse
