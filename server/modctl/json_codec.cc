#include "server/modctl/json_codec.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "engine/text/utf8.h"

namespace moderation::modctl {
namespace {

using nlohmann::json;

absl::Status FieldError(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("field '", std::string(field), "' ", std::string(problem)));
}

// The decimal text of a JSON integer; unsigned values above INT64_MAX would
// wrap to negative numbers through int64_t.
std::string IntegerText(const json& value) {
  return value.is_number_unsigned() ? std::to_string(value.get<uint64_t>())
                                    : std::to_string(value.get<int64_t>());
}

absl::Status ReadOptionalInt(const json& object, const char* key, std::string_view path,
                             std::optional<int>* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_number_integer())
    return FieldError(absl::StrCat(std::string(path), key), "must be an integer");
  const bool too_big = it->is_number_unsigned() &&
                       it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int>::max());
  const auto value = too_big ? int64_t{0} : it->get<int64_t>();
  if (too_big || value < std::numeric_limits<int>::min() ||
      value > std::numeric_limits<int>::max()) {
    return FieldError(absl::StrCat(std::string(path), key), "is out of range");
  }
  *out = static_cast<int>(value);
  return absl::OkStatus();
}

absl::Status ReadAuthor(const json& object, Author* author) {
  auto it = object.find("author");
  if (it == object.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_object()) return FieldError("author", "must be an object");
  if (auto id = it->find("id"); id != it->end()) {
    if (id->is_string()) {
      author->id = id->get<std::string>();
    } else if (id->is_number_integer()) {
      author->id = IntegerText(*id);
    } else {
      return FieldError("author.id", "must be a string or an integer");
    }
  }
  if (auto s = ReadOptionalInt(*it, "account_age_days", "author.", &author->account_age_days);
      !s.ok())
    return s;
  if (auto s = ReadOptionalInt(*it, "trust_level", "author.", &author->trust_level); !s.ok())
    return s;
  return ReadOptionalInt(*it, "prior_violations", "author.", &author->prior_violations);
}

absl::Status ReadTextFields(const json& object, Post* post) {
  for (const char* key : {"title", "text", "body"}) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) continue;
    if (!it->is_string()) return FieldError(key, "must be a string");
    post->fields.push_back({key, it->get<std::string>()});
  }
  if (post->fields.empty())
    return absl::InvalidArgumentError("missing field 'text' (or 'title' / 'body')");
  return absl::OkStatus();
}

// Writes one JSON object; the caller gives the keys in DumpLine's order,
// which is sorted (nlohmann::json objects keep their keys in a std::map).
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  // Writes the key and returns the output, for the value to be appended.
  std::string* Key(std::string_view key) {
    out_->append(first_ ? "\"" : ",\"", first_ ? 1 : 2);
    out_->append(key);
    out_->append("\":", 2);
    first_ = false;
    return out_;
  }
  void String(const char* key, std::string_view value) { AppendJsonString(value, Key(key)); }
  void Number(const char* key, uint64_t value) { absl::StrAppend(Key(key), value); }
  void Close() { out_->push_back('}'); }

 private:
  std::string* const out_;
  bool first_ = true;
};

void AppendSpans(const std::vector<RuleHit>& hits, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (const RuleHit& hit : hits) {
    for (const MatchSpan& span : hit.spans) {
      if (!first) out->push_back(',');
      first = false;
      ObjectWriter match(out);
      match.String("category", hit.category);
      match.Number("end", span.end);
      match.String("field", span.field);
      match.String("rule", hit.rule_id);
      match.Number("start", span.start);
      match.String("text", span.text);
      match.Close();
    }
  }
  out->push_back(']');
}

template <typename Range, typename Text>
void AppendStrings(const Range& items, Text text_of, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (const auto& item : items) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(text_of(item), out);
  }
  out->push_back(']');
}

}  // namespace

