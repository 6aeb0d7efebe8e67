// The rule language beyond word lists, end to end (YAML -> compile -> post):
// phrases, two-list compounds, unless, fields, lists in regexes, digits as
// letters and the lexicon. Every evasion class is tried inside phrases and
// compounds, because that is where hand-written regexes lost the normaliser.
#include <fstream>
#include <string>
#include <vector>

#include "engine/testing/test_rules.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using testing::CompileProblems;
using testing::CompileYaml;
using testing::ExpectFirstProblemAt;
using testing::FiredRules;
using testing::Judge;
using testing::SpanTexts;

std::string OneRule(const std::string& body, const std::string& header = "") {
  return "ruleset: t\nversion: \"1\"\n" + header + "rules:\n  - id: r\n    category: threat\n" +
         body + "    action: flag\n";
}

bool Fires(const CompiledRuleSet& set, const std::string& text) {
  return Judge(set, text).verdict == Verdict::kFlag;
}

struct TextCase {
  const char* text;
  bool fires;
};

const char* kThreat =
    "    phrases:\n"
    "      - slots: [\"bring*\", \"dich|euch\", {words: \"um\", not_followed_by: [\"@digits\", "
    "\"acht|neun|zehn|halb|viertel\"]}]\n"
    "        within: 3\n";

TEST(PhraseTest, MatchesFreeWordOrderSeparableVerbsAndWordsInBetween) {
  auto set = CompileYaml(OneRule(kThreat));
  ASSERT_NE(set, nullptr);
  const TextCase kCases[] = {
      {"ich bring dich um", true},
      {"bring ich dich um", true},
      {"dich bring ich um", true},
      {"ich bringe dich heute abend noch um", true},
      {"Ich bringe euch alle um!", true},
      {"ich bring dich um acht zum Bahnhof", false},
      {"ich bring dich um 8 zum Bahnhof", false},
      {"ich bring dich um halb neun hin", false},
      // A forbidden next word in the next sentence is no veto; behind a
      // comma it still is (German sets one before every subordinate clause).
      {"ich bring dich um. Acht Leute lesen mit", true},
      {"ich bring dich um, acht Jahre sind genug", false},
      {"ich bringe dich morgen nach der Arbeit mit dem Auto um", false},  // 6 words between
      {"bring dich", false},
      {"Umbringen ist strafbar", false},
  };
  for (const TextCase& c : kCases) EXPECT_EQ(Fires(*set, c.text), c.fires) << c.text;
}

TEST(PhraseTest, EveryEvasionClassCountsAsOneWord) {
  auto set = CompileYaml(OneRule(kThreat));
  ASSERT_NE(set, nullptr);
  for (const char* text : {
           "1ch br1ng d1ch um",          // leet
           "i c h b r i n g dich um",    // spaced
           "ich b.r.i.n.g d.i.c.h um",   // dotted
           "ich brrriiing diiich uuum",  // stretched
           "ich bring d\u200bich um",    // zero-width
           "ich bring dі\u0441h um",     // Cyrillic look-alikes
           "ICH BRING DICH UM",          // capitals
       }) {
    EXPECT_TRUE(Fires(*set, text)) << text;
  }
}

TEST(PhraseTest, InflectedSlotsTakeEndingsAndWordSlotsDoNot) {
  const std::string inflected = OneRule(
      "    phrases:\n"
      "      - slots: [\"günstig\", \"Follower\"]\n"
      "        match: inflected\n");
  const std::string word = OneRule(
      "    phrases:\n"
      "      - slots: [\"günstig\", \"Follower\"]\n");
  auto inflected_set = CompileYaml(inflected);
  auto word_set = CompileYaml(word);
  ASSERT_NE(inflected_set, nullptr);
  ASSERT_NE(word_set, nullptr);
  EXPECT_TRUE(Fires(*inflected_set, "Günstige Follower hier"));
  EXPECT_TRUE(Fires(*inflected_set, "Follower, ganz günstig"));
  EXPECT_FALSE(Fires(*word_set, "Günstige Follower hier"));
  EXPECT_TRUE(Fires(*word_set, "Follower, ganz günstig"));
}

TEST(PhraseTest, SpanRunsFromTheFirstToTheLastMatchedWordInOriginalBytes) {
  auto set = CompileYaml(OneRule(kThreat));
  ASSERT_NE(set, nullptr);
  const Decision d = Judge(*set, "Hey du, i c h br1ng d1ch heute um!!");
  ASSERT_EQ(d.hits.size(), 1u);
  ASSERT_EQ(d.hits[0].spans.size(), 1u);
  EXPECT_EQ(d.hits[0].spans[0].text, "br1ng d1ch heute um");
}

TEST(PhraseTest, OrderedPhrasesKeepTheirOrderAndOptionalSlotsMayBeMissing) {
  auto set = CompileYaml(
      OneRule("    phrase:\n"
              "      slots: [{words: \"ich|wir\", optional: true}, \"stech*\", \"dich\", \"ab\"]\n"
              "      ordered: true\n"));
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(Fires(*set, "ich steche dich ab"));
  EXPECT_TRUE(Fires(*set, "steche dich ab"));
  EXPECT_FALSE(Fires(*set, "dich steche ab"));
  const Decision d = Judge(*set, "wir stechen dich ab");
  EXPECT_EQ(SpanTexts(d), std::vector<std::string>{"wir stechen dich ab"});
}

