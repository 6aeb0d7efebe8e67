#include "server/pulse_proto.h"

namespace moderation::server {
namespace {

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(t);
  out->set_seconds(nanos / 1000000000);
  out->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

v1::AlertKind KindToProto(pulse::AlertKind kind) {
  switch (kind) {
    case pulse::AlertKind::kHostileShare:
      return v1::ALERT_KIND_HOSTILE_SHARE;
    case pulse::AlertKind::kCategoryShare:
      return v1::ALERT_KIND_CATEGORY_SHARE;
    case pulse::AlertKind::kVolumeSpike:
      return v1::ALERT_KIND_VOLUME_SPIKE;
    case pulse::AlertKind::kVolumeCollapse:
      return v1::ALERT_KIND_VOLUME_COLLAPSE;
    case pulse::AlertKind::kRaid:
      return v1::ALERT_KIND_RAID;
    case pulse::AlertKind::kPileOn:
      return v1::ALERT_KIND_PILE_ON;
  }
  return v1::ALERT_KIND_UNSPECIFIED;
}

v1::PulseWindow WindowFromName(const std::string& name) {
  if (name == "hour") return v1::PULSE_WINDOW_HOUR;
  if (name == "day") return v1::PULSE_WINDOW_DAY;
  if (name == "week") return v1::PULSE_WINDOW_WEEK;
  return v1::PULSE_WINDOW_UNSPECIFIED;
}

void BucketToProto(const pulse::BucketSummary& b, v1::PulseBucket* out) {
  SetTime(b.start, out->mutable_start());
  out->set_posts(b.posts);
  out->set_flagged(b.flagged);
  out->set_blocked(b.blocked);
  out->set_new_accounts(b.new_accounts);
  out->set_distinct_authors(b.distinct_authors);
}

}  // namespace

v1::MoodIndex MoodIndexFromName(const std::string& index) {
  if (index == "ruhig") return v1::MOOD_INDEX_RUHIG;
  if (index == "angespannt") return v1::MOOD_INDEX_ANGESPANNT;
  if (index == "eskalierend") return v1::MOOD_INDEX_ESKALIEREND;
  return v1::MOOD_INDEX_UNSPECIFIED;
}

void AlertToProto(const pulse::Alert& a, v1::PulseAlert* out) {
  out->set_id(a.id);
  out->set_community(a.community);
  out->set_kind(KindToProto(a.kind));
  out->set_subject(a.subject);
  out->set_severity(a.severity == "critical" ? v1::ALERT_SEVERITY_CRITICAL
                                             : v1::ALERT_SEVERITY_WARNING);
  SetTime(a.started, out->mutable_started_at());
  if (!a.open()) SetTime(a.ended, out->mutable_ended_at());
  SetTime(a.updated, out->mutable_updated_at());
  out->set_window_posts(a.window_posts);
  out->set_observed(a.observed);
  out->set_expected(a.expected);
  out->set_z(a.z);
  if (a.kind == pulse::AlertKind::kPileOn) {
    v1::PileOnNumbers* p = out->mutable_pile_on();
    p->set_share_of_hostile(a.pile_on.share_of_hostile);
    p->set_subject_posts(a.pile_on.subject_posts);
    p->set_subject_hostile_share(a.pile_on.subject_hostile_share);
    p->set_others_hostile_share(a.pile_on.others_hostile_share);
  }
  for (const auto& [rule, count] : a.top_rules) {
    v1::RuleHitCount* r = out->add_top_rules();
    r->set_rule_id(rule);
    r->set_count(count);
  }
  for (const std::string& id : a.example_post_ids) out->add_example_post_ids(id);
  for (const std::string& topic : a.top_topics) out->add_top_topics(topic);
}

void SnapshotToProto(const pulse::CommunitySnapshot& s, v1::PulseWindow window, absl::Time as_of,
                     v1::GetPulseResponse* out) {
  out->set_community(s.community);
  for (const pulse::WindowSummary& w : s.windows) {
    const v1::PulseWindow which = WindowFromName(w.name);
    if (window != v1::PULSE_WINDOW_UNSPECIFIED && window != which) continue;
    v1::PulseWindowSummary* pw = out->add_windows();
    pw->set_window(which);
    pw->mutable_step()->set_seconds(absl::ToInt64Seconds(w.step));
    for (const pulse::BucketSummary& b : w.buckets) BucketToProto(b, pw->add_buckets());
    BucketToProto(w.total, pw->mutable_total());
    for (const pulse::CategoryDecisionCount& c : w.hostile_by_category) {
      v1::CategoryDecisionCount* pc = pw->add_hostile_by_category();
      pc->set_category(c.category);
      pc->set_decision(c.decision == "BLOCK" ? v1::DECISION_BLOCK : v1::DECISION_FLAG);
      pc->set_count(c.count);
    }
    for (const pulse::RuleHitCount& r : w.shadow_hits) {
      v1::RuleHitCount* pr = pw->add_shadow_hits();
      pr->set_rule_id(r.rule);
      pr->set_count(r.count);
    }
  }
  v1::PulseMood* mood = out->mutable_mood();
  mood->set_index(MoodIndexFromName(s.mood.index));
  mood->set_enough_data(s.mood.enough_data);
  mood->set_posts_now(s.mood.posts_now);
  mood->set_hostile_share_now(s.mood.hostile_share_now);
  mood->set_baseline_share(s.mood.baseline_share);
  mood->set_z(s.mood.z);
  mood->set_baseline_source(s.mood.baseline_source);
  for (const pulse::CategoryMood& c : s.mood.by_category) {
    v1::CategoryMood* m = mood->add_by_category();
    m->set_category(c.category);
    m->set_hostile_now(c.hostile_now);
    m->set_share_now(c.share_now);
    m->set_baseline_share(c.baseline_share);
    m->set_z(c.z);
  }
  for (int day = 0; day < 7; ++day) {
    v1::ActivityDay* d = out->add_activity();
    d->set_weekday(day);
    for (uint64_t n : s.activity[day]) d->add_posts_by_hour(n);
  }
  for (const pulse::Alert& a : s.open_alerts) AlertToProto(a, out->add_open_alerts());
  SetTime(as_of, out->mutable_as_of());
  for (const pulse::RisingTopic& t : s.rising_topics) {
    v1::PulseTopic* pt = out->add_rising_topics();
    pt->set_term(t.term);
    pt->set_count(t.count);
    pt->set_expected(t.expected);
  }
}

void SummaryToProto(const pulse::CommunitySummary& s, v1::CommunitySummary* out) {
  out->set_community(s.community);
  out->set_posts_last_hour(s.posts_last_hour);
  out->set_hostile_share_last_hour(s.hostile_share_last_hour);
  out->set_mood(MoodIndexFromName(s.mood));
  out->set_open_alerts(s.open_alerts);
}

}  // namespace moderation::server
