// CommunityState::Evaluate: the crisis tests (options.h, stats.h).
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "server/pulse/community.h"

namespace moderation::server::pulse {
namespace {

// What one test concluded this minute.
// A pile-on's subject as its alert names it: "thread:<id>" or
// "target:<id>" (index 0 and 1 of the groups below; both prefixes are
// the same length).
constexpr std::string_view kSubjectPrefix[] = {"thread:", "target:"};
static_assert(kSubjectPrefix[0].size() == kSubjectPrefix[1].size());

struct Verdict {
  explicit Verdict(AlertKind k, std::string s = "") : kind(k), subject(std::move(s)) {}
  AlertKind kind;
  std::string subject;
  bool opens = false;  // the condition to open holds
  bool holds = false;  // the weaker condition to stay open holds
  int64_t window_posts = 0;
  double observed = 0;
  double expected = 0;
  double z = 0;
  // Which recent posts belong to it (for rules and examples): hostile ones
  // (of `category`, thread, target), or for a raid the copies or the
  // new accounts' posts.
  enum class Source { kHostile, kCopies, kNewAccounts } source = Source::kHostile;
  int category = -1;  // -1 = any
  std::string thread_id;
  std::string target_author_id;
  PileOnNumbers pile_on;
};

// The top three rules and the five newest post ids among `posts` (minute,
// rule, post id), most hits first.
void SetRulesAndExamples(std::vector<std::tuple<uint32_t, uint16_t, const std::string*>> posts,
                         const Interner& rules, Alert* alert) {
  absl::flat_hash_map<uint16_t, int> rule_counts;
  for (const auto& [minute, rule, id] : posts) {
    if (rule != 0) ++rule_counts[rule];
  }
  std::vector<std::pair<int, uint16_t>> ranked;
  for (const auto& [rule, count] : rule_counts) ranked.push_back({-count, rule});
  std::sort(ranked.begin(), ranked.end());
  alert->top_rules.clear();
  for (size_t i = 0; i < ranked.size() && i < 3; ++i) {
    alert->top_rules.push_back({rules.Name(ranked[i].second), -ranked[i].first});
  }
  std::stable_sort(posts.begin(), posts.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  alert->example_post_ids.clear();
  for (const auto& [minute, rule, id] : posts) {
    if (alert->example_post_ids.size() == 5) break;
    if (!id->empty()) alert->example_post_ids.push_back(*id);
  }
}

}  // namespace

void CommunityState::Evaluate(uint32_t now_minute, const DetectorOptions& opt, Interner& categories,
                              const Interner& rules, uint64_t* next_alert_id,
                              std::vector<Alert>* changes) {
  FeedBaseline(now_minute);
  const uint32_t last = MinuteRing::EpochOf(now_minute) - 1;  // complete minutes only
  const uint32_t first = last + 1 - opt.window_minutes;
  const Totals t = Totals::Over(minutes_, first, last);
  const double n = static_cast<double>(t.posts);
  const bool warm = baseline_.posts.samples >= static_cast<uint32_t>(opt.warmup_quarters);
  std::vector<Verdict> verdicts;

  // Hostile share, overall.
  {
    Verdict v{AlertKind::kHostileShare};
    const double p0 = BaselineHostile(now_minute);
    const double share = n > 0 ? t.Hostile() / n : 0;
    v.window_posts = t.posts;
    v.observed = share;
    v.expected = p0;
    v.z = BinomialZ(t.Hostile(), n, p0);
    v.opens = warm && n >= opt.min_posts && v.z >= opt.open_z && share - p0 >= opt.min_share_lift;
    v.holds =
        n >= opt.min_posts / 2.0 && v.z >= opt.close_z && share - p0 >= opt.min_share_lift / 2;
    verdicts.push_back(v);
  }
  // Hostile share per category: every category seen in the window, and
  // every category with an open alert (so it can close).
  {
    std::map<uint16_t, uint64_t> per_category;
    for (const auto& [key, count] : t.hostile) per_category[key.first] += count;
    for (const Alert& a : open_) {
      if (a.kind != AlertKind::kCategoryShare) continue;
      const uint16_t id = categories.Intern(a.subject);  // known: it was interned before
      per_category.try_emplace(id, 0);
    }
    for (const auto& [category, k] : per_category) {
      Verdict v{AlertKind::kCategoryShare, categories.Name(category)};
      const double p0 = BaselineCategory(category);
      const double share = n > 0 ? k / n : 0;
      v.window_posts = t.posts;
      v.observed = share;
      v.expected = p0;
      v.z = BinomialZ(static_cast<double>(k), n, p0);
      v.category = category;
      v.opens = warm && n >= opt.min_posts && k >= static_cast<uint64_t>(opt.min_category_posts) &&
                v.z >= opt.open_z && share - p0 >= opt.min_share_lift;
      v.holds =
          n >= opt.min_posts / 2.0 && v.z >= opt.close_z && share - p0 >= opt.min_share_lift / 2;
      verdicts.push_back(v);
    }
  }
  // Volume, against the expected posts for this hour of the week.
  {
    const double lambda = ExpectedPostsPerQuarter(now_minute) * opt.window_minutes / 15.0;
    Verdict spike{AlertKind::kVolumeSpike};
    spike.window_posts = t.posts;
    spike.observed = n;
    spike.expected = lambda;
    spike.z = PoissonZ(n, lambda);
    spike.opens =
        warm && n >= opt.min_posts && spike.z >= opt.open_z && n >= opt.spike_ratio * lambda;
    // It ends below z 2 or once the volume is no longer much above what is
    // expected (half-way between expected and the opening ratio): a spike
    // followed by an ordinary busy hour is over, not still rising.
    spike.holds = spike.z >= opt.close_z && n >= 0.5 * (1 + opt.spike_ratio) * lambda;
    verdicts.push_back(spike);
    Verdict collapse = spike;
    collapse.kind = AlertKind::kVolumeCollapse;
    collapse.opens = warm && lambda >= opt.min_posts && n < opt.collapse_ratio * lambda &&
                     collapse.z <= -opt.open_z;
    collapse.holds = n < 2 * opt.collapse_ratio * lambda;
    verdicts.push_back(collapse);
  }
  // Raid: posts from new accounts, and posts copying another author's
  // recent post (near-duplicates), each against its usual share.
  for (const auto& [subject, count, p0] :
       {std::tuple<const char*, uint64_t, double>{"", t.new_accounts, baseline_.new_accounts.value},
        std::tuple<const char*, uint64_t, double>{"near_duplicates", t.copies,
                                                  baseline_.copies.value}}) {
    Verdict v{AlertKind::kRaid, subject};
    v.source = *subject == '\0' ? Verdict::Source::kNewAccounts : Verdict::Source::kCopies;
    const double share = n > 0 ? count / n : 0;
    v.window_posts = t.posts;
    v.observed = share;
    v.expected = p0;
    v.z = BinomialZ(static_cast<double>(count), n, p0);
    v.opens = warm && count >= static_cast<uint64_t>(opt.min_raid_posts) && v.z >= opt.open_z &&
              share - p0 >= opt.min_raid_lift;
    v.holds = v.z >= opt.close_z && share - p0 >= opt.min_raid_lift / 2;
    verdicts.push_back(v);
  }
  // Pile-on: hostile posts in the window per thread and per target author,
  // their share of all the community's, and the hostile share of the
  // subject's own posts against the rest's (options.h, pile_on_min_share).
  {
    struct Group {
      int posts = 0;
      absl::flat_hash_set<uint64_t> authors;
      uint32_t hash = 0;  // SubjectHash of the id
      // Its posts, hostile or not, per minute of the window (of those
      // recent_posts_ holds), and the hostile ones among them.
      std::vector<int64_t> posts_in;
      std::vector<int64_t> hostile_in;
    };
    std::map<std::pair<int, std::string>, Group> groups;  // (0 thread / 1 target, id)
    int hostile = 0;                                      // in the window, of those the ring holds
    for (const RecentHostile& r : recent_) {
      if (r.post_id.empty() && r.minute == 0) continue;
      const uint32_t e = MinuteRing::EpochOf(r.minute);
      if (e < first || e > last) continue;
      ++hostile;
      if (!r.thread_id.empty()) {
        Group& g = groups[{0, r.thread_id}];
        ++g.posts;
        g.authors.insert(r.author_hash);
      }
      if (!r.target_author_id.empty()) {
        Group& g = groups[{1, r.target_author_id}];
        ++g.posts;
        g.authors.insert(r.author_hash);
      }
    }
    for (const Alert& a : open_) {
      if (a.kind != AlertKind::kPileOn) continue;
      const bool is_thread = a.subject.starts_with(kSubjectPrefix[0]);
      groups.try_emplace({is_thread ? 0 : 1, a.subject.substr(kSubjectPrefix[0].size())});
    }
    // Every post of the window that recent_posts_ holds, per minute, for
    // the subjects' own hostile shares and the rest of the community's.
    const size_t minutes = opt.window_minutes;
    std::vector<int64_t> posts_in(minutes, 0);
    std::vector<int64_t> hostile_in(minutes, 0);
    if (!groups.empty()) {
      absl::flat_hash_map<uint32_t, Group*> by_thread;
      absl::flat_hash_map<uint32_t, Group*> by_target;
      for (auto& [key, g] : groups) {
        g.hash = SubjectHash(key.second);
        g.posts_in.assign(minutes, 0);
        g.hostile_in.assign(minutes, 0);
        (key.first == 0 ? by_thread : by_target)[g.hash] = &g;
      }
      const auto count = [](Group* g, size_t i, bool hostile) {
        ++g->posts_in[i];
        g->hostile_in[i] += hostile;
      };
      for (const RecentPost& p : recent_posts_) {
        const uint32_t e = MinuteRing::EpochOf(p.minute);
        if (p.minute == 0 || e < first || e > last) continue;
        const size_t i = e - first;
        ++posts_in[i];
        hostile_in[i] += p.hostile;
        if (p.thread != 0) {
          if (auto it = by_thread.find(p.thread); it != by_thread.end())
            count(it->second, i, p.hostile);
        }
        if (p.target != 0) {
          if (auto it = by_target.find(p.target); it != by_target.end())
            count(it->second, i, p.hostile);
        }
      }
    }
    for (const auto& [key, g] : groups) {
      Verdict v{AlertKind::kPileOn, std::string(kSubjectPrefix[key.first]) + key.second};
      v.window_posts = t.posts;
      v.observed = g.posts;
      v.expected = opt.pile_on_posts;
      (key.first == 0 ? v.thread_id : v.target_author_id) = key.second;
      const double share = hostile > 0 ? static_cast<double>(g.posts) / hostile : 0;
      // The subject's posts against the community's other posts of the same
      // minutes: a thread whose posts fell in a crisis's last minutes is
      // compared with those minutes, not with the calm after them.
      int64_t own = 0, own_hostile = 0, others = 0, others_hostile = 0;
      for (size_t i = 0; i < g.posts_in.size(); ++i) {
        if (g.posts_in[i] == 0) continue;
        own += g.posts_in[i];
        own_hostile += g.hostile_in[i];
        others += posts_in[i] - g.posts_in[i];
        others_hostile += hostile_in[i] - g.hostile_in[i];
      }
      v.pile_on.share_of_hostile = share;
      v.pile_on.subject_posts = own;
      v.pile_on.subject_hostile_share = own > 0 ? static_cast<double>(own_hostile) / own : 0;
      v.pile_on.others_hostile_share =
          others > 0 ? static_cast<double>(others_hostile) / others : 0;
      v.z = TwoProportionZ(static_cast<double>(own_hostile), static_cast<double>(own),
                           static_cast<double>(others_hostile), static_cast<double>(others));
      v.opens = g.posts >= opt.pile_on_posts &&
                static_cast<int>(g.authors.size()) >= opt.pile_on_authors &&
                share >= opt.pile_on_min_share && v.z >= opt.open_z;
      v.holds = g.posts >= (opt.pile_on_posts + 1) / 2 && share >= opt.pile_on_min_share / 2 &&
                v.z >= opt.close_z;
      verdicts.push_back(v);
    }
  }

  const absl::Time now = absl::FromUnixSeconds(int64_t{now_minute} * 60);
  for (const Verdict& v : verdicts) {
    auto it = std::find_if(open_.begin(), open_.end(), [&](const Alert& a) {
      return a.kind == v.kind && a.subject == v.subject;
    });
    if (it == open_.end() && !v.opens) continue;
    if (it != open_.end() && !v.holds) {
      it->ended = now;
      changes->push_back(*it);
      open_.erase(it);
      continue;
    }
    if (it == open_.end()) {
      Alert a;
      a.id = ++*next_alert_id;
      a.community = name_;
      a.kind = v.kind;
      a.subject = v.subject;
      a.started = now;
      open_.push_back(std::move(a));
      it = open_.end() - 1;
      it->updated = now;
      it->severity = "";  // set below; marks "new" for the change list
    }
    const bool opened = it->severity.empty();
    it->updated = now;
    it->window_posts = v.window_posts;
    it->observed = v.observed;
    it->expected = v.expected;
    it->z = v.z;
    it->pile_on = v.pile_on;
    const bool critical = v.kind == AlertKind::kPileOn ? v.observed >= 2 * opt.pile_on_posts
                                                       : std::abs(v.z) >= opt.critical_z;
    // A warning that turns critical is sent again: people on call need to
    // know it got worse, not only that it started. It stays critical.
    const bool escalated = !opened && critical && it->severity != "critical";
    if (opened || critical) it->severity = critical ? "critical" : "warning";
    // Rules and examples from the recent posts that belong to it.
    std::vector<std::tuple<uint32_t, uint16_t, const std::string*>> posts;
    const auto in_window = [&](uint32_t minute) {
      const uint32_t e = MinuteRing::EpochOf(minute);
      return e >= first && e <= last;
    };
    if (v.source == Verdict::Source::kHostile) {
      for (const RecentHostile& r : recent_) {
        if ((r.post_id.empty() && r.minute == 0) || !in_window(r.minute)) continue;
        if (v.category >= 0 && r.category != v.category) continue;
        if (!v.thread_id.empty() && r.thread_id != v.thread_id) continue;
        if (!v.target_author_id.empty() && r.target_author_id != v.target_author_id) continue;
        posts.emplace_back(r.minute, r.rule, &r.post_id);
      }
    } else {
      const bool copies = v.source == Verdict::Source::kCopies;
      for (const RecentRaidPost& r : recent_raid_) {
        if ((r.post_id.empty() && r.minute == 0) || !in_window(r.minute)) continue;
        if (!(copies ? r.copy : r.new_account)) continue;
        posts.emplace_back(r.minute, r.rule, &r.post_id);
      }
    }
    SetRulesAndExamples(std::move(posts), rules, &*it);
    if (opened) {
      for (const RisingTopic& t : topics_.Rising(HourRing::EpochOf(now_minute), 5)) {
        it->top_topics.push_back(t.term);
      }
      changes->push_back(*it);
    } else if (escalated) {
      changes->push_back(*it);
      changes->back().escalated = true;
    }
  }
}

}  // namespace moderation::server::pulse
