// Which communities get a label of their own in the per-community metrics
// (moderation_decisions_total, moderation_community_rule_hits_total).
//
// Why: issue 12 asks for bounded cardinality, "top N communities by volume,
// then other". A community of communities.yaml always keeps its label (an
// operator named it); of the others, the N busiest of the last hour (by the
// pulse, refreshed by its ticker) get one too; the rest count as "default",
// the sets that judge them. A community that drops out of the N loses its
// series (Metrics::ForgetCommunity), so the scrape stays bounded; should it
// come back, its counters start again from 0, which Prometheus' rate()
// takes as a counter reset.
//
//   CommunityLabels labels(20);
//   labels.Refresh({"forum-a", "forum-b"});       // from Pulse::List(kVolume)
//   labels.HasOwnLabel("forum-a", /*listed=*/false);  // true
//
// Thread-safety: all methods may be called concurrently; HasOwnLabel takes
// a shared lock (no copy per post), Refresh the exclusive one.
#ifndef MODERATION_SERVER_COMMUNITY_LABELS_H_
#define MODERATION_SERVER_COMMUNITY_LABELS_H_

#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace moderation::server {

class CommunityLabels {
 public:
  // top_n: how many unlisted communities may have a label of their own
  // (0: none, only those of communities.yaml).
  explicit CommunityLabels(size_t top_n) : top_n_(top_n) {}

  // Whether a post's community is counted under its own name: listed in
  // communities.yaml, or among the busiest of the last Refresh.
  bool HasOwnLabel(std::string_view community, bool listed) const;

  // Replaces the busiest unlisted communities with the first top_n() of
  // `busiest` (most posts first). Returns the communities that lost their
  // label, for the caller to forget their series.
  std::vector<std::string> Refresh(const std::vector<std::string>& busiest);

  size_t top_n() const { return top_n_; }

 private:
  using Set = absl::flat_hash_set<std::string>;

  const size_t top_n_;
  mutable std::shared_mutex mu_;
  Set busiest_;  // guarded by mu_
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_COMMUNITY_LABELS_H_
