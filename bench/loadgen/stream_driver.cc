#include "bench/loadgen/stream_driver.h"

#include <bit>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "bench/loadgen/pacer.h"

namespace moderation::bench {
namespace {

// One stream. Posts are accepted (closed loop: when the window has room;
// open loop: when the pacer offers one), queued, and written one at a time
// (gRPC allows one write in flight); the read side matches answers by
// post_id. A hold keeps the stream open while writes may still come from
// outside its reactions (the pacer, Close()).
class StreamClient final
    : public grpc::ClientBidiReactor<v1::ModerateRequest, v1::ModerateStreamResponse> {
 public:
  // window > 0: closed loop with that many posts unanswered; 0: open loop.
  // limit: the most posts this stream can have unanswered.
  StreamClient(const RequestPool* pool, RunStats* stats, std::atomic<int>* outstanding,
               std::atomic<uint64_t>* next_post, int window, int limit)
      : pool_(pool),
        stats_(stats),
        outstanding_(outstanding),
        next_post_(next_post),
        window_(window),
        ring_(std::bit_ceil(static_cast<size_t>(2 * limit))) {}

  void Start(v1::ModerationService::Stub* stub) {
    stub->async()->ModerateStream(&context_, this);
    StartRead(&read_buffer_);
    AddHold();
    Next next = Next::kNothing;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const int64_t now = NowNs();
      for (int i = 0; i < window_; ++i) AcceptLocked(now);
      next = NextWriteLocked();
    }
    Perform(next);
    StartCall();
  }

  // Open loop: queues a post scheduled at scheduled_ns.
  void Offer(int64_t scheduled_ns) {
    Next next = Next::kNothing;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (broken_ || closing_) {
        stats_->RecordError(scheduled_ns, "STREAM_BROKEN");
        return;
      }
      AcceptLocked(scheduled_ns);
      next = NextWriteLocked();
    }
    Perform(next);
  }

  // No more posts: half-closes once the queue is written.
  void Close() {
    Next next = Next::kNothing;
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
      next = NextWriteLocked();
    }
    Perform(next);
  }

  bool WaitDone(int64_t deadline_ns) {
    std::unique_lock<std::mutex> lock(mu_);
    const auto deadline =
        std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline_ns));
    return done_cv_.wait_until(lock, deadline, [this] { return done_; });
  }
  void WaitDone() {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return done_; });
  }
  void Cancel() { context_.TryCancel(); }
  grpc::StatusCode status_code() const { return status_code_; }

  void OnWriteDone(bool ok) override {
    Next next = Next::kNothing;
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = false;
      if (!ok) broken_ = true;  // queued posts stay unanswered; OnDone counts them
      next = NextWriteLocked();
    }
    Perform(next);
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the server has finished; OnDone follows
    const int64_t now = NowNs();
    const std::string& id = read_buffer_.post_id();
    uint64_t seq = 0;
    const bool parsed = std::from_chars(id.data(), id.data() + id.size(), seq).ec == std::errc();
    bool matched = false;
    int64_t scheduled_ns = now;
    Next next = Next::kNothing;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Slot& slot = ring_[seq & (ring_.size() - 1)];
      if (parsed && slot.active && slot.seq == seq) {
        matched = true;
        scheduled_ns = slot.scheduled_ns;
        slot.active = false;
        outstanding_->fetch_sub(1, std::memory_order_relaxed);
        if (window_ > 0 && !closing_ && now < stats_->timeline().end_ns) {
          AcceptLocked(now);
          next = NextWriteLocked();
        }
      }
    }
    if (!matched) {
      stats_->RecordError(now, "UNKNOWN_POST_ID");
    } else if (read_buffer_.has_error()) {
      stats_->RecordError(scheduled_ns, StatusCodeName(read_buffer_.error().code()));
    } else {
      stats_->RecordAnswer(scheduled_ns, now, 1);
      stats_->RecordNotAllowed(scheduled_ns,
                               read_buffer_.response().decision() != v1::DECISION_ALLOW);
    }
    Perform(next);
    StartRead(&read_buffer_);
  }

  void OnDone(const grpc::Status& status) override {
    const std::string code = status.ok() ? "NO_ANSWER" : StatusCodeName(status.error_code());
    std::lock_guard<std::mutex> lock(mu_);
    for (Slot& slot : ring_) {
      if (!slot.active) continue;
      slot.active = false;
      outstanding_->fetch_sub(1, std::memory_order_relaxed);
      stats_->RecordError(slot.scheduled_ns, code);
    }
    status_code_ = status.error_code();
    done_ = true;
    done_cv_.notify_all();
  }

 private:
  enum class Next { kNothing, kWrite, kWritesDone, kReleaseHold };

  struct Slot {
    uint64_t seq = 0;
    int64_t scheduled_ns = 0;
    bool active = false;
  };

  void AcceptLocked(int64_t scheduled_ns) {
    const uint64_t seq = next_seq_++;
    Slot& slot = ring_[seq & (ring_.size() - 1)];
    if (slot.active) {
      // Twice the limit of posts went by without this one being answered.
      stats_->RecordError(slot.scheduled_ns, "NO_ANSWER");
    } else {
      outstanding_->fetch_add(1, std::memory_order_relaxed);
    }
    slot = Slot{seq, scheduled_ns, true};
    queue_.push_back(seq);
  }

  // What to do next on the write side; the caller does it without the lock.
  Next NextWriteLocked() {
    if (writing_) return Next::kNothing;
    if (!queue_.empty() && !broken_) {
      const uint64_t seq = queue_.front();
      queue_.pop_front();
      writing_ = true;
      write_buffer_ = pool_->Request(next_post_->fetch_add(1, std::memory_order_relaxed));
      write_buffer_.mutable_post()->set_post_id(std::to_string(seq));
      if (window_ == 0) stats_->RecordSend(ring_[seq & (ring_.size() - 1)].scheduled_ns, NowNs());
      return Next::kWrite;
    }
    if (closing_ && !writes_finished_) {
      writes_finished_ = true;
      return broken_ ? Next::kReleaseHold : Next::kWritesDone;
    }
    return Next::kNothing;
  }

  void Perform(Next next) {
    switch (next) {
      case Next::kNothing:
        return;
      case Next::kWrite:
        StartWrite(&write_buffer_);
        return;
      case Next::kWritesDone:
        StartWritesDone();
        RemoveHold();
        return;
      case Next::kReleaseHold:
        RemoveHold();
        return;
    }
  }

  const RequestPool* const pool_;
  RunStats* const stats_;
  std::atomic<int>* const outstanding_;
  std::atomic<uint64_t>* const next_post_;
  const int window_;
  grpc::ClientContext context_;
  v1::ModerateStreamResponse read_buffer_;  // reads are sequential

  std::mutex mu_;  // reactions run on gRPC threads, Offer() on the pacer's
  std::condition_variable done_cv_;
  v1::ModerateRequest write_buffer_;  // guarded by writing_: one write at a time
  std::vector<Slot> ring_;            // posts awaiting answers, by seq modulo size
  std::deque<uint64_t> queue_;        // accepted, not yet written
  uint64_t next_seq_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool writes_finished_ = false;
  bool broken_ = false;
  bool done_ = false;
  grpc::StatusCode status_code_ = grpc::StatusCode::OK;
};

