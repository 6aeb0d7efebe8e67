// Regexes Hyperscan rejects fall back to RE2, and either path gives the same
// answers: the same rules fire, with the same spans.
#include <string>
#include <vector>

#include "engine/testing/temp_dir.h"
#include "engine/testing/test_rules.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

const char kRegexRules[] = R"(
ruleset: regexes
version: "1"
rules:
  - id: threat
    category: threat
    regex: '(ich|wir)\s+(bring|mach|stech)\w*\s+dich\s+(um|kalt|ab)\s*([.!?]|$)'
    action: block
  - id: email
    category: pii
    regex: '[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-z]{2,}'
    view: raw
    action: flag
  - id: phone
    category: pii
    regex: '(\+49|0049|0)\s?\(?\d{2,5}\)?[\s/-]?\d{3,}([\s-]?\d+)*'
    action: flag
  - id: iban
    category: pii
    regex: '\bde\d{2}(\s?\d{4}){4}\s?\d{2}\b'
    action: flag
  - id: ungreedy
    category: threat
    regex: '(?U)du\s+wirst\s+.+\s+bereuen'
    action: block
  - id: zero_repeat
    category: spam
    regex: 'kauf(x{0})\s+jetzt'
    score: 3
)";

const std::vector<std::string> kTexts = {
    "Ich bring dich um!",
    "ICH MACH DICH KALT",
    "wir stechen dich ab.",
    "Ich bring dich um acht zum Bahnhof.",
    "Mail an erika.mustermann+test@beispiel-firma.de bitte",
    "Ruf an: +49 30 1234567 oder 0171/1234567",
    "IBAN DE89 3704 0044 0532 0130 00 danke",
    "iban: de89370400440532013000",
    "Du wirst das noch bitter bereuen!",
    "du wirst es bereuen",
    "Kauf jetzt! Kaufjetzt! KAUF   JETZT",
    "Ganz normaler Text ohne alles.",
    "Straße 5, 12345 Berlin, Tel. 030 123456",
    "\xEF\xBC\xA9\xEF\xBD\x83\xEF\xBD\x88 bring dich um!",  // fullwidth "Ich"
    "Wir bringen dich um!!!",
};

std::vector<std::string> Describe(const Decision& d) {
  std::vector<std::string> out;
  for (const RuleHit& hit : d.hits) {
    for (const MatchSpan& s : hit.spans) {
      out.push_back(hit.rule_id + "@" + std::to_string(s.start) + ".." + std::to_string(s.end));
    }
  }
  return out;
}

TEST(RegexFallbackTest, HyperscanRejectedRegexesAreReportedAndRunOnRe2) {
  auto set = testing::CompileYaml(kRegexRules);
  ASSERT_NE(set, nullptr);
  const CompileReport& report = set->report();
  EXPECT_EQ(report.regexes, 6u);
  EXPECT_EQ(report.regexes_on_re2, 2u);
  ASSERT_EQ(report.warnings.size(), 2u);
  EXPECT_NE(report.warnings[0].message.find("rule 'ungreedy': Hyperscan rejected"),
            std::string::npos)
      << report.warnings[0].message;
  EXPECT_EQ(report.warnings[0].location.line, 24);  // the regex line of rule 'ungreedy'
  EXPECT_NE(report.warnings[1].message.find("rule 'zero_repeat'"), std::string::npos);
  EXPECT_EQ(testing::FiredRules(testing::Judge(*set, "du wirst es bereuen")),
            std::vector<std::string>{"ungreedy"});
}

TEST(RegexFallbackTest, HyperscanAndRe2PathsGiveIdenticalDecisions) {
  auto hyperscan = testing::CompileYaml(kRegexRules);
  CompileOptions re2_only;
  re2_only.force_re2 = true;
  auto re2 = testing::CompileYaml(kRegexRules, re2_only);
  ASSERT_NE(hyperscan, nullptr);
  ASSERT_NE(re2, nullptr);
  EXPECT_EQ(re2->report().regexes_on_re2, 6u);
  size_t fired = 0;
  for (const std::string& text : kTexts) {
    const Decision a = testing::Judge(*hyperscan, text);
    const Decision b = testing::Judge(*re2, text);
    EXPECT_EQ(a.verdict, b.verdict) << text;
    EXPECT_EQ(Describe(a), Describe(b)) << text;
    fired += a.hits.size();
  }
  EXPECT_GE(fired, 10u);  // the corpus really exercises the regexes
}

// Issue 15: a rule set with a regex Hyperscan rejects loads from the disk
// cache, and a warm load warns about the same regexes as the cold one.
TEST(RegexFallbackTest, WarmCacheLoadKeepsTheRejectionsAndTheirWarnings) {
  testing::TempDir dir("regex_fallback_test");
  ASSERT_FALSE(dir.path().empty());
  CompileOptions options;
  options.cache_dir = dir.path();
  auto cold = testing::CompileYaml(kRegexRules, options);
  auto warm = testing::CompileYaml(kRegexRules, options);
  ASSERT_NE(cold, nullptr);
  ASSERT_NE(warm, nullptr);
  EXPECT_EQ(cold->report().regexes_from_cache, 0u);
  EXPECT_EQ(warm->report().regexes_from_cache, warm->report().regexes);
  EXPECT_EQ(warm->report().regexes_on_re2, 2u);
  ASSERT_EQ(warm->report().warnings.size(), cold->report().warnings.size());
  for (size_t i = 0; i < cold->report().warnings.size(); ++i) {
    EXPECT_EQ(warm->report().warnings[i].ToString(), cold->report().warnings[i].ToString());
  }
  for (const std::string& text : kTexts) {
    const Decision a = testing::Judge(*cold, text);
    const Decision b = testing::Judge(*warm, text);
    EXPECT_EQ(a.verdict, b.verdict) << text;
    EXPECT_EQ(Describe(a), Describe(b)) << text;
  }
}

TEST(RegexFallbackTest, ThreatRegexHitsAndMissesAsModeratorsExpect) {
  auto set = testing::CompileYaml(kRegexRules);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(testing::Judge(*set, kTexts[0]).verdict, Verdict::kBlock);
  EXPECT_EQ(testing::Judge(*set, kTexts[3]).verdict, Verdict::kAllow);
  EXPECT_EQ(testing::Judge(*set, kTexts[13]).verdict, Verdict::kBlock);
}

}  // namespace
}  // namespace moderation
