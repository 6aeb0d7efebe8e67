#include "engine/policy/conditions.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>

namespace moderation::policy {
namespace {

using rules::Condition;
using text::TextFeatures;

// A known author: 30 days old, trust level 2, one prior violation.
Author KnownAuthor() {
  Author a;
  a.id = "u1";
  a.account_age_days = 30;
  a.trust_level = 2;
  a.prior_violations = 1;
  return a;
}

// A post with 2 links, 1 mention, 20 letters of which 5 upper case, 40 code
// points and a longest run of 3.
TextFeatures SomeFeatures() {
  TextFeatures f;
  f.links = 2;
  f.mentions = 1;
  f.letters = 20;
  f.uppercase_letters = 5;
  f.code_points = 40;
  f.longest_repeat = 3;
  return f;
}

struct ConditionCase {
  const char* name;
  std::function<void(Condition&)> set;
  bool holds;  // for KnownAuthor() and SomeFeatures()
};

TEST(ConditionHoldsTest, EachFieldHoldsOrNotAgainstTheAuthorAndText) {
  const ConditionCase kCases[] = {
      {"age below, younger", [](Condition& c) { c.author_account_age_days_below = 31; }, true},
      {"age below, equal", [](Condition& c) { c.author_account_age_days_below = 30; }, false},
      {"age at least, equal", [](Condition& c) { c.author_account_age_days_at_least = 30; }, true},
      {"age at least, younger", [](Condition& c) { c.author_account_age_days_at_least = 31; },
       false},
      {"trust below, lower", [](Condition& c) { c.author_trust_level_below = 3; }, true},
      {"trust below, equal", [](Condition& c) { c.author_trust_level_below = 2; }, false},
      {"trust at least, equal", [](Condition& c) { c.author_trust_level_at_least = 2; }, true},
      {"trust at least, lower", [](Condition& c) { c.author_trust_level_at_least = 3; }, false},
      {"violations at least, equal", [](Condition& c) { c.author_prior_violations_at_least = 1; },
       true},
      {"violations at least, fewer", [](Condition& c) { c.author_prior_violations_at_least = 2; },
       false},
      {"links at least, equal", [](Condition& c) { c.links_at_least = 2; }, true},
      {"links at least, fewer", [](Condition& c) { c.links_at_least = 3; }, false},
      {"mentions at least, equal", [](Condition& c) { c.mentions_at_least = 1; }, true},
      {"mentions at least, fewer", [](Condition& c) { c.mentions_at_least = 2; }, false},
      {"length at least, equal", [](Condition& c) { c.length_at_least = 40; }, true},
      {"length at least, shorter", [](Condition& c) { c.length_at_least = 41; }, false},
      {"length below, shorter", [](Condition& c) { c.length_below = 41; }, true},
      {"length below, equal", [](Condition& c) { c.length_below = 40; }, false},
      {"repeat at least, equal", [](Condition& c) { c.repeated_chars_at_least = 3; }, true},
      {"repeat at least, shorter", [](Condition& c) { c.repeated_chars_at_least = 4; }, false},
      {"caps ratio, equal (5/20)", [](Condition& c) { c.caps_ratio_at_least = 0.25; }, true},
      {"caps ratio, higher bound", [](Condition& c) { c.caps_ratio_at_least = 0.3; }, false},
      {"caps ratio, enough letters (20 >= 20)",
       [](Condition& c) {
         c.caps_ratio_at_least = 0.25;
         c.caps_min_letters = 20;
       },
       true},
      {"caps ratio, too few letters (20 < 21)",
       [](Condition& c) {
         c.caps_ratio_at_least = 0.25;
         c.caps_min_letters = 21;
       },
       false},
      {"caps_min_letters alone is not a condition", [](Condition& c) { c.caps_min_letters = 1000; },
       true},
      {"AND: all hold",
       [](Condition& c) {
         c.author_account_age_days_below = 60;
         c.links_at_least = 2;
         c.mentions_at_least = 1;
       },
       true},
      {"AND: one fails",
       [](Condition& c) {
         c.author_account_age_days_below = 60;
         c.links_at_least = 2;
         c.mentions_at_least = 5;
       },
       false},
      {"AND: author fails, text holds",
       [](Condition& c) {
         c.author_trust_level_at_least = 4;
         c.links_at_least = 1;
       },
       false},
      {"empty condition", [](Condition&) {}, true},
  };
  for (const ConditionCase& tc : kCases) {
    Condition c;
    tc.set(c);
    EXPECT_EQ(ConditionHolds(c, KnownAuthor(), SomeFeatures()), tc.holds) << tc.name;
  }
}

TEST(ConditionHoldsTest, UnknownAuthorValuesNeverSatisfyABound) {
  const ConditionCase kBounds[] = {
      {"age below", [](Condition& c) { c.author_account_age_days_below = 1000000; }, false},
      {"age at least", [](Condition& c) { c.author_account_age_days_at_least = 0; }, false},
      {"trust below", [](Condition& c) { c.author_trust_level_below = 1000000; }, false},
      {"trust at least", [](Condition& c) { c.author_trust_level_at_least = 0; }, false},
      {"violations at least", [](Condition& c) { c.author_prior_violations_at_least = 0; }, false},
  };
  const Author unknown;  // the platform sent nothing
  for (const ConditionCase& tc : kBounds) {
    Condition c;
    tc.set(c);
    EXPECT_FALSE(ConditionHolds(c, unknown, SomeFeatures())) << tc.name;
    // The same bound holds for some known value, so the failure is about
    // the missing value, not the bound.
    Author known;
    known.account_age_days = 0;
    known.trust_level = 0;
    known.prior_violations = 0;
    EXPECT_TRUE(ConditionHolds(c, known, SomeFeatures())) << tc.name;
  }
}

TEST(ConditionHoldsTest, EmptyConditionHoldsEvenForUnknownAuthorAndEmptyText) {
  const Condition c;
  EXPECT_TRUE(c.empty());
  EXPECT_TRUE(ConditionHolds(c, Author{}, TextFeatures{}));
}

TEST(ConditionHoldsTest, ShoutingNeedsEnoughLetters) {
  Condition shouting;
  shouting.caps_ratio_at_least = 0.7;  // caps_min_letters stays at its default, 12
  struct {
    const char* name;
    int letters;
    int uppercase;
    bool holds;
  } const kCases[] = {
      {"\"OK\": all caps but two letters", 2, 2, false},
      {"eleven capitals", 11, 11, false},
      {"twelve capitals", 12, 12, true},
      {"long and mostly caps", 100, 70, true},
      {"long and mostly lower case", 100, 69, false},
      {"no letters at all", 0, 0, false},
  };
  for (const auto& tc : kCases) {
    TextFeatures f;
    f.letters = tc.letters;
    f.uppercase_letters = tc.uppercase;
    EXPECT_EQ(ConditionHolds(shouting, KnownAuthor(), f), tc.holds) << tc.name;
  }
}

}  // namespace
}  // namespace moderation::policy