TEST(PhraseTest, SlotsTakeListReferencesAndNotPrecededBy) {
  auto set = CompileYaml(
      OneRule("    phrase: [\"@groups\", {words: \"vergasen\", not_preceded_by: \"nicht|nie\"}]\n",
              "lists:\n  groups: [Juden, Muslime, Flüchtlinge]\n"));
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(Fires(*set, "Man sollte die Juden vergasen"));
  EXPECT_TRUE(Fires(*set, "Flüchtlinge sofort vergasen"));
  EXPECT_FALSE(Fires(*set, "Juden darf man nie vergasen"));
  EXPECT_TRUE(Fires(*set, "Juden? Nie! Vergasen!"));
  EXPECT_FALSE(Fires(*set, "Man sollte Autos vergasen"));
}

struct ProblemCase {
  const char* name;
  std::string body;
  const char* message;
};

TEST(PhraseTest, MistakesAreReportedAtTheirLine) {
  const ProblemCase kCases[] = {
      {"one_slot", "    phrase: [\"bring\"]\n", "at least 2 slots"},
      {"only_optional", "    phrase: [\"a1\", {words: bb, optional: true}]\n", "at least 2 slots"},
      {"within_too_large", "    phrase: {slots: [ab, cd], within: 99}\n", "'within' must be"},
      {"unknown_slot_key", "    phrase: [ab, {word: cd}]\n", "unknown key 'word'"},
      {"unknown_list", "    phrase: [\"@nolist\", cd]\n", "unknown list '@nolist'"},
      {"bad_ordered", "    phrase: {slots: [ab, cd], ordered: yes}\n", "true or false"},
      {"too_short", "    phrase: [\"a\", cd]\n", "too short"},
  };
  for (const ProblemCase& c : kCases) {
    const rules::Diagnostics problems = CompileProblems(OneRule(c.body));
    const rules::Diagnostic* found = nullptr;
    for (const rules::Diagnostic& d : problems) {
      if (d.message.find(c.message) != std::string::npos) found = &d;
    }
    ASSERT_NE(found, nullptr) << c.name << ": " << problems.size() << " problem(s), first: "
                              << (problems.empty() ? "" : problems[0].message);
    EXPECT_GE(found->location.line, 5) << c.name;
  }
}

const char* kGroupLists =
    "lists:\n"
    "  groups: [Asylant, Migrant, Jude, Ausländer, Flüchtling, Kanake]\n"
    "  pejoratives: [Pack, Gesindel, Ratte, Schwein, Abschaum, Dreck]\n";

TEST(SpellingsTest, DialectSpellingsMatchTermsAndPhrasesWrittenInPlainGerman) {
  const std::string header =
      "spellings:\n"
      "  ich: [i, ick, isch]\n"
      "  weiß: [woiß, weeß]\n"
      "  dich: [di, disch]\n"
      "  auf: [uff]\n"
      "  \"auf*\": [\"uff*\"]\n"
      "  \"*st\": [\"*sch\"]\n"
      "  \"*er\": [\"*a\"]\n";
  auto set =
      CompileYaml(OneRule("    words: [\"ich weiß wo du wohnst\", Wichser, aufknüpfen]\n"
                          "    phrases:\n"
                          "      - slots: [\"ich\", \"häng*\", \"dich\", \"auf\"]\n",
                          header));
  ASSERT_NE(set, nullptr);
  const TextCase kCases[] = {
      {"Ich weiß wo du wohnst", true},
      {"I woiß wo du wohnsch, Herr Nachbar", true},
      {"ick weeß wo du wohnst", true},
      {"Du Wichsa", true},
      {"Den sollte man uffknüpfen", true},
      {"Du W1chs4", true},  // the spellings keep every evasion the normaliser undoes
      {"isch häng disch uff", true},
      {"ick häng di auf, wart nur", true},
      // "i" alone is too short for a phrase word (2 letters at least), so a
      // slot "ich" does not take it; a term of several words does.
      {"i häng di auf", false},
      {"Ich hänge das Bild auf", false},
      {"Ich wohne in Wiesbaden", false},
      {"Die Mutter war da", false},
  };
  for (const TextCase& c : kCases) EXPECT_EQ(Fires(*set, c.text), c.fires) << c.text;
}

