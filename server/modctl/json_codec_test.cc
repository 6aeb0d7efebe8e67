#include "server/modctl/json_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace moderation::modctl {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::vector<std::pair<std::string, std::string>> FieldsOf(const Post& post) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const Field& f : post.fields) fields.emplace_back(f.name, f.text);
  return fields;
}

struct ValidLineCase {
  const char* name;
  std::string line;
  json id;  // what the caller gets back, type preserved
  std::function<void(const Post&)> check;
};

TEST(PostFromJsonLineTest, ReadsValidLines) {
  using Fields = std::vector<std::pair<std::string, std::string>>;
  const ValidLineCase kCases[] = {
      {"text field", R"({"id": "p1", "text": "Du Blödmann!"})", "p1",
       [](const Post& p) {
         EXPECT_EQ(p.id, "p1");
         EXPECT_EQ(FieldsOf(p), (Fields{{"text", "Du Blödmann!"}}));
         EXPECT_EQ(p.community, "");
         EXPECT_EQ(p.author.account_age_days, std::nullopt);
       }},
      {"numeric id, title and body", R"({"id": 7, "title": "T", "body": "B"})", 7,
       [](const Post& p) {
         EXPECT_EQ(p.id, "7");
         EXPECT_EQ(FieldsOf(p), (Fields{{"title", "T"}, {"body", "B"}}));
       }},
      {"all three fields, in title/text/body order",
       R"({"body": "B", "text": "X", "title": "T", "id": "p"})", "p",
       [](const Post& p) {
         EXPECT_EQ(FieldsOf(p), (Fields{{"title", "T"}, {"text", "X"}, {"body", "B"}}));
       }},
      {"empty text is still a text", R"({"id": "p", "text": ""})", "p",
       [](const Post& p) {
         EXPECT_EQ(FieldsOf(p), (Fields{{"text", ""}}));
       }},
      {"community", R"({"id": "p", "text": "x", "community": "news-de"})", "p",
       [](const Post& p) { EXPECT_EQ(p.community, "news-de"); }},
      {"author fields",
       R"({"id": "p", "text": "x", "author": {"id": "u1", "account_age_days": 2,
           "trust_level": 1, "prior_violations": 3}})",
       "p",
       [](const Post& p) {
         EXPECT_EQ(p.author.id, "u1");
         EXPECT_EQ(p.author.account_age_days, 2);
         EXPECT_EQ(p.author.trust_level, 1);
         EXPECT_EQ(p.author.prior_violations, 3);
       }},
      {"numeric author id, some fields unknown",
       R"({"id": "p", "text": "x", "author": {"id": 42, "trust_level": 0}})", "p",
       [](const Post& p) {
         EXPECT_EQ(p.author.id, "42");
         EXPECT_EQ(p.author.trust_level, 0);
         EXPECT_EQ(p.author.account_age_days, std::nullopt);
         EXPECT_EQ(p.author.prior_violations, std::nullopt);
       }},
      {"large numeric author id",
       R"({"id": "p", "text": "x", "author": {"id": 18446744073709551615}})", "p",
       [](const Post& p) { EXPECT_EQ(p.author.id, "18446744073709551615"); }},
      {"nulls mean absent",
       R"({"id": "p", "text": "x", "title": null, "community": null, "author": null})", "p",
       [](const Post& p) {
         EXPECT_EQ(FieldsOf(p), (Fields{{"text", "x"}}));
         EXPECT_EQ(p.community, "");
       }},
      {"large numeric id", R"({"id": 18446744073709551615, "text": "x"})",
       json(18446744073709551615ull),
       [](const Post& p) { EXPECT_EQ(p.id, "18446744073709551615"); }},
      {"negative numeric id", R"({"id": -5, "text": "x"})", -5,
       [](const Post& p) { EXPECT_EQ(p.id, "-5"); }},
  };
  for (const ValidLineCase& c : kCases) {
    SCOPED_TRACE(c.name);
    json id;
    absl::StatusOr<Post> post = PostFromJsonLine(c.line, &id);
    ASSERT_TRUE(post.ok()) << post.status();
    EXPECT_EQ(id, c.id);
    EXPECT_EQ(id.is_string(), c.id.is_string()) << "the id keeps its JSON type";
    c.check(*post);
  }
}

