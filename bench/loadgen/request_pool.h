// The posts a load run sends: a fixed pool of realistic German posts.
//
// Why: judging cost depends on the text, so the load must look like real
// traffic (about --post_bytes of German prose, some of it abusive), and it
// must be built before the run so building it costs nothing while measuring.
// Requests are reused round-robin; the same options give the same pool.
//
//   RequestPool pool = RequestPool::Build({.posts = 1000, .post_bytes = 1024}, /*batch=*/0);
//   stub->async()->Moderate(context, &pool.Request(i), response, done);
//
// Thread-safety: immutable after Build(); share it by const reference.
#ifndef MODERATION_BENCH_LOADGEN_REQUEST_POOL_H_
#define MODERATION_BENCH_LOADGEN_REQUEST_POOL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "moderation/v1/moderation.pb.h"

namespace moderation::bench {

struct RequestPoolOptions {
  size_t posts = 1000;       // distinct posts in the pool
  size_t post_bytes = 1024;  // body size of each post, about
  int abusive_every = 0;     // every Nth post opens with an insult; 0 = none
  std::string community = "news-de";
  uint64_t seed = 1;  // GermanPost seeds are seed, seed + 1, ...
};

class RequestPool {
 public:
  // batch > 0 also builds batch requests of that many posts each.
  static RequestPool Build(const RequestPoolOptions& options, int batch);

  // Request i (round-robin over the pool). Its post_id is "p<pool index>".
  const v1::ModerateRequest& Request(uint64_t i) const { return requests_[i % requests_.size()]; }
  // Batch request i (round-robin); only after Build with batch > 0.
  const v1::ModerateBatchRequest& Batch(uint64_t i) const { return batches_[i % batches_.size()]; }

  size_t size() const { return requests_.size(); }
  size_t abusive() const { return abusive_; }
  // Mean body size in bytes.
  double mean_bytes() const { return mean_bytes_; }

 private:
  std::vector<v1::ModerateRequest> requests_;
  std::vector<v1::ModerateBatchRequest> batches_;
  size_t abusive_ = 0;
  double mean_bytes_ = 0;
};

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_LOADGEN_REQUEST_POOL_H_
