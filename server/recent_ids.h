// The post ids a stream has seen lately, to refuse duplicates.
//
// Why: ModerateStream answers are matched to posts by post_id, so an id sent
// twice makes two answers the client cannot tell apart (a retry bug, or two
// posts sharing an id). The stream refuses the second one with an error
// answer. Memory must stay bounded however long a stream lives, so only the
// last `capacity` ids are remembered, as 64-bit hashes (a false duplicate
// needs a hash collision among them: about capacity / 2^64).
//
//   RecentIds seen(4096);
//   if (!seen.Insert(post_id)) { /* duplicate within the window */ }
//
// Thread-safety: none; a stream judges its messages one at a time.
#ifndef MODERATION_SERVER_RECENT_IDS_H_
#define MODERATION_SERVER_RECENT_IDS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string_view>
#include <unordered_set>

namespace moderation::server {

class RecentIds {
 public:
  explicit RecentIds(size_t capacity) : capacity_(capacity) {}

  // Remembers id; false (and no change) if it is among the last `capacity`.
  bool Insert(std::string_view id) {
    const uint64_t hash = std::hash<std::string_view>{}(id);
    if (!set_.insert(hash).second) return false;
    order_.push_back(hash);
    if (order_.size() > capacity_) {
      set_.erase(order_.front());
      order_.pop_front();
    }
    return true;
  }

  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  std::deque<uint64_t> order_;  // oldest first
  std::unordered_set<uint64_t> set_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_RECENT_IDS_H_
