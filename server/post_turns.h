// Request order for what a batch's posts do to shared state, while the
// posts themselves are judged in parallel.
//
// Why: judging a post reads and changes the pulse. Its multi-posting counts
// (a rule condition such as `duplicates_recent_at_least: 3`) depend on the
// posts observed before it, and its pulse record, audit record and
// decision-log record land in lists whose order readers see. Judged one
// after another, a batch's posts did all that in request order. Judged by
// several threads, post 5 might be observed before post 4 and get other
// counts, so another post of the same batch would be flagged. These turns
// keep the old order: post k observes only after post k-1 has, and records
// only after post k-1 has, while everything else (normalising, scanning,
// conditions, the answer) overlaps.
//
//   PostTurns turns;                     // one per batch
//   PostTurn turn(&turns, k);            // one per post, on its thread
//   { auto t = turn.Observe(); ... }     // inside Evaluate, via the source
//   { auto t = turn.Record(); ... }      // pulse record, audit, decision log
//   // ~PostTurn passes the turns a failed post did not take.
//
// No deadlock: a thread waits only for a smaller index, and every post that
// was handed out is being judged by a running thread (threads take posts in
// index order and finish each before taking the next), so the smallest
// unfinished post never waits.
//
// Thread-safety: a PostTurns is shared by the batch's threads; a PostTurn
// belongs to the thread judging its post.
#ifndef MODERATION_SERVER_POST_TURNS_H_
#define MODERATION_SERVER_POST_TURNS_H_

#include <atomic>

namespace moderation::server {

// Lets index k through after indices 0..k-1 have been through.
class Turnstile {
 public:
  void Wait(int index) {
    for (int next = next_.load(); next != index; next = next_.load()) next_.wait(next);
  }
  void Pass(int index) {
    next_.store(index + 1);
    next_.notify_all();
  }

 private:
  std::atomic<int> next_{0};
};

struct PostTurns {
  Turnstile observe;  // the pulse's ObserveActivity (multi-posting counts)
  Turnstile record;   // pulse record, audit log, decision log
};

class PostTurn {
 public:
  // While alive, this thread holds the turn; the destructor passes it on.
  class Held {
   public:
    Held(Turnstile* gate, int index, bool* taken) : gate_(gate), index_(index) {
      if (gate_ == nullptr) return;
      gate_->Wait(index_);
      *taken = true;
    }
    ~Held() {
      if (gate_ != nullptr) gate_->Pass(index_);
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

   private:
    Turnstile* const gate_;
    const int index_;
  };

  // turns == nullptr: a post judged alone (Moderate, a stream); no waiting.
  PostTurn(PostTurns* turns, int index) : turns_(turns), index_(index) {}
  // A post that failed before observing or recording still takes both
  // turns, in order, so the posts after it are not held up forever.
  ~PostTurn() {
    if (turns_ == nullptr) return;
    if (!observed_) Held skip(&turns_->observe, index_, &observed_);
    if (!recorded_) Held skip(&turns_->record, index_, &recorded_);
  }
  PostTurn(const PostTurn&) = delete;
  PostTurn& operator=(const PostTurn&) = delete;

  // Each at most once per post, observe before record.
  [[nodiscard]] Held Observe() { return Held(Gate(&PostTurns::observe), index_, &observed_); }
  [[nodiscard]] Held Record() { return Held(Gate(&PostTurns::record), index_, &recorded_); }

 private:
  Turnstile* Gate(Turnstile PostTurns::*which) {
    return turns_ == nullptr ? nullptr : &(turns_->*which);
  }

  PostTurns* const turns_;
  const int index_;
  bool observed_ = false;
  bool recorded_ = false;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_POST_TURNS_H_
