#include "engine/literal_filter.h"

#include <algorithm>

namespace moderation::internal {

LiteralFilter LiteralFilter::Of(std::vector<uint32_t> literals) {
  std::sort(literals.begin(), literals.end());
  literals.erase(std::unique(literals.begin(), literals.end()), literals.end());
  uint32_t log2_blocks = 0;
  while ((size_t{64} << log2_blocks) < 16 * literals.size() &&
         (size_t{64} << log2_blocks) < kMaxBits) {
    ++log2_blocks;
  }
  LiteralFilter filter;
  filter.blocks_.assign(size_t{1} << log2_blocks, 0);
  filter.block_shift_ = 63 - log2_blocks;
  for (uint32_t literal : literals) {
    const uint64_t h = Hash(literal);
    filter.blocks_[filter.Block(h)] |= Mask(h);
  }
  return filter;
}

}  // namespace moderation::internal
