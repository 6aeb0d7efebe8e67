// SpaceSaving (topics.h) against the first implementation, kept here as the
// reference: an array of entries searched one by one for the term, then for
// the first free slot or the first smallest count. Random streams of Add
// (with weights), Decay, Merge and Clear must leave both in the same state,
// slot by slot.
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "server/pulse/topics.h"

namespace moderation::server::pulse {
namespace {

class ReferenceSpaceSaving {
 public:
  struct Entry {
    uint64_t hash = 0;
    std::string term;
    uint32_t count = 0;
    uint32_t error = 0;
  };
  void Add(uint64_t hash, std::string_view term, uint32_t weight = 1) {
    total_ += weight;
    Entry* empty = nullptr;
    Entry* smallest = nullptr;
    for (Entry& e : entries_) {
      if (e.hash == hash && e.count > 0) {
        e.count += weight;
        return;
      }
      if (e.count == 0) {
        if (empty == nullptr) empty = &e;
      } else if (smallest == nullptr || e.count < smallest->count) {
        smallest = &e;
      }
    }
    Entry& slot = empty != nullptr ? *empty : *smallest;
    slot.error = empty != nullptr ? 0 : slot.count;
    slot.count = slot.error + weight;
    slot.hash = hash;
    slot.term.assign(term.substr(0, kMaxTopicBytes));
  }
  uint32_t Count(uint64_t hash) const {
    for (const Entry& e : entries_) {
      if (e.hash == hash && e.count > 0) return e.count;
    }
    return 0;
  }
  void Decay() {
    total_ /= 2;
    for (Entry& e : entries_) {
      e.count /= 2;
      e.error /= 2;
      if (e.count == 0) {
        e.hash = 0;
        e.term.clear();
      }
    }
  }
  void Merge(const ReferenceSpaceSaving& other) {
    for (const Entry& e : other.entries_) {
      if (e.count > 0) Add(e.hash, e.term, e.count);
    }
  }
  void Clear() { *this = ReferenceSpaceSaving(); }
  std::array<Entry, kTopicSlots> entries_{};
  uint64_t total_ = 0;
};

void ExpectSame(const SpaceSaving& s, const ReferenceSpaceSaving& r, int step) {
  ASSERT_EQ(s.total(), r.total_) << "step " << step;
  for (int i = 0; i < kTopicSlots; ++i) {
    const ReferenceSpaceSaving::Entry& e = r.entries_[i];
    ASSERT_EQ(s.count(i), e.count) << "step " << step << " slot " << i;
    ASSERT_EQ(s.error(i), e.error) << "step " << step << " slot " << i;
    ASSERT_EQ(s.hash(i), e.hash) << "step " << step << " slot " << i;
    ASSERT_EQ(s.term(i), e.term) << "step " << step << " slot " << i;
  }
}

TEST(SpaceSavingTest, RandomStreamsLeaveTheSameSlotsAsTheReference) {
  std::mt19937_64 rng(9);
  for (int stream = 0; stream < 40; ++stream) {
    SpaceSaving s, other;
    ReferenceSpaceSaving r, other_r;
    // Few distinct terms (mostly hits) to many (mostly evictions); a
    // skewed choice so that some terms stay.
    const uint64_t vocabulary = 10 + rng() % 400;
    for (int step = 0; step < 3000; ++step) {
      const uint64_t op = rng() % 100;
      if (op < 90) {
        const uint64_t a = rng() % vocabulary;
        const uint64_t term_id = std::min(a, rng() % vocabulary);
        // Hash 0 and weight 0 too: the edge cases behave as before.
        const uint64_t hash = term_id == 0 ? 0 : term_id * 0x9E3779B97F4A7C15ULL;
        const std::string term = absl::StrCat("wort", term_id, term_id % 7 == 0 ? " paar" : "");
        const uint32_t weight = op < 2 ? 0 : op < 10 ? static_cast<uint32_t>(rng() % 50) : 1;
        s.Add(hash, term, weight);
        r.Add(hash, term, weight);
        other.Add(hash ^ 1, term, 1);
        other_r.Add(hash ^ 1, term, 1);
      } else if (op < 95) {
        s.Decay();
        r.Decay();
      } else if (op < 99) {
        s.Merge(other);
        r.Merge(other_r);
      } else {
        s.Clear();
        r.Clear();
      }
      ExpectSame(s, r, step);
      const uint64_t probe = (rng() % vocabulary) * 0x9E3779B97F4A7C15ULL;
      ASSERT_EQ(s.Count(probe), r.Count(probe)) << "step " << step;
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace moderation::server::pulse
