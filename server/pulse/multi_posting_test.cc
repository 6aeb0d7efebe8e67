#include "server/pulse/multi_posting.h"

#include <gtest/gtest.h>

#include <memory>

#include "server/pulse/pulse.h"

namespace moderation::server::pulse {
namespace {

constexpr int64_t kT0 = 1'800'000'000;  // some Unix second
constexpr int kWindow = 600;
constexpr uint64_t kText = 0x0123456789ABCDEFULL;
constexpr uint64_t kEditedText = kText ^ 0x0000000000000107ULL;  // 4 bits apart
constexpr uint64_t kOtherText = ~kText;

TEST(MultiPostingTest, TheThirdCopyByDifferentAuthorsCountsThree) {
  auto t = std::make_unique<MultiPostingTracker>();
  EXPECT_EQ(t->Observe(kT0, 11, kText, kWindow).duplicates, 1);
  MultiPostingCounts second = t->Observe(kT0 + 5, 22, kEditedText, kWindow);
  EXPECT_EQ(second.duplicates, 2);
  EXPECT_EQ(second.author_duplicates, 1);
  EXPECT_TRUE(second.CopiesAnother());
  EXPECT_EQ(t->Observe(kT0 + 9, 33, kOtherText, kWindow).duplicates, 1);
  EXPECT_EQ(t->Observe(kT0 + 10, 44, kText, kWindow).duplicates, 3);
}

TEST(MultiPostingTest, RepeatsByOneAuthorAreCountedApart) {
  auto t = std::make_unique<MultiPostingTracker>();
  t->Observe(kT0, 11, kText, kWindow);
  t->Observe(kT0 + 1, 11, kText, kWindow);
  MultiPostingCounts third = t->Observe(kT0 + 2, 11, kText, kWindow);
  EXPECT_EQ(third.duplicates, 3);
  EXPECT_EQ(third.author_duplicates, 3);
  EXPECT_FALSE(third.CopiesAnother());
}

TEST(MultiPostingTest, CopiesOlderThanTheWindowNoLongerCount) {
  auto t = std::make_unique<MultiPostingTracker>();
  t->Observe(kT0, 11, kText, kWindow);
  t->Observe(kT0 + 300, 22, kText, kWindow);
  EXPECT_EQ(t->Observe(kT0 + kWindow + 1, 33, kText, kWindow).duplicates, 2);
}

TEST(MultiPostingTest, TextsTooShortForAFingerprintAreNeverCopies) {
  auto t = std::make_unique<MultiPostingTracker>();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(t->Observe(kT0 + i, 10 + i, 0, kWindow).duplicates, 1);
}

TEST(MultiPostingTest, PostsPerAuthorCountTheLastMinuteInTenSecondSteps) {
  auto t = std::make_unique<MultiPostingTracker>();
  int last = 0;
  for (int i = 0; i < 12; ++i)
    last = t->Observe(kT0 + 4 * i, 7, 0, kWindow).author_posts_last_minute;
  EXPECT_EQ(last, 12);  // 12 posts within 44 s
  EXPECT_EQ(t->Observe(kT0 + 44, 8, 0, kWindow).author_posts_last_minute, 1);  // someone else
  // Two minutes later the old steps have run out.
  EXPECT_EQ(t->Observe(kT0 + 170, 7, 0, kWindow).author_posts_last_minute, 1);
}

TEST(MultiPostingTest, MemoryIsBoundedWhateverTheTraffic) {
  auto t = std::make_unique<MultiPostingTracker>();
  // 100,000 distinct authors and texts: the tables keep their size, and the
  // newest posts are still found.
  for (int i = 0; i < 100000; ++i) {
    t->Observe(kT0 + i / 100, 1000 + i, 0x9E3779B97F4A7C15ULL * (i + 1), kWindow);
  }
  EXPECT_LE(sizeof(MultiPostingTracker), 14 * 1024u);
  EXPECT_EQ(t->Observe(kT0 + 1000, 5, 0x9E3779B97F4A7C15ULL * 100000, kWindow).duplicates, 2);
  EXPECT_EQ(t->Observe(kT0 + 1000, 99999 + 1000, 0, kWindow).author_posts_last_minute, 2);
}

TEST(MultiPostingTest, ThePulseCountsPerCommunityAndOnItsClock) {
  ManualClock clock(absl::FromUnixSeconds(kT0));
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  EXPECT_EQ(pulse.ObserveActivity("a", "u1", kText, std::nullopt).duplicates_recent, 1);
  EXPECT_EQ(pulse.ObserveActivity("b", "u2", kText, std::nullopt).duplicates_recent, 1);
  Activity a = pulse.ObserveActivity("a", "u3", kText, std::nullopt);
  EXPECT_EQ(a.duplicates_recent, 2);
  EXPECT_EQ(a.author_duplicates_recent, 1);
  EXPECT_EQ(a.author_posts_last_minute, 1);
  // No author id: no author counts (a condition on them never holds).
  Activity anonymous = pulse.ObserveActivity("a", "", kText, std::nullopt);
  EXPECT_EQ(anonymous.duplicates_recent, 3);
  EXPECT_FALSE(anonymous.author_posts_last_minute.has_value());
  clock.Set(absl::FromUnixSeconds(kT0) + absl::Minutes(11));
  EXPECT_EQ(pulse.ObserveActivity("a", "u4", kText, std::nullopt).duplicates_recent, 1);
}

}  // namespace
}  // namespace moderation::server::pulse
