// ModerateStream: a bidirectional stream judged message by message.
//
// Each message is judged as soon as it is read and its answer queued for
// writing (gRPC allows one write at a time). Reading pauses while
// kStreamWindow answers wait to be written, so a client that stops reading
// cannot make the server buffer without bound: memory per stream stays flat
// however many posts flow through it.
#include <chrono>
#include <deque>
#include <mutex>

#include "server/inflight.h"
#include "server/moderation_service.h"

namespace moderation::server {
namespace {

class StreamReactor final : public grpc::ServerBidiReactor<v1::ModerateRequest, v1::ModerateStreamResponse> {
 public:
  explicit StreamReactor(ModerationServiceImpl* service)
      : service_(service), start_(std::chrono::steady_clock::now()) {
    service_->metrics()->AddOpenStreams(1);
    service_->open_streams()++;
    if (service_->draining()) {
      refused_ = true;
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down; retry on another replica"));
      return;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      std::unique_lock<std::mutex> lock(mu_);
      reads_done_ = true;
      MaybeFinishLocked(lock);
      return;
    }
    v1::ModerateStreamResponse answer = JudgeOne();
    std::unique_lock<std::mutex> lock(mu_);
    if (broken_) {
      StartRead(&request_);  // drain until the read side ends
      return;
    }
    pending_.push_back(std::move(answer));
    const bool start_write = !writing_;
    writing_ = true;
    // Keep reading while the window has room; otherwise OnWriteDone resumes.
    const bool read_more = pending_.size() < static_cast<size_t>(kStreamWindow);
    read_paused_ = !read_more;
    v1::ModerateStreamResponse* to_write = start_write ? &pending_.front() : nullptr;
    lock.unlock();
    if (to_write != nullptr) StartWrite(to_write);
    if (read_more) StartRead(&request_);
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    pending_.pop_front();
    if (!ok) {
      // The client went away: drop what is queued and let reads run out.
      broken_ = true;
      pending_.clear();
    }
    v1::ModerateStreamResponse* next = pending_.empty() ? nullptr : &pending_.front();
    writing_ = next != nullptr;
    const bool resume_read = read_paused_ && !reads_done_ &&
                             (broken_ || pending_.size() < static_cast<size_t>(kStreamWindow));
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

  void OnDone() override {
    service_->metrics()->AddOpenStreams(-1);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const grpc::StatusCode code = refused_  ? grpc::StatusCode::UNAVAILABLE
                                  : broken_ ? grpc::StatusCode::CANCELLED
                                            : grpc::StatusCode::OK;
    service_->metrics()->RecordRequest("ModerateStream", static_cast<int>(code), seconds);
    ModerationServiceImpl* service = service_;
    delete this;
    service->open_streams()--;  // last: the drain may end the server now
  }

 private:
  v1::ModerateStreamResponse JudgeOne() {
    v1::ModerateStreamResponse answer;
    answer.set_post_id(request_.post().post_id());
    absl::Status status;
    if (InFlightSlots slots(service_, 1); !slots.ok()) {
      status = slots.status();
    } else {
      status = service_->Judge(request_, /*batch_index=*/-1, answer.mutable_response());
    }
    if (!status.ok()) {
      answer.clear_response();
      answer.mutable_error()->set_code(static_cast<int>(status.code()));
      answer.mutable_error()->set_message(std::string(status.message()));
    }
    return answer;
  }

  // Finishes once the client has stopped sending and every answer is out.
  void MaybeFinishLocked(std::unique_lock<std::mutex>& lock) {
    if (finished_ || !reads_done_ || writing_ || !pending_.empty()) return;
    finished_ = true;
    lock.unlock();
    Finish(grpc::Status::OK);
  }

  ModerationServiceImpl* const service_;
  const std::chrono::steady_clock::time_point start_;
  v1::ModerateRequest request_;  // the read buffer; reads are sequential

  std::mutex mu_;  // read and write completions may run on different threads
  std::deque<v1::ModerateStreamResponse> pending_;  // front() is being written
  bool writing_ = false;
  bool read_paused_ = false;
  bool reads_done_ = false;
  bool broken_ = false;
  bool finished_ = false;
  bool refused_ = false;  // the server was draining when the stream opened
};

}  // namespace

grpc::ServerBidiReactor<v1::ModerateRequest, v1::ModerateStreamResponse>*
ModerationServiceImpl::ModerateStream(grpc::CallbackServerContext*) {
  return new StreamReactor(this);
}

}  // namespace moderation::server
