// Admission control: a bound on the posts being judged at once.
//
// Why: under overload, answering RESOURCE_EXHAUSTED at once is better than
// queueing without bound (latency for everyone grows, memory too); clients
// and load balancers retry elsewhere. A post holds a slot only while it is
// judged, so the bound is on CPU work, not on open connections.
//
// Slots count posts, so a batch takes one per post. A request for more
// slots than the bound (a batch larger than --max_in_flight) is admitted
// when nothing else is in flight: it then runs alone, and the bound still
// refuses everything that arrives meanwhile. Without that exception such a
// batch could never run, not even on an idle server.
//
//   InFlightSlots slots(service, 1);
//   if (!slots.ok()) return slots.status();  // RESOURCE_EXHAUSTED
//
// Thread-safety: the counter is atomic; a slot object belongs to one thread.
#ifndef MODERATION_SERVER_INFLIGHT_H_
#define MODERATION_SERVER_INFLIGHT_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/moderation_service.h"

namespace moderation::server {

class InFlightSlots {
 public:
  InFlightSlots(ModerationServiceImpl* service, int n) : service_(service), n_(n) {
    const int before = service_->in_flight().fetch_add(n_, std::memory_order_relaxed);
    if (before + n_ > service_->max_in_flight() && before > 0) {
      service_->in_flight().fetch_sub(n_, std::memory_order_relaxed);
      status_ = absl::ResourceExhaustedError(
          absl::StrCat("overloaded: ", service_->max_in_flight(),
                       " posts are being judged (--max_in_flight); retry later"));
      n_ = 0;
      return;
    }
    service_->metrics()->AddInFlight(n_);
  }
  ~InFlightSlots() {
    if (n_ == 0) return;
    service_->in_flight().fetch_sub(n_, std::memory_order_relaxed);
    service_->metrics()->AddInFlight(-n_);
  }
  InFlightSlots(const InFlightSlots&) = delete;
  InFlightSlots& operator=(const InFlightSlots&) = delete;

  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }

 private:
  ModerationServiceImpl* const service_;
  int n_;
  absl::Status status_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_INFLIGHT_H_
