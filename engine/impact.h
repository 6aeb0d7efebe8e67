// The impact of a rule change: which decisions change if it ships.
//
// Why: a moderator who edits a rule wants to know before deploying what it
// does to real traffic: how many posts change from ALLOW to BLOCK, and why.
// An ImpactReport takes the old and the new decision for each post of a
// sample and groups the posts whose decision changed by the rule (and its
// category) that now fires or no longer fires, keeping a few example posts
// per group. `modctl diff` and the PreviewImpact admin RPC both print one.
//
//   ImpactReport report(ImpactReport::Options{});
//   for (const Post& post : sample)
//     report.Add(post, *Moderate(*old_rules, post), *Moderate(*new_rules, post));
//   for (const ImpactGroup& g : report.Groups()) ...
//
// Thread-safety: a plain value; one thread adds to it.
#ifndef MODERATION_ENGINE_IMPACT_H_
#define MODERATION_ENGINE_IMPACT_H_

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "engine/decision.h"
#include "engine/post/post.h"

namespace moderation {

// A post whose decision changed, as shown in a group.
struct ImpactExample {
  std::string post_id;
  std::string community;
  std::string text;  // the post's fields joined by " | ", cut to Options::max_text_bytes
  Verdict old_verdict = Verdict::kAllow;
  Verdict new_verdict = Verdict::kAllow;
};

// The posts whose decision changed and on which one rule's firing changed.
struct ImpactGroup {
  enum class Change { kNowFires, kNoLongerFires, kScoresOrThresholds };
  Change change = Change::kNowFires;
  std::string rule_id;   // "" for kScoresOrThresholds (no rule's firing changed)
  std::string category;  // the rule's category
  size_t posts = 0;
  std::vector<ImpactExample> examples;  // the first Options::examples_per_group
};

const char* ImpactChangeName(ImpactGroup::Change change);

class ImpactReport {
 public:
  struct Options {
    // Example posts kept per group. Default 3: enough to see the pattern.
    size_t examples_per_group = 3;
    // Longest example text, in bytes (cut at a UTF-8 boundary). Default 200.
    size_t max_text_bytes = 200;
  };

  explicit ImpactReport(Options options) : options_(options) {}

  // Records one post's old and new decision.
  void Add(const Post& post, const Decision& old_decision, const Decision& new_decision);
  // Records a post that could not be judged (bad line, unknown community).
  void AddError() { ++errors_; }

  size_t posts() const { return posts_; }
  size_t changed() const { return changed_; }
  size_t errors() const { return errors_; }
  // How many posts went from one verdict to another (index: Verdict values);
  // the diagonal counts unchanged posts.
  size_t Transitions(Verdict from, Verdict to) const {
    return transitions_[static_cast<size_t>(from)][static_cast<size_t>(to)];
  }
  // Groups, most posts first (ties: by change, then rule id).
  std::vector<ImpactGroup> Groups() const;
  // Changed posts per category of the rules whose firing changed (a post
  // counts once per category).
  std::map<std::string, size_t> ChangedByCategory() const { return by_category_; }

 private:
  ImpactGroup& GroupFor(ImpactGroup::Change change, const std::string& rule_id,
                        const std::string& category);
  ImpactExample Example(const Post& post, Verdict old_verdict, Verdict new_verdict) const;

  Options options_;
  size_t posts_ = 0;
  size_t changed_ = 0;
  size_t errors_ = 0;
  std::array<std::array<size_t, 3>, 3> transitions_{};
  std::map<std::tuple<int, std::string>, ImpactGroup> groups_;
  std::map<std::string, size_t> by_category_;
};

}  // namespace moderation

#endif  // MODERATION_ENGINE_IMPACT_H_
