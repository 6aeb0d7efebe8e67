#include "engine/regex_cost.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/testing/test_rules.h"

namespace moderation {
namespace {

constexpr char kRules[] = R"(
ruleset: costs
version: "1"
rules:
  - id: time
    category: threat
    action: block
    regex: 'um\s+\d+\s+uhr'
    unless:
      regex: 'zitat'
  - id: time.also
    category: threat
    action: block
    regex: 'bis\s+\d+'
    unless:
      regex: 'zitat'
    near:
      - { regex: 'dann', side: after }
  - id: raw.url
    category: spam
    action: flag
    regex: 'HTTPS?://'
    view: raw
)";

// The rules' regexes come first, then the unless and near regexes;
// costliest first in each.
void ExpectReportOrder(const std::vector<RegexCost>& regexes) {
  for (size_t i = 1; i < regexes.size(); ++i) {
    const RegexCost& before = regexes[i - 1];
    const RegexCost& r = regexes[i];
    EXPECT_FALSE(before.context() && !r.context()) << before.pattern << " before " << r.pattern;
    if (before.context() == r.context()) {
      EXPECT_GE(before.ns_per_kib, r.ns_per_kib) << r.pattern;
    }
  }
}

TEST(RegexCostTest, ListsEachDistinctRegexOnceWithItsViewAndMatches) {
  auto set = testing::CompileYaml(kRules);
  ASSERT_NE(set, nullptr);
  const std::vector<std::string> texts = {
      "Wir sehen uns um 8 Uhr.",       // time
      "Zitat: bis 9 dann",             // time.also and the shared unless
      "Mehr auf HTTPS://example.org",  // raw.url (raw view, upper case)
      "Nichts davon.",                 // nothing
      std::string("\xff\xfe", 2),      // invalid UTF-8: skipped
  };
  auto report = MeasureRegexCosts(*set, texts, {.passes = 2, .cache_dir = ""});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->sample_posts, 4u);
  EXPECT_EQ(report->sample_bytes,
            texts[0].size() + texts[1].size() + texts[2].size() + texts[3].size());
  struct Want {
    bool unless;
    bool near;
    rules::RegexView view;
    size_t posts_reported;
  };
  // The shared `unless` regex is listed once, under its first rule; a
  // `near:` context's regex is listed as such.
  const std::map<std::string, Want> want = {
      {"time:um\\s+\\d+\\s+uhr", {false, false, rules::RegexView::kFolded, 1}},
      {"time:zitat", {true, false, rules::RegexView::kFolded, 1}},
      {"time.also:bis\\s+\\d+", {false, false, rules::RegexView::kFolded, 1}},
      {"time.also:dann", {false, true, rules::RegexView::kFolded, 1}},
      {"raw.url:HTTPS?://", {false, false, rules::RegexView::kRaw, 1}},
  };
  ASSERT_EQ(report->regexes.size(), want.size());
  for (size_t i = 0; i < report->regexes.size(); ++i) {
    const RegexCost& r = report->regexes[i];
    const auto it = want.find(r.rule_id + ":" + r.pattern);
    ASSERT_NE(it, want.end()) << r.rule_id << " " << r.pattern;
    EXPECT_EQ(r.unless, it->second.unless) << r.pattern;
    EXPECT_EQ(r.near, it->second.near) << r.pattern;
    EXPECT_EQ(r.view, it->second.view) << r.pattern;
    EXPECT_EQ(r.posts_reported, it->second.posts_reported) << r.pattern;
    EXPECT_FALSE(r.on_re2) << r.pattern;
    EXPECT_GT(r.ns_per_kib, 0) << r.pattern;
    EXPECT_GT(r.location.line, 0) << r.pattern;
  }
  ExpectReportOrder(report->regexes);
  EXPECT_GT(report->together_ns_per_kib, 0);
  EXPECT_GT(report->contexts_ns_per_kib, 0);
}

TEST(RegexCostTest, ARegexHyperscanRejectsIsMeasuredOnRe2) {
  // Hyperscan does not take (?U); the RE2::Set scans it (regex_fallback_test).
  auto set = testing::CompileYaml(R"(
ruleset: re2only
version: "1"
rules:
  - id: ungreedy
    category: threat
    action: block
    regex: '(?U)du\s+wirst\s+.+\s+bereuen'
)");
  ASSERT_NE(set, nullptr);
  auto report =
      MeasureRegexCosts(*set, {"Du wirst das bereuen", "nichts"}, {.passes = 1, .cache_dir = ""});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->regexes.size(), 1u);
  EXPECT_TRUE(report->regexes[0].on_re2);
  EXPECT_EQ(report->regexes[0].posts_reported, 1u);
}

}  // namespace
}  // namespace moderation
