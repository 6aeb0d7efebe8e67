#include "engine/policy/conditions.h"

#include <optional>

namespace moderation::policy {
namespace {

// Each check passes when its bound is unset; an unknown value fails a set bound.
bool Below(const std::optional<int>& bound, const std::optional<int>& value) {
  return !bound || (value && *value < *bound);
}
bool AtLeast(const std::optional<int>& bound, const std::optional<int>& value) {
  return !bound || (value && *value >= *bound);
}

bool AuthorHolds(const rules::Condition& c, const Author& a) {
  return Below(c.author_account_age_days_below, a.account_age_days) &&
         AtLeast(c.author_account_age_days_at_least, a.account_age_days) &&
         Below(c.author_trust_level_below, a.trust_level) &&
         AtLeast(c.author_trust_level_at_least, a.trust_level) &&
         AtLeast(c.author_prior_violations_at_least, a.prior_violations);
}

bool ShoutingHolds(const rules::Condition& c, const text::TextFeatures& f) {
  if (!c.caps_ratio_at_least) return true;
  return f.letters >= c.caps_min_letters && f.CapsRatio() >= *c.caps_ratio_at_least;
}

bool TextHolds(const rules::Condition& c, const text::TextFeatures& f) {
  return AtLeast(c.links_at_least, f.links) && AtLeast(c.mentions_at_least, f.mentions) &&
         AtLeast(c.length_at_least, f.code_points) && Below(c.length_below, f.code_points) &&
         AtLeast(c.repeated_chars_at_least, f.longest_repeat) && ShoutingHolds(c, f);
}

bool ActivityHolds(const rules::Condition& c, const Activity& a) {
  return AtLeast(c.duplicates_recent_at_least, a.duplicates_recent) &&
         AtLeast(c.author_duplicates_recent_at_least, a.author_duplicates_recent) &&
         AtLeast(c.author_posts_last_minute_at_least, a.author_posts_last_minute);
}

}  // namespace

bool ConditionHolds(const rules::Condition& condition, const Author& author,
                    const text::TextFeatures& features, const Activity& activity) {
  return AuthorHolds(condition, author) && TextHolds(condition, features) &&
         ActivityHolds(condition, activity);
}

}  // namespace moderation::policy
