// Reads every WatchAlerts message of a running moderationd on a thread of
// its own, for the pulse's integration tests; and the two call helpers they
// share.
//
//   AlertCollector collector(server->Channel(), server->admin_token());
//   ...play traffic...
//   ASSERT_TRUE(collector.WaitFor([](const v1::PulseAlert& a) { return ...; }));
//   collector.Stop();
//
// Thread-safety: alerts() and WaitFor() may be called while the reader
// thread runs; construct and Stop() from the test thread.
#ifndef MODERATION_TESTS_ALERT_COLLECTOR_H_
#define MODERATION_TESTS_ALERT_COLLECTOR_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "moderation/v1/pulse.grpc.pb.h"

namespace moderation::testing {

inline void SetDeadline(grpc::ClientContext* context,
                        std::chrono::seconds timeout = std::chrono::seconds(20)) {
  context->set_deadline(std::chrono::system_clock::now() + timeout);
}

inline void Authorize(grpc::ClientContext* context, const std::string& token) {
  context->AddMetadata("authorization", "Bearer " + token);
}

// Every WatchAlerts message, read on a thread of its own until Stop().
class AlertCollector {
 public:
  AlertCollector(std::shared_ptr<grpc::Channel> channel, const std::string& token,
                 std::chrono::seconds stream_deadline = std::chrono::seconds(120))
      : stub_(::moderation::v1::CommunityPulseService::NewStub(channel)) {
    Authorize(&context_, token);
    SetDeadline(&context_, stream_deadline);
    thread_ = std::thread([this] {
      ::moderation::v1::WatchAlertsRequest request;
      auto reader = stub_->WatchAlerts(&context_, request);
      ::moderation::v1::WatchAlertsResponse response;
      while (reader->Read(&response)) {
        std::lock_guard lock(mu_);
        alerts_.push_back(response.alert());
      }
      reader->Finish();
    });
  }
  ~AlertCollector() { Stop(); }
  void Stop() {
    if (!thread_.joinable()) return;
    context_.TryCancel();
    thread_.join();
  }
  std::vector<::moderation::v1::PulseAlert> alerts() const {
    std::lock_guard lock(mu_);
    return alerts_;
  }
  // Waits until `pred` holds for some alert received (up to 10 s).
  bool WaitFor(const std::function<bool(const ::moderation::v1::PulseAlert&)>& pred) const {
    for (int i = 0; i < 200; ++i) {
      for (const ::moderation::v1::PulseAlert& a : alerts()) {
        if (pred(a)) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  std::unique_ptr<::moderation::v1::CommunityPulseService::Stub> stub_;
  grpc::ClientContext context_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<::moderation::v1::PulseAlert> alerts_;
};

}  // namespace moderation::testing

#endif  // MODERATION_TESTS_ALERT_COLLECTOR_H_
