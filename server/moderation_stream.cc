// ModerateStream: a bidirectional stream judged message by message, with the
// flow control of windowed_stream.h (answers written one at a time, reading
// paused while kStreamWindow answers wait).
#include <chrono>

#include "server/inflight.h"
#include "server/moderation_service.h"
#include "server/windowed_stream.h"

namespace moderation::server {
namespace {

class StreamReactor final : public WindowedStream {
 public:
  explicit StreamReactor(ModerationServiceImpl* service)
      : service_(service), start_(std::chrono::steady_clock::now()) {
    service_->metrics()->AddOpenStreams(1);
    service_->open_streams()++;
    if (service_->draining()) {
      refused_ = true;
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "server is shutting down; retry on another replica"));
      return;
    }
    StartReading();
  }

  void OnDone() override {
    service_->metrics()->AddOpenStreams(-1);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const grpc::StatusCode code = refused_   ? grpc::StatusCode::UNAVAILABLE
                                  : broken() ? grpc::StatusCode::CANCELLED
                                             : grpc::StatusCode::OK;
    service_->metrics()->RecordRequest("ModerateStream", static_cast<int>(code), seconds);
    ModerationServiceImpl* service = service_;
    delete this;
    service->open_streams()--;  // last: the drain may end the server now
  }

 private:
  v1::ModerateStreamResponse Answer(const v1::ModerateRequest& request) override {
    v1::ModerateStreamResponse answer;
    answer.set_post_id(request.post().post_id());
    absl::Status status;
    if (InFlightSlots slots(service_, 1); !slots.ok()) {
      status = slots.status();
    } else {
      status = service_->Judge(request, answer.mutable_response());
    }
    if (!status.ok()) {
      answer.clear_response();
      answer.mutable_error()->set_code(static_cast<int>(status.code()));
      answer.mutable_error()->set_message(std::string(status.message()));
    }
    return answer;
  }

  ModerationServiceImpl* const service_;
  const std::chrono::steady_clock::time_point start_;
  bool refused_ = false;  // the server was draining when the stream opened
};

}  // namespace

grpc::ServerBidiReactor<v1::ModerateRequest, v1::ModerateStreamResponse>*
ModerationServiceImpl::ModerateStream(grpc::CallbackServerContext*) {
  return new StreamReactor(this);
}

}  // namespace moderation::server
