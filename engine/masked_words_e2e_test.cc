// Masked words through a real rule file, the compiler and the evaluator: a
// word whose letters hide behind '*' or '#' matches the term it hides, as a
// whole word or compound the way the term's mode allows, reported on the
// bytes the user typed; the everyday uses of '*' (gender star, Markdown,
// ratings) and harmless dictionary readings never fire.
#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "engine/testing/test_rules.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using testing::CompileYaml;
using testing::Judge;
using testing::SpanTexts;

const char kRules[] = R"(
ruleset: masked
version: "1"
lexicon: de
rules:
  - id: insult
    category: insult
    words: [Schlampe, Hurensohn, Scheiße, Fotze, Arsch, Dummbatz, cunt, Nigger, fucking,
            Hure, Neger]
    match: compound
    action: block
  - id: word_only
    category: insult
    words: [Sau]
    match: word
    action: block
  - id: show_me
    category: sexual
    phrases:
      - slots: ["dm|send", "your", "pussy|tits"]
        ordered: true
        within: 3
    action: block
)";

std::string WriteDictionary(const std::vector<std::string>& words) {
  const std::string path = ::testing::TempDir() + "/masked_words_e2e_test." +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                           ".dict";
  std::ofstream out(path);
  for (const std::string& w : words) out << w << "\n";
  return path;
}

std::shared_ptr<const CompiledRuleSet> Rules() {
  CompileOptions options;
  // Vormarsch and Marsch are words; their masked spellings must stay them.
  options.lexicon_paths["de"] =
      WriteDictionary({"Vormarsch", "Marsch", "Schlampe", "Dreckschlampe", "Dreck", "Sau", "Herren",
                       "dorniger", "cunt", "cant", "cent"});
  return CompileYaml(kRules, options);
}

struct Case {
  std::string text;
  std::vector<std::string> spans;  // empty: must not fire
};

TEST(MaskedWordsE2eTest, AMaskedWordMatchesTheTermItHidesOnTheBytesTyped) {
  auto rules = Rules();
  ASSERT_NE(rules, nullptr);
  const std::vector<Case> cases = {
      {"du Schl*mpe", {"Schl*mpe"}},
      {"Hurens*hn!", {"Hurens*hn"}},
      {"so eine Sch**ße", {"Sch**ße"}},
      {"f*cking c*nt", {"c*nt", "f*cking"}},  // cunt beside cant, cent: a word too
      {"du H*re", {"H*re"}},                  // no reading is a dictionary word: all count
      {"N*gger", {"N*gger"}},
      {"dm me your p*ssy pics", {"dm me your p*ssy"}},
      {"du Schl#mpe", {"Schl#mpe"}},
      {"Dreckschl*mpe", {"Dreckschl*mpe"}},  // compound, reported whole
      {"ihr Schl*mpen", {"Schl*mpen"}},      // inflection
      {"F*tze", {"F*tze"}},
      {"H*r*nsohn", {"H*r*nsohn"}},
      // Leet and look-alikes around the mask.
      {"du $chl*mp3", {"$chl*mp3"}},
      {"du Sсhl*mpe", {"Sсhl*mpe"}},  // Cyrillic с
      {"du SCHL*MPE", {"SCHL*MPE"}},
      {"Hur3ns*hn", {"Hur3ns*hn"}},
      {"du S*u", {"S*u"}},
      // A star between letters that are all there: as before.
      {"du*mmbatz", {"du*mmbatz"}},
  };
  for (const Case& c : cases) {
    const Decision d = Judge(*rules, c.text);
    EXPECT_EQ(d.verdict, Verdict::kBlock) << c.text;
    std::vector<std::string> spans = SpanTexts(d);
    std::sort(spans.begin(), spans.end());
    EXPECT_EQ(spans, c.spans) << c.text;
  }
}

TEST(MaskedWordsE2eTest, EverydayStarsGenderStarsAndHarmlessReadingsDoNotFire) {
  auto rules = Rules();
  ASSERT_NE(rules, nullptr);
  for (const char* text : {
           "Liebe Bürger*innen, liebe Lehrer*innen", "jede*r Schüler*in ist willkommen",
           "Sehr geehrte Kolleg*innen", "Mitarbeiter#innen gesucht", "*seufz* schon wieder Montag",
           "*hust* na gut", "das ist **wichtig**", "5* Hotel, 4*4 Allrad", "Preis: 20€*",
           "#montag #kaffee",
           "der Vorm*rsch",  // reads as Vormarsch, a dictionary word
           "ein M*rsch",     // Marsch
           // A reading that is a dictionary word wins over the others:
           "meine H*rren",      // Herren, not Huren
           "ein dorn*ger Weg",  // dorniger, not dorn|neger
       }) {
    const Decision d = Judge(*rules, text);
    EXPECT_EQ(d.verdict, Verdict::kAllow)
        << text << ": " << (d.hits.empty() ? "" : d.hits[0].spans[0].text);
  }
}

TEST(MaskedWordsE2eTest, AFieldFullOfMaskedWordsIsReadOnlyUpToItsBudget) {
  auto rules = Rules();
  ASSERT_NE(rules, nullptr);
  // Two masks each (25 readings): the budget of 32 readings covers the
  // first word and part of the second, never the eighth.
  std::string text;
  for (int i = 0; i < 7; ++i) text += "H*r*nsahn ";
  const Decision before = Judge(*rules, text + "du Schl*mpe");
  EXPECT_EQ(before.verdict, Verdict::kAllow);
  const Decision first = Judge(*rules, "du Schl*mpe " + text);
  EXPECT_EQ(first.verdict, Verdict::kBlock);
}

}  // namespace
}  // namespace moderation
