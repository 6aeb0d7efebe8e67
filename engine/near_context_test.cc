// `near:`, the context a hit needs (rules::NearContext), end to end: YAML ->
// compile -> post. A hit counts only with one of its rule's contexts within
// the context's word distance, on its side; contexts share the unless regex
// database with vetoes, and reach every kind of candidate.
#include <string>
#include <vector>

#include "engine/testing/test_rules.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using testing::CompileYaml;
using testing::ExpectFirstProblemAt;
using testing::FiredRules;
using testing::Judge;

std::string Rule(const std::string& id, const std::string& body) {
  return "  - id: " + id + "\n    category: insult\n" + body + "    action: flag\n";
}

std::string Set(const std::string& rules, const std::string& header = "") {
  return "ruleset: t\nversion: \"1\"\n" + header + "rules:\n" + rules;
}

// n words of filler, each followed by a space.
std::string Words(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "wort ";
  return s;
}

struct Case {
  const char* text;
  std::vector<std::string> fired;
};

void ExpectFired(const CompiledRuleSet& set, const std::vector<Case>& cases) {
  for (const Case& c : cases) EXPECT_EQ(FiredRules(Judge(set, c.text)), c.fired) << c.text;
}

TEST(NearTest, AHitCountsOnlyWithAContextWithinItsDistance) {
  auto set = CompileYaml(Set(Rule("r",
                                  "    words: [Idiot]\n    match: compound\n"
                                  "    near: { words: [du, dich], within: 2 }\n")));
  ASSERT_NE(set, nullptr);
  ExpectFired(*set, {
                        {"du Idiot", {"r"}},
                        {"Idiot, du", {"r"}},
                        {"du bist ein Idiot", {"r"}},       // two words between
                        {"du bist echt so ein Idiot", {}},  // four
                        {"Computer sind die intelligentesten Idioten", {}},
                        {"Ihr Idioten, du auch", {"r"}},  // an inflected hit
                        {"d u Idiot", {"r"}},  // context words are read like terms: evasions too
                        {"Idiot", {}},
                    });
}

// Each context keeps its own distance and side: a copula must come before
// the insult ("ist ein Idiot", not "Idioten sind ..."), a regex spanning the
// hit counts only where it overlaps it.
TEST(NearTest, EachContextHasItsOwnSideAndDistance) {
  auto set =
      CompileYaml(Set(Rule("r",
                           "    words: [Idiot]\n    match: compound\n"
                           "    near:\n"
                           "      - { regex: '\\b(?:ist|bist)\\b', side: before, within: 2 }\n"
                           "      - { regex: '\\bhallo\\b', side: after, within: 0 }\n"
                           "      - { regex: '\\w+\\s*!', side: overlap, within: 0 }\n")));
  ASSERT_NE(set, nullptr);
  ExpectFired(*set, {
                        {"Der Schiri ist ein Idiot", {"r"}},
                        {"Idioten sind eine Einrichtung der Natur", {}},  // copula after
                        {"Idiot hallo", {"r"}},                           // after, adjacent
                        {"hallo Idiot", {}},                              // before: wrong side
                        {"So ein Idiot!", {"r"}},                         // spans the hit
                        {"Ein Idiot und Schluss!", {}},                   // adjacent, no overlap
                    });
}

// A context regex is searched around the hit only, but as far as its
// `within` reaches: 25 words away counts at within 30, 35 words does not.
TEST(NearTest, AContextRegexIsFoundAsFarAsItsWithinReaches) {
  auto set = CompileYaml(Set(Rule("r",
                                  "    words: [Idiot]\n"
                                  "    near: { regex: '@kevin\\b', within: 30 }\n")));
  ASSERT_NE(set, nullptr);
  ExpectFired(*set, {
                        {("@kevin " + Words(25) + "Idiot").c_str(), {"r"}},
                        {("Idiot " + Words(25) + "@kevin").c_str(), {"r"}},
                        {("@kevin " + Words(35) + "Idiot").c_str(), {}},
                        {("@kevin " + Words(35) + "Idiot " + Words(3) + "@kevin").c_str(), {"r"}},
                    });
}

