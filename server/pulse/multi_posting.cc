#include "server/pulse/multi_posting.h"

#include <algorithm>
#include <utility>

#include "server/pulse/near_scan.h"

namespace moderation::server::pulse {
namespace {

constexpr int kProbe = 4;  // rate slots an author may take, from its hash on

// Author ids as the tables keep them: 32 bits, never 0 (0 = none).
uint32_t ShortAuthor(uint64_t hash) {
  if (hash == 0) return 0;
  const auto folded = static_cast<uint32_t>(hash ^ (hash >> 32));
  return folded != 0 ? folded : 1;
}

}  // namespace

int MultiPostingTracker::CountRate(uint32_t author, uint32_t step) {
  const uint32_t home = author % kAuthorSlots;
  AuthorRate* slot = nullptr;
  AuthorRate* stalest = nullptr;
  for (int i = 0; i < kProbe; ++i) {
    AuthorRate& r = rates_[(home + i) % kAuthorSlots];
    if (r.author == author) {
      slot = &r;
      break;
    }
    if (stalest == nullptr || r.step < stalest->step) stalest = &r;
  }
  if (slot == nullptr) {
    slot = stalest;
    *slot = AuthorRate();
    slot->author = author;
    slot->step = step;
  }
  if (step > slot->step) {
    // Steps that passed without posts start from zero.
    for (uint32_t s = slot->step + 1; s <= step && s <= slot->step + kRateSteps; ++s)
      slot->counts[s % kRateSteps] = 0;
    slot->step = step;
  }
  // A post older than the newest step (replays out of order) counts in the
  // step it belongs to, if that is still within the minute.
  if (step + kRateSteps > slot->step) {
    uint16_t& c = slot->counts[step % kRateSteps];
    if (c < UINT16_MAX) ++c;
  }
  int total = 0;
  for (uint16_t c : slot->counts) total += c;
  return std::max(total, 1);
}

MultiPostingCounts MultiPostingTracker::Observe(int64_t unix_seconds, uint64_t author_hash,
                                                uint64_t fingerprint, int window_seconds) {
  MultiPostingCounts counts;
  const uint32_t now = static_cast<uint32_t>(std::max<int64_t>(unix_seconds, 0));
  const uint32_t author = ShortAuthor(author_hash);
  if (author != 0) counts.author_posts_last_minute = CountRate(author, now / kRateStepSeconds);
  if (fingerprint == 0) return counts;
  const uint32_t oldest = now > static_cast<uint32_t>(window_seconds) ? now - window_seconds : 0;
  const NearCounts near = CountNear({fingerprints_.data(), authors_.data(), seconds_.data(),
                                     filled_, fingerprint, author, oldest});
  counts.duplicates += near.copies;
  counts.author_duplicates += near.own;
  fingerprints_[next_] = fingerprint;
  authors_[next_] = author;
  seconds_[next_] = now;
  next_ = (next_ + 1) % kRecentPosts;
  filled_ = std::min<uint32_t>(filled_ + 1, kRecentPosts);
  return counts;
}

}  // namespace moderation::server::pulse
