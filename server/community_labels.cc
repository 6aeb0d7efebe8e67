#include "server/community_labels.h"

#include <mutex>
#include <utility>

#include "absl/strings/string_view.h"

namespace moderation::server {

bool CommunityLabels::HasOwnLabel(std::string_view community, bool listed) const {
  if (listed) return true;
  if (top_n_ == 0) return false;
  std::shared_lock lock(mu_);
  return busiest_.contains(absl::string_view(community.data(), community.size()));
}

std::vector<std::string> CommunityLabels::Refresh(const std::vector<std::string>& busiest) {
  Set next;
  for (const std::string& community : busiest) {
    if (next.size() >= top_n_) break;
    next.insert(community);
  }
  std::vector<std::string> lost;
  std::unique_lock lock(mu_);
  for (const std::string& community : busiest_) {
    if (!next.contains(community)) lost.push_back(community);
  }
  busiest_ = std::move(next);
  return lost;
}

}  // namespace moderation::server
