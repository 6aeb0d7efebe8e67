// Test helpers for the pulse: a sink that keeps every alert change, and a
// traffic player that feeds a pulse minute by minute on a ManualClock.
//
// Thread-safety: for one test thread.
#ifndef MODERATION_SERVER_PULSE_PULSE_TESTING_H_
#define MODERATION_SERVER_PULSE_PULSE_TESTING_H_

#include <algorithm>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/pulse/pulse.h"

namespace moderation::server::pulse::testing {

class RecordingSink final : public AlertSink {
 public:
  void OnAlert(const Alert& alert) override {
    std::lock_guard lock(mu_);
    changes_.push_back(alert);
  }
  std::vector<Alert> changes() const {
    std::lock_guard lock(mu_);
    return changes_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Alert> changes_;
};

// One minute of traffic in a community.
struct MinuteTraffic {
  int posts = 20;
  double hostile_share = 0.05;      // each post hostile with this chance
  std::string category = "insult";  // of hostile posts
  double new_account_share = 0.02;  // each post from a new account with this chance
  std::string thread_id;            // for every hostile post, if set
  int threads = 1;                  // > 1: hostile posts take turns in threads thread_id-0, -1, ...
  std::string target_author_id;     // for every hostile post, if set
  bool every_post = false;          // thread_id (threads) and target for civil posts too
  double copy_share = 0;            // each post copies another author's with this chance
};

inline MinuteTraffic Traffic(int posts, double hostile_share, std::string category = "insult",
                             double new_account_share = 0.02, std::string thread_id = "") {
  MinuteTraffic t;
  t.posts = posts;
  t.hostile_share = hostile_share;
  t.category = std::move(category);
  t.new_account_share = new_account_share;
  t.thread_id = std::move(thread_id);
  return t;
}

class Player {
 public:
  Player(Pulse* pulse, ManualClock* clock, std::string community, uint32_t seed = 7)
      : pulse_(pulse), clock_(clock), community_(std::move(community)), rng_(seed) {}

  // Plays `minutes` minutes of `traffic`, posts spread over each minute, and
  // ticks the pulse as the clock moves.
  void Play(int minutes, const MinuteTraffic& traffic) {
    Play(minutes, std::vector<MinuteTraffic>{traffic});
  }
  // The same with several streams at once (say, a busy thread and the
  // rest), their posts taking turns.
  void Play(int minutes, const std::vector<MinuteTraffic>& streams) {
    std::uniform_real_distribution<double> u(0, 1);
    int most = 0;
    for (const MinuteTraffic& s : streams) most = std::max(most, s.posts);
    std::vector<const MinuteTraffic*> order;  // each minute's posts, by stream
    for (int i = 0; i < most; ++i) {
      for (const MinuteTraffic& s : streams) {
        if (i < s.posts) order.push_back(&s);
      }
    }
    const int posts = static_cast<int>(order.size());
    for (int m = 0; m < minutes; ++m) {
      const absl::Time start = clock_->Now();
      for (int i = 0; i < posts; ++i) {
        const MinuteTraffic& traffic = *order[i];
        clock_->Set(start + absl::Seconds(60.0 * i / (posts + 1)));
        const std::string id = absl::StrCat("p", ++count_);
        const std::string author = absl::StrCat("a", static_cast<int>(u(rng_) * 400));
        PulseEvent e;
        e.community = community_;
        e.post_id = id;
        e.author_id = author;
        e.account_age_days = u(rng_) < traffic.new_account_share ? 1 : 400;
        e.copies_another = u(rng_) < traffic.copy_share;
        const bool hostile = u(rng_) < traffic.hostile_share;
        const std::string rule = "rule." + traffic.category;  // the event keeps views
        if (hostile) {
          e.outcome = Outcome::kFlag;
          e.category = traffic.category;
          e.rule_id = rule;
        }
        std::string thread;
        if (hostile || traffic.every_post) {
          thread = traffic.threads > 1 && !traffic.thread_id.empty()
                       ? absl::StrCat(traffic.thread_id, "-", in_threads_++ % traffic.threads)
                       : traffic.thread_id;
          e.thread_id = thread;
          e.target_author_id = traffic.target_author_id;
        }
        if (e.copies_another) copy_ids_.insert(id);
        if (*e.account_age_days == 1) new_account_ids_.insert(id);
        pulse_->Record(e);
      }
      clock_->Set(start + absl::Minutes(1));
      pulse_->Tick();
    }
  }

  // The ids of the posts played that copied another's, and of those from
  // new accounts.
  const std::set<std::string>& copy_ids() const { return copy_ids_; }
  const std::set<std::string>& new_account_ids() const { return new_account_ids_; }

 private:
  Pulse* pulse_;
  ManualClock* clock_;
  std::string community_;
  std::mt19937 rng_;
  int count_ = 0;
  int in_threads_ = 0;
  std::set<std::string> copy_ids_;
  std::set<std::string> new_account_ids_;
};

}  // namespace moderation::server::pulse::testing

#endif  // MODERATION_SERVER_PULSE_PULSE_TESTING_H_
