// Fuzz target: the server's proto -> Post conversion (server/proto_convert.*)
// on arbitrary serialized ModerateRequest bytes, and the decision back to a
// ModerateResponse (with redaction) on the default rules.
//
// Invariants:
//  * PostFromProto accepts a request exactly when the community is set, every
//    content field is UTF-8 and within max_post_bytes, their sum is too, and
//    one field is non-empty; a rejection is InvalidArgument whose message
//    starts with the path of a field that breaks one of these rules, and
//    that carries the same path as its field path (server/field_error.h).
//  * An accepted Post holds the request's non-empty fields, byte for byte,
//    under the engine's field names, and the author values that were set.
//  * The decision passes decision_checks.h; DecisionToProto reports each
//    span as it was found; the redacted fields are UTF-8 with one character
//    per original character, '*' exactly where an enforced span covers one.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/moderator.h"
#include "engine/text/utf8.h"
#include "google/protobuf/stubs/logging.h"
#include "proto/support/tolerant_parse.h"
#include "server/field_error.h"
#include "server/proto_convert.h"
#include "tests/fuzz/decision_checks.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_rules.h"

namespace moderation::fuzz {
namespace {

// A small limit, so that the fuzzer reaches the size checks.
constexpr int64_t kMaxPostBytes = 512;

struct ProtoField {
  const char* name;
  const std::string& text;
};

std::vector<ProtoField> ContentOf(const v1::Post& p) {
  return {
      {"title", p.title()}, {"body", p.body()}, {"author_display_name", p.author_display_name()}};
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Checks a rejection: its message must start with the path of a field that
// breaks a rule.
void CheckRejection(const v1::Post& p, const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument) << status;
  const std::string_view message(status.message().data(), status.message().size());
  const std::string field = server::FieldPathOf(status);
  FUZZ_CHECK(!field.empty() && StartsWith(message, field + ": "))
      << "the field path '" << field << "' is not the one the message names: " << status;
  size_t total = 0;
  bool any = false, blamed_rightly = false;
  for (const ProtoField& f : ContentOf(p)) {
    const bool bad =
        !text::ValidateUtf8(f.text).ok() || static_cast<int64_t>(f.text.size()) > kMaxPostBytes;
    if (bad && StartsWith(message, std::string("post.") + f.name + ": ")) blamed_rightly = true;
    total += f.text.size();
    any |= !f.text.empty();
  }
  if (p.community().empty() && message == "post.community: required") blamed_rightly = true;
  const std::pair<const char*, const std::string*> identifiers[] = {
      {"post_id", &p.post_id()},
      {"community", &p.community()},
      {"language", &p.language()},
      {"author.id", &p.author().id()}};
  for (const auto& [name, value] : identifiers) {
    if (!text::ValidateUtf8(*value).ok() &&
        StartsWith(message, std::string("post.") + name + ": ")) {
      blamed_rightly = true;
    }
  }
  if ((!any || static_cast<int64_t>(total) > kMaxPostBytes) && StartsWith(message, "post: ")) {
    blamed_rightly = true;
  }
  FUZZ_CHECK(blamed_rightly) << "rejected, but not for a rule this post breaks: " << status;
}

void CheckAccepted(const v1::Post& p, const Post& post) {
  FUZZ_CHECK(!p.community().empty() && post.community == p.community() && post.id == p.post_id())
      << "community or id changed";
  size_t total = 0, next = 0;
  for (const ProtoField& f : ContentOf(p)) {
    FUZZ_CHECK(text::ValidateUtf8(f.text).ok()) << "accepted invalid UTF-8 in " << f.name;
    total += f.text.size();
    if (f.text.empty()) continue;
    FUZZ_CHECK(next < post.fields.size() && post.fields[next].name == f.name &&
               post.fields[next].text == f.text)
        << "field " << f.name << " not carried over";
    ++next;
  }
  FUZZ_CHECK(next == post.fields.size() && next > 0) << post.fields.size() << " fields";
  FUZZ_CHECK(static_cast<int64_t>(total) <= kMaxPostBytes) << total << " bytes accepted";
  const v1::Author& a = p.author();
  FUZZ_CHECK(
      post.author.id == a.id() &&
      post.author.account_age_days ==
          (a.has_account_age_days() ? std::optional<int>(a.account_age_days()) : std::nullopt) &&
      post.author.trust_level ==
          (a.has_trust_level() ? std::optional<int>(a.trust_level()) : std::nullopt) &&
      post.author.prior_violations ==
          (a.has_prior_violations() ? std::optional<int>(a.prior_violations()) : std::nullopt))
      << "author context changed";
}

// The field with enforced spans replaced, one '*' per covered character.
std::string ExpectedRedaction(const Field& field, const Decision& decision) {
  std::vector<bool> covered(field.text.size(), false);
  for (const RuleHit& hit : decision.hits) {
    for (const MatchSpan& s : hit.spans) {
      if (s.field != field.name) continue;
      for (uint32_t i = s.start; i < s.end; ++i) covered[i] = true;
    }
  }
  std::string out;
  for (size_t i = 0; i < field.text.size();) {
    int length = 0;
    text::DecodeUtf8(field.text, i, &length);
    if (covered[i]) {
      out.push_back('*');
    } else {
      out.append(field.text, i, length);
    }
    i += length;
  }
  return out;
}

void CheckResponse(const Post& post, const Decision& decision, bool redacted,
                   const v1::ModerateResponse& response) {
  FUZZ_CHECK(response.hits_size() == static_cast<int>(decision.hits.size()) &&
             response.shadow_hits_size() == static_cast<int>(decision.shadow_hits.size()))
      << "hit counts differ";
  for (int h = 0; h < response.hits_size(); ++h) {
    const RuleHit& hit = decision.hits[h];
    const v1::RuleHit& out = response.hits(h);
    FUZZ_CHECK(out.rule_id() == hit.rule_id &&
               out.matches_size() == static_cast<int>(hit.spans.size()))
        << "hit " << h << " differs";
    for (int m = 0; m < out.matches_size(); ++m) {
      const MatchSpan& span = hit.spans[m];
      FUZZ_CHECK(out.matches(m).start() == span.start && out.matches(m).end() == span.end &&
                 out.matches(m).text() == span.text &&
                 out.matches(m).field() == server::FieldToProto(span.field))
          << hit.rule_id << ": match " << m << " differs from the span found";
    }
  }
  FUZZ_CHECK(response.has_redacted() == redacted)
      << "redacted present: " << response.has_redacted();
  if (!redacted) return;
  for (const Field& field : post.fields) {
    const std::string& got = field.name == "title"  ? response.redacted().title()
                             : field.name == "body" ? response.redacted().body()
                                                    : response.redacted().author_display_name();
    FUZZ_CHECK(got == ExpectedRedaction(field, decision))
        << "redacted " << field.name << " " << Excerpt(got) << " from " << Excerpt(field.text);
  }
}

}  // namespace
}  // namespace moderation::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The parser logs every invalid UTF-8 string field; the target judges them.
  google::protobuf::SetLogHandler(nullptr);
  moderation::fuzz::DefaultCatalog();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moderation;
  using namespace moderation::fuzz;
  v1::ModerateRequest request;
  // As the server parses requests: invalid UTF-8 in string fields reaches
  // PostFromProto (proto/support/tolerant_parse.h).
  const std::string_view wire(reinterpret_cast<const char*>(data), size);
  if (!proto_support::MergeWithoutUtf8Check(wire, &request)) return 0;
  server::PostLimits limits;
  limits.max_post_bytes = kMaxPostBytes;
  const absl::StatusOr<Post> post = server::PostFromProto(request.post(), limits, "post");
  if (!post.ok()) {
    CheckRejection(request.post(), post.status());
    return 0;
  }
  CheckAccepted(request.post(), *post);

  const RuleCatalog& catalog = DefaultCatalog();
  const absl::StatusOr<Decision> decision = Moderate(catalog, *post);
  FUZZ_CHECK(decision.ok()) << "an accepted post failed: " << decision.status();
  CheckDecision(*post, *decision, **catalog.ForCommunity(post->community));
  v1::ModerateResponse response;
  server::DecisionToProto(*post, *decision, request.include_redacted(), &response);
  CheckResponse(*post, *decision, request.include_redacted(), response);
  return 0;
}
