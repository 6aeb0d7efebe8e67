// Sums of buckets over a span of a ring: what a window or a detection
// window saw in all.
//
// Thread-safety: a plain value.
#ifndef MODERATION_SERVER_PULSE_TOTALS_H_
#define MODERATION_SERVER_PULSE_TOTALS_H_

#include <array>
#include <cstdint>
#include <map>
#include <utility>

#include "server/pulse/bucket.h"

namespace moderation::server::pulse {

struct Totals {
  uint64_t posts = 0;
  uint64_t flagged = 0;
  uint64_t blocked = 0;
  uint64_t new_accounts = 0;
  uint64_t copies = 0;
  AuthorSketch authors;
  // (category id, outcome) -> hostile posts; id 1 ("other") collects the
  // overflow of full buckets.
  std::map<std::pair<uint16_t, Outcome>, uint64_t> hostile;
  std::map<uint16_t, uint64_t> shadow;  // rule id -> hits; 1 = "other"

  uint64_t Hostile() const { return flagged + blocked; }
  uint64_t HostileIn(uint16_t category) const {
    uint64_t n = 0;
    for (Outcome o : {Outcome::kFlag, Outcome::kBlock}) {
      if (auto it = hostile.find({category, o}); it != hostile.end()) n += it->second;
    }
    return n;
  }

  void Add(const Bucket& b) {
    posts += b.posts;
    flagged += b.flagged;
    blocked += b.blocked;
    new_accounts += b.new_accounts;
    copies += b.copies;
    authors.Merge(b.authors);
    for (const CategoryCount& c : b.categories) {
      if (c.category != 0) hostile[{c.category, c.outcome}] += c.count;
    }
    if (b.other_category_flagged > 0) hostile[{1, Outcome::kFlag}] += b.other_category_flagged;
    if (b.other_category_blocked > 0) hostile[{1, Outcome::kBlock}] += b.other_category_blocked;
    for (const RuleCount& r : b.shadow) {
      if (r.rule != 0) shadow[r.rule] += r.count;
    }
    if (b.shadow_other > 0) shadow[1] += b.shadow_other;
  }

  // Sums the buckets of `ring` for periods [first_epoch, last_epoch].
  template <typename RingT>
  static Totals Over(const RingT& ring, uint32_t first_epoch, uint32_t last_epoch) {
    Totals t;
    for (uint32_t e = first_epoch; e <= last_epoch; ++e) {
      if (const Bucket* b = ring.Find(e)) t.Add(*b);
    }
    return t;
  }
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_TOTALS_H_
