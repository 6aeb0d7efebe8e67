// Request validation and the translation of decisions into protobuf.
#include "server/proto_convert.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/field_error.h"

namespace moderation::server {
namespace {

v1::Post ValidPost() {
  v1::Post post;
  post.set_post_id("p1");
  post.set_community("news-de");
  post.set_body("Hallo Welt");
  return post;
}

struct BadPostCase {
  std::string name;
  void (*mutate)(v1::Post*);
  std::string expected_message;
  std::string expected_field;
};

TEST(PostFromProtoTest, RejectsBadPostsNamingTheField) {
  const std::vector<BadPostCase> cases = {
      {"missing community", [](v1::Post* p) { p->clear_community(); }, "post.community: required",
       "post.community"},
      {"empty post", [](v1::Post* p) { p->clear_body(); },
       "post: empty post: title, body and author_display_name are all empty", "post"},
      {"invalid utf8 in body", [](v1::Post* p) { p->set_body(std::string("ab\xC3\x28", 4)); },
       "post.body: invalid UTF-8 at byte 2", "post.body"},
      {"invalid utf8 in title", [](v1::Post* p) { p->set_title(std::string("\xFF", 1)); },
       "post.title: invalid UTF-8 at byte 0", "post.title"},
      {"body over the limit", [](v1::Post* p) { p->set_body(std::string(101, 'x')); },
       "post.body: 101 bytes, over the limit of 100 (--max_post_bytes)", "post.body"},
      {"fields together over the limit",
       [](v1::Post* p) {
         p->set_title(std::string(60, 'x'));
         p->set_body(std::string(60, 'y'));
       },
       "post: title + body + author_display_name are 120 bytes, over the limit of 100", "post"},
      {"invalid utf8 in the author id",
       [](v1::Post* p) { p->mutable_author()->set_id(std::string("a\xC0", 2)); },
       "post.author.id: invalid UTF-8 at byte 1", "post.author.id"},
  };
  for (const BadPostCase& c : cases) {
    v1::Post post = ValidPost();
    c.mutate(&post);
    absl::StatusOr<Post> result = PostFromProto(post, {100, true}, "post");
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(std::string(result.status().message()).find(c.expected_message), std::string::npos)
        << c.name << ": " << result.status();
    EXPECT_EQ(FieldPathOf(result.status()), c.expected_field) << c.name;
  }
}

TEST(PostFromProtoTest, PathPrefixesNameTheRequestInABatch) {
  v1::Post post = ValidPost();
  post.clear_community();
  absl::StatusOr<Post> result = PostFromProto(post, {100, true}, "requests[3].post");
  EXPECT_EQ(result.status().message(), "requests[3].post.community: required");
  EXPECT_EQ(FieldPathOf(result.status()), "requests[3].post.community");
}

TEST(PostFromProtoTest, CopiesNonEmptyFieldsAndKnownAuthorValuesOnly) {
  v1::Post post = ValidPost();
  post.set_title("Titel");
  post.mutable_author()->set_id("a1");
  post.mutable_author()->set_account_age_days(3);
  absl::StatusOr<Post> result = PostFromProto(post, {1000, true}, "post");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->fields.size(), 2u);
  EXPECT_EQ(result->fields[0].name, "title");
  EXPECT_EQ(result->fields[1].name, "body");
  EXPECT_EQ(result->author.id, "a1");
  EXPECT_EQ(result->author.account_age_days, 3);
  EXPECT_FALSE(result->author.trust_level.has_value());
  EXPECT_FALSE(result->author.prior_violations.has_value());
}

TEST(PostFromProtoTest, CommunityIsOptionalWhenTheCallerSaysSo) {
  v1::Post post = ValidPost();
  post.clear_community();
  EXPECT_TRUE(PostFromProto(post, {100, false}, "post").ok());
}

Decision SampleDecision() {
  Decision d;
  d.verdict = Verdict::kBlock;
  d.score = 6;
  RuleHit hit;
  hit.rule_id = "de.insult";
  hit.ruleset_id = "de";
  hit.category = "insult";
  hit.action = rules::Action::kScore;
  hit.score = 6;
  hit.reason = "Bitte sachlich bleiben.";
  hit.spans.push_back({"body", 3, 12, "Blödmann"});
  d.hits.push_back(hit);
  d.reasons.push_back(hit.reason);
  d.ruleset_id = "de";
  d.ruleset_version = "1";
  d.ruleset_hash = "sha256:ab";
  d.evaluation_ns = 1500;
  return d;
}

TEST(DecisionToProtoTest, CarriesVerdictHitsSpansReasonsAndVersion) {
  Post post;
  post.id = "p9";
  post.fields.push_back({"body", "Du Blödmann!"});
  v1::ModerateResponse out;
  DecisionToProto(post, SampleDecision(), false, &out);
  EXPECT_EQ(out.post_id(), "p9");
  EXPECT_EQ(out.decision(), v1::DECISION_BLOCK);
  EXPECT_EQ(out.score(), 6);
  ASSERT_EQ(out.hits_size(), 1);
  EXPECT_EQ(out.hits(0).action(), v1::ACTION_SCORE);
  ASSERT_EQ(out.hits(0).matches_size(), 1);
  EXPECT_EQ(out.hits(0).matches(0).field(), v1::FIELD_BODY);
  EXPECT_EQ(out.hits(0).matches(0).start(), 3u);
  EXPECT_EQ(out.hits(0).matches(0).end(), 12u);
  EXPECT_EQ(out.reasons(0), "Bitte sachlich bleiben.");
  EXPECT_EQ(out.ruleset().content_hash(), "sha256:ab");
  EXPECT_EQ(out.evaluation_time().nanos(), 1500);
  EXPECT_FALSE(out.has_redacted());
}

TEST(DecisionToProtoTest, RedactionMasksEachMatchedCharacterOnce) {
  Post post;
  post.id = "p9";
  post.fields.push_back({"body", "Du Blödmann!"});
  v1::ModerateResponse out;
  DecisionToProto(post, SampleDecision(), true, &out);
  EXPECT_EQ(out.redacted().body(), "Du ********!");  // 8 characters, 9 bytes
}

}  // namespace
}  // namespace moderation::server