struct BadLineCase {
  const char* name;
  std::string line;
  const char* message_part;  // names the offending field
  json id;                   // null when the id could not be read
};

TEST(PostFromJsonLineTest, RejectsBadLinesNamingTheFieldAndKeepsTheIdWhenReadable) {
  const BadLineCase kCases[] = {
      {"not JSON", "this is not json", "JSON", nullptr},
      {"truncated JSON", R"({"id": "p1", "text": "x")", "JSON", nullptr},
      {"invalid UTF-8", "{\"id\": \"p1\", \"text\": \"\xff\"}", "UTF-8", nullptr},
      {"not an object", R"(["p1", "text"])", "object", nullptr},
      {"a bare string", R"("p1")", "object", nullptr},
      {"missing id", R"({"text": "x"})", "'id'", nullptr},
      {"null id", R"({"id": null, "text": "x"})", "'id'", nullptr},
      {"fractional id", R"({"id": 1.5, "text": "x"})", "'id'", nullptr},
      {"boolean id", R"({"id": true, "text": "x"})", "'id'", nullptr},
      {"missing text", R"({"id": "p1"})", "'text'", "p1"},
      {"numeric text", R"({"id": "p1", "text": 5})", "'text'", "p1"},
      {"array body", R"({"id": 3, "title": "t", "body": ["b"]})", "'body'", 3},
      {"numeric community", R"({"id": "p1", "text": "x", "community": 5})", "'community'", "p1"},
      {"author not an object", R"({"id": "p1", "text": "x", "author": "u1"})", "'author'", "p1"},
      {"boolean author id", R"({"id": "p1", "text": "x", "author": {"id": false}})", "'author.id'",
       "p1"},
      {"string account age", R"({"id": "p1", "text": "x", "author": {"account_age_days": "2"}})",
       "'author.account_age_days'", "p1"},
      {"fractional account age",
       R"({"id": "p1", "text": "x", "author": {"account_age_days": 2.5}})",
       "'author.account_age_days'", "p1"},
      {"account age beyond int",
       R"({"id": "p1", "text": "x", "author": {"account_age_days": 3000000000}})",
       "'author.account_age_days'", "p1"},
      {"account age beyond int64",
       R"({"id": "p1", "text": "x", "author": {"account_age_days": 18446744073709551615}})",
       "'author.account_age_days'", "p1"},
      {"string trust level", R"({"id": "p1", "text": "x", "author": {"trust_level": "high"}})",
       "'author.trust_level'", "p1"},
      {"fractional prior violations",
       R"({"id": "p1", "text": "x", "author": {"prior_violations": 0.5}})",
       "'author.prior_violations'", "p1"},
  };
  for (const BadLineCase& c : kCases) {
    SCOPED_TRACE(c.name);
    json id;
    absl::StatusOr<Post> post = PostFromJsonLine(c.line, &id);
    ASSERT_FALSE(post.ok());
    EXPECT_EQ(post.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(post.status().message()), HasSubstr(c.message_part));
    EXPECT_EQ(id, c.id);
  }
}

