// FastPostReader against PostFromJsonLine: the same post, status, message
// and id on every line, whichever parser reads it.
#include "server/modctl/fast_post_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/modctl/json_codec.h"

namespace moderation::modctl {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

struct Answer {
  bool ok = false;
  std::string message;
  std::string id_json;
  std::string post;  // every field of the post, for comparison
};

std::string Describe(const Post& p) {
  std::string s = "id=" + p.id + " community=" + p.community + " author=" + p.author.id;
  for (const std::optional<int>* v :
       {&p.author.account_age_days, &p.author.trust_level, &p.author.prior_violations}) {
    s += v->has_value() ? " " + std::to_string(**v) : " -";
  }
  for (const Field& f : p.fields) s += " [" + f.name + "=" + f.text + "]";
  return s;
}

Answer Reference(const std::string& line) {
  json id;
  absl::StatusOr<Post> post = PostFromJsonLine(line, &id);
  return {post.ok(), std::string(post.status().message()), id.is_null() ? "" : IdJson(id),
          post.ok() ? Describe(*post) : ""};
}

Answer Fast(FastPostReader* reader, std::string line) {
  std::string id_json = "stale";
  const std::string before = line;
  absl::StatusOr<Post> post = reader->Read(&line, &id_json);
  EXPECT_EQ(line, before) << "Read must not change the line";
  return {post.ok(), std::string(post.status().message()), id_json,
          post.ok() ? Describe(*post) : ""};
}

void ExpectSame(FastPostReader* reader, const std::string& name, const std::string& line) {
  SCOPED_TRACE(name + ": " + line.substr(0, 120));
  const Answer want = Reference(line), got = Fast(reader, line);
  EXPECT_EQ(got.ok, want.ok);
  EXPECT_EQ(got.message, want.message);
  EXPECT_EQ(got.id_json, want.id_json);
  EXPECT_EQ(got.post, want.post);
}

struct Case {
  const char* name;
  std::string line;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      // Valid lines.
      {"text", R"({"id": "p1", "text": "Du Blödmann!"})"},
      {"numeric id, title and body", R"({"id": 7, "title": "T", "body": "B"})"},
      {"field order", R"({"body": "B", "text": "X", "title": "T", "id": "p"})"},
      {"empty text", R"({"id": "p", "text": ""})"},
      {"community", R"({"id": "p", "text": "x", "community": "news-de"})"},
      {"author", R"({"id": "p", "text": "x", "author": {"id": "u1", "account_age_days": 2,
                    "trust_level": 1, "prior_violations": 3}})"},
      {"numeric author id", R"({"id": "p", "text": "x", "author": {"id": 42}})"},
      {"large author id", R"({"id": "p", "text": "x", "author": {"id": 18446744073709551615}})"},
      {"negative author id", R"({"id": "p", "text": "x", "author": {"id": -3}})"},
      {"nulls", R"({"id": "p", "text": "x", "title": null, "community": null, "author": null})"},
      {"null author fields", R"({"id": "p", "text": "x", "author": {"trust_level": null}})"},
      {"large id", R"({"id": 18446744073709551615, "text": "x"})"},
      {"int64 max id", R"({"id": 9223372036854775807, "text": "x"})"},
      {"int64 min id", R"({"id": -9223372036854775808, "text": "x"})"},
      {"negative id", R"({"id": -5, "text": "x"})"},
      {"minus zero id", R"({"id": -0, "text": "x"})"},
      {"int limits", R"({"id": 1, "text": "x", "author": {"account_age_days": 2147483647,
                        "trust_level": -2147483648}})"},
      {"escapes", R"({"id": "a\"b\\c\u00e4\ud83d\ude00\n", "text": "\t\u0000x\/"})"},
      {"control characters in the id", "{\"id\": \"\\u0001\\u001f\", \"text\": \"x\"}"},
      {"repeated key: the last counts", R"({"id": "a", "id": "b", "text": "1", "text": "2"})"},
      {"repeated key, last null", R"({"id": "a", "text": "x", "title": "t", "title": null})"},
      {"repeated author key", R"({"id": 1, "text": "x", "author": {"id": 1, "id": "u"}})"},
      {"unknown keys and nesting",
       R"({"id": 1, "text": "x", "meta": {"a": [1, 2.5, {"b": null}]}})"},
      {"whitespace around", " \t{\"id\":1,\"text\":\"x\"}  \r"},
      {"byte order mark", "\xef\xbb\xbf{\"id\":1,\"text\":\"x\"}"},
      // Bad lines.
      {"not JSON", "this is not json"},
      {"empty object", "{}"},
      {"truncated", R"({"id": "p1", "text": "x")"},
      {"trailing garbage", R"({"id": "p1", "text": "x"} x)"},
      {"two objects", R"({"id": "p1", "text": "x"}{"id": "p2", "text": "y"})"},
      {"trailing comma", R"({"id": "p1", "text": "x",})"},
      {"bad JSON after the fields", R"({"id": "p1", "text": "x", "extra": [1, 2,]})"},
      {"invalid UTF-8", "{\"id\": \"p1\", \"text\": \"\xff\"}"},
      {"overlong UTF-8", "{\"id\": \"p1\", \"text\": \"\xc0\xaf\"}"},
      {"truncated UTF-8", "{\"id\": \"p1\", \"text\": \"ab\xc3\"}"},
      {"UTF-16 surrogate in UTF-8", "{\"id\": \"p1\", \"text\": \"\xed\xa0\x80\"}"},
      {"lone surrogate escape", R"({"id": "p1", "text": "\ud800"})"},
      {"lone low surrogate escape", R"({"id": "p1", "text": "\udc00x"})"},
      {"raw control character", "{\"id\": \"p1\", \"text\": \"a\tb\"}"},
      {"bad escape", R"({"id": "p1", "text": "\x41"})"},
      {"not an object", R"(["p1", "text"])"},
      {"a bare string", R"("p1")"},
      {"a bare number", "42"},
      {"missing id", R"({"text": "x"})"},
      {"null id", R"({"id": null, "text": "x"})"},
      {"fractional id", R"({"id": 1.5, "text": "x"})"},
      {"exponent id", R"({"id": 1e2, "text": "x"})"},
      {"id beyond uint64", R"({"id": 18446744073709551616, "text": "x"})"},
      {"id below int64", R"({"id": -9223372036854775809, "text": "x"})"},
      {"huge exponent", R"({"id": 1e400, "text": "x"})"},
      {"leading zero", R"({"id": 01, "text": "x"})"},
      {"boolean id", R"({"id": true, "text": "x"})"},
      {"object id", R"({"id": {}, "text": "x"})"},
      {"missing text", R"({"id": "p1"})"},
      {"numeric text", R"({"id": "p1", "text": 5})"},
      {"array body", R"({"id": 3, "title": "t", "body": ["b"]})"},
      {"numeric community", R"({"id": "p1", "text": "x", "community": 5})"},
      {"author not an object", R"({"id": "p1", "text": "x", "author": "u1"})"},
      {"boolean author id", R"({"id": "p1", "text": "x", "author": {"id": false}})"},
      {"null author id", R"({"id": "p1", "text": "x", "author": {"id": null}})"},
      {"string account age", R"({"id": "p1", "text": "x", "author": {"account_age_days": "2"}})"},
      {"fractional account age",
       R"({"id": "p1", "text": "x", "author": {"account_age_days": 2.5}})"},
      {"account age beyond int",
       R"({"id": 1, "text": "x", "author": {"account_age_days": 3000000000}})"},
      {"trust below int", R"({"id": 1, "text": "x", "author": {"trust_level": -2147483649}})"},
      {"account age beyond int64",
       R"({"id": 1, "text": "x", "author": {"account_age_days": 18446744073709551615}})"},
      {"fractional prior violations",
       R"({"id": 1, "text": "x", "author": {"prior_violations": 0.5}})"},
      {"errors in order: id before text", R"({"id": true, "text": 5})"},
      {"errors in order: community before author",
       R"({"id": 1, "text": "x", "author": 1, "community": 1})"},
      {"errors in order: author before text", R"({"id": 1, "text": 1, "author": 1})"},
  };
  return kCases;
}