TEST(CompoundPairTest, JoinsAnyModifierToAnyHeadWithLinksHyphensAndEndings) {
  auto set = CompileYaml(OneRule("    words: [\"@groups+@pejoratives\"]\n", kGroupLists));
  ASSERT_NE(set, nullptr);
  const TextCase kCases[] = {
      {"Asylantenpack", true},
      {"Migrantengesindel", true},
      {"Judenschweine", true},
      {"Ausländerratten", true},  // shared letter after the collapse
      {"Flüchtlingsabschaum", true},
      {"Asylanten-Pack", true},
      {"Kanakendreck", true},
      {"Asyl@ntenp4ck", true},              // leet
      {"A s y l a n t e n p a c k", true},  // spaced
      {"Asylaaantenpaaack", true},          // stretched
      {"Аsylantenpack", true},              // Cyrillic A
      {"Migranten\u00adgesindel", true},    // soft hyphen
      {"Asylanten Pack", false},            // two words: a phrase's job
      {"Sixpack", false},
      {"Huckepack", false},
      {"Gepäck", false},
      {"Migrantenberatung", false},
      {"Asylantenpackung", false},
  };
  for (const TextCase& c : kCases) EXPECT_EQ(Fires(*set, c.text), c.fires) << c.text;
}

TEST(CompoundPairTest, TwoHundredByTwoHundredListsCompileQuickly) {
  std::string lists = "lists:\n  a: [";
  for (int i = 0; i < 200; ++i)
    lists += (i ? ", " : "") + std::string("grup") + char('a' + i % 26) + char('a' + i / 26) + "x";
  lists += "]\n  b: [";
  for (int i = 0; i < 200; ++i)
    lists += (i ? ", " : "") + std::string("pejo") + char('a' + i % 26) + char('a' + i / 26) + "y";
  lists += "]\n";
  auto set = CompileYaml(OneRule("    words: [\"@a+@b\"]\n", lists));
  ASSERT_NE(set, nullptr);
  EXPECT_LE(set->report().literals, 400u);  // the lists, not their 40,000 products
  EXPECT_TRUE(Fires(*set, "grupkaxpejoqgy"));
  EXPECT_FALSE(Fires(*set, "grupkax pejoqgy"));
}

TEST(CompoundPairTest, UnknownListsAreReported) {
  const rules::Diagnostics problems =
      CompileProblems(OneRule("    words: [\"@groups+@nope\"]\n", kGroupLists));
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].message.find("unknown list '@nope'"), std::string::npos);
}

TEST(UnlessTest, ANearbyQuoteOrReportVetoesTheHit) {
  auto set = CompileYaml(OneRule(std::string(kThreat) +
                                 "    unless:\n"
                                 "      words: [\"zitiert\", \"angeklagt*\", \"Gericht\"]\n"
                                 "      regex: '\"[^\"]*\"\\s*(?:schrieb|sagte)'\n"
                                 "      within: 6\n"));
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(Fires(*set, "ich bring dich um"));
  EXPECT_FALSE(Fires(*set, "Der Angeklagte hatte geschrieben: ich bring dich um"));
  EXPECT_FALSE(Fires(*set, "\"ich bring dich um\" sagte er vor Gericht"));
  // Far away, the veto word does not help the author.
  EXPECT_TRUE(Fires(*set,
                    "Das Gericht hat entschieden, aber das ist mir völlig egal und ich sage dir "
                    "jetzt ganz ehrlich: ich bring dich um"));
}

// Report words veto only in the hit's sentence: a report word appended as
// a sentence of its own is the cheapest way around a veto. A quoted hit is
// still excused by a report word in the next sentence, and plain `words`
// keep their reach across sentences (they say what the hit means).
TEST(UnlessTest, AReportWordExcusesOnlyItsOwnSentenceOrAQuote) {
  auto set = CompileYaml(OneRule(std::string(kThreat) +
                                 "    unless:\n"
                                 "      reports: [\"Polizeibericht\", \"angeklagt*\"]\n"
                                 "      words: [\"Werkstatt\"]\n"
                                 "      within: 12\n"));
  ASSERT_NE(set, nullptr);
  const TextCase kCases[] = {
      {"ich bring dich um. Polizeibericht", true},
      {"Polizeibericht. ich bring dich um", true},
      {"ich bring dich um!!! Polizeibericht", true},
      {"ich bring dich um\nPolizeibericht", true},
      {"ich bring dich um.Polizeibericht", true},
      {"ich bring dich um", true},
      // A report word as a label before a colon frames nothing either.
      {"Polizeibericht: ich bring dich um", true},
      {"Polizeibericht: „ich bring dich um“", false},
      {"Laut Polizeibericht schrieb er: ich bring dich um", false},
      {"ich bring dich um, sagte der Angeklagte", false},
      {"Der Angeklagte schrieb: „ich bring dich um.“ Der Prozess geht weiter.", false},
      {"Er schrieb „ich bring dich um“. Polizeibericht", false},
      // A plain veto word reaches into the next sentence.
      {"ich bring dich um. Ab in die Werkstatt", false},
  };
  for (const TextCase& c : kCases) EXPECT_EQ(Fires(*set, c.text), c.fires) << c.text;
}

