#include "bench/pulse_stream.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/synthetic_rules.h"
#include "engine/text/near_duplicate.h"
#include "engine/text/normalizer.h"
#include "server/pulse/activity_source.h"

namespace moderation::bench {
namespace {

using server::pulse::Pulse;
using server::pulse::PulseEvent;

RuleHit Hit(std::string rule_id, std::string category, rules::Action action) {
  RuleHit hit;
  hit.rule_id = std::move(rule_id);
  hit.category = std::move(category);
  hit.action = action;
  return hit;
}

// The three parts of PulsePerPost, apart so that callgrind counts each
// (bench/pulse_ir.cc): the fingerprint Evaluate computes, the counts it
// asks the source for, and what JudgeWith records afterwards.
__attribute__((noinline)) uint64_t PulsePathFingerprint(std::string_view skeleton) {
  text::NearDuplicateHasher h;
  h.Add(skeleton);
  return h.Finish();
}

__attribute__((noinline)) Activity PulsePathObserve(server::pulse::PulseActivitySource& source,
                                                    const Post& post, uint64_t fingerprint) {
  return source.Observe(post, fingerprint);
}

__attribute__((noinline)) void PulsePathRecord(Pulse& pulse, const Post& post,
                                               const Decision& decision,
                                               const server::pulse::PulseActivitySource& source) {
  PulseEvent event = server::pulse::PulseEventFrom(post, decision);
  event.copies_another = source.CopiesAnother();
  event.observed = source.observed_post();
  pulse.Record(event);
}

}  // namespace

PulseStream::PulseStream(int communities, std::vector<std::string> bodies)
    : bodies_(std::move(bodies)) {
  for (const std::string& body : bodies_) {
    text::NormalizedText n;
    if (!text::Normalize(body, &n).ok()) {
      std::fprintf(stderr, "pulse_stream: cannot normalise a post\n");
      std::abort();
    }
    skeletons_.push_back(n.skeleton.text);
  }
  for (int i = 0; i < communities; ++i) communities_.push_back(absl::StrCat("community-", i));
  for (int i = 0; i < 4096; ++i) authors_.push_back(absl::StrCat("author-", i * 7919));
  for (int i = 0; i < 4096; ++i) ids_.push_back(absl::StrCat("p", i));
  decisions_[kShadow].shadow_hits.push_back(
      Hit("spam.links.new_account", "spam", rules::Action::kFlag));
  decisions_[kFlag].verdict = Verdict::kFlag;
  decisions_[kFlag].hits.push_back(Hit("de.insult.direct", "insult", rules::Action::kFlag));
  decisions_[kBlock].verdict = Verdict::kBlock;
  decisions_[kBlock].hits.push_back(Hit("de.threat.kill", "threat", rules::Action::kBlock));
}

std::vector<std::string> PulseStream::GermanBodies() {
  return GermanPosts({.bytes = 300, .count = 256, .abusive_rate = 0, .terms = {}, .seed = 7});
}

PulseStream::Kind PulseStream::KindOf(uint64_t i) {
  if (i % 20 == 0) return i % 40 == 0 ? kBlock : kFlag;
  return i % 20 == 3 ? kShadow : kAllow;
}

std::string_view PulseStream::community(uint64_t i) const {
  return communities_[(i * 2654435761u) % communities_.size()];
}

void PulseStream::Fill(uint64_t i, Post* post) const {
  post->id.assign(ids_[i % ids_.size()]);
  post->community.assign(community(i));
  post->author.id.assign(author(i));
  post->author.account_age_days = static_cast<int>(i % 400);
  post->fields.resize(1);
  post->fields[0].name.assign("body");
  post->fields[0].text.assign(bodies_[i % bodies_.size()]);
}

const Decision& PulseStream::decision(uint64_t i) const { return decisions_[KindOf(i)]; }

PulseEvent PulseStream::Event(uint64_t i) const {
  PulseEvent e;
  e.community = community(i);
  e.author_id = author(i);
  e.post_id = ids_[i % ids_.size()];
  e.account_age_days = static_cast<int>(i % 400);
  e.body = bodies_[i % bodies_.size()];
  const Decision& d = decision(i);
  e.outcome = static_cast<server::pulse::Outcome>(static_cast<int>(d.verdict));
  if (!d.hits.empty()) {
    e.category = d.hits[0].category;
    e.rule_id = d.hits[0].rule_id;
  }
  for (const RuleHit& hit : d.shadow_hits) e.shadow_rules[e.shadow_count++] = hit.rule_id;
  return e;
}

PulsePerPostResult PulsePerPost(Pulse& pulse, const Post& post, std::string_view skeleton,
                                const Decision& decision) {
  PulsePerPostResult r;
  server::pulse::PulseActivitySource source(&pulse, std::nullopt);
  r.fingerprint = PulsePathFingerprint(skeleton);
  r.activity = PulsePathObserve(source, post, r.fingerprint);
  PulsePathRecord(pulse, post, decision, source);
  return r;
}

}  // namespace moderation::bench
