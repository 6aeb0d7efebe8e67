#include "server/pulse/interner.h"

#include <algorithm>
#include <mutex>

namespace moderation::server::pulse {

Interner::Interner(size_t capacity) : capacity_(std::min<size_t>(capacity, 65533)) {
  names_.emplace_back("");
  names_.emplace_back("other");
  // "other" read back (an alert's subject) must find the overflow id again.
  ids_.emplace(names_.back(), kOtherId);
}

uint16_t Interner::Intern(std::string_view name) {
  if (name.empty()) return kNoneId;
  {
    std::shared_lock lock(mu_);
    if (auto it = ids_.find(name); it != ids_.end()) return it->second;
    if (ids_.size() > capacity_) return kOtherId;
  }
  std::unique_lock lock(mu_);
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  if (ids_.size() > capacity_) return kOtherId;  // ids_ also holds "other"
  const auto id = static_cast<uint16_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return id;
}

std::string Interner::Name(uint16_t id) const {
  std::shared_lock lock(mu_);
  if (id < names_.size()) return names_[id];
  return "other";
}

}  // namespace moderation::server::pulse
