// The flow control of a ModerateStream: read a message, answer it, queue
// the answer, write answers one at a time, and stop reading while
// kStreamWindow answers wait to be written.
//
// Why: a client that stops reading its answers must not make the server
// buffer without bound, so memory per stream stays flat however many posts
// flow through it. moderationd's stream and bench/echo_server's share this
// class, so the echo baseline moves messages exactly as moderationd does and
// differs only in how it answers.
//
//   class Echo final : public WindowedStream {
//    public:
//     Echo() { StartReading(); }
//     v1::ModerateStreamResponse Answer(const v1::ModerateRequest& r) override { ... }
//     void OnDone() override { delete this; }
//   };
//
// Thread-safety: gRPC may run the read and write reactions on different
// threads; the queue and the flags are guarded by one mutex, and Answer()
// runs outside it.
#ifndef MODERATION_SERVER_WINDOWED_STREAM_H_
#define MODERATION_SERVER_WINDOWED_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <deque>
#include <mutex>

#include "moderation/v1/moderation.grpc.pb.h"

namespace moderation::server {

// How many answers a stream queues before it stops reading.
inline constexpr size_t kStreamWindow = 64;

class WindowedStream
    : public grpc::ServerBidiReactor<v1::ModerateRequest, v1::ModerateStreamResponse> {
 public:
  void OnReadDone(bool ok) final;
  void OnWriteDone(bool ok) final;

 protected:
  // The derived constructor calls this once it is ready for messages (or
  // calls Finish instead, to refuse the stream).
  void StartReading() { StartRead(&request_); }

  // The answer to one message; runs on a gRPC thread, one message at a time.
  virtual v1::ModerateStreamResponse Answer(const v1::ModerateRequest& request) = 0;

  // True once a write failed (the client went away); meaningful in OnDone.
  bool broken() const;

 private:
  // Finishes once the client has stopped sending and every answer is out.
  void MaybeFinishLocked(std::unique_lock<std::mutex>& lock);

  v1::ModerateRequest request_;  // the read buffer; reads are sequential

  mutable std::mutex mu_;
  std::deque<v1::ModerateStreamResponse> pending_;  // guarded by mu_; front() is being written
  bool writing_ = false;                            // guarded by mu_
  bool read_paused_ = false;                        // guarded by mu_
  bool reads_done_ = false;                         // guarded by mu_
  bool broken_ = false;                             // guarded by mu_
  bool finished_ = false;                           // guarded by mu_
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_WINDOWED_STREAM_H_