// The unless words veto before the unless regexes are scanned (and the
// scan is skipped when no candidate is left for them); every hit still
// needs its own veto, word or regex. A phrase that occurs twice is two
// candidates: a quoted threat that is vetoed does not hide a real one later
// in the post (before, the phrase search reported only its first match).
TEST(UnlessTest, WordAndRegexVetoesEachCoverTheirOwnHits) {
  auto set =
      CompileYaml(OneRule(std::string(kThreat) + "    unless:\n"
                                                 "      words: [\"Angeklagte\"]\n"
                                                 "      regex: '\"[^\"]*\"\\s*(?:schrieb|sagte)'\n"
                                                 "      within: 4\n"));
  ASSERT_NE(set, nullptr);
  const std::string far = " und danach kam lange gar nichts mehr, wirklich gar nichts, bis ";
  struct Case {
    std::string text;
    bool fires;
  };
  for (const Case& c : {
           Case{"Der Angeklagte: ich bring dich um", false},
           Case{"\"ich bring dich um\" sagte er", false},
           Case{"Der Angeklagte: ich bring dich um." + far + "\"ich bring dich um\" schrieb er",
                false},
           Case{"Der Angeklagte: ich bring dich um." + far + "ich bring dich um", true},
           Case{"\"ich bring dich um\" sagte er." + far + "ich bring dich um", true},
       }) {
    EXPECT_EQ(Fires(*set, c.text), c.fires) << c.text;
  }
}

// A negation vetoes only the words next to it, so a "nicht" in another
// clause of the post does not excuse the hit.
TEST(UnlessTest, ANegationVetoesOnlyCloseBy) {
  auto set = CompileYaml(OneRule(
      "    phrases:\n"
      "      - slots: [\"Zigeuner\", \"klauen\"]\n"
      "        within: 6\n"
      "    unless: { words: [\"Vorurteil\"], within: 12, negation: [\"nicht\", \"kein*\"] }\n"));
  ASSERT_NE(set, nullptr);
  const struct {
    const char* text;
    bool fires;
  } cases[] = {
      {"Zigeuner klauen halt, das liegt denen im Blut.", true},
      {"Zigeuner klauen halt, das liegt denen im Blut. Braucht man nicht schönreden.", true},
      {"Zigeuner klauen nicht, das ist ein Vorurteil", false},  // negation next to the hit
      {"Keine Zigeuner klauen hier", false},                    // kein* before it
      {"Es ist nicht so, dass Zigeuner klauen", false},         // two words before
      {"Zigeuner klauen das Knie", true},  // "nie" is no negation word here, nor part of one
      // After the hit a negation counts only right behind it; further on it
      // belongs to the next clause.
      {"Zigeuner klauen, wer's nicht sieht, ist blind", true},
      {"Zigeuner klauen nicht wahr", false},
      // Behind a comma or a full stop it opens a clause of its own: a
      // contrast, or the tag question that affirms the hit.
      {"Zigeuner klauen, nicht wahr?", true},
      {"Zigeuner klauen. Nicht nur Fahrräder", true},
      {"Zigeuner klauen; nicht dass einer fragt", true},
      // The plain words keep their own, wider window.
      {"Das Vorurteil, Zigeuner klauen, hält sich seit Jahrhunderten", false},
  };
  for (const auto& c : cases) EXPECT_EQ(Fires(*set, c.text), c.fires) << c.text;
}

TEST(UnlessTest, NegationWithinIsBounded) {
  const struct {
    const char* unless;
    const char* message;
  } cases[] = {
      {"{ negation: [nicht], negation_within: 9 }", "'negation_within' must be between 0 and 5"},
      {"{ words: [zitiert], negation_within: 2 }", "'negation_within' needs 'negation' words"},
  };
  for (const auto& c : cases) {
    const rules::Diagnostics problems =
        CompileProblems(OneRule(std::string(kThreat) + "    unless: " + c.unless + "\n"));
    ASSERT_FALSE(problems.empty()) << c.unless;
    EXPECT_NE(problems[0].message.find(c.message), std::string::npos) << problems[0].message;
  }
}

TEST(UnlessTest, AConditionVetoesTheRule) {
  auto set = CompileYaml(OneRule(
      "    words: [Idiot]\n    unless:\n      condition: {author_trust_level_at_least: 3}\n"));
  ASSERT_NE(set, nullptr);
  Author trusted;
  trusted.trust_level = 4;
  EXPECT_EQ(Judge(*set, "Idiot", trusted).verdict, Verdict::kAllow);
  EXPECT_EQ(Judge(*set, "Idiot").verdict, Verdict::kFlag);
}

// A named regex fragment, written once under `patterns:`, used by a rule's
// `unless` as "{@name}"; its own "{@list}" references are expanded.
const char* kQuotedReport =
    "lists:\n  received: [bekommen, erhalten]\n"
    "patterns:\n  quoted_report: '\"[^\"]{2,80}\"\\W{0,3}{@received}'\n";

TEST(PatternsTest, ARuleUsesTheFilesNamedFragmentLikeItsOwnRegex) {
  auto set = CompileYaml(
      OneRule(std::string(kThreat) + "    unless: { regex: '{@quoted_report}', within: 2 }\n",
              kQuotedReport));
  ASSERT_NE(set, nullptr);
  const TextCase kCases[] = {
      {"ich bring dich um", true},
      {"Meine Tochter hat \"ich bring dich um\" bekommen", false},
      {"\"Ich bring dich um\" – erhalten am Montag", false},
      {"ich bring dich um, bekommen hast du es", true},  // no quotes: no report
      {"\"ich bring dich um\" schrieb ich ihm", true},   // not a word of the fragment
  };
  for (const TextCase& c : kCases) EXPECT_EQ(Fires(*set, c.text), c.fires) << c.text;
}