// The near database is scanned from the earliest window a candidate of the
// field needs, not from the field's start: a context at that window's first
// word still counts, one before it does not, ^ still means the field's
// start, and a second candidate earlier in the field moves the scan's start
// back to its own window.
TEST(NearTest, TheContextScanBeginsAtTheEarliestWindowAndKeepsTheFieldsAnchors) {
  auto set = CompileYaml(Set(Rule("r",
                                  "    words: [Idiot]\n"
                                  "    near:\n"
                                  "      - { regex: '\\bkevin\\b', within: 2 }\n"
                                  "      - { regex: '^\\s*idiot', side: overlap, within: 0 }\n")));
  ASSERT_NE(set, nullptr);
  ExpectFired(*set, {
                        {"Idiot", {"r"}},                     // ^ at the field's start
                        {(Words(40) + "Idiot").c_str(), {}},  // ^ only there
                        {(Words(40) + "kevin wort Idiot").c_str(), {"r"}},  // within the window
                        {(Words(40) + "kevin " + Words(9) + "Idiot").c_str(), {}},
                        {("kevin Idiot " + Words(40) + "Idiot").c_str(), {"r"}},
                        {(Words(10) + "kevin wort Idiot " + Words(40) + "Idiot").c_str(), {"r"}},
                    });
}

// One regex can be one rule's veto and another rule's context: the shared
// database entry reports to both, each in its own role.
TEST(NearTest, ARegexSharedAsVetoAndAsContextKeepsBothRoles) {
  const std::string header = "patterns:\n  addressed: '\\bdu\\b'\n";
  auto set = CompileYaml(
      Set(Rule("vetoed", "    words: [Idiot]\n    unless: { regex: '{@addressed}', within: 1 }\n") +
              Rule("needs",
                   "    words: [Trottel]\n"
                   "    near: { regex: '{@addressed}', within: 1 }\n"),
          header));
  ASSERT_NE(set, nullptr);
  ExpectFired(*set, {
                        {"du Idiot", {}},
                        {"Idiot", {"vetoed"}},
                        {"du Trottel", {"needs"}},
                        {"Trottel", {}},
                        {"du Idiot und du Trottel", {"needs"}},
                    });
}

// Contexts apply to candidates of every kind, only within their own field.
TEST(NearTest, ContextsReachEveryKindOfCandidate) {
  const std::string near = "    near: { words: [du], within: 3 }\n";
  auto set = CompileYaml(
      Set(Rule("phrase", "    phrase: { slots: [\"Klappe\", \"halten\"], within: 2 }\n" + near) +
              Rule("pair", "    words: [\"@groups+@pejoratives\"]\n" + near) +
              Rule("regex", "    regex: 'schwach\\w*kopf'\n" + near) +
              Rule("words", "    words: [Idiot]\n" + near),
          "lists:\n  groups: [Asylant]\n  pejoratives: [Pack]\n"));
  ASSERT_NE(set, nullptr);
  ExpectFired(*set, {
                        {"du sollst die Klappe halten", {"phrase"}},
                        {"Die Klappe halten ist manchmal klug", {}},
                        {"du Asylantenpack", {"pair"}},
                        {"Asylantenpack", {}},
                        {"du Schwachkopf", {"regex"}},
                        {"Schwachkopf", {}},
                        {"du Idiot", {"words"}},
                    });
}

TEST(NearTest, MistakesAreReportedAtTheirLine) {
  struct ProblemCase {
    std::string body;
    int line;
    const char* message;
  };
  std::string many = "    words: [Idiot]\n    near:\n";
  for (int i = 0; i < 33; ++i) many += "      - { words: [du] }\n";
  const ProblemCase kCases[] = {
      {"    words: [Idiot]\n    near: { words: [du], side: links }\n", 7, "side"},
      {"    words: [Idiot]\n    near: { within: 2 }\n", 7, "needs 'words' or 'regex'"},
      {"    words: [Idiot]\n    near: { words: [du], within: 99 }\n", 7, "between 0 and 50"},
      {"    words: [Idiot]\n    near: { words: [du], wihtin: 2 }\n", 7, "wihtin"},
      {"    words: [Idiot]\n    near: { regex: '(du' }\n", 7, "missing )"},
      {"    words: [Idiot]\n    near: []\n", 7, "non-empty list"},
      {"    condition: { author_account_age_days_below: 2 }\n    near: { words: [du] }\n", 7,
       "'near' is a context for a pattern's hits"},
      {many, 8, "at most 32 contexts"},
  };
  for (const ProblemCase& c : kCases)
    ExpectFirstProblemAt(Set(Rule("r", c.body)), c.line, c.message);
}

}  // namespace
}  // namespace moderation
