#include "server/proto_convert.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/statement_of_reasons.h"
#include "engine/text/utf8.h"
#include "server/field_error.h"

namespace moderation::server {
namespace {

struct ContentField {
  const char* name;
  const std::string* text;
};

std::vector<ContentField> ContentFields(const v1::Post& proto) {
  return {{"title", &proto.title()},
          {"body", &proto.body()},
          {"author_display_name", &proto.author_display_name()}};
}

absl::Status CheckContent(const v1::Post& proto, const PostLimits& limits,
                          const std::string& path) {
  size_t total = 0;
  bool any = false;
  for (const ContentField& f : ContentFields(proto)) {
    if (absl::Status s = text::ValidateUtf8(*f.text); !s.ok()) {
      return InvalidField(absl::StrCat(path, ".", f.name), s.message());
    }
    if (static_cast<int64_t>(f.text->size()) > limits.max_post_bytes) {
      return InvalidField(absl::StrCat(path, ".", f.name),
                          absl::StrCat(f.text->size(), " bytes, over the limit of ",
                                       limits.max_post_bytes, " (--max_post_bytes)"));
    }
    total += f.text->size();
    any |= !f.text->empty();
  }
  if (!any) {
    return InvalidField(path, "empty post: title, body and author_display_name are all empty");
  }
  if (static_cast<int64_t>(total) > limits.max_post_bytes) {
    return InvalidField(path, absl::StrCat("title + body + author_display_name are ", total,
                                           " bytes, over the limit of ", limits.max_post_bytes,
                                           " (--max_post_bytes)"));
  }
  return absl::OkStatus();
}

// The non-content strings. Client libraries only send valid UTF-8; a raw
// client's invalid bytes get here (proto/support/tolerant_parse.h) and must
// not be echoed: a response carrying them could not be parsed by the client.
absl::Status CheckIdentifiers(const v1::Post& proto, const std::string& path) {
  const ContentField identifiers[] = {{"post_id", &proto.post_id()},
                                      {"community", &proto.community()},
                                      {"language", &proto.language()},
                                      {"author.id", &proto.author().id()}};
  for (const ContentField& f : identifiers) {
    if (absl::Status s = text::ValidateUtf8(*f.text); !s.ok()) {
      return InvalidField(absl::StrCat(path, ".", f.name), s.message());
    }
  }
  return absl::OkStatus();
}

Author AuthorFromProto(const v1::Author& proto) {
  Author author;
  author.id = proto.id();
  if (proto.has_account_age_days()) author.account_age_days = proto.account_age_days();
  if (proto.has_trust_level()) author.trust_level = proto.trust_level();
  if (proto.has_prior_violations()) author.prior_violations = proto.prior_violations();
  return author;
}

v1::Action ActionEnum(rules::Action a) {
  switch (a) {
    case rules::Action::kScore:
      return v1::ACTION_SCORE;
    case rules::Action::kFlag:
      return v1::ACTION_FLAG;
    case rules::Action::kBlock:
      return v1::ACTION_BLOCK;
  }
  return v1::ACTION_UNSPECIFIED;
}

void HitToProto(const RuleHit& hit, v1::RuleHit* out) {
  out->set_rule_id(hit.rule_id);
  out->set_ruleset_id(hit.ruleset_id);
  out->set_category(hit.category);
  out->set_action(ActionEnum(hit.action));
  out->set_score(hit.score);
  out->set_reason(hit.reason);
  out->set_moderator_note(hit.note);
  out->set_legal_ground(hit.legal_ground);
  for (const MatchSpan& span : hit.spans) {
    v1::Match* m = out->add_matches();
    m->set_rule_id(hit.rule_id);
    m->set_category(hit.category);
    m->set_field(FieldToProto(span.field));
    m->set_start(span.start);
    m->set_end(span.end);
    m->set_text(span.text);
  }
}

// `text` with every byte range in `spans` replaced by one '*' per UTF-8
// character, so the redacted text keeps the visible length.
std::string Redact(const std::string& text, std::vector<std::pair<uint32_t, uint32_t>> spans) {
  std::sort(spans.begin(), spans.end());
  std::string out;
  size_t pos = 0;
  for (const auto& [begin, end] : spans) {
    if (end <= pos) continue;
    const size_t from = std::max<size_t>(begin, pos);
    out.append(text, pos, from - pos);
    for (size_t i = from; i < end; ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) out.push_back('*');
    }
    pos = end;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

void RedactedToProto(const Post& post, const Decision& decision, v1::RedactedPost* out) {
  for (const Field& field : post.fields) {
    std::vector<std::pair<uint32_t, uint32_t>> spans;
    for (const RuleHit& hit : decision.hits) {
      for (const MatchSpan& s : hit.spans) {
        if (s.field == field.name) spans.emplace_back(s.start, s.end);
      }
    }
    std::string redacted = Redact(field.text, std::move(spans));
    if (field.name == "title") out->set_title(std::move(redacted));
    if (field.name == "body") out->set_body(std::move(redacted));
    if (field.name == "author_display_name") out->set_author_display_name(std::move(redacted));
  }
}

void SetTimestamp(double unix_seconds, google::protobuf::Timestamp* out) {
  const auto seconds = static_cast<int64_t>(unix_seconds);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>((unix_seconds - static_cast<double>(seconds)) * 1e9));
}

}  // namespace

absl::StatusOr<Post> PostFromProto(const v1::Post& proto, const PostLimits& limits,
                                   const std::string& path) {
  if (absl::Status s = CheckIdentifiers(proto, path); !s.ok()) return s;
  if (limits.require_community && proto.community().empty()) {
    return InvalidField(absl::StrCat(path, ".community"), "required");
  }
  if (absl::Status s = CheckContent(proto, limits, path); !s.ok()) return s;
  Post post;
  post.id = proto.post_id();
  post.community = proto.community();
  post.author = AuthorFromProto(proto.author());
  for (const ContentField& f : ContentFields(proto)) {
    if (!f.text->empty()) post.fields.push_back({f.name, *f.text});
  }
  return post;
}

v1::Decision VerdictToProto(Verdict v) {
  switch (v) {
    case Verdict::kAllow:
      return v1::DECISION_ALLOW;
    case Verdict::kFlag:
      return v1::DECISION_FLAG;
    case Verdict::kBlock:
      return v1::DECISION_BLOCK;
  }
  return v1::DECISION_UNSPECIFIED;
}

v1::Field FieldToProto(const std::string& engine_field_name) {
  if (engine_field_name == "title") return v1::FIELD_TITLE;
  if (engine_field_name == "body") return v1::FIELD_BODY;
  if (engine_field_name == "author_display_name") return v1::FIELD_AUTHOR_DISPLAY_NAME;
  return v1::FIELD_UNSPECIFIED;
}

void DecisionToProto(const Post& post, const Decision& decision, bool include_redacted,
                     v1::ModerateResponse* out) {
  out->set_post_id(post.id);
  out->set_decision(VerdictToProto(decision.verdict));
  out->set_score(decision.score);
  for (const RuleHit& hit : decision.hits) HitToProto(hit, out->add_hits());
  for (const RuleHit& hit : decision.shadow_hits) HitToProto(hit, out->add_shadow_hits());
  for (const std::string& reason : decision.reasons) out->add_reasons(reason);
  v1::RuleSetVersion* ruleset = out->mutable_ruleset();
  ruleset->set_id(decision.ruleset_id);
  ruleset->set_version(decision.ruleset_version);
  ruleset->set_content_hash(decision.ruleset_hash);
  out->mutable_evaluation_time()->set_seconds(decision.evaluation_ns / 1000000000);
  out->mutable_evaluation_time()->set_nanos(
      static_cast<int32_t>(decision.evaluation_ns % 1000000000));
  if (include_redacted) RedactedToProto(post, decision, out->mutable_redacted());
}

void StatementOfReasonsToProto(const Post& post, const Decision& decision, absl::Time decided,
                               v1::ModerateResponse* out) {
  if (decision.verdict == Verdict::kAllow) return;
  absl::StatusOr<StatementOfReasons> s = MakeStatementOfReasons(
      {decision.verdict, decision.hits, post.id, decision.ruleset_version, decided});
  if (!s.ok()) return;  // a set without a `dsa:` header: nothing to state
  v1::StatementOfReasons* p = out->mutable_statement_of_reasons();
  for (const std::string& v : s->decision_visibility) p->add_decision_visibility(v);
  p->set_decision_ground(s->decision_ground);
  p->set_illegal_content_legal_ground(s->illegal_content_legal_ground);
  p->set_illegal_content_explanation(s->illegal_content_explanation);
  p->set_incompatible_content_ground(s->incompatible_content_ground);
  p->set_incompatible_content_explanation(s->incompatible_content_explanation);
  p->set_category(s->category);
  for (const std::string& v : s->category_addition) p->add_category_addition(v);
  for (const std::string& v : s->content_type) p->add_content_type(v);
  p->set_content_date(s->content_date);
  p->set_application_date(s->application_date);
  for (const std::string& v : s->territorial_scope) p->add_territorial_scope(v);
  p->set_decision_facts(s->decision_facts);
  p->set_source_type(s->source_type);
  p->set_automated_detection(s->automated_detection);
  p->set_automated_decision(s->automated_decision);
  p->set_puid(s->puid);
}

void DiagnosticToProto(const rules::Diagnostic& d, v1::Diagnostic* out) {
  out->set_file(d.location.file);
  out->set_line(d.location.line);
  out->set_column(d.location.column);
  out->set_message(d.message);
}

void ActiveRuleSetToProto(const std::string& community, const CompiledRuleSet& set,
                          double loaded_unix_seconds, v1::ActiveRuleSet* out) {
  out->set_community(community);
  v1::RuleSetVersion* ruleset = out->mutable_ruleset();
  ruleset->set_id(set.id());
  ruleset->set_version(set.version());
  ruleset->set_content_hash(set.content_hash());
  for (const RuleSetRef& c : set.components()) {
    v1::RuleSetVersion* component = out->add_components();
    component->set_id(c.id);
    component->set_version(c.version);
    component->set_content_hash(c.content_hash);
  }
  out->set_rule_count(static_cast<uint32_t>(set.rule_count()));
  SetTimestamp(loaded_unix_seconds, out->mutable_loaded_at());
  out->set_compile_seconds(set.report().total_seconds);
}

}  // namespace moderation::server
