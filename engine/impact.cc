#include "engine/impact.h"

#include <algorithm>
#include <set>

namespace moderation {
namespace {

// Rule id -> category of the enforced rules that fired.
std::map<std::string, std::string> Fired(const Decision& d) {
  std::map<std::string, std::string> out;
  for (const RuleHit& hit : d.hits) out.emplace(hit.rule_id, hit.category);
  return out;
}

// The longest prefix of s of at most max bytes that ends on a UTF-8 boundary.
std::string CutUtf8(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end) + "…";
}

}  // namespace

const char* ImpactChangeName(ImpactGroup::Change change) {
  switch (change) {
    case ImpactGroup::Change::kNowFires:
      return "now fires";
    case ImpactGroup::Change::kNoLongerFires:
      return "no longer fires";
    case ImpactGroup::Change::kScoresOrThresholds:
      return "same rules, other scores or thresholds";
  }
  return "unknown";
}

void ImpactReport::Add(const Post& post, const Decision& old_decision,
                       const Decision& new_decision) {
  ++posts_;
  ++transitions_[static_cast<size_t>(old_decision.verdict)]
                [static_cast<size_t>(new_decision.verdict)];
  if (old_decision.verdict == new_decision.verdict) return;
  ++changed_;
  const ImpactExample example = Example(post, old_decision.verdict, new_decision.verdict);
  const std::map<std::string, std::string> before = Fired(old_decision);
  const std::map<std::string, std::string> after = Fired(new_decision);
  std::set<std::string> categories;  // a post counts once per category
  const auto record = [&](ImpactGroup::Change change, const std::string& rule,
                          const std::string& category) {
    ImpactGroup& group = GroupFor(change, rule, category);
    ++group.posts;
    if (group.examples.size() < options_.examples_per_group) group.examples.push_back(example);
    if (!category.empty()) categories.insert(category);
  };
  bool any_rule_changed = false;
  for (const auto& [rule, category] : after) {
    if (before.count(rule)) continue;
    record(ImpactGroup::Change::kNowFires, rule, category);
    any_rule_changed = true;
  }
  for (const auto& [rule, category] : before) {
    if (after.count(rule)) continue;
    record(ImpactGroup::Change::kNoLongerFires, rule, category);
    any_rule_changed = true;
  }
  // The same rules fired, yet the verdict changed: a score or threshold did.
  if (!any_rule_changed) record(ImpactGroup::Change::kScoresOrThresholds, "", "");
  for (const std::string& category : categories) ++by_category_[category];
}

ImpactGroup& ImpactReport::GroupFor(ImpactGroup::Change change, const std::string& rule_id,
                                    const std::string& category) {
  ImpactGroup& group = groups_[{static_cast<int>(change), rule_id}];
  group.change = change;
  group.rule_id = rule_id;
  group.category = category;
  return group;
}

ImpactExample ImpactReport::Example(const Post& post, Verdict old_verdict,
                                    Verdict new_verdict) const {
  ImpactExample example;
  example.post_id = post.id;
  example.community = post.community;
  std::string text;
  for (const Field& field : post.fields) {
    if (!text.empty()) text += " | ";
    text += field.text;
    if (text.size() > options_.max_text_bytes) break;
  }
  example.text = CutUtf8(text, options_.max_text_bytes);
  example.old_verdict = old_verdict;
  example.new_verdict = new_verdict;
  return example;
}

std::vector<ImpactGroup> ImpactReport::Groups() const {
  std::vector<ImpactGroup> out;
  for (const auto& [key, group] : groups_) out.push_back(group);
  std::stable_sort(out.begin(), out.end(),
                   [](const ImpactGroup& a, const ImpactGroup& b) { return a.posts > b.posts; });
  return out;
}

}  // namespace moderation
