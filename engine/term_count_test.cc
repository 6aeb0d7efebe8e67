// The term count report: how many terms each rule hands to the literal
// database, spellings included, and how many of them were written.
#include "engine/term_count.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/testing/test_rules.h"

namespace moderation {
namespace {

// "ich weiss wo du wohnst": ich x3 (ich, i, isch), wohnst x2 (wohnst,
// wohnsch): 6 spellings of one written term. "wohnst" alone: 2. The
// phrase's slot words are widened one by one, not as a product, and the
// slot word "ich" does not get "i", too short to stand alone as a word.
constexpr char kRules[] = R"(
ruleset: termcount
version: "1"
spellings:
  ich: [i, isch]
  "*st": ["*sch"]
lists:
  places: ["Wald", "Keller"]
rules:
  - id: small.list
    category: insult
    action: flag
    words: ["Trottel"]
  - id: spelled.phrase
    category: threat
    action: flag
    words: ["ich weiss wo du wohnst", "wohnst"]
    match: word
  - id: slots
    category: threat
    action: flag
    phrases:
      - slots: ["ich", "@places"]
        within: 3
  - id: regex.only
    category: spam
    action: flag
    regex: 'kauf\s+jetzt'
)";

TEST(TermCountTest, CountsEachRulesTermsWithTheirSpellingsMostFirst) {
  auto set = testing::CompileYaml(kRules);
  ASSERT_NE(set, nullptr);
  const TermCountReport report = CountTerms(*set);
  struct Want {
    std::string rule_id;
    size_t terms, written;
  };
  const std::vector<Want> want = {
      {"spelled.phrase", 8, 2},  // 6 + 2 spellings of two written terms
      {"slots", 4, 3},           // ich, isch; Wald; Keller
      {"small.list", 1, 1},
  };  // regex.only has no terms and is not listed
  ASSERT_EQ(report.rules.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].rule_id);
    EXPECT_EQ(report.rules[i].rule_id, want[i].rule_id);
    EXPECT_EQ(report.rules[i].terms, want[i].terms);
    EXPECT_EQ(report.rules[i].written, want[i].written);
    EXPECT_GT(report.rules[i].location.line, 0);
  }
  EXPECT_EQ(report.terms, 13u);
  EXPECT_EQ(report.written, 6u);
  EXPECT_EQ(report.literals, set->report().literals);
  EXPECT_GT(report.literals, 0u);
}

}  // namespace
}  // namespace moderation
