// The input of a moderation decision: a post with its author context.
//
// Why: one plain value type shared by the engine, modctl and the gRPC layer,
// which translates its protobuf request into this. It is a leaf target
// (engine_post, no dependencies) because the lowest layers speak it too: rule
// examples carry an Author and conditions read one.
//
//   moderation::Post post;
//   post.id = "p1";
//   post.community = "news-de";
//   post.author.account_age_days = 2;
//   post.fields.push_back({"body", "Du Blödmann!"});
//
// Thread-safety: a plain value.
#ifndef MODERATION_ENGINE_POST_POST_H_
#define MODERATION_ENGINE_POST_POST_H_

#include <optional>
#include <string>
#include <vector>

namespace moderation {

// What the platform knows about the author. Unset fields are unknown: a
// condition on an unknown value never holds.
struct Author {
  std::string id;
  std::optional<int> account_age_days;
  std::optional<int> trust_level;
  std::optional<int> prior_violations;
};

// What the server knows about the author's and the community's recent posts
// (issue 12 §1, multi-posting and floods). The engine keeps no state: the
// server's pulse counts, and hands the counts in (see engine/activity.h);
// rule examples and modctl set them by hand. Unset fields are unknown: a
// condition on an unknown count never holds.
struct Activity {
  // Posts in the community within the pulse's duplicate window (default 10
  // minutes) whose text is a near-duplicate of this one, this post included
  // (so the third copy of a text counts 3). Texts under 32 skeleton letters
  // ("Danke!", "+1") are not compared and count 1.
  std::optional<int> duplicates_recent;
  // The same, counting only this author's posts.
  std::optional<int> author_duplicates_recent;
  // This author's posts in the community in the last minute, this one
  // included (10-second steps: the last 50 to 60 seconds).
  std::optional<int> author_posts_last_minute;
};

// One named content field ("title", "body", "author_name", or the modctl
// default "text"). Offsets in matches refer to this field's bytes.
struct Field {
  std::string name;
  std::string text;
};

struct Post {
  std::string id;
  std::string community;
  Author author;
  std::vector<Field> fields;
  // Used when Evaluate is given no ActivitySource (examples, modctl, tests).
  Activity activity;
};

}  // namespace moderation

#endif  // MODERATION_ENGINE_POST_POST_H_
