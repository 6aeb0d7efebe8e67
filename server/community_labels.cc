#include "server/community_labels.h"

#include <utility>

#include "absl/strings/string_view.h"

namespace moderation::server {

std::shared_ptr<const CommunityLabels::Set> CommunityLabels::Current() const {
  std::lock_guard lock(mu_);
  return busiest_;
}

bool CommunityLabels::HasOwnLabel(std::string_view community, bool listed) const {
  if (listed) return true;
  if (top_n_ == 0) return false;
  return Current()->contains(absl::string_view(community.data(), community.size()));
}

std::vector<std::string> CommunityLabels::Refresh(const std::vector<std::string>& busiest) {
  auto next = std::make_shared<Set>();
  for (const std::string& community : busiest) {
    if (next->size() >= top_n_) break;
    next->insert(community);
  }
  std::shared_ptr<const Set> previous;
  {
    std::lock_guard lock(mu_);
    previous = std::exchange(busiest_, std::move(next));
  }
  std::vector<std::string> lost;
  const std::shared_ptr<const Set> now = Current();
  for (const std::string& community : *previous) {
    if (!now->contains(community)) lost.push_back(community);
  }
  return lost;
}

}  // namespace moderation::server