// Rules sharing one veto share one compiled regex; each still gets the veto,
// also when the first rule that uses it is scoped to another field.
TEST(PatternsTest, EveryRuleThatSharesAVetoIsVetoed) {
  const std::string yaml = std::string("ruleset: t\nversion: \"1\"\n") + kQuotedReport +
                           "rules:\n"
                           "  - id: title_only\n    category: insult\n    words: [Depp]\n"
                           "    fields: [title]\n"
                           "    unless: { regex: '{@quoted_report}', within: 2 }\n"
                           "    action: flag\n"
                           "  - id: threat\n    category: threat\n" +
                           kThreat +
                           "    unless: { regex: '{@quoted_report}', within: 2 }\n"
                           "    action: flag\n"
                           "  - id: insult\n    category: insult\n    words: [Idiot]\n"
                           "    unless: { regex: '{@quoted_report}', within: 2 }\n"
                           "    action: flag\n";
  auto set = CompileYaml(yaml);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(FiredRules(Judge(*set, "ich bring dich um, du Idiot")),
            (std::vector<std::string>{"insult", "threat"}));
  EXPECT_TRUE(
      FiredRules(Judge(*set, "Mein Sohn hat \"ich bring dich um, du Idiot\" bekommen")).empty());
  Post post;
  post.fields = {{"title", "\"Depp\" bekommen"}, {"body", "\"Idiot\" erhalten"}};
  auto decision = set->Evaluate(post);
  ASSERT_TRUE(decision.ok());
  EXPECT_TRUE(decision->hits.empty());
}

// The unless regexes are scanned only for a field with a candidate of a rule
// that has one, after every kind of pattern has added its candidates: a
// phrase, a two-list compound, a regex and a word list each get their veto;
// a rule without a veto regex is not vetoed by another rule's regex; and a
// field without candidates is judged alike whether or not it holds the veto.
TEST(PatternsTest, VetoRegexesReachCandidatesOfEveryKindAndOnlyTheirRules) {
  const std::string veto = "    unless: { regex: '{@quoted_report}', within: 3 }\n";
  const std::string yaml =
      std::string("ruleset: t\nversion: \"1\"\n") +
      "lists:\n  received: [bekommen, erhalten]\n"
      "  groups: [Asylant, Migrant]\n  pejoratives: [Pack, Gesindel]\n"
      "patterns:\n  quoted_report: '\"[^\"]{2,80}\"\\W{0,3}{@received}'\n"
      "rules:\n"
      "  - id: phrase\n    category: threat\n" +
      kThreat + veto + "    action: flag\n" +
      "  - id: pair\n    category: hate\n    words: [\"@groups+@pejoratives\"]\n" + veto +
      "    action: flag\n"
      "  - id: regex\n    category: threat\n    regex: 'stech\\w*\\s+dich\\s+ab'\n" +
      veto +
      "    action: flag\n"
      "  - id: words\n    category: insult\n    words: [Idiot]\n" +
      veto +
      "    action: flag\n"
      "  - id: bare\n    category: insult\n    words: [Trottel]\n    action: flag\n";
  auto set = CompileYaml(yaml);
  ASSERT_NE(set, nullptr);
  struct Case {
    const char* text;
    std::vector<std::string> fired;
  };
  const Case kCases[] = {
      {"ich bring dich um", {"phrase"}},
      {"Er hat \"ich bring dich um\" bekommen", {}},
      {"Asylantenpack", {"pair"}},
      {"Sie hat \"Asylantenpack\" erhalten", {}},
      {"ich stech dich ab", {"regex"}},
      {"Wir haben \"ich stech dich ab\" bekommen", {}},
      {"du Idiot", {"words"}},
      {"Ich habe \"du Idiot\" bekommen", {}},
      {"Ich habe \"du Trottel\" bekommen", {"bare"}},
      {"Ich habe \"nichts Schlimmes\" bekommen", {}},
      {"Ich habe \"du Trottel, du Idiot\" bekommen", {"bare"}},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(FiredRules(Judge(*set, c.text)), c.fired) << c.text;
  }
}

TEST(PatternsTest, ProblemsArePlacedWhereThePatternIsWrittenOrNamed) {
  struct ProblemCase {
    std::string header;
    std::string rule;
    int line;
    const char* message;
  };
  const std::string kRule = "    regex: 'x{@p}'\n";
  const ProblemCase kCases[] = {
      {"patterns:\n  p: '(unclosed'\n", kRule, 4, "missing )"},
      {"lists:\n  p: [a]\npatterns:\n  p: 'b'\n", kRule, 6, "both a list and a pattern"},
      {"patterns:\n  p: '{@nope}'\n", kRule, 4, "unknown list '@nope'"},
      {"patterns:\n  p: 'b'\n", "    regex: 'x{@q}'\n", 8, "unknown list '@q'"},
  };
  for (const ProblemCase& c : kCases) {
    ExpectFirstProblemAt(OneRule(c.rule, c.header), c.line, c.message);
  }
}