TEST(FastPostReaderTest, AnswersEveryCaseAsPostFromJsonLine) {
  FastPostReader reader;
  for (const Case& c : Cases()) ExpectSame(&reader, c.name, c.line);
}

TEST(FastPostReaderTest, KeepsNoStateBetweenLines) {
  // The same reader on all cases twice, in reverse: a line's answer does not
  // depend on the one before (ids and buffers are reset).
  FastPostReader reader;
  for (int round = 0; round < 2; ++round) {
    for (auto it = Cases().rbegin(); it != Cases().rend(); ++it)
      ExpectSame(&reader, it->name, it->line);
  }
}

TEST(FastPostReaderTest, ReadsHugeAndDeepLinesAsPostFromJsonLine) {
  FastPostReader reader;
  const std::string big(8 << 20, 'a');  // 8 MiB of text
  ExpectSame(&reader, "8 MiB text", R"({"id": "big", "text": ")" + big + "\"}");
  ExpectSame(&reader, "8 MiB text, cut", R"({"id": "big", "text": ")" + big);
  std::string nested;  // deeper than simdjson's limit: nlohmann reads it
  for (int i = 0; i < 5000; ++i) nested += "[";
  for (int i = 0; i < 5000; ++i) nested += "]";
  ExpectSame(&reader, "5000 levels", R"({"id": "deep", "text": "x", "n": )" + nested + "}");
  ExpectSame(&reader, "short after huge", R"({"id": 1, "text": "x"})");
}

TEST(FastPostReaderTest, ErrorsNameTheProblem) {
  // The messages the scan contract promises (modctl_cli_test checks them end to end).
  const std::pair<std::string, std::string> kCases[] = {
      {"{\"id\": 1, \"text\": \"\xff\"}", "not valid JSON (or not valid UTF-8)"},
      {R"({"id": 1, "text": )", "not valid JSON"},
      {R"([1])", "a line must be a JSON object"},
      {R"({"id": "p", "text": 5})", "field 'text' must be a string"},
      {R"({"text": "x"})", "missing field 'id'"},
  };
  FastPostReader reader;
  for (const auto& [line, message] : kCases) {
    std::string copy = line, id_json;
    absl::StatusOr<Post> post = reader.Read(&copy, &id_json);
    ASSERT_FALSE(post.ok()) << line;
    EXPECT_EQ(post.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(post.status().message()), HasSubstr(message));
  }
}

}  // namespace
}  // namespace moderation::modctl