std::set<std::string> KeysOf(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

Decision SampleDecision() {
  Decision d;
  d.verdict = Verdict::kFlag;
  d.score = 6.5;
  RuleHit insult;
  insult.rule_id = "de.insult.blodmann";
  insult.category = "insult";
  insult.spans = {{"body", 3, 12, "Blödmann"}, {"title", 0, 5, "Idiot"}};
  RuleHit spam;  // condition-only: no spans
  spam.rule_id = "spam.new_account_links";
  spam.category = "spam";
  d.hits = {insult, spam};
  RuleHit shadow;
  shadow.rule_id = "de.threat.trial";
  shadow.category = "threat";
  shadow.spans = {{"body", 20, 31, "bring dich"}};
  d.shadow_hits = {shadow};
  d.reasons = {"Beleidigung", "Spam"};
  d.ruleset_id = "de+spam";
  d.ruleset_version = "de@1,spam@2";
  d.ruleset_hash = "sha256:abc";
  return d;
}

// The decision line, parsed back.
json DecisionOf(const json& id, const Decision& d) { return json::parse(DecisionLine(id, d)); }

TEST(DecisionLineTest, HasExactlyTheDocumentedKeys) {
  const json out = DecisionOf("p1", SampleDecision());
  EXPECT_EQ(KeysOf(out), (std::set<std::string>{"id", "decision", "score", "matches", "shadow",
                                                "rules", "shadow_rules", "reasons", "ruleset_id",
                                                "ruleset_version", "ruleset_hash"}));
  EXPECT_EQ(out["id"], "p1");
  EXPECT_EQ(out["decision"], "FLAG");
  EXPECT_EQ(out["score"], 6.5);
  EXPECT_EQ(out["rules"], json::array({"de.insult.blodmann", "spam.new_account_links"}));
  EXPECT_EQ(out["shadow_rules"], json::array({"de.threat.trial"}));
  EXPECT_EQ(out["reasons"], json::array({"Beleidigung", "Spam"}));
  EXPECT_EQ(out["ruleset_id"], "de+spam");
  EXPECT_EQ(out["ruleset_version"], "de@1,spam@2");
  EXPECT_EQ(out["ruleset_hash"], "sha256:abc");
}

TEST(DecisionLineTest, FlattensTheSpansOfHitsAndShadowHits) {
  const json out = DecisionOf(7, SampleDecision());
  const json expected_matches = json::array({
      {{"rule", "de.insult.blodmann"},
       {"category", "insult"},
       {"field", "body"},
       {"start", 3},
       {"end", 12},
       {"text", "Blödmann"}},
      {{"rule", "de.insult.blodmann"},
       {"category", "insult"},
       {"field", "title"},
       {"start", 0},
       {"end", 5},
       {"text", "Idiot"}},
  });
  const json expected_shadow = json::array({
      {{"rule", "de.threat.trial"},
       {"category", "threat"},
       {"field", "body"},
       {"start", 20},
       {"end", 31},
       {"text", "bring dich"}},
  });
  EXPECT_EQ(out["matches"], expected_matches);
  EXPECT_EQ(out["shadow"], expected_shadow);
  EXPECT_EQ(out["id"], 7) << "a numeric id stays numeric";
}

TEST(DecisionLineTest, AllowWithoutHitsHasEmptyArraysNotNulls) {
  Decision d;
  const json out = DecisionOf("p1", d);
  EXPECT_EQ(out["decision"], "ALLOW");
  for (const char* key : {"matches", "shadow", "rules", "shadow_rules", "reasons"}) {
    EXPECT_TRUE(out[key].is_array() && out[key].empty()) << key << ": " << out[key].dump();
  }
}

// DecisionLine is written by hand, but consumers of the contract must see
// what nlohmann::json would write: for every value, re-dumping the parsed line
// gives the same bytes (so keys, escapes and numbers are in DumpLine's form),
// and the values read back are the ones written.
TEST(DecisionLineTest, IsExactlyWhatDumpLineWritesForItsValues) {
  std::vector<std::pair<json, Decision>> cases;
  cases.emplace_back("p1", SampleDecision());
  cases.emplace_back(7, SampleDecision());
  cases.emplace_back(json(std::numeric_limits<uint64_t>::max()), Decision{});
  cases.emplace_back(-12, Decision{});
  std::string every_control;
  for (int c = 0; c < 0x20; ++c) every_control += static_cast<char>(c);
  const std::string kTexts[] = {every_control,        "quote \" and backslash \\ and slash /",
                                "del \x7f",           "Blödmann – „Zitat“ 😀",
                                "bad \xc3 utf8 \xff", "",
                                "\u2028\u2029"};
  for (const std::string& text : kTexts) {
    Decision d = SampleDecision();
    d.hits[0].spans[0].text = text;
    d.hits[0].category = text;
    d.reasons = {text, "ok"};
    d.ruleset_version = text;
    cases.emplace_back(text, d);  // the id too
  }
  for (const double score : {0.0, 6.5, 0.1 + 0.2, -3.0, 1e20, 1e-7, 1e300, 123456789.125}) {
    Decision d = SampleDecision();
    d.score = score;
    cases.emplace_back("s", d);
  }
  for (const auto& [id, decision] : cases) {
    const std::string line = DecisionLine(id, decision);
    const json parsed = json::parse(line);
    EXPECT_EQ(DumpLine(parsed), line) << id.dump();
    // Invalid UTF-8 comes back with DumpLine's replacement characters.
    const auto written = [](const std::string& text) { return json::parse(DumpLine(json(text))); };
    EXPECT_EQ(parsed["id"], json::parse(DumpLine(id)));
    EXPECT_EQ(parsed["score"], decision.score);
    EXPECT_EQ(parsed["ruleset_version"], written(decision.ruleset_version));
    EXPECT_EQ(parsed["reasons"].size(), decision.reasons.size());
    if (!decision.reasons.empty()) {
      EXPECT_EQ(parsed["reasons"][0], written(decision.reasons[0]));
    }
    if (!decision.hits.empty()) {
      EXPECT_EQ(parsed["matches"][0]["text"], written(decision.hits[0].spans[0].text));
      EXPECT_EQ(parsed["matches"][0]["category"], written(decision.hits[0].category));
    }
  }
}

TEST(ErrorToJsonTest, NamesTheIdLineAndError) {
  const json out = ErrorToJson("p1", 4, "missing field 'text'");
  EXPECT_EQ(out, json({{"id", "p1"}, {"line", 4}, {"error", "missing field 'text'"}}));
}

TEST(DecisionLineTest, WritesOneLineThatParsesBack) {
  Decision d = SampleDecision();
  d.hits[0].spans[0].text = "line one\nline two\r\n\ttab";
  const std::string line = DecisionLine("p1", d);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos) << line;
  EXPECT_EQ(json::parse(line)["matches"][0]["text"], "line one\nline two\r\n\ttab");
}

