// ModerateStream: a bidirectional stream judged message by message, with the
// flow control of windowed_stream.h (answers written one at a time, reading
// paused while kStreamWindow answers wait). Answers are matched to posts by
// post_id, so every post needs one, and an id seen among the stream's last
// kDuplicateWindow posts gets an ALREADY_EXISTS error answer.
#include <chrono>

#include "absl/strings/str_cat.h"
#include "engine/text/utf8.h"
#include "server/field_error.h"
#include "server/inflight.h"
#include "server/moderation_service.h"
#include "server/recent_ids.h"
#include "server/request_id.h"
#include "server/status_mapping.h"
#include "server/windowed_stream.h"

namespace moderation::server {
namespace {

// How many recent post ids a stream remembers to refuse duplicates: bounded
// memory per stream (about 40 bytes an id), far more than the posts a client
// has in flight (kStreamWindow unanswered).
constexpr size_t kDuplicateWindow = 4096;

class StreamReactor final : public WindowedStream {
 public:
  StreamReactor(ModerationServiceImpl* service, grpc::CallbackServerContext* context)
      : service_(service),
        start_(std::chrono::steady_clock::now()),
        request_id_(EchoRequestId(context)),
        seen_(kDuplicateWindow) {
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
    // An id with invalid UTF-8 (from a raw client) is not echoed: the
    // client could not parse the answer. The error answer names the field.
    if (text::ValidateUtf8(request.post().post_id()).ok()) {
      answer.set_post_id(request.post().post_id());
    }
    service_->metrics()->RecordStreamPost("ModerateStream");
    absl::Status status = CheckPostId(request.post().post_id());
    if (!status.ok()) {
      // Refused before judging: no slot, no audit record.
    } else if (InFlightSlots slots(service_, 1); !slots.ok()) {
      status = slots.status();
    } else {
      status = service_->Judge(request, ModerationServiceImpl::kPostPath, answer.mutable_response(),
                               request_id_);
    }
    if (!status.ok()) {
      answer.clear_response();
      ToPostError(status, answer.mutable_error());
    }
    return answer;
  }

  absl::Status CheckPostId(const std::string& post_id) {
    if (post_id.empty()) {
      return InvalidField("post.post_id", "required on ModerateStream (answers are matched by it)");
    }
    if (!text::ValidateUtf8(post_id).ok()) return absl::OkStatus();  // Judge names the byte
    if (!seen_.Insert(post_id)) {
      return FieldError(absl::StatusCode::kAlreadyExists, "post.post_id",
                        absl::StrCat("\"", post_id,
                                     "\" was already sent on this stream (ids must be unique; the "
                                     "last ",
                                     seen_.capacity(), " are checked)"));
    }
    return absl::OkStatus();
  }

  ModerationServiceImpl* const service_;
  const std::chrono::steady_clock::time_point start_;
  const std::string request_id_;  // the stream's x-request-id ("" if none)
  RecentIds seen_;                // only touched by Answer, one message at a time
  bool refused_ = false;          // the server was draining when the stream opened
};

}  // namespace

grpc::ServerBidiReactor<v1::ModerateRequest, v1::ModerateStreamResponse>*
ModerationServiceImpl::ModerateStream(grpc::CallbackServerContext* context) {
  return new StreamReactor(this, context);
}

}  // namespace moderation::server
