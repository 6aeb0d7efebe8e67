// A fixed amount of community-pulse work for instruction counting (issue 12:
// "≤ 1 µs per post on top of Evaluate"): each post of a pool of 256 distinct
// 300-byte German posts goes through the pulse's whole per-post path as
// moderationd runs it (bench/pulse_stream.h: PulsePerPost, the same code
// pulse_bench's pulse_per_post times): the near-duplicate fingerprint, the
// multi-posting counts (Pulse::ObserveActivity), the PulseEvent and
// Pulse::Record, over 100 communities whose duplicate rings are already
// full. Callgrind counts the same instructions every run, where times on
// this shared host drift by 30 % and more, so pulse changes are judged by
//
//   valgrind --tool=callgrind --toggle-collect='*MeasuredPosts*' build/bench/pulse_ir --passes=4
//   callgrind_annotate --inclusive=yes callgrind.out.<pid> | grep -E
//   'PulsePath|Tokenize|SpaceSaving'
//
// and Ir per post = a function's inclusive count / posts. PulsePathFingerprint,
// PulsePathObserve and PulsePathRecord are the three parts of a post's cost;
// bench::PulsePerPost is all of it (the rest of MeasuredPosts is filling
// in the next post and the checksum).
//
// Options: --passes=N (default 4), --communities=N (default 100).
// Prints the post count and a checksum of everything the pulse computed
// (fingerprints, multi-posting counts, each community's snapshot: windows,
// mood and rising topics), so runs on different builds can be checked to
// have computed alike.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/cli_flag.h"
#include "bench/pulse_stream.h"
#include "server/pulse/pulse.h"

namespace moderation::server::pulse {
namespace {

using moderation::bench::Flag;

uint64_t Mix(uint64_t sum, uint64_t v) { return (sum ^ v) * 0x100000001B3ULL + (sum >> 29); }
uint64_t MixText(uint64_t sum, std::string_view s) {
  for (char c : s) sum = Mix(sum, static_cast<unsigned char>(c));
  return Mix(sum, s.size());
}

__attribute__((noinline)) uint64_t RunPosts(Pulse& pulse, const bench::PulseStream& s,
                                            uint64_t first, uint64_t count) {
  uint64_t sum = 0;
  Post post;
  for (uint64_t i = first; i < first + count; ++i) {
    s.Fill(i, &post);
    const bench::PulsePerPostResult r =
        bench::PulsePerPost(pulse, post, s.skeleton(i), s.decision(i));
    const Activity& a = r.activity;
    sum = Mix(sum, r.fingerprint);
    sum = Mix(sum, static_cast<uint64_t>(a.duplicates_recent.value_or(-1)));
    sum = Mix(sum, static_cast<uint64_t>(a.author_duplicates_recent.value_or(-1)));
    sum = Mix(sum, static_cast<uint64_t>(a.author_posts_last_minute.value_or(-1)));
  }
  return sum;
}

// The counted part (callgrind's --toggle-collect).
__attribute__((noinline)) uint64_t MeasuredPosts(Pulse& pulse, const bench::PulseStream& s,
                                                 uint64_t first, uint64_t count) {
  return RunPosts(pulse, s, first, count);
}

uint64_t SnapshotSum(const Pulse& pulse, const bench::PulseStream& s) {
  uint64_t sum = 0;
  for (const std::string& c : s.communities()) {
    const std::optional<CommunitySnapshot> snap = pulse.Snapshot(c);
    if (!snap.has_value()) continue;
    for (const WindowSummary& w : snap->windows) {
      sum = Mix(sum, w.total.posts);
      sum = Mix(sum, w.total.flagged);
      sum = Mix(sum, w.total.blocked);
      sum = Mix(sum, w.total.new_accounts);
      sum = Mix(sum, w.total.copies);
      sum = Mix(sum, static_cast<uint64_t>(w.total.distinct_authors * 1000));
      for (const auto& h : w.shadow_hits) sum = Mix(MixText(sum, h.rule), h.count);
    }
    sum = MixText(sum, snap->mood.index);
    for (const RisingTopic& t : snap->rising_topics) {
      sum = Mix(MixText(sum, t.term), t.count);
      sum = Mix(sum, static_cast<uint64_t>(t.expected * 1000));
    }
  }
  return sum;
}

int Main(int argc, char** argv) {
  const uint64_t passes = std::stoull(Flag(argc, argv, "passes", "4"));
  const int communities = std::stoi(Flag(argc, argv, "communities", "100"));
  const bench::PulseStream s(communities, bench::PulseStream::GermanBodies());
  ManualClock clock(absl::FromUnixSeconds(1796029200));
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  // Warm-up outside the count: every community's duplicate ring full.
  const uint64_t warm = static_cast<uint64_t>(communities) * 600;
  uint64_t sum = RunPosts(pulse, s, 0, warm);
  const uint64_t posts = passes * s.distinct_bodies();
  sum = Mix(sum, MeasuredPosts(pulse, s, warm, posts));
  sum = Mix(sum, SnapshotSum(pulse, s));
  std::printf("posts %llu (after %llu warm-up), checksum %016llx\n",
              static_cast<unsigned long long>(posts), static_cast<unsigned long long>(warm),
              static_cast<unsigned long long>(sum));
  return 0;
}

}  // namespace
}  // namespace moderation::server::pulse

int main(int argc, char** argv) { return moderation::server::pulse::Main(argc, argv); }
