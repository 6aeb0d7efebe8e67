#include "server/modctl/json_codec.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "engine/text/utf8.h"

namespace moderation::modctl {
namespace {

using nlohmann::json;

absl::Status FieldError(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("field '", std::string(field), "' ", std::string(problem)));
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
  if (!it->is_number_integer()) return FieldError(absl::StrCat(std::string(path), key), "must be an integer");
  const bool too_big = it->is_number_unsigned() &&
                       it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int>::max());
  const auto value = too_big ? int64_t{0} : it->get<int64_t>();
  if (too_big || value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
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
  if (auto s = ReadOptionalInt(*it, "account_age_days", "author.", &author->account_age_days); !s.ok()) return s;
  if (auto s = ReadOptionalInt(*it, "trust_level", "author.", &author->trust_level); !s.ok()) return s;
  return ReadOptionalInt(*it, "prior_violations", "author.", &author->prior_violations);
}

absl::Status ReadTextFields(const json& object, Post* post) {
  for (const char* key : {"title", "text", "body"}) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) continue;
    if (!it->is_string()) return FieldError(key, "must be a string");
    post->fields.push_back({key, it->get<std::string>()});
  }
  if (post->fields.empty()) return absl::InvalidArgumentError("missing field 'text' (or 'title' / 'body')");
  return absl::OkStatus();
}

json SpansToJson(const std::vector<RuleHit>& hits) {
  json out = json::array();
  for (const RuleHit& hit : hits) {
    for (const MatchSpan& span : hit.spans) {
      out.push_back({{"rule", hit.rule_id}, {"category", hit.category}, {"field", span.field},
                     {"start", span.start}, {"end", span.end}, {"text", span.text}});
    }
  }
  return out;
}

// A JSON string exactly as DumpLine writes it: '"', '\\' and control
// characters escaped (the named ones as \n etc., the rest as \u00xx), all
// else as is. Text that is not valid UTF-8 (never in our own decisions) goes
// through DumpLine, for its replacement characters.
void AppendString(std::string_view s, std::string* out) {
  if (!text::ValidateUtf8(s).ok()) {
    *out += DumpLine(json(std::string(s)));
    return;
  }
  out->push_back('"');
  size_t clean = 0;  // s[clean, i) needs no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + clean, i - clean);
    clean = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: absl::StrAppend(out, "\\u00", absl::Hex(c, absl::kZeroPad2));
    }
  }
  out->append(s.data() + clean, s.size() - clean);
  out->push_back('"');
}

void AppendKey(const char* key, std::string* out) {
  absl::StrAppend(out, "\"", key, "\":");
}

void AppendSpans(const std::vector<RuleHit>& hits, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (const RuleHit& hit : hits) {
    for (const MatchSpan& span : hit.spans) {
      if (!first) out->push_back(',');
      first = false;
      // DumpLine's key order: nlohmann::json objects keep their keys sorted.
      out->push_back('{');
      AppendKey("category", out);
      AppendString(hit.category, out);
      absl::StrAppend(out, ",\"end\":", span.end, ",");
      AppendKey("field", out);
      AppendString(span.field, out);
      out->push_back(',');
      AppendKey("rule", out);
      AppendString(hit.rule_id, out);
      absl::StrAppend(out, ",\"start\":", span.start, ",");
      AppendKey("text", out);
      AppendString(span.text, out);
      out->push_back('}');
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
    AppendString(text_of(item), out);
  }
  out->push_back(']');
}

}  // namespace

absl::StatusOr<Post> PostFromJsonLine(std::string_view line, json* id) {
  json object = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return absl::InvalidArgumentError("not valid JSON (or not valid UTF-8)");
  if (!object.is_object()) return absl::InvalidArgumentError("a line must be a JSON object");
  Post post;
  auto id_it = object.find("id");
  if (id_it == object.end() || id_it->is_null()) return absl::InvalidArgumentError("missing field 'id'");
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

json DecisionToJson(const json& id, const Decision& d) {
  json rules = json::array();
  for (const RuleHit& hit : d.hits) rules.push_back(hit.rule_id);
  json shadow_rules = json::array();
  for (const RuleHit& hit : d.shadow_hits) shadow_rules.push_back(hit.rule_id);
  return {{"id", id},
          {"decision", VerdictName(d.verdict)},
          {"score", d.score},
          {"matches", SpansToJson(d.hits)},
          {"shadow", SpansToJson(d.shadow_hits)},
          {"rules", rules},
          {"shadow_rules", shadow_rules},
          {"reasons", d.reasons},
          {"ruleset_id", d.ruleset_id},
          {"ruleset_version", d.ruleset_version},
          {"ruleset_hash", d.ruleset_hash}};
}

std::string DecisionLine(const json& id, const Decision& d) {
  const auto rule_id = [](const RuleHit& hit) -> const std::string& { return hit.rule_id; };
  const auto itself = [](const std::string& text) -> const std::string& { return text; };
  std::string out;
  out.reserve(256);
  // Keys in DumpLine's (sorted) order.
  out += "{\"decision\":\"";
  out += VerdictName(d.verdict);
  out += "\",\"id\":";
  if (id.is_string()) {
    AppendString(id.get_ref<const std::string&>(), &out);
  } else {
    out += DumpLine(id);
  }
  out += ",\"matches\":";
  AppendSpans(d.hits, &out);
  out += ",\"reasons\":";
  AppendStrings(d.reasons, itself, &out);
  out += ",\"rules\":";
  AppendStrings(d.hits, rule_id, &out);
  out += ",\"ruleset_hash\":";
  AppendString(d.ruleset_hash, &out);
  out += ",\"ruleset_id\":";
  AppendString(d.ruleset_id, &out);
  out += ",\"ruleset_version\":";
  AppendString(d.ruleset_version, &out);
  out += ",\"score\":";
  out += DumpLine(json(d.score));  // nlohmann's number format, whatever the value
  out += ",\"shadow\":";
  AppendSpans(d.shadow_hits, &out);
  out += ",\"shadow_rules\":";
  AppendStrings(d.shadow_hits, rule_id, &out);
  out += '}';
  return out;
}

json ErrorToJson(const json& id, size_t line_number, const std::string& message) {
  return {{"id", id}, {"line", line_number}, {"error", message}};
}

std::string DumpLine(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace moderation::modctl
