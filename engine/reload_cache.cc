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

std::shared_ptr<const rules::LoadedSources> ReloadCache::FindSources(
    const std::vector<rules::SourceFile>& files) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (sources_ == nullptr || files.size() != source_files_.size()) return nullptr;
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].name != source_files_[i].name || files[i].content != source_files_[i].content) {
      return nullptr;
    }
  }
  return sources_;
}

void ReloadCache::RememberSources(std::vector<rules::SourceFile> files,
                                  std::shared_ptr<const rules::LoadedSources> sources) {
  std::shared_ptr<const rules::LoadedSources> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    source_files_ = std::move(files);
    old = std::exchange(sources_, std::move(sources));
  }
}

void ReloadCache::ForgetSources() {
  std::shared_ptr<const rules::LoadedSources> old;
  std::lock_guard<std::mutex> lock(mu_);
  source_files_.clear();
  old = std::exchange(sources_, nullptr);
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