TEST(FieldsTest, ARuleScopedToTheDisplayNameIgnoresTheBody) {
  auto set =
      CompileYaml(OneRule("    words: [Admin, Moderator]\n    fields: [author_display_name]\n"));
  ASSERT_NE(set, nullptr);
  Post post;
  post.fields = {{"body", "Ich bin kein Admin"}, {"author_display_name", "Offizieller M0derator"}};
  auto decision = set->Evaluate(post);
  ASSERT_TRUE(decision.ok());
  ASSERT_EQ(decision->hits.size(), 1u);
  ASSERT_EQ(decision->hits[0].spans.size(), 1u);
  EXPECT_EQ(decision->hits[0].spans[0].field, "author_display_name");
  EXPECT_EQ(decision->hits[0].spans[0].text, "M0derator");
}

TEST(FieldsTest, UnknownFieldsGetADidYouMean) {
  const rules::Diagnostics problems =
      CompileProblems(OneRule("    words: [Admin]\n    fields: [tilte]\n"));
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].message.find("did you mean 'title'"), std::string::npos)
      << problems[0].message;
}

TEST(RegexListTest, RegexesMayReferenceLists) {
  auto set = CompileYaml(OneRule("    regex: '\\b{@groups}\\w* (?:raus|abschieben)\\b'\n",
                                 "lists:\n  groups: [Ausländer, Flüchtling*, \"a.b\"]\n"));
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(Fires(*set, "AUSLÄNDER RAUS"));
  EXPECT_TRUE(Fires(*set, "Flüchtlinge abschieben"));
  EXPECT_TRUE(Fires(*set, "a.b raus"));
  EXPECT_FALSE(Fires(*set, "axb raus"));  // list items are quoted, not regexes
  const rules::Diagnostics problems = CompileProblems(OneRule("    regex: '{@nope} raus'\n"));
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].message.find("unknown list '@nope'"), std::string::npos);
}

TEST(DigitsTest, TrailingDigitsAndSymbolsReadAsLettersWhenThatMakesATermMatch) {
  auto set = CompileYaml(OneRule("    words: [Idiot, Trottel, Pfosten, Huren]\n    match: word\n"));
  ASSERT_NE(set, nullptr);
  for (const char* text : {"Id1o7", "Tro77el", "Pfos7en", "Idio+", "Hur3n", "Idiot1", "Idiot2024",
                           "Idiot!!!", "1d10t"}) {
    EXPECT_TRUE(Fires(*set, text)) << text;
  }
}

std::string WriteDictionary(const std::vector<std::string>& words, const std::string& name = "") {
  // One file per test: ctest runs the tests of this binary in parallel
  // processes, and a shared path let one test read another's dictionary.
  const std::string path = ::testing::TempDir() + "/rule_language_test." +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + name +
                           ".dict";
  std::ofstream out(path);
  for (const std::string& w : words) out << w << "\n";
  return path;
}

TEST(LexiconRuleTest, DictionaryWordsHitOnlyByALossyStepOrAnUnlikelySplitAreSpared) {
  CompileOptions options;
  options.lexicon_paths["de"] =
      WriteDictionary({"Reiniger", "flicken", "Moses", "Broschüre", "Marsch", "Vormarsch", "vorm",
                       "Schlampe", "Dreck", "Dreckschlampe", "Arschloch", "Tischlampe", "Tisch"});
  const std::string body = "    words: [Nigger, Fick*, Möse, Hure, Arsch, Schlampe, Arschloch]\n";
  auto plain = CompileYaml(OneRule(body), options);
  auto protected_set = CompileYaml(OneRule(body, "lexicon: de\n"), options);
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(protected_set, nullptr);
  const TextCase kCases[] = {
      {"der Reiniger", false},   {"Reifen flicken", false}, {"Moses", false},
      {"eine Broschüre", false}, {"der Vormarsch", false},  {"Schlampe", true},
      {"Dreckschlampe", true},   {"Arschloch", true},       {"M0ses", true},
      {"Niiigger", true},        {"Riesenarsch", true},
  };
  for (const TextCase& c : kCases) {
    EXPECT_EQ(Fires(*protected_set, c.text), c.fires) << c.text;
  }
  // Without the lexicon the skeleton's lossy steps do hit these words.
  EXPECT_TRUE(Fires(*plain, "der Reiniger"));
  EXPECT_TRUE(Fires(*plain, "Reifen flicken"));
}

