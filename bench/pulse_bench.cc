// Community pulse microbenchmarks (issue 12: "≤ 1 µs per post on top of
// Evaluate"): the cost of Pulse::Record for one judged post.
//
//   build/bench/pulse_bench --benchmark_min_time=0.2
//
// Benchmark names:
//   pulse_record/communities:N     Record of an allowed or hostile 300-byte
//                                  post (5 % hostile, 5 % with a shadow hit;
//                                  every 8th post's topics are read)
//                                  spread over N communities, one thread
//   pulse_record_threads/communities:N   the same from 2 threads at once
//                                  (shard locks under contention)
//   pulse_tick/communities:N       one alert evaluation of all N communities
//                                  (runs once a minute)
//   near_duplicate_fingerprint/bytes:N   the SimHash of an N-byte skeleton
//                                  (computed inside Evaluate when the pulse
//                                  is on)
//   pulse_observe_activity/communities:N  the multi-posting counts of one
//                                  post (Pulse::ObserveActivity): rate table
//                                  and a scan of the community's recent
//                                  fingerprints (full: 512)
// The per-post pulse cost is pulse_record + pulse_observe_activity +
// near_duplicate_fingerprint at the post's size.
// The clock is a ManualClock, so no evaluation happens inside the timed
// Record loop (minute changes are measured by pulse_tick).
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/text/near_duplicate.h"
#include "engine/text/normalizer.h"
#include "server/pulse/pulse.h"

namespace moderation::server::pulse {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1796029200);
// A 300-byte post: topics read every 8th post (PulseOptions default).
constexpr std::string_view kBody =
    "Die Bahn streikt schon wieder, und die Regierung schaut zu. Wer heute nach Hamburg "
    "muss, steht am Bahnsteig und wartet. @bahnchef sagt, morgen fahren wieder alle Züge, "
    "aber das hat er letzte Woche auch gesagt. Ich nehme jetzt das Fahrrad, bei dem "
    "Wetter ist das kein Vergnügen. https://example.org/streik";

struct Fixture {
  std::vector<std::string> communities;
  std::vector<std::string> authors;
  std::vector<std::string> post_ids;
  explicit Fixture(int n) {
    for (int i = 0; i < n; ++i) communities.push_back(absl::StrCat("community-", i));
    for (int i = 0; i < 4096; ++i) authors.push_back(absl::StrCat("author-", i * 7919));
    for (int i = 0; i < 4096; ++i) post_ids.push_back(absl::StrCat("p", i));
  }
  PulseEvent Event(uint64_t i) const {
    PulseEvent e;
    e.community = communities[(i * 2654435761u) % communities.size()];
    e.author_id = authors[i % authors.size()];
    e.post_id = post_ids[i % post_ids.size()];
    e.account_age_days = static_cast<int>(i % 400);
    e.body = kBody;
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
};

void BM_PulseRecord(benchmark::State& state) {
  static ManualClock clock(kStart);
  static Pulse* pulse = nullptr;
  static Fixture* fixture = nullptr;
  if (state.thread_index() == 0) {
    fixture = new Fixture(static_cast<int>(state.range(0)));
    pulse = new Pulse(PulseOptions{}, &clock, nullptr);
    for (size_t i = 0; i < fixture->communities.size() * 4; ++i) pulse->Record(fixture->Event(i));
  }
  uint64_t i = static_cast<uint64_t>(state.thread_index()) * 1000003;
  for (auto _ : state) pulse->Record(fixture->Event(i++));
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["communities"] = static_cast<double>(pulse->community_count());
    delete pulse;
    delete fixture;
  }
}
BENCHMARK(BM_PulseRecord)
    ->Name("pulse_record")
    ->ArgName("communities")
    ->Arg(1)
    ->Arg(100)
    ->Arg(1000);
BENCHMARK(BM_PulseRecord)
    ->Name("pulse_record_threads")
    ->ArgName("communities")
    ->Arg(100)
    ->Threads(2)
    ->UseRealTime();

void BM_PulseTick(benchmark::State& state) {
  ManualClock clock(kStart);
  Fixture fixture(static_cast<int>(state.range(0)));
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  for (size_t i = 0; i < fixture.communities.size() * 50; ++i) pulse.Record(fixture.Event(i));
  for (auto _ : state) {
    clock.Advance(absl::Minutes(1));
    pulse.Tick();
  }
  state.counters["communities"] = static_cast<double>(pulse.community_count());
}
BENCHMARK(BM_PulseTick)
    ->Name("pulse_tick")
    ->ArgName("communities")
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);

void BM_Fingerprint(benchmark::State& state) {
  std::string text;
  while (text.size() < static_cast<size_t>(state.range(0))) text += kBody;
  text.resize(static_cast<size_t>(state.range(0)));
  text::NormalizedText normalized;
  if (!text::Normalize(text, &normalized).ok()) state.SkipWithError("bad text");
  for (auto _ : state) {
    text::NearDuplicateHasher h;
    h.Add(normalized.skeleton.text);
    benchmark::DoNotOptimize(h.Finish());
  }
}
BENCHMARK(BM_Fingerprint)
    ->Name("near_duplicate_fingerprint")
    ->ArgName("bytes")
    ->Arg(300)
    ->Arg(1024);

void BM_ObserveActivity(benchmark::State& state) {
  ManualClock clock(kStart);
  Fixture fixture(static_cast<int>(state.range(0)));
  Pulse pulse(PulseOptions{}, &clock, nullptr);
  // Every community's ring full of distinct fingerprints within the window.
  uint64_t i = 0;
  for (; i < fixture.communities.size() * 600; ++i) {
    pulse.ObserveActivity(fixture.Event(i).community, fixture.authors[i % 4096],
                          0x9E3779B97F4A7C15ULL * (i + 1), std::nullopt);
  }
  for (auto _ : state) {
    ++i;
    benchmark::DoNotOptimize(pulse.ObserveActivity(fixture.Event(i).community,
                                                   fixture.authors[i % 4096],
                                                   0x9E3779B97F4A7C15ULL * (i + 1), std::nullopt));
  }
}
BENCHMARK(BM_ObserveActivity)
    ->Name("pulse_observe_activity")
    ->ArgName("communities")
    ->Arg(1)
    ->Arg(100)
    ->Arg(1000);

}  // namespace
}  // namespace moderation::server::pulse

BENCHMARK_MAIN();