TEST(AppendErrorLineTest, IsExactlyDumpLineOfErrorToJson) {
  const std::pair<json, std::string> kCases[] = {{"p1", "missing field 'text'"},
                                                 {nullptr, "not valid JSON (or not valid UTF-8)"},
                                                 {7, "quote \" backslash \\ \n"},
                                                 {json(18446744073709551615ull), "x"},
                                                 {"bad \xff id", "bad \xc3 message"}};
  for (const auto& [id, message] : kCases) {
    std::string line;
    AppendErrorLine(id.is_null() ? "" : IdJson(id), 12, message, &line);
    EXPECT_EQ(line, DumpLine(ErrorToJson(id, 12, message)));
  }
}

TEST(DecisionLineTest, LeanPartsDropEmptyArraysAndTheRuleSet) {
  const DecisionLineParts lean{.empty_arrays = false, .ruleset = false};
  std::string allow;
  AppendDecisionLine("\"p1\"", Decision{}, lean, &allow);
  EXPECT_EQ(allow, R"({"decision":"ALLOW","id":"p1","score":0.0})");

  // Every non-empty array stays, with the same bytes as the full line.
  const Decision d = SampleDecision();
  std::string line;
  AppendDecisionLine("7", d, lean, &line);
  json full = json::parse(DecisionLine(7, d));
  for (const char* key : {"ruleset_id", "ruleset_version", "ruleset_hash"}) full.erase(key);
  EXPECT_EQ(line, DumpLine(full));

  // The rule set alone; a hit without spans keeps "rules" without "matches".
  Decision condition_only;
  condition_only.verdict = Verdict::kFlag;
  condition_only.hits = {d.hits[1]};
  condition_only.ruleset_hash = "sha256:abc";
  std::string named;
  AppendDecisionLine("1", condition_only, {.empty_arrays = false, .ruleset = true}, &named);
  EXPECT_EQ(named,
            R"({"decision":"FLAG","id":1,"rules":["spam.new_account_links"],)"
            R"("ruleset_hash":"sha256:abc","ruleset_id":"","ruleset_version":"","score":0.0})");
}

TEST(DecisionLineTest, ScoreZeroFastPathMatchesDumpLine) {
  for (const double score : {0.0, -0.0}) {
    Decision d;
    d.score = score;
    std::string line;
    AppendDecisionLine("1", d, {}, &line);
    json value = json::parse(line);
    value["score"] = score;
    EXPECT_EQ(line, DumpLine(value)) << score;
  }
}

TEST(DumpLineTest, ReplacesInvalidUtf8InsteadOfThrowing) {
  const json value = {{"id", "p\xff"}, {"error", "bad \xc3"}};
  std::string line;
  ASSERT_NO_THROW(line = DumpLine(value));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const json parsed = json::parse(line);     // valid JSON again
  EXPECT_EQ(parsed["id"], "p\xEF\xBF\xBD");  // U+FFFD
}

}  // namespace
}  // namespace moderation::modctl
