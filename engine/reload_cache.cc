#include "engine/reload_cache.h"

#include <utility>

namespace moderation {

ReloadCache::SetPtr ReloadCache::FindSet(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stored_.sets.find(key);
  return it == stored_.sets.end() ? nullptr : it->second;
}

const std::vector<ExampleResult>* ReloadCache::FindExamples(const std::string& file_key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stored_.examples.find(file_key);
  return it == stored_.examples.end() ? nullptr : &it->second;
}

void ReloadCache::Replace(Generation generation) {
  Generation old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::exchange(stored_, std::move(generation));
  }
  // `old` goes here, outside the lock.
}

}  // namespace moderation
