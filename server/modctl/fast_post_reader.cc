#include "server/modctl/fast_post_reader.h"

#include <simdjson.h>

#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "server/modctl/json_codec.h"

namespace moderation::modctl {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

absl::Status FieldError(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("field '", std::string(field), "' ", std::string(problem)));
}

bool IsInteger(const element& e) {
  return e.type() == element_type::INT64 || e.type() == element_type::UINT64;
}

// The decimal text of an integer element, as IntegerText in json_codec.cc.
std::string IntegerText(const element& e) {
  return e.type() == element_type::UINT64 ? std::to_string(e.get_uint64().value_unsafe())
                                          : std::to_string(e.get_int64().value_unsafe());
}

std::string_view StringOf(const element& e) { return e.get_string().value_unsafe(); }

// The last value of each wanted key (nlohmann::json keeps the last of a
// repeated key); absent keys stay unset.
template <size_t N>
std::array<std::optional<element>, N> Lookup(const object& obj,
                                             const std::array<std::string_view, N>& keys) {
  std::array<std::optional<element>, N> found;
  for (const auto field : obj) {
    for (size_t i = 0; i < N; ++i) {
      if (field.key == keys[i]) found[i] = field.value;
    }
  }
  return found;
}

bool Present(const std::optional<element>& e) {
  return e.has_value() && e->type() != element_type::NULL_VALUE;
}

absl::Status ReadOptionalInt(const std::optional<element>& e, std::string_view key,
                             std::optional<int>* out) {
  if (!Present(e)) return absl::OkStatus();
  if (!IsInteger(*e))
    return FieldError(absl::StrCat("author.", std::string(key)), "must be an integer");
  const bool too_big = e->type() == element_type::UINT64;  // above INT64_MAX
  const int64_t value = too_big ? 0 : e->get_int64().value_unsafe();
  if (too_big || value < std::numeric_limits<int>::min() ||
      value > std::numeric_limits<int>::max()) {
    return FieldError(absl::StrCat("author.", std::string(key)), "is out of range");
  }
  *out = static_cast<int>(value);
  return absl::OkStatus();
}

constexpr std::array<std::string_view, 4> kAuthorKeys = {"id", "account_age_days", "trust_level",
                                                         "prior_violations"};

absl::Status ReadAuthor(const std::optional<element>& e, Author* author) {
  if (!Present(e)) return absl::OkStatus();
  if (e->type() != element_type::OBJECT) return FieldError("author", "must be an object");
  const auto found = Lookup(e->get_object().value_unsafe(), kAuthorKeys);
  if (const auto& id = found[0]; id.has_value()) {  // null is no id here
    if (id->type() == element_type::STRING) {
      author->id = StringOf(*id);
    } else if (IsInteger(*id)) {
      author->id = IntegerText(*id);
    } else {
      return FieldError("author.id", "must be a string or an integer");
    }
  }
  for (size_t i = 1; i < kAuthorKeys.size(); ++i) {
    std::optional<int>* target = i == 1   ? &author->account_age_days
                                 : i == 2 ? &author->trust_level
                                          : &author->prior_violations;
    if (auto s = ReadOptionalInt(found[i], kAuthorKeys[i], target); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Keys of a line, in the order the fields are checked (as PostFromJsonLine).
enum Key { kId, kCommunity, kAuthor, kTitle, kText, kBody, kKeys };
constexpr std::array<std::string_view, kKeys> kLineKeys = {"id",    "community", "author",
                                                           "title", "text",      "body"};

absl::StatusOr<Post> ReadObject(const object& obj, std::string* id_json) {
  const auto found = Lookup(obj, kLineKeys);
  const std::optional<element>& id = found[kId];
  if (!Present(id)) return absl::InvalidArgumentError("missing field 'id'");
  Post post;
  if (id->type() == element_type::STRING) {
    post.id = StringOf(*id);
    AppendJsonString(post.id, id_json);
  } else if (IsInteger(*id)) {
    post.id = IntegerText(*id);
    *id_json = post.id;
  } else {
    return FieldError("id", "must be a string or an integer");
  }
  if (const auto& c = found[kCommunity]; Present(c)) {
    if (c->type() != element_type::STRING) return FieldError("community", "must be a string");
    post.community = StringOf(*c);
  }
  if (auto s = ReadAuthor(found[kAuthor], &post.author); !s.ok()) return s;
  for (const Key key : {kTitle, kText, kBody}) {
    const std::optional<element>& field = found[key];
    if (!Present(field)) continue;
    if (field->type() != element_type::STRING)
      return FieldError(kLineKeys[key], "must be a string");
    post.fields.push_back({std::string(kLineKeys[key]), std::string(StringOf(*field))});
  }
  if (post.fields.empty())
    return absl::InvalidArgumentError("missing field 'text' (or 'title' / 'body')");
  return post;
}

}  // namespace

struct FastPostReader::Impl {
  simdjson::dom::parser parser;
};

FastPostReader::FastPostReader() : impl_(std::make_unique<Impl>()) {}
FastPostReader::~FastPostReader() = default;

absl::StatusOr<Post> FastPostReader::Read(std::string* line, std::string* id_json) {
  id_json->clear();
  line->reserve(line->size() + simdjson::SIMDJSON_PADDING);  // parse() then copies nothing
  element doc;
  if (impl_->parser.parse(*line).get(doc) != simdjson::SUCCESS) {
    // nlohmann's verdict and message, for every line simdjson turns down.
    nlohmann::json id;
    absl::StatusOr<Post> post = PostFromJsonLine(*line, &id);
    if (!id.is_null()) *id_json = IdJson(id);
    return post;
  }
  if (doc.type() != element_type::OBJECT)
    return absl::InvalidArgumentError("a line must be a JSON object");
  return ReadObject(doc.get_object().value_unsafe(), id_json);
}

}  // namespace moderation::modctl