// Half-closes every stream, gives them drain_ns to deliver their last
// answers, then cancels the stragglers.
void Finish(std::vector<std::unique_ptr<StreamClient>>& clients, int64_t drain_ns,
            std::map<std::string, int>* status) {
  for (auto& client : clients) client->Close();
  const int64_t deadline = NowNs() + drain_ns;
  for (auto& client : clients) {
    if (!client->WaitDone(deadline)) client->Cancel();
  }
  for (auto& client : clients) {
    client->WaitDone();
    ++(*status)[StatusCodeName(client->status_code())];
  }
}

}  // namespace

void StreamDriver::RunClosed(int streams, int window) {
  std::vector<std::unique_ptr<StreamClient>> clients;
  for (int i = 0; i < streams; ++i) {
    clients.push_back(
        std::make_unique<StreamClient>(pool_, stats_, &outstanding_, &next_post_, window, window));
  }
  for (int i = 0; i < streams; ++i) clients[i]->Start(stubs_[i % stubs_.size()]);
  std::this_thread::sleep_until(
      std::chrono::steady_clock::time_point(std::chrono::nanoseconds(stats_->timeline().end_ns)));
  Finish(clients, drain_ns_, &stream_status_);
}

void StreamDriver::RunOpen(double rate, int streams, int max_outstanding) {
  std::vector<std::unique_ptr<StreamClient>> clients;
  for (int i = 0; i < streams; ++i) {
    clients.push_back(std::make_unique<StreamClient>(pool_, stats_, &outstanding_, &next_post_,
                                                     /*window=*/0, max_outstanding));
  }
  for (int i = 0; i < streams; ++i) clients[i]->Start(stubs_[i % stubs_.size()]);
  PaceOpenLoop(rate, stats_->timeline(), [&](uint64_t i, int64_t scheduled_ns) {
    if (outstanding_.load(std::memory_order_relaxed) >= max_outstanding) {
      stats_->RecordDrop(scheduled_ns);
      return;
    }
    clients[i % clients.size()]->Offer(scheduled_ns);
  });
  Finish(clients, drain_ns_, &stream_status_);
}

}  // namespace moderation::bench
