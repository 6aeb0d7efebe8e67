// Small integer ids for category names and rule ids, bounded.
//
// Why: buckets (bucket.h) store categories and rules as one- or two-byte ids
// so that a bucket has a fixed size. The names come from rule files, which
// moderators control, but a bound still keeps a runaway rule set (or a bug)
// from growing the table: after `capacity` names, every new name gets
// kOtherId and reads back as "other".
//
//   Interner categories(254);
//   uint16_t id = categories.Intern("insult");   // 2, 3, ... ; stable for the process
//   std::string name = categories.Name(id);      // "insult"
//
// Id 0 is "no name" (an empty string interns to 0), id 1 is "other".
//
// Thread-safety: all methods may be called concurrently. Intern of a known
// name takes a reader lock only.
#ifndef MODERATION_SERVER_PULSE_INTERNER_H_
#define MODERATION_SERVER_PULSE_INTERNER_H_

#include <cstdint>
#include <deque>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace moderation::server::pulse {

class Interner {
 public:
  static constexpr uint16_t kNoneId = 0;
  static constexpr uint16_t kOtherId = 1;

  // capacity: most distinct names (besides "" and "other"); at most 65533.
  explicit Interner(size_t capacity);

  uint16_t Intern(std::string_view name);
  // "" for kNoneId, "other" for kOtherId and unknown ids.
  std::string Name(uint16_t id) const;

 private:
  const size_t capacity_;
  mutable std::shared_mutex mu_;
  // names_[id]; a deque so the views in ids_ stay valid as it grows.
  std::deque<std::string> names_;                        // guarded by mu_
  absl::flat_hash_map<std::string_view, uint16_t> ids_;  // guarded by mu_
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_INTERNER_H_
