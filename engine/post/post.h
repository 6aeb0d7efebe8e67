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
};

}  // namespace moderation

#endif  // MODERATION_ENGINE_POST_POST_H_