absl::StatusOr<Post> PostFromJsonLine(std::string_view line, json* id) {
  json object = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded())
    return absl::InvalidArgumentError("not valid JSON (or not valid UTF-8)");
  if (!object.is_object()) return absl::InvalidArgumentError("a line must be a JSON object");
  Post post;
  auto id_it = object.find("id");
  if (id_it == object.end() || id_it->is_null())
    return absl::InvalidArgumentError("missing field 'id'");
  if (!id_it->is_string() && !id_it->is_number_integer()) {
    return FieldError("id", "must be a string or an integer");
  }
  *id = *id_it;
  post.id = id_it->is_string() ? id_it->get<std::string>() : IntegerText(*id_it);
  if (auto it = object.find("community"); it != object.end() && !it->is_null()) {
    if (!it->is_string()) return FieldError("community", "must be a string");
    post.community = it->get<std::string>();
  }
  if (auto s = ReadAuthor(object, &post.author); !s.ok()) return s;
  if (auto s = ReadTextFields(object, &post); !s.ok()) return s;
  return post;
}

namespace {

// nlohmann's number format; 0 (every ALLOW) without building a json value.
void AppendScore(double score, std::string* out) {
  if (score == 0 && !std::signbit(score)) {
    out->append("0.0");
    return;
  }
  *out += DumpLine(json(score));
}

}  // namespace

void AppendDecisionLine(std::string_view id_json, const Decision& d, const DecisionLineParts& parts,
                        std::string* out) {
  const auto rule_id = [](const RuleHit& hit) -> const std::string& { return hit.rule_id; };
  const auto itself = [](const std::string& text) -> const std::string& { return text; };
  const bool all = parts.empty_arrays;
  ObjectWriter decision(out);
  decision.String("decision", VerdictName(d.verdict));
  decision.Key("id")->append(id_json);
  const bool spans =
      std::any_of(d.hits.begin(), d.hits.end(), [](const RuleHit& h) { return !h.spans.empty(); });
  if (all || spans) AppendSpans(d.hits, decision.Key("matches"));
  if (all || !d.reasons.empty()) AppendStrings(d.reasons, itself, decision.Key("reasons"));
  if (all || !d.hits.empty()) AppendStrings(d.hits, rule_id, decision.Key("rules"));
  if (parts.ruleset) {
    decision.String("ruleset_hash", d.ruleset_hash);
    decision.String("ruleset_id", d.ruleset_id);
    decision.String("ruleset_version", d.ruleset_version);
  }
  AppendScore(d.score, decision.Key("score"));
  const bool shadow_spans = std::any_of(d.shadow_hits.begin(), d.shadow_hits.end(),
                                        [](const RuleHit& h) { return !h.spans.empty(); });
  if (all || shadow_spans) AppendSpans(d.shadow_hits, decision.Key("shadow"));
  if (all || !d.shadow_hits.empty())
    AppendStrings(d.shadow_hits, rule_id, decision.Key("shadow_rules"));
  decision.Close();
}

void AppendErrorLine(std::string_view id_json, size_t line_number, std::string_view message,
                     std::string* out) {
  ObjectWriter error(out);
  error.String("error", message);
  error.Key("id")->append(id_json.empty() ? std::string_view("null") : id_json);
  error.Number("line", line_number);
  error.Close();
}

std::string IdJson(const json& id) {
  if (!id.is_string()) return DumpLine(id);
  std::string out;
  AppendJsonString(id.get_ref<const std::string&>(), &out);
  return out;
}

void AppendJsonString(std::string_view s, std::string* out) {
  // '"', '\\' and control characters escaped (the named ones as \n etc., the
  // rest as \u00xx), all else as is, in one pass. Text that is not valid
  // UTF-8 (never in our own decisions) is taken back and goes through
  // DumpLine, for its replacement characters.
  const size_t start = out->size();
  out->push_back('"');
  size_t clean = 0;  // s[clean, i) needs no escaping
  unsigned char high = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    high |= c;
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + clean, i - clean);
    clean = i + 1;
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        absl::StrAppend(out, "\\u00", absl::Hex(c, absl::kZeroPad2));
    }
  }
  if ((high & 0x80) != 0 && !text::ValidateUtf8(s).ok()) {
    out->resize(start);
    *out += DumpLine(json(std::string(s)));
    return;
  }
  out->append(s.data() + clean, s.size() - clean);
  out->push_back('"');
}

std::string DecisionLine(const json& id, const Decision& d) {
  std::string out;
  out.reserve(256);
  AppendDecisionLine(IdJson(id), d, DecisionLineParts{}, &out);
  return out;
}

json ErrorToJson(const json& id, size_t line_number, const std::string& message) {
  return {{"id", id}, {"line", line_number}, {"error", message}};
}

std::string DumpLine(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace moderation::modctl