// A veto word is judged as a `words:` term is: typed inside another
// dictionary word it vetoes nothing. A real compound of it still vetoes
// (Tierarzt, though Arzt heads many dictionary words), and so does a word
// that a prefix veto opens (Jagd* in Jagdmesser).
TEST(LexiconRuleTest, VetoWordsTypedInsideAnotherDictionaryWordVetoNothing) {
  CompileOptions options;
  options.lexicon_paths["de"] = WriteDictionary(
      {"Vormarsch", "vorm",      "Marsch",   "Broschüre", "Brosch",   "gebrochenen", "Arzt",
       "Tierarzt",  "Tier",      "Zahnarzt", "Zahn",      "Hausarzt", "Haus",        "Kinderarzt",
       "Kinder",    "Augenarzt", "Augen",    "Notarzt",   "Jagd",     "Jagdmesser",  "Messer"});
  const std::string body =
      "    unless: { words: [Arsch, Hure, Henne, Arzt, \"Jagd*\"], within: 12 }\n" +
      std::string(kThreat);
  auto plain = CompileYaml(OneRule(body), options);
  auto protected_set = CompileYaml(OneRule(body, "lexicon: de\n"), options);
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(protected_set, nullptr);
  const TextCase kCases[] = {
      {"ich bring dich um", true},
      {"ich bring dich um, du Arsch", false},               // the veto word itself
      {"beim Vormarsch bring ich dich um", true},           // Arsch inside Vormarsch
      {"mit der Broschüre bring ich dich um", true},        // Hure inside Broschüre
      {"mit gebrochenen Fingern bring ich dich um", true},  // Henne inside gebrochenen
      {"der Tierarzt sagt: bring dich nicht um", false},    // a compound of Arzt
      {"das Jagdmesser, ich bring dich um damit", false},   // Jagd* opens the word
  };
  for (const TextCase& c : kCases) {
    EXPECT_EQ(Fires(*protected_set, c.text), c.fires) << c.text;
  }
  // Without the lexicon the veto words match inside those words too.
  EXPECT_FALSE(Fires(*plain, "beim Vormarsch bring ich dich um"));
  EXPECT_FALSE(Fires(*plain, "mit der Broschüre bring ich dich um"));
  EXPECT_FALSE(Fires(*plain, "mit gebrochenen Fingern bring ich dich um"));
}

TEST(LexiconRuleTest, PhraseWordsTypedAsAnotherDictionaryWordDoNotFillTheirSlot) {
  CompileOptions options;
  options.lexicon_paths["de"] =
      WriteDictionary({"sei", "Seil", "kaufen", "schließen", "schießen", "ich", "dich", "wurde",
                       "würde", "dumm", "dümmste", "Kuh", "abstechen", "musste", "müsste"});
  const std::string body =
      "    phrases:\n"
      "      - slots: [\"Seil|Strick\", \"kaufen|nimm\"]\n"
      "        within: 6\n"
      "      - slots: [\"ich|wir\", \"würde|müsste\", \"dich\", \"schießen|abstechen|ab "
      "stechen\"]\n"
      "        ordered: true\n"
      "        within: 6\n"
      "      - slots: [\"dumm*\", \"Kuh\"]\n"
      "        ordered: true\n"
      "        within: 2\n";
  auto plain = CompileYaml(OneRule(body), options);
  auto protected_set = CompileYaml(OneRule(body, "lexicon: de\n"), options);
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(protected_set, nullptr);
  const TextCase kCases[] = {
      {"es sei denn, man würde es kaufen", false},  // sei is not Seil
      {"ich würde dich schließen", false},          // schließen is not schießen
      {"kauf dir ein Seil, kaufen", true},
      {"ich würde dich schießen", true},
      {"ich wurde dich schießen", true},    // typed without the umlaut: still würde
      {"ich musste dich abstechen", true},  // the same for müsste
      {"ich würde dich ab stechen", true},
      {"du dümmste Kuh", true},           // dumm* with its umlauted stem
      {"ich würde d1ch sch1eßen", true},  // not dictionary words: never spared
  };
  for (const TextCase& c : kCases) {
    EXPECT_EQ(Fires(*protected_set, c.text), c.fires) << c.text;
  }
  // Without the lexicon the skeleton makes the twins equal.
  EXPECT_TRUE(Fires(*plain, "es sei denn, man würde es kaufen"));
  EXPECT_TRUE(Fires(*plain, "ich würde dich schließen"));
}

// German rules meet English words, in German posts and in the English
// communities that use them too. `lexicon: [de, en]` spares them.
TEST(LexiconRuleTest, ASecondDictionarySparesTheWordsPostsMixIn) {
  CompileOptions options;
  options.lexicon_paths["de"] = WriteDictionary({"Depp", "Tusse", "Vormarsch", "Marsch"});
  options.lexicon_paths["en"] =
      WriteDictionary({"deep", "deeper", "statuses", "mongoose", "Depp", "tussle"}, ".en");
  const std::string body = "    words: [Depp, Tusse, Mongo, Arsch]\n";
  auto german_only = CompileYaml(OneRule(body, "lexicon: de\n"), options);
  auto both = CompileYaml(OneRule(body, "lexicon: [de, en]\n"), options);
  ASSERT_NE(german_only, nullptr);
  ASSERT_NE(both, nullptr);
  const TextCase kCases[] = {
      {"The deep sea", false}, {"deeper", false},   {"my statuses", false},
      {"a mongoose", false},   {"a tussle", false}, {"der Vormarsch", false},
      {"Depp", true},          {"du Deeepp", true}, {"Oberdepp", true},
      {"Mongo", true},         {"Tusse", true},     {"Riesenarsch", true},
  };
  for (const TextCase& c : kCases) {
    EXPECT_EQ(Fires(*both, c.text), c.fires) << c.text;
  }
  // With the German dictionary alone the English words are hits.
  EXPECT_TRUE(Fires(*german_only, "The deep sea"));
  EXPECT_TRUE(Fires(*german_only, "my statuses"));
}

