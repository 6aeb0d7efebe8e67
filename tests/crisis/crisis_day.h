// The scripted crisis (issue 12 §5): a realistic day of posts for three
// communities, with a pile-on, a raid and a slow rise of hate, to play
// through the real moderationd at accelerated time (--pulse_clock=post_time).
//
// Why: the pulse's alerts must be tested against traffic that looks like a
// day, not like a step function: a daily rhythm (quietest at 04:00, busiest
// at 16:00, from 35 % to 100 % of a community's peak rate), varied civil
// posts (no two alike, so they are not near-duplicates) spread over ten
// threads an hour, 3 % insults, 2 % new accounts. With `events` the day also has, in simulated UTC
// time:
//   10:00-10:20 news-de: a pile-on, 4 insults a minute from different
//               authors in thread "t-wahl" against author "u-kandidatin";
//   14:00-14:15 lokal-de: a raid, 15 posts a minute from new accounts, each
//               a lightly edited copy of one call to action;
//   17:00-18:30 sport-de: a slow rise of hate after a derby: the share of
//               hateful posts grows from 0 to 35 % over an hour, stays half
//               an hour, and stops at 18:30.
// With derby_thread_share, that share of sport-de's posts from 16:00 to
// 18:30, civil, insulting and hateful alike, goes to the match's thread
// "t-derby": one thread carries most of the rise (a pile-on test must not
// take it for one).
// The same seed gives the same day. Judged by tests/crisis/rules/.
//
//   CrisisDay day({.start = kMonday, .events = true});
//   for (int m = 0; m < day.minutes(); ++m) {
//     std::vector<v1::ModerateRequest> posts = day.Minute(m);  // sorted by created_at
//     ...send them...
//   }
//
// Thread-safety: one thread per CrisisDay.
#ifndef MODERATION_TESTS_CRISIS_CRISIS_DAY_H_
#define MODERATION_TESTS_CRISIS_CRISIS_DAY_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "moderation/v1/moderation.pb.h"

namespace moderation::testing {

// Monday 2026-11-30 00:00 UTC.
inline constexpr int64_t kCrisisMonday = 1795996800;

// When the events begin and end, in minutes after the day's start.
struct CrisisSchedule {
  static constexpr int kPileOnStart = 10 * 60;
  static constexpr int kPileOnEnd = 10 * 60 + 20;
  static constexpr int kRaidStart = 14 * 60;
  static constexpr int kRaidEnd = 14 * 60 + 15;
  static constexpr int kDerbyStart = 16 * 60;
  static constexpr int kHateStart = 17 * 60;
  static constexpr int kHatePeak = 18 * 60;
  static constexpr int kHateEnd = 18 * 60 + 30;
};

struct CrisisOptions {
  absl::Time start = absl::FromUnixSeconds(kCrisisMonday);
  int minutes = 24 * 60;
  bool events = true;
  // Peak posts per minute of news-de, sport-de and lokal-de.
  // At 35 % of these at night, a 10-minute window still holds 70 to 100
  // posts: fewer, and a few insults by chance can open a share alert
  // (binomial z-scores overstate tiny counts; DetectorOptions::min_posts).
  int news_peak = 30;
  int sport_peak = 24;
  int lokal_peak = 20;
  // The share of sport-de's posts in thread "t-derby" from 16:00 to 18:30
  // (with events). Default 0: the day's other draws stay as they were.
  double derby_thread_share = 0;
  uint32_t seed = 20261130;
};

class CrisisDay {
 public:
  explicit CrisisDay(CrisisOptions options);

  int minutes() const { return options_.minutes; }
  // The posts of minute `m` (0-based) of all communities, oldest first.
  std::vector<v1::ModerateRequest> Minute(int m);

 private:
  struct Community {
    std::string name;
    int peak;
    std::vector<std::string> topics;
  };
  void AddPost(const Community& c, int m, std::vector<v1::ModerateRequest>* out,
               const std::string& body, const std::string& author, int account_age_days,
               const std::string& thread = "", const std::string& target = "");
  std::string CivilText(const Community& c);
  std::string InsultText();
  std::string HateText();
  std::string RaidText();
  int PostsThisMinute(const Community& c, int m);
  double Rhythm(int m) const;
  std::string RegularAuthor(const Community& c);

  const CrisisOptions options_;
  std::mt19937 rng_;
  std::vector<Community> communities_;
  int next_post_ = 0;
  int next_raider_ = 0;
};

}  // namespace moderation::testing

#endif  // MODERATION_TESTS_CRISIS_CRISIS_DAY_H_