namespace moderation::policy {
namespace {

TEST(ConditionHoldsTest, MultiPostingCountsAreComparedAsPassedIn) {
  Activity third_copy;
  third_copy.duplicates_recent = 3;
  third_copy.author_duplicates_recent = 1;
  third_copy.author_posts_last_minute = 10;
  const ConditionCase kCases[] = {
      {"duplicates, equal", [](Condition& c) { c.duplicates_recent_at_least = 3; }, true},
      {"duplicates, fewer", [](Condition& c) { c.duplicates_recent_at_least = 4; }, false},
      {"author duplicates, fewer", [](Condition& c) { c.author_duplicates_recent_at_least = 2; },
       false},
      {"posts last minute, equal", [](Condition& c) { c.author_posts_last_minute_at_least = 10; },
       true},
      {"posts last minute, fewer", [](Condition& c) { c.author_posts_last_minute_at_least = 11; },
       false},
      {"AND with the author",
       [](Condition& c) {
         c.duplicates_recent_at_least = 2;
         c.author_account_age_days_below = 7;
       },
       false},
  };
  for (const ConditionCase& tc : kCases) {
    Condition c;
    tc.set(c);
    EXPECT_FALSE(c.empty()) << tc.name;
    EXPECT_EQ(ConditionHolds(c, KnownAuthor(), SomeFeatures(), third_copy), tc.holds) << tc.name;
  }
}

TEST(ConditionHoldsTest, MultiPostingBoundsNeverHoldWithoutCounts) {
  // modctl, or moderationd with --pulse=false: nobody counted.
  Condition c;
  c.duplicates_recent_at_least = 2;
  EXPECT_FALSE(ConditionHolds(c, KnownAuthor(), SomeFeatures(), Activity{}));
  c = Condition();
  c.author_posts_last_minute_at_least = 2;
  EXPECT_FALSE(ConditionHolds(c, KnownAuthor(), SomeFeatures()));
}

}  // namespace
}  // namespace moderation::policy
