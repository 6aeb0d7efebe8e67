#include "engine/text/near_duplicate.h"

#include <algorithm>

namespace moderation::text {
namespace {

constexpr int kShingle = 5;
constexpr size_t kHalfShinglesBytes = 256;
constexpr size_t kMaxFieldBytes = 2048;

// kSpread[i] has byte j set to bit j of i: adding it counts eight bits at once.
constexpr std::array<uint64_t, 256> MakeSpread() {
  std::array<uint64_t, 256> t{};
  for (int i = 0; i < 256; ++i) {
    for (int j = 0; j < 8; ++j) t[i] |= static_cast<uint64_t>((i >> j) & 1) << (8 * j);
  }
  return t;
}
constexpr std::array<uint64_t, 256> kSpread = MakeSpread();

uint64_t Mix(uint64_t x) {
  x *= 0x9E3779B97F4A7C15ULL;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 32;
  return x;
}

}  // namespace

void NearDuplicateHasher::Count(uint64_t hash) {
  for (int k = 0; k < 8; ++k) packed_[k] += kSpread[(hash >> (8 * k)) & 0xFF];
  ++shingles_;
  if (++pending_ == 255) Flush();
}

void NearDuplicateHasher::Flush() {
  for (int k = 0; k < 8; ++k) {
    for (int j = 0; j < 8; ++j) counts_[8 * k + j] += (packed_[k] >> (8 * j)) & 0xFF;
    packed_[k] = 0;
  }
  pending_ = 0;
}

void NearDuplicateHasher::Add(std::string_view skeleton) {
  const size_t n = std::min(skeleton.size(), kMaxFieldBytes);
  bytes_ += static_cast<uint32_t>(n);
  uint64_t window = 0;
  for (size_t i = 0; i < n; ++i) {
    window = ((window << 8) | static_cast<unsigned char>(skeleton[i])) & 0xFFFFFFFFFFULL;
    if (i + 1 < kShingle) continue;
    const uint64_t h = Mix(window);
    // One shingle in two (by hash, so copies keep the same ones), one in
    // four after the first 256 bytes.
    if ((h >> 63) != 0 || (i >= kHalfShinglesBytes && (h >> 62) != 0)) continue;
    Count(h);
  }
}

uint64_t NearDuplicateHasher::Finish() {
  if (bytes_ < static_cast<uint32_t>(kNearDuplicateMinBytes) || shingles_ == 0) return 0;
  Flush();
  uint64_t fp = 0;
  for (int b = 0; b < 64; ++b) {
    if (2 * counts_[b] > shingles_) fp |= uint64_t{1} << b;
  }
  return fp == 0 ? 1 : fp;
}

}  // namespace moderation::text
