#include "server/pulse_service.h"

#include <deque>
#include <mutex>
#include <optional>

#include "server/pulse_proto.h"

namespace moderation::server {
namespace {

// One WatchAlerts stream: alerts queue up and are written one at a time.
// gRPC operations (StartWrite, Finish) are started outside mu_, and Finish
// waits for a write under way, so no reaction ever needs mu_ while we hold it.
class AlertWatch final : public grpc::ServerWriteReactor<v1::WatchAlertsResponse> {
 public:
  AlertWatch(pulse::Pulse* pulse, pulse::AlertHub* hub, std::string community)
      : hub_(hub), community_(std::move(community)) {
    // Subscribed before the open alerts are read, so no change is missed (a
    // change in between may arrive twice).
    subscription_ = hub_->Subscribe([this](const pulse::Alert& a) { Enqueue(a); });
    Step step;
    {
      std::lock_guard lock(mu_);
      for (const pulse::Alert& a : pulse->OpenAlerts()) EnqueueLocked(a);
      step = NextLocked();
    }
    Run(step);
  }

  void OnWriteDone(bool ok) override {
    Step step;
    {
      std::lock_guard lock(mu_);
      queue_.pop_front();
      writing_ = false;
      if (!ok) RequestFinishLocked(grpc::Status::CANCELLED);
      step = NextLocked();
    }
    Run(step);
  }
  void OnCancel() override {
    Step step;
    {
      std::lock_guard lock(mu_);
      RequestFinishLocked(grpc::Status::CANCELLED);
      step = NextLocked();
    }
    Run(step);
  }
  void OnDone() override {
    hub_->Unsubscribe(subscription_);  // after this, Enqueue never runs again
    delete this;                       // the callback API's idiom
  }

 private:
  // What to start once mu_ is released.
  struct Step {
    const v1::WatchAlertsResponse* write = nullptr;
    std::optional<grpc::Status> finish;
  };

  void Enqueue(const pulse::Alert& a) {
    Step step;
    {
      std::lock_guard lock(mu_);
      EnqueueLocked(a);
      step = NextLocked();
    }
    Run(step);
  }
  void EnqueueLocked(const pulse::Alert& a) {
    if (finish_requested_ || (!community_.empty() && a.community != community_)) return;
    if (queue_.size() >= kMaxQueuedAlerts) {
      RequestFinishLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                       "alerts are not read fast enough; reconnect to get the "
                                       "open ones"));
      return;
    }
    v1::WatchAlertsResponse response;
    AlertToProto(a, response.mutable_alert());
    queue_.push_back(std::move(response));  // deque: the front's address stays valid
  }
  void RequestFinishLocked(const grpc::Status& status) {
    if (finish_requested_) return;
    finish_requested_ = true;
    finish_status_ = status;
  }
  Step NextLocked() {
    Step step;
    if (writing_ || finished_) return step;
    if (finish_requested_) {
      finished_ = true;
      step.finish = finish_status_;
    } else if (!queue_.empty()) {
      writing_ = true;
      step.write = &queue_.front();
    }
    return step;
  }
  void Run(const Step& step) {
    if (step.write != nullptr) StartWrite(step.write);
    if (step.finish.has_value()) Finish(*step.finish);
  }

  pulse::AlertHub* const hub_;
  const std::string community_;
  int subscription_ = 0;  // set in the constructor, read in OnDone
  std::mutex mu_;
  std::deque<v1::WatchAlertsResponse> queue_;  // guarded by mu_; front is being written
  bool writing_ = false;                       // guarded by mu_
  bool finish_requested_ = false;              // guarded by mu_
  grpc::Status finish_status_;                 // guarded by mu_
  bool finished_ = false;                      // guarded by mu_
};

}  // namespace

CommunityPulseServiceImpl::CommunityPulseServiceImpl(pulse::Pulse* pulse, pulse::AlertHub* hub,
                                                     const AdminAuthenticator* admin,
                                                     const AdminAuthenticator* reader,
                                                     Logger* logger)
    : pulse_(pulse), hub_(hub), admin_(admin), reader_(reader), logger_(logger) {}

grpc::Status CommunityPulseServiceImpl::Admit(grpc::CallbackServerContext* context,
                                              std::string_view rpc) const {
  std::string caller;
  grpc::Status status = admin_->Check(*context, &caller);
  if (!status.ok() && reader_ != nullptr) {
    std::string reader_caller;
    if (grpc::Status r = reader_->Check(*context, &reader_caller); r.ok()) {
      status = r;
      caller = "reader:" + reader_caller;
    }
  }
  if (!status.ok()) {
    logger_->Warning("pulse_call_denied",
                     {{"rpc", rpc}, {"peer", context->peer()}, {"error", status.error_message()}});
  }
  return status;
}

grpc::ServerUnaryReactor* CommunityPulseServiceImpl::GetPulse(grpc::CallbackServerContext* context,
                                                              const v1::GetPulseRequest* request,
                                                              v1::GetPulseResponse* response) {
  auto* reactor = context->DefaultReactor();
  grpc::Status status = Admit(context, "GetPulse");
  if (status.ok() && request->community().empty()) {
    status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "community: required");
  }
  if (status.ok()) {
    std::optional<pulse::CommunitySnapshot> snapshot = pulse_->Snapshot(request->community());
    if (snapshot.has_value()) {
      SnapshotToProto(*snapshot, request->window(), pulse_->clock().Now(), response);
    } else {
      status = grpc::Status(grpc::StatusCode::NOT_FOUND,
                            "community: \"" + request->community() +
                                "\" has no pulse here (no posts yet on this replica, or counted "
                                "under \"other\" beyond the community limit)");
    }
  }
  reactor->Finish(status);
  return reactor;
}

grpc::ServerUnaryReactor* CommunityPulseServiceImpl::ListCommunities(
    grpc::CallbackServerContext* context, const v1::ListCommunitiesRequest* request,
    v1::ListCommunitiesResponse* response) {
  auto* reactor = context->DefaultReactor();
  grpc::Status status = Admit(context, "ListCommunities");
  if (status.ok() && request->limit() < 0) {
    status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "limit: must be >= 0");
  }
  if (status.ok()) {
    const auto order = request->order() == v1::COMMUNITY_ORDER_HOSTILE_SHARE
                           ? pulse::Pulse::Order::kHostileShare
                           : pulse::Pulse::Order::kVolume;
    for (const pulse::CommunitySummary& s :
         pulse_->List(order, static_cast<size_t>(request->limit()))) {
      SummaryToProto(s, response->add_communities());
    }
  }
  reactor->Finish(status);
  return reactor;
}

grpc::ServerWriteReactor<v1::WatchAlertsResponse>* CommunityPulseServiceImpl::WatchAlerts(
    grpc::CallbackServerContext* context, const v1::WatchAlertsRequest* request) {
  if (grpc::Status status = Admit(context, "WatchAlerts"); !status.ok()) {
    // A reactor that only finishes.
    class Denied final : public grpc::ServerWriteReactor<v1::WatchAlertsResponse> {
     public:
      explicit Denied(const grpc::Status& s) { Finish(s); }
      void OnDone() override { delete this; }
    };
    return new Denied(status);
  }
  return new AlertWatch(pulse_, hub_, request->community());
}

}  // namespace moderation::server
