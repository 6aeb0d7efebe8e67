// Multi-posting and floods in one community (issue 12 §1): how many recent
// posts are near-duplicates of a new one, and how many posts its author
// sent in the last minute.
//
// Why: the netiquette forbids copy-paste and repeated posts, and raids post
// one text from many accounts. The engine's rules decide what to do
// (`duplicates_recent_at_least`, `author_posts_last_minute_at_least`); this
// keeps the memory they need, and the pulse's raid test counts the copies.
//
// Memory is fixed (about 13 KB): the fingerprints (engine/text/
// near_duplicate.h) of the last kRecentPosts posts long enough to have one,
// and posting rates of up to kAuthorSlots authors. A busy community's
// duplicate window is therefore the shorter of `window` and its last 512
// fingerprinted posts; an author pushed out of the rate table by newer
// authors starts again from zero.
//
//   MultiPostingTracker t;
//   MultiPostingCounts c = t.Observe(now_seconds, author_hash, fingerprint, 600);
//   if (c.duplicates >= 3) ...   // this post is the third copy
//
// Thread-safety: none; the pulse holds the community's shard lock.
#ifndef MODERATION_SERVER_PULSE_MULTI_POSTING_H_
#define MODERATION_SERVER_PULSE_MULTI_POSTING_H_

#include <array>
#include <cstdint>

namespace moderation::server::pulse {

struct MultiPostingCounts {
  int duplicates = 1;         // near-duplicates in the window, this post included
  int author_duplicates = 1;  // of them, by the same author
  int author_posts_last_minute = 1;
  // A near-duplicate of a recent post by someone else (a copy, for raids).
  bool CopiesAnother() const { return duplicates > author_duplicates; }
};

class MultiPostingTracker {
 public:
  static constexpr int kRecentPosts = 512;
  static constexpr int kAuthorSlots = 256;
  static constexpr int kRateSteps = 6;  // of kRateStepSeconds each: one minute
  static constexpr int kRateStepSeconds = 10;

  // Counts the post, then remembers it. `fingerprint` 0 (too short) is
  // compared with nothing and not kept; author_hash 0 (no author id) shares
  // no author counts with anyone.
  MultiPostingCounts Observe(int64_t unix_seconds, uint64_t author_hash, uint64_t fingerprint,
                             int window_seconds);

 private:
  struct AuthorRate {
    uint32_t author = 0;  // 0 = free slot
    uint32_t step = 0;    // the newest 10-second step counted
    std::array<uint16_t, kRateSteps> counts{};
  };
  int CountRate(uint32_t author, uint32_t step);

  std::array<uint64_t, kRecentPosts> fingerprints_{};
  std::array<uint32_t, kRecentPosts> authors_{};
  std::array<uint32_t, kRecentPosts> seconds_{};
  uint32_t next_ = 0;
  uint32_t filled_ = 0;
  std::array<AuthorRate, kAuthorSlots> rates_{};
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_MULTI_POSTING_H_
