// One time bucket of a community's pulse: what happened in one minute,
// quarter hour or hour.
//
// Why: the pulse keeps three rings of these per community (windows.h). A
// bucket is a fixed-size value with no heap memory, so a community's memory
// is known in advance (sizeof(Bucket) * 324 plus the baseline) and updating
// it is a handful of increments.
//
// What a bucket counts:
//   posts, flagged, blocked (allowed = posts - flagged - blocked);
//   hostile (FLAG or BLOCK) posts per category, where a post's category is
//     the category of its strongest enforced hit: up to kCategorySlots
//     categories per bucket, the rest under "other";
//   shadow hits per rule: up to kShadowSlots rules per bucket, the rest in
//     shadow_other;
//   new accounts (posts whose author's account is younger than the pulse's
//     new_account_days);
//   copies (posts that are near-duplicates of another author's recent
//     post, multi_posting.h);
//   distinct authors: a HyperLogLog sketch of 64 four-bit registers (32
//     bytes; about 13 % standard error, exact-ish below ~100 authors where
//     it switches to linear counting). Sketches of several buckets merge by
//     taking register maxima, so a window's distinct authors are not the
//     sum of its buckets'.
//
// Category and rule ids are small integers handed out by the pulse's
// Interner (interner.h); 0 marks an empty slot.
//
// Thread-safety: a plain value; the pulse guards it with its shard lock.
#ifndef MODERATION_SERVER_PULSE_BUCKET_H_
#define MODERATION_SERVER_PULSE_BUCKET_H_

#include <array>
#include <cstdint>

namespace moderation::server::pulse {

inline constexpr int kCategorySlots = 6;
inline constexpr int kShadowSlots = 4;
inline constexpr int kHllRegisters = 64;

// Verdict as the pulse stores it (engine's Verdict order).
enum class Outcome : uint8_t { kAllow = 0, kFlag = 1, kBlock = 2 };

// A distinct-count sketch (HyperLogLog, 64 registers of 4 bits).
class AuthorSketch {
 public:
  void Add(uint64_t hash);
  void Merge(const AuthorSketch& other);
  double Estimate() const;
  void Clear() { registers_.fill(0); }

 private:
  uint8_t Get(int i) const { return (registers_[i / 2] >> ((i % 2) * 4)) & 0xF; }
  std::array<uint8_t, kHllRegisters / 2> registers_{};
};

struct CategoryCount {
  uint8_t category = 0;  // interned id; 0 = empty slot
  Outcome outcome = Outcome::kAllow;
  uint32_t count = 0;
};

struct RuleCount {
  uint16_t rule = 0;  // interned id; 0 = empty slot
  uint32_t count = 0;
};

struct Bucket {
  // Which period this bucket holds: the period's index since the Unix epoch
  // plus one (minutes, quarters or hours), 0 = never used. A ring slot whose
  // epoch is not the one asked for holds an older period and counts as empty.
  uint32_t epoch = 0;
  uint32_t posts = 0;
  uint32_t flagged = 0;
  uint32_t blocked = 0;
  uint32_t new_accounts = 0;
  uint32_t copies = 0;  // near-duplicates of another author's recent post
  std::array<CategoryCount, kCategorySlots> categories{};
  uint32_t other_category_flagged = 0;
  uint32_t other_category_blocked = 0;
  std::array<RuleCount, kShadowSlots> shadow{};
  uint32_t shadow_other = 0;
  AuthorSketch authors;

  // Empties the bucket and gives it to `new_epoch`.
  void Reset(uint32_t new_epoch) {
    *this = Bucket();
    epoch = new_epoch;
  }
  // One hostile post of a category (category 0 = none given).
  void AddHostile(uint8_t category, Outcome outcome);
  void AddShadowHit(uint16_t rule);
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_BUCKET_H_
