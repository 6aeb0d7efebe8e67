#include "bench/loadgen/request_pool.h"

#include <algorithm>
#include <iterator>

#include "bench/synthetic_rules.h"

namespace moderation::bench {
namespace {

// Insults the default German rules catch, plain and disguised.
constexpr const char* kInsults[] = {"Du Blödmann!", "Halt die Klappe, du Oberbl0edm@nn!",
                                    "So ein Vollidiot."};

// How many batch requests to prebuild: enough variety, bounded memory.
constexpr size_t kBatchPool = 64;

}  // namespace

RequestPool RequestPool::Build(const RequestPoolOptions& options, int batch) {
  RequestPool pool;
  const size_t n = std::max<size_t>(options.posts, 1);
  pool.requests_.reserve(n);
  double total_bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    std::string body;
    const bool abusive =
        options.abusive_every > 0 && i % static_cast<size_t>(options.abusive_every) ==
                                         static_cast<size_t>(options.abusive_every) - 1;
    if (abusive) {
      body = kInsults[pool.abusive_ % std::size(kInsults)];
      body += ' ';
      ++pool.abusive_;
    }
    const size_t rest = options.post_bytes > body.size() ? options.post_bytes - body.size() : 0;
    body += GermanPost(rest, options.seed + i);
    total_bytes += static_cast<double>(body.size());

    v1::ModerateRequest& request = pool.requests_.emplace_back();
    v1::Post* post = request.mutable_post();
    post->set_post_id("p" + std::to_string(i));
    post->set_community(options.community);
    post->mutable_author()->set_id("author-" + std::to_string(i % 97));
    post->set_language("de");
    post->set_body(std::move(body));
  }
  pool.mean_bytes_ = total_bytes / static_cast<double>(n);
  if (batch > 0) {
    uint64_t next = 0;
    for (size_t b = 0; b < kBatchPool; ++b) {
      v1::ModerateBatchRequest& request = pool.batches_.emplace_back();
      for (int i = 0; i < batch; ++i) *request.add_requests() = pool.Request(next++);
    }
  }
  return pool;
}

}  // namespace moderation::bench
