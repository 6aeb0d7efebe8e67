// A fixed amount of community-pulse work for instruction counting (issue 12:
// "≤ 1 µs per post on top of Evaluate"): each post of a pool of 256 distinct
// 300-byte German posts is fingerprinted (engine/text/near_duplicate.h),
// counted for multi-posting (Pulse::ObserveActivity) and recorded
// (Pulse::Record), as moderationd does for every post, over 100 communities
// whose duplicate rings are already full. Callgrind counts the same
// instructions every run, where times on this shared host drift by 30 % and
// more, so pulse changes are judged by
//
//   valgrind --tool=callgrind --toggle-collect='*MeasuredPosts*' build/bench/pulse_ir --passes=4
//   callgrind_annotate --inclusive=yes callgrind.out.<pid> | grep -E 'PulseIr|Tokenize|SpaceSaving'
//
// and Ir per post = a function's inclusive count / posts. PulseIrFingerprint,
// PulseIrObserve and PulseIrRecord are the three parts of a post's cost.
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
#include "bench/synthetic_rules.h"
#include "engine/text/near_duplicate.h"
#include "engine/text/normalizer.h"
#include "server/pulse/pulse.h"

namespace moderation::server::pulse {
namespace {

std::string Flag(int argc, char** argv, std::string_view name, std::string fallback) {
  const std::string prefix = "--" + std::string(name) + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).starts_with(prefix)) return argv[i] + prefix.size();
  }
  return fallback;
}

struct Posts {
  std::vector<std::string> bodies;
  std::vector<std::string> skeletons;
  std::vector<std::string> communities;
  std::vector<std::string> authors;
  std::vector<std::string> ids;
};

// As pulse_bench's Fixture: 5 % hostile, 5 % with a shadow hit.
PulseEvent EventFor(const Posts& p, uint64_t i) {
  PulseEvent e;
  e.community = p.communities[(i * 2654435761u) % p.communities.size()];
  e.author_id = p.authors[i % p.authors.size()];
  e.post_id = p.ids[i % p.ids.size()];
  e.account_age_days = static_cast<int>(i % 400);
  e.body = p.bodies[i % p.bodies.size()];
  if (i % 20 == 0) {
    e.outcome = i % 40 == 0 ? Outcome::kBlock : Outcome::kFlag;
    e.category = i % 40 == 0 ? "threat" : "insult";
    e.rule_id = i % 40 == 0 ? "de.threat.kill" : "de.insult.direct";
  }
  if (i % 20 == 3) {
    e.shadow_rules[0] = "spam.links.new_account";
    e.shadow_count = 1;
  }
  return e;
}

uint64_t Mix(uint64_t sum, uint64_t v) { return (sum ^ v) * 0x100000001B3ULL + (sum >> 29); }
uint64_t MixText(uint64_t sum, std::string_view s) {
  for (char c : s) sum = Mix(sum, static_cast<unsigned char>(c));
  return Mix(sum, s.size());
}

__attribute__((noinline)) uint64_t PulseIrFingerprint(std::string_view skeleton) {
  text::NearDuplicateHasher h;
  h.Add(skeleton);
  return h.Finish();
}

__attribute__((noinline)) Activity PulseIrObserve(Pulse& pulse, const PulseEvent& e,
                                                  uint64_t fingerprint) {
  return pulse.ObserveActivity(e.community, e.author_id, fingerprint, std::nullopt);
}

__attribute__((noinline)) void PulseIrRecord(Pulse& pulse, const PulseEvent& e) { pulse.Record(e); }

__attribute__((noinline)) uint64_t RunPosts(Pulse& pulse, const Posts& p, uint64_t first,
                                            uint64_t count) {
  uint64_t sum = 0;
  for (uint64_t i = first; i < first + count; ++i) {
    PulseEvent e = EventFor(p, i);
    const uint64_t fp = PulseIrFingerprint(p.skeletons[i % p.skeletons.size()]);
    const Activity a = PulseIrObserve(pulse, e, fp);
    e.copies_another = a.duplicates_recent.value_or(1) > a.author_duplicates_recent.value_or(1);
    PulseIrRecord(pulse, e);
    sum = Mix(sum, fp);
    sum = Mix(sum, static_cast<uint64_t>(a.duplicates_recent.value_or(-1)));
    sum = Mix(sum, static_cast<uint64_t>(a.author_duplicates_recent.value_or(-1)));
    sum = Mix(sum, static_cast<uint64_t>(a.author_posts_last_minute.value_or(-1)));
  }
  return sum;
}

// The counted part (callgrind's --toggle-collect).
__attribute__((noinline)) uint64_t MeasuredPosts(Pulse& pulse, const Posts& p, uint64_t first,
                                                 uint64_t count) {
  return RunPosts(pulse, p, first, count);
}

uint64_t SnapshotSum(const Pulse& pulse, const Posts& p) {
  uint64_t sum = 0;
  for (const std::string& c : p.communities) {
    const std::optional<CommunitySnapshot> s = pulse.Snapshot(c);
    if (!s.has_value()) continue;
    for (const WindowSummary& w : s->windows) {
      sum = Mix(sum, w.total.posts);
      sum = Mix(sum, w.total.flagged);
      sum = Mix(sum, w.total.blocked);
      sum = Mix(sum, w.total.new_accounts);
      sum = Mix(sum, w.total.copies);
      sum = Mix(sum, static_cast<uint64_t>(w.total.distinct_authors * 1000));
      for (const auto& h : w.shadow_hits) sum = Mix(MixText(sum, h.rule), h.count);
    }
    sum = MixText(sum, s->mood.index);
    for (const RisingTopic& t : s->rising_topics) {
      sum = Mix(MixText(sum, t.term), t.count);
      sum = Mix(sum, static_cast<uint64_t>(t.expected * 1000));
    }
  }
  return sum;
}

int Main(int argc, char** argv) {
  const uint64_t passes = std::stoull(Flag(argc, argv, "passes", "4"));
  const int communities = std::stoi(Flag(argc, argv, "communities", "100"));
  Posts p;
  p.bodies =
      bench::GermanPosts({.bytes = 300, .count = 256, .abusive_rate = 0, .terms = {}, .seed = 7});
  for (const std::string& body : p.bodies) {
    text::NormalizedText n;
    if (!text::Normalize(body, &n).ok()) {
      std::fprintf(stderr, "pulse_ir: cannot normalise a post\n");
      return 1;
    }
    p.skeletons.push_back(n.skeleton.text);
  }
  for (int i = 0; i < communities; ++i) p.communities.push_back(absl::StrCat("community-", i));
  for (int i = 0; i < 4096; ++i) p.authors.push_back(absl::StrCat("author-", i * 7919));
  for (int i = 0; i < 4096; ++i) p.ids.push_back(absl::StrCat("p", i));

  ManualClock clock(absl::FromUnixSeconds(1796029200));
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  // Warm-up outside the count: every community's duplicate ring full.
  const uint64_t warm = static_cast<uint64_t>(communities) * 600;
  uint64_t sum = RunPosts(pulse, p, 0, warm);
  const uint64_t posts = passes * p.bodies.size();
  sum = Mix(sum, MeasuredPosts(pulse, p, warm, posts));
  sum = Mix(sum, SnapshotSum(pulse, p));
  std::printf("posts %llu (after %llu warm-up), checksum %016llx\n",
              static_cast<unsigned long long>(posts), static_cast<unsigned long long>(warm),
              static_cast<unsigned long long>(sum));
  return 0;
}

}  // namespace
}  // namespace moderation::server::pulse

int main(int argc, char** argv) { return moderation::server::pulse::Main(argc, argv); }
