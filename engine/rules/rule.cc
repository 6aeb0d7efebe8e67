#include "engine/rules/rule.h"

namespace moderation::rules {

const char* MatchModeName(MatchMode m) {
  switch (m) {
    case MatchMode::kWord:
      return "word";
    case MatchMode::kPrefix:
      return "prefix";
    case MatchMode::kSuffix:
      return "suffix";
    case MatchMode::kCompound:
      return "compound";
    case MatchMode::kSubstring:
      return "substring";
    case MatchMode::kInflected:
      return "inflected";
  }
  return "unknown";
}

const char* ActionName(Action a) {
  switch (a) {
    case Action::kScore:
      return "score";
    case Action::kFlag:
      return "flag";
    case Action::kBlock:
      return "block";
  }
  return "unknown";
}

// caps_min_letters only qualifies caps_ratio_at_least, so it is no test of
// its own.
bool Condition::empty() const {
  return !author_account_age_days_below && !author_account_age_days_at_least &&
         !author_trust_level_below && !author_trust_level_at_least &&
         !author_prior_violations_at_least && !links_at_least && !mentions_at_least &&
         !caps_ratio_at_least && !length_at_least && !length_below && !repeated_chars_at_least &&
         !duplicates_recent_at_least && !author_duplicates_recent_at_least &&
         !author_posts_last_minute_at_least;
}

}  // namespace moderation::rules