// A word joined by - _ . or / is also judged by the part that holds the
// whole hit: "working-storage" is two words, "Arsch-loch" one split insult.
TEST(LexiconRuleTest, APartOfAJoinedWordIsJudgedAsTypedAlone) {
  CompileOptions options;
  options.lexicon_paths["de"] = WriteDictionary({"Vormarsch", "Marsch", "Marketing"});
  auto set =
      CompileYaml(OneRule("    words: [Arsch, Arschloch, Idiot]\n", "lexicon: de\n"), options);
  ASSERT_NE(set, nullptr);
  const TextCase kCases[] = {
      {"der Marketing-Vormarsch", false},
      {"Vormarsch_2024", false},
      {"web/Vormarsch", false},
      {"Marketing.Vormarsch", false},
      {"Arsch-loch", true},
      {"A-r-s-c-h", true},
      {"Super-Idiot", true},
      {"Vormarschidiot", true},
      {"Riesen-Arsch", true},
  };
  for (const TextCase& c : kCases) {
    EXPECT_EQ(Fires(*set, c.text), c.fires) << c.text;
  }
}

// A two-list compound typed as a dictionary word counts only when the word
// plausibly is that compound (a real modifier + the head).
TEST(LexiconRuleTest, TwoListCompoundsTypedAsDictionaryWordsAreSpared) {
  CompileOptions options;
  options.lexicon_paths["de"] = WriteDictionary({"Jude", "Juden", "Judenschwein", "Schwein"});
  options.lexicon_paths["en"] = WriteDictionary({"thesauruses", "mistype"}, ".en");
  const std::string body =
      "    words: [\"@mods+@groups\", \"@groups+@pejoratives\", \"@bad+@heads\"]\n";
  const std::string header =
      "lexicon: [de, en]\n"
      "lists:\n"
      "  mods: [Sau]\n"
      "  groups: [Russe, Jude]\n"
      "  pejoratives: [Schwein, Pack]\n"
      "  bad: [Mist]\n"
      "  heads: [Typ]\n";
  auto set = CompileYaml(OneRule(body, header), options);
  auto plain = CompileYaml(OneRule(body, header.substr(header.find('\n') + 1)), options);
  ASSERT_NE(set, nullptr);
  ASSERT_NE(plain, nullptr);
  const TextCase kCases[] = {
      {"two thesauruses", false}, {"I mistype", false},        {"Judenschwein", true},
      {"Saurussen", true},        {"Judenpack", true},         {"Mist-Typ", true},
      {"M1st-Typ", true},         {"J u d e n p a c k", true},
  };
  for (const TextCase& c : kCases) {
    EXPECT_EQ(Fires(*set, c.text), c.fires) << c.text;
  }
  EXPECT_TRUE(Fires(*plain, "two thesauruses"));
  EXPECT_TRUE(Fires(*plain, "I mistype"));
}

TEST(LexiconRuleTest, AMissingDictionaryIsAWarningNotAnError) {
  CompileOptions options;
  options.lexicon_paths["de"] = "/nonexistent/ngerman";
  auto set = CompileYaml(OneRule("    words: [Nigger]\n", "lexicon: de\n"), options);
  ASSERT_NE(set, nullptr);
  ASSERT_EQ(set->report().warnings.size(), 1u);
  EXPECT_NE(set->report().warnings[0].message.find("without dictionary protection"),
            std::string::npos);
  EXPECT_TRUE(Fires(*set, "Reiniger"));
}

// The warning names the one dictionary that is missing, where its name
// stands; the others still protect.
TEST(LexiconRuleTest, AMissingDictionaryInAListIsReportedWhereItsNameStands) {
  CompileOptions options;
  options.lexicon_paths["de"] = WriteDictionary({"Vormarsch", "Marsch"});
  options.lexicon_paths["en"] = "/nonexistent/american-english";
  auto set = CompileYaml(OneRule("    words: [Arsch]\n", "lexicon: [de, en]\n"), options);
  ASSERT_NE(set, nullptr);
  ASSERT_EQ(set->report().warnings.size(), 1u);
  const rules::Diagnostic& warning = set->report().warnings[0];
  EXPECT_NE(warning.message.find("lexicon 'en'"), std::string::npos) << warning.message;
  EXPECT_EQ(warning.location.line, 3);
  EXPECT_EQ(warning.location.column, 15);
  EXPECT_FALSE(Fires(*set, "der Vormarsch"));
  EXPECT_TRUE(Fires(*set, "Riesenarsch"));
}

TEST(LexiconRuleTest, UnknownLanguagesAreReported) {
  const rules::Diagnostics problems =
      CompileProblems(OneRule("    words: [Nutte]\n", "lexicon: fr\n"));
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].message.find("lexicon"), std::string::npos) << problems[0].message;
}

}  // namespace
}  // namespace moderation
