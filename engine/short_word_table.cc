#include "engine/short_word_table.h"

namespace moderation::internal {

void ShortWordTable::Add(std::string_view word, uint32_t id) {
  if (word.empty() || word.size() > kMaxBytes) return;
  if (starts_.empty()) starts_.assign(size_t{1} << 16, 0);
  const auto first = static_cast<uint8_t>(word[0]);
  const uint8_t second = word.size() >= 2 ? static_cast<uint8_t>(word[1]) : 0;
  starts_[size_t{first} << 8 | second] |= static_cast<uint8_t>(1u << word.size());
  ids_.emplace(Key(word), id);
}

}  // namespace moderation::internal
