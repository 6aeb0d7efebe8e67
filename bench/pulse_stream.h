// The synthetic stream of judged posts the pulse benchmarks share
// (pulse_bench.cc times it, pulse_ir.cc counts its instructions), and the
// pulse's whole per-post path as moderationd runs it.
//
// Why: both benchmarks must feed the pulse the same posts and do the same
// work per post, or their figures do not describe the same thing. Post i
// is in community (i * 2654435761) mod C, by author i mod 4096, with id i
// mod 4096, body i mod B, an account i mod 400 days old; one post in 20 is
// hostile (every other one of those BLOCK "threat", the rest FLAG
// "insult") and one in 20 has a shadow hit.
//
// The per-post path (PulsePerPost) is what server/moderation_service.cc's
// JudgeWith and the engine's Evaluate do for the pulse, and nothing else:
// the near-duplicate fingerprint of the post's skeleton (inside Evaluate,
// which has built the skeleton anyway), the multi-posting counts through
// the PulseActivitySource (Pulse::ObserveActivity), the PulseEvent from
// post and decision (PulseEventFrom) with the source's ObservedPost, and
// Pulse::Record, which reads the topics of every 8th post. Not in it: the batch turnstile around
// Observe (a unary call never waits there) and the decision metrics, which run with the pulse off
// too.
//
//   PulseStream s(/*communities=*/100, PulseStream::GermanBodies());
//   s.Fill(i, &post);                          // post i, as the engine sees it
//   PulsePerPostResult r = PulsePerPost(pulse, post, s.skeleton(i), s.decision(i));
//
// Thread-safety: a PulseStream is read-only after construction except for
// Fill's target; PulsePerPost is as thread-safe as the Pulse.
#ifndef MODERATION_BENCH_PULSE_STREAM_H_
#define MODERATION_BENCH_PULSE_STREAM_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decision.h"
#include "engine/post/post.h"
#include "server/pulse/pulse.h"

namespace moderation::bench {

class PulseStream {
 public:
  // `bodies` are the posts' texts, used in turn; their skeletons are
  // computed here. Aborts if a body is not valid UTF-8.
  PulseStream(int communities, std::vector<std::string> bodies);

  // 256 distinct 300-byte German posts (GermanPosts, seed 7, no abuse).
  static std::vector<std::string> GermanBodies();

  // Makes *post post i: id, community, author (id, age) and one "body"
  // field. Reuses *post's strings, so a post filled again allocates nothing.
  void Fill(uint64_t i, Post* post) const;
  // The skeleton view of post i's body (what Evaluate fingerprints).
  std::string_view skeleton(uint64_t i) const { return skeletons_[i % skeletons_.size()]; }
  // The decision on post i: its verdict, strongest hit and shadow hit.
  const Decision& decision(uint64_t i) const;
  // Post i as the pulse records it (PulseEventFrom of Fill and decision);
  // its views point into this stream.
  server::pulse::PulseEvent Event(uint64_t i) const;
  std::string_view community(uint64_t i) const;
  std::string_view author(uint64_t i) const { return authors_[i % authors_.size()]; }

  const std::vector<std::string>& communities() const { return communities_; }
  size_t distinct_bodies() const { return bodies_.size(); }

 private:
  enum Kind { kAllow = 0, kShadow = 1, kFlag = 2, kBlock = 3 };
  static Kind KindOf(uint64_t i);

  std::vector<std::string> bodies_;
  std::vector<std::string> skeletons_;
  std::vector<std::string> communities_;
  std::vector<std::string> authors_;
  std::vector<std::string> ids_;
  std::array<Decision, 4> decisions_;
};

struct PulsePerPostResult {
  uint64_t fingerprint = 0;
  Activity activity;
};

// The pulse's work for one judged post, as moderationd does it (above).
PulsePerPostResult PulsePerPost(server::pulse::Pulse& pulse, const Post& post,
                                std::string_view skeleton, const Decision& decision);

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_PULSE_STREAM_H_
