#include "server/windowed_stream.h"

#include <utility>

namespace moderation::server {

void WindowedStream::OnReadDone(bool ok) {
  if (!ok) {
    std::unique_lock<std::mutex> lock(mu_);
    reads_done_ = true;
    MaybeFinishLocked(lock);
    return;
  }
  v1::ModerateStreamResponse answer = Answer(request_);
  std::unique_lock<std::mutex> lock(mu_);
  if (broken_) {
    StartRead(&request_);  // drain until the read side ends
    return;
  }
  pending_.push_back(std::move(answer));
  const bool start_write = !writing_;
  writing_ = true;
  // Keep reading while the window has room; otherwise OnWriteDone resumes.
  const bool read_more = pending_.size() < kStreamWindow;
  read_paused_ = !read_more;
  v1::ModerateStreamResponse* to_write = start_write ? &pending_.front() : nullptr;
  lock.unlock();
  if (to_write != nullptr) StartWrite(to_write);
  if (read_more) StartRead(&request_);
}

void WindowedStream::OnWriteDone(bool ok) {
  std::unique_lock<std::mutex> lock(mu_);
  pending_.pop_front();
  if (!ok) {
    // The client went away: drop what is queued and let reads run out.
    broken_ = true;
    pending_.clear();
  }
  v1::ModerateStreamResponse* next = pending_.empty() ? nullptr : &pending_.front();
  writing_ = next != nullptr;
  const bool resume_read =
      read_paused_ && !reads_done_ && (broken_ || pending_.size() < kStreamWindow);
  if (resume_read) read_paused_ = false;
  if (next == nullptr) {
    MaybeFinishLocked(lock);
    if (resume_read) StartRead(&request_);
    return;
  }
  lock.unlock();
  StartWrite(next);
  if (resume_read) StartRead(&request_);
}

bool WindowedStream::broken() const {
  std::lock_guard<std::mutex> lock(mu_);
  return broken_;
}

void WindowedStream::MaybeFinishLocked(std::unique_lock<std::mutex>& lock) {
  if (finished_ || !reads_done_ || writing_ || !pending_.empty()) return;
  finished_ = true;
  lock.unlock();
  Finish(grpc::Status::OK);
}

}  // namespace moderation::server
