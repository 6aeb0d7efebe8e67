#include "bench/loadgen/unary_driver.h"

#include <chrono>

#include "bench/loadgen/pacer.h"

namespace moderation::bench {

void UnaryDriver::MakeCalls(int n) {
  calls_.clear();
  for (int i = 0; i < n; ++i) calls_.push_back(std::make_unique<Call>());
}

void UnaryDriver::RunClosed(int concurrency) {
  MakeCalls(concurrency);
  reissue_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    busy_ = concurrency;
  }
  const int64_t now = NowNs();
  for (auto& call : calls_) Start(call.get(), next_index_++, now);
  WaitIdle();
}

void UnaryDriver::RunOpen(double rate, int max_outstanding) {
  MakeCalls(max_outstanding);
  reissue_ = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& call : calls_) free_.push_back(call.get());
  }
  PaceOpenLoop(rate, stats_->timeline(), [this](uint64_t index, int64_t scheduled_ns) {
    Call* call = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        call = free_.back();
        free_.pop_back();
        ++busy_;
      }
    }
    if (call == nullptr) {
      stats_->RecordDrop(scheduled_ns);
      return;
    }
    stats_->RecordSend(scheduled_ns, NowNs());
    Start(call, index, scheduled_ns);
  });
  WaitIdle();
}

void UnaryDriver::Start(Call* call, uint64_t index, int64_t scheduled_ns) {
  call->scheduled_ns = scheduled_ns;
  call->context.emplace();
  if (options_.timeout_ns > 0) {
    call->context->set_deadline(std::chrono::system_clock::now() +
                                std::chrono::nanoseconds(options_.timeout_ns));
  }
  v1::ModerationService::Stub* stub = stubs_[index % stubs_.size()];
  auto done = [this, call](grpc::Status status) { OnDone(call, status); };
  if (options_.batch > 0) {
    stub->async()->ModerateBatch(&*call->context, &pool_->Batch(index), &call->batch_response,
                                 std::move(done));
  } else {
    call->request = &pool_->Request(index);
    stub->async()->Moderate(&*call->context, call->request, &call->response, std::move(done));
  }
}

void UnaryDriver::OnDone(Call* call, const grpc::Status& status) {
  const int64_t now = NowNs();
  if (!status.ok()) {
    stats_->RecordError(call->scheduled_ns, StatusCodeName(status.error_code()));
  } else if (options_.batch > 0 ? call->batch_response.responses_size() != options_.batch
                                : call->response.post_id() != call->request->post().post_id()) {
    stats_->RecordError(call->scheduled_ns, "BAD_RESPONSE");
  } else {
    stats_->RecordAnswer(call->scheduled_ns, now, options_.batch > 0 ? options_.batch : 1);
    int not_allowed = 0;
    if (options_.batch > 0) {
      for (const v1::ModerateResponse& one : call->batch_response.responses()) {
        not_allowed += one.decision() != v1::DECISION_ALLOW;
      }
    } else {
      not_allowed = call->response.decision() != v1::DECISION_ALLOW;
    }
    stats_->RecordNotAllowed(call->scheduled_ns, not_allowed);
  }
  if (reissue_ && now < stats_->timeline().end_ns) {
    Start(call, next_index_++, now);
    return;
  }
  Release(call);
}

void UnaryDriver::Release(Call* call) {
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(call);
  if (--busy_ == 0) idle_.notify_all();
}

void UnaryDriver::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return busy_ == 0; });
}

}  // namespace moderation::bench
