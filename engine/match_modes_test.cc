// Word match modes and wildcards, end to end: each mode accepts exactly the
// attachments it promises.
#include <string>
#include <vector>

#include "engine/testing/test_rules.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using testing::CompileYaml;
using testing::Judge;

std::string RuleFile(const std::string& words, const std::string& mode) {
  return "ruleset: modes\nversion: \"1\"\nrules:\n  - id: r\n    category: insult\n    words: [" +
         words + "]\n    match: " + mode + "\n    action: flag\n";
}

struct ModeCase {
  std::string mode;
  std::string words;
  std::string text;
  bool fires;
};

TEST(MatchModeTest, EachModeAcceptsExactlyItsAttachments) {
  const std::vector<ModeCase> cases = {
      {"word", "Blödmann", "Du Blödmann", true},
      {"word", "Blödmann", "Du Blödmanns", false},
      {"word", "Blödmann", "Oberblödmann", false},
      {"word", "Blödmann", "B.l.ö.d.m.a.n.n!", true},
      {"prefix", "Blödmann", "Blödmannhaftes Verhalten", true},
      {"prefix", "Blödmann", "Oberblödmann", false},
      {"suffix", "Blödmann", "Oberblödmann", true},
      {"suffix", "Blödmann", "Blödmannhaft", false},
      {"compound", "Blödmann", "Oberblödmann", true},
      {"compound", "Blödmann", "Blödmänner", true},
      {"compound", "Blödmann", "Blödmannhaft", false},
      {"compound", "Arsch", "Nachbarschaft", false},
      {"compound", "Arsch", "Marsch", false},
      {"compound", "Arsch", "Riesenarsch", true},
      {"compound", "Arsch", "Ärsche", true},
      {"substring", "arsch", "Nachbarschaft", true},
      {"substring", "arsch", "Hallo", false},
      {"word", "Heil Hitler", "heil hitler!", true},
      {"word", "Heil Hitler", "H e i l H i t l e r", true},
      {"word", "Heil Hitler", "HeilHitler", true},
      {"word", "Heil Hitler", "Heil dir, Hitler", false},
      {"inflected", "bring", "Ich bringe es", true},
      {"inflected", "bring", "Er bringt es", true},
      {"inflected", "bring", "Du bringst es", true},
      {"inflected", "bring", "Wir b r i n g e n es", true},
      {"inflected", "günstig", "Günstige Follower", true},
      {"inflected", "günstig", "günstigsten", false},  // two endings
      {"inflected", "bring", "Erbringen", false},      // the start is a word edge
      {"inflected", "bring", "Bringdienst", false},    // not an ending
      {"inflected", "ab", "aber", false},              // short words stay whole
      {"inflected", "die", "dies", false},
      {"inflected", "Blödmann", "Blödmanns", true},
      {"inflected", "Blödmann", "Oberblödmann", false},
  };
  for (const ModeCase& c : cases) {
    auto rules = CompileYaml(RuleFile(c.words, c.mode));
    ASSERT_NE(rules, nullptr) << c.mode;
    EXPECT_EQ(Judge(*rules, c.text).verdict == Verdict::kFlag, c.fires)
        << "match: " << c.mode << ", term " << c.words << ", text \"" << c.text << "\"";
  }
}

TEST(MatchModeTest, WildcardsOverrideTheRulesMode) {
  struct Case {
    std::string term, text;
    bool fires;
  };
  const std::vector<Case> cases = {
      {"\"Blöd*\"", "Blödheit", true},  {"\"Blöd*\"", "Oberblöd", false},
      {"\"*mann\"", "Blödmann", true},  {"\"*mann\"", "Mannschaft", false},
      {"\"*idiot*\"", "Xidiotx", true}, {"\"*idiot*\"", "Idee", false},
  };
  for (const Case& c : cases) {
    auto rules = CompileYaml(RuleFile(c.term, "word"));
    ASSERT_NE(rules, nullptr) << c.term;
    EXPECT_EQ(Judge(*rules, c.text).verdict == Verdict::kFlag, c.fires)
        << c.term << " on " << c.text;
  }
}

TEST(MatchModeTest, TermsTooShortAfterNormalisationAreRejectedAtTheirLine) {
  const rules::Diagnostics problems = testing::CompileProblems(RuleFile("ok, Aa", "compound"));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].message.find("too short"), std::string::npos) << problems[0].message;
  EXPECT_EQ(problems[0].location.line, 6);
  EXPECT_NE(problems[1].message.find("'Aa'"), std::string::npos) << problems[1].message;
}

TEST(MatchModeTest, TermsWithoutLettersAreRejected) {
  const rules::Diagnostics problems = testing::CompileProblems(RuleFile("\"!!!\"", "word"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("no letters"), std::string::npos) << problems[0].message;
}

}  // namespace
}  // namespace moderation
