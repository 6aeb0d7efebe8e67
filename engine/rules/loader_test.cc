#include "engine/rules/loader.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/util/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// Lines 1-3 of every snippet below.
constexpr char kHead[] = "ruleset: t\nversion: \"1\"\nrules:\n";

// A file whose only rule starts on line 4 ("  - id: r.1") with category on
// line 5; `lines` follow from line 6, indented by 4, so a key written there
// starts at column 5 and its value at column 7 + the key's length.
std::string WithRule(std::string_view lines) {
  std::string out = absl::StrCat(kHead, "  - id: r.1\n    category: insult\n");
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(lines.data(), lines.size()), '\n')) {
    absl::StrAppend(&out, "    ", line, "\n");
  }
  return out;
}

std::string Render(const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) absl::StrAppend(&out, d.ToString(), "\n");
  return out;
}

struct BadCase {
  std::string name;
  std::string yaml;
  std::string message;  // expected substring of one diagnostic
  int line;
  int column;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

std::vector<BadCase> BadCases() {
  return {
      {"InvalidUtf8IsReportedAtTheBadByte", "ruleset: t\nversion: \"1\xff\"\n", "not valid UTF-8",
       2, 12},
      {"InvalidUtf8ColumnCountsCharacters", "ruleset: t\nversion: \"\xc3\xb6\xff\"\n",
       "not valid UTF-8", 2, 12},
      // A lone '\r' ends a line, as in YAML: the bad byte is on line 3.
      {"InvalidUtf8AfterLoneCarriageReturnsCountsYamlLines",
       "ruleset: t\rdescription: x\rversion: \"1\xff\"\r", "not valid UTF-8", 3, 12},
      {"YamlErrorAfterLoneCarriageReturnsCountsTheSameLines",
       "ruleset: t\rversion: [1, 2\rrules: []\r",
       "YAML syntax error: flow sequence without a closing bracket", 2, 10},
      // Reported where the unclosed '[' opens, not where the parser gave up.
      {"YamlSyntaxErrorPointsAtWhereTheProblemStarts", "ruleset: t\nversion: [1, 2\nrules: []\n",
       "YAML syntax error: flow sequence without a closing bracket", 2, 10},
      {"LoneCommaIsASyntaxErrorNotAHang", ",", "YAML syntax error", 1, 1},
      // An error at the end of a file without a final line break is placed
      // at the end of the last line, not on a line after it.
      {"ErrorAtTheEndOfTheLastLineStaysInTheFile",
       "ruleset: t\nallow: [a   match:", "YAML syntax error", 2, 19},
      {"AliasesAreRefused", "ruleset: &id t\nversion: *id\nrules: []\n", "aliases", 2, 10},
      {"FileMustBeAMapping", "- just\n- a list\n", "'rule file' must be a mapping", 1, 1},
      {"UnknownTopLevelKeySuggestsTheRightOne", absl::StrCat(kHead, "descripton: x\n"),
       "unknown key 'descripton' in rule file (did you mean 'description'?)", 4, 1},
      // `lexicon:` names one dictionary or a list; each name is checked.
      {"UnknownLexiconSuggestsTheRightOne", absl::StrCat(kHead, "lexicon: dd\n"),
       "unknown lexicon 'dd' (expected de or en; did you mean 'de'?)", 4, 10},
      {"UnknownLexiconInAListIsReportedWhereItStands", absl::StrCat(kHead, "lexicon: [de, fr]\n"),
       "unknown lexicon 'fr'", 4, 15},
      {"LexiconListedTwice", absl::StrCat(kHead, "lexicon: [en, de, en]\n"),
       "lexicon 'en' is listed twice", 4, 19},
      {"LexiconListMustNotBeEmpty", absl::StrCat(kHead, "lexicon: []\n"),
       "'lexicon' is an empty list", 4, 10},
      {"LexiconMustBeANameOrAList", absl::StrCat(kHead, "lexicon: {de: 1}\n"),
       "'lexicon' must be a dictionary name (de, en) or a list of them", 4, 10},
      {"UnknownThresholdsKey", absl::StrCat(kHead, "thresholds: {flag: 5, blok: 10}\n"),
       "unknown key 'blok' in thresholds (did you mean 'block'?)", 4, 23},
      {"UnknownRuleKey", WithRule("words: [Dummbatz]\nscroe: 3"),
       "unknown key 'scroe' in rule (did you mean 'score'?)", 7, 5},
      {"UnknownConditionKey", WithRule("condition: {links_at_leats: 2}\naction: flag"),
       "unknown key 'links_at_leats' in condition (did you mean 'links_at_least'?)", 6, 17},
      {"UnknownExamplesKey", WithRule("words: [Dummbatz]\nscore: 3\nexamples: {no_matches: [x]}"),
       "unknown key 'no_matches' in examples (did you mean 'no_match'?)", 8, 16},
      {"UnknownExampleItemKey",
       WithRule("words: [Dummbatz]\nscore: 3\nexamples:\n  match:\n    - txt: Dummbatz"),
       "unknown key 'txt' in example (did you mean 'text'?)", 10, 11},
      {"UnknownAuthorKey",
       WithRule("condition: {links_at_least: 2}\naction: flag\nexamples:\n  match:\n"
                "    - {text: x, author: {trust_levl: 1}}"),
       "unknown key 'trust_levl' in author (did you mean 'trust_level'?)", 10, 30},
      {"DuplicateKeyInOneMapping", WithRule("words: [Dummbatz]\nscore: 3\nscore: 4"),
       "duplicate key 'score' (first at line 7)", 8, 5},
      {"ScoreMustBeANumber", WithRule("words: [Dummbatz]\nscore: high"), "'score' must be a number",
       7, 12},
      {"WordsMustBeAList", WithRule("words: Dummbatz\nscore: 3"),
       "'words' must be a list of strings", 6, 12},
      {"WordsItemsMustBeStrings", WithRule("words: [Dummbatz, [nested]]\nscore: 3"),
       "'words' must be a list of strings", 6, 23},
      {"RulesetIsRequired", "version: \"1\"\nrules: []\n", "missing required key 'ruleset'", 1, 1},
      {"VersionIsRequired", "ruleset: t\nrules: []\n", "missing required key 'version'", 1, 1},
      {"RulesAreRequired", "ruleset: t\nversion: \"1\"\n", "missing required key 'rules'", 1, 1},
      {"RulesMustBeAList", "ruleset: t\nversion: \"1\"\nrules: {a: 1}\n",
       "'rules' must be a list of rules", 3, 8},
      {"RuleIdIsRequired",
       absl::StrCat(kHead, "  - category: insult\n    words: [Dummbatz]\n    score: 3\n"),
       "missing required key 'id'", 4, 5},
      {"RuleCategoryIsRequired", absl::StrCat(kHead, "  - id: a\n    words: [x]\n    score: 3\n"),
       "missing required key 'category'", 4, 5},
      {"RuleCategoryMustNotBeEmpty",
       absl::StrCat(kHead, "  - id: a\n    category: ''\n    words: [x]\n    score: 3\n"),
       "'category' must not be empty", 5, 15},
      {"RuleSetIdMustBeAnId", "ruleset: de netiquette\nversion: \"1\"\nrules: []\n",
       "invalid rule set id 'de netiquette'", 1, 10},
      {"RuleIdMustBeAnId",
       absl::StrCat(kHead,
                    "  - id: de/insult\n    category: insult\n    words: [x]\n    score: 3\n"),
       "invalid rule id 'de/insult'", 4, 9},
      {"DuplicateRuleIdNamesTheFirstLine",
       absl::StrCat(kHead, "  - {id: a, category: insult, words: [y], score: 1}\n",
                    "  - {id: a, category: insult, words: [z], score: 1}\n"),
       "duplicate rule id 'a' (first defined at line 4)", 5, 10},
      {"UnknownListSuggestsTheRightOne",
       absl::StrCat("lists:\n  insults: [Dummbatz]\n", WithRule("words: [\"@insutls\"]\nscore: 3")),
       "unknown list '@insutls' (did you mean '@insults'?)", 8, 13},
      {"UnknownListInAllow", absl::StrCat("allow: ['@harmless']\n", kHead),
       "unknown list '@harmless'", 1, 9},
      {"ListsCannotReferenceLists", absl::StrCat("lists:\n  a: [x]\n  b: ['@a', y]\n", kHead),
       "lists of lists are not supported", 3, 7},
      {"ListsMustNotBeEmpty", absl::StrCat("lists:\n  a: []\n", kHead), "'a' must not be empty", 2,
       6},
      {"WordsMustNotBeEmpty", WithRule("words: []\nscore: 3"), "'words' must not be empty", 6, 12},
      {"InvalidMatchModeSuggestsTheRightOne", WithRule("words: [x]\nmatch: prefx\nscore: 3"),
       "invalid 'match' value 'prefx'", 7, 12},
      {"InvalidMatchModeHint", WithRule("words: [x]\nmatch: prefx\nscore: 3"),
       "did you mean 'prefix'?", 7, 12},
      {"InvalidAction", WithRule("words: [x]\naction: blok"),
       "invalid 'action' value 'blok' (expected one of: flag, block; did you mean 'block'?)", 7,
       13},
      {"InvalidMode", WithRule("words: [x]\nscore: 1\nmode: shadwo"),
       "invalid 'mode' value 'shadwo'", 8, 11},
      {"InvalidView", WithRule("regex: 'abc'\nview: rwa\nscore: 1"), "invalid 'view' value 'rwa'",
       7, 11},
      {"ViewNeedsARegex", WithRule("words: [x]\nview: raw\nscore: 1"),
       "'view' applies only to a 'regex'", 7, 5},
      {"MatchNeedsWords", WithRule("regex: 'abc'\nmatch: word\nscore: 1"),
       "'match' applies only to 'words'", 7, 5},
      {"WordsAndRegexTogether", WithRule("words: [x]\nregex: 'abc'\nscore: 1"),
       "'words' or 'regex', not both", 7, 5},
      {"RuleNeedsWordsRegexOrCondition", WithRule("score: 1"),
       "a rule needs 'words', 'regex', 'phrase(s)', 'signal' or 'condition'", 4, 5},
      {"SignalAndWordsTogether",
       WithRule("words: [x]\nsignal: {threshold: 5, weights: ['pack 2']}\nscore: 1"),
       "a rule has 'signal' or 'words', not both", 7, 5},
      {"SignalNeedsAThreshold", WithRule("signal: {weights: ['pack 2']}\nscore: 1"),
       "missing required key 'threshold'", 6, 13},
      {"SignalNeedsWeights", WithRule("signal: {threshold: 5}\nscore: 1"),
       "missing required key 'weights'", 6, 13},
      {"SignalWeightIsAWordAndANumber",
       WithRule("signal:\n  threshold: 5\n  weights: ['pack 2', 'abschaum']\nscore: 1"),
       "signal weight 'abschaum' must be a word and a number", 8, 27},
      {"SignalWordIsOneWord",
       WithRule("signal:\n  threshold: 5\n  weights: ['pack 2', 'h8er 1.5']\nscore: 1"),
       "signal word 'h8er' must be one word of at least 3 letters", 8, 27},
      {"SignalWordIsLongEnough",
       WithRule("signal:\n  threshold: 5\n  weights: ['du 1.5']\nscore: 1"),
       "signal word 'du' must be one word", 8, 17},
      {"SignalWeightIsBelowTheThreshold",
       WithRule("signal:\n  threshold: 5\n  weights: ['pack 2', 'abschaum 5']\nscore: 1"),
       "signal weight of 'abschaum' must be greater than 0 and below the threshold (5)", 8, 27},
      {"LogisticSignalNeedsABias",
       WithRule("signal: {score: logistic, threshold: 0.9, weights: ['pack 2']}\nscore: 1"),
       "missing required key 'bias'", 6, 13},
      {"LogisticSignalThresholdIsAProbability",
       WithRule("signal: {score: logistic, bias: -1, threshold: 7, weights: ['pack 2']}\nscore: 1"),
       "'threshold' of a logistic signal is a probability: above 0 and below 1", 6, 52},
      {"LogisticSignalBiasAloneDoesNotHold",
       WithRule("signal: {score: logistic, bias: 2.5, threshold: 0.9, weights: ['pack 0.1']}\n"
                "score: 1"),
       "'bias' must be below the threshold's log-odds (2.19722)", 6, 37},
      {"LogisticSignalHasNoWindow",
       WithRule("signal: {score: logistic, window: 5, bias: -1, threshold: 0.9,"
                " weights: ['pack 2']}\nscore: 1"),
       "'window' belongs to 'score: window'", 6, 31},
      {"SignalScoreIsKnown",
       WithRule("signal: {score: logstic, threshold: 5, weights: ['pack 2']}\nscore: 1"),
       "'score' must be 'window' or 'logistic'", 6, 21},
      {"BiasBelongsToALogisticSignal",
       WithRule("signal: {bias: -1, threshold: 5, weights: ['pack 2']}\nscore: 1"),
       "'bias' belongs to 'score: logistic'", 6, 14},
      {"LogisticSignalEntryIsOneOrTwoWordsAndANumber",
       WithRule("signal:\n  score: logistic\n  bias: -1\n  threshold: 0.9\n"
                "  weights: ['ich dich 1', 'ich bring dich 1']\nscore: 1"),
       "signal weight 'ich bring dich 1' must be one or two words and a number", 10, 31},
      {"LogisticSignalWeightIsNotZero",
       WithRule("signal:\n  score: logistic\n  bias: -1\n  threshold: 0.9\n"
                "  weights: ['du 0']\nscore: 1"),
       "signal weight of 'du' must be a number other than 0", 10, 17},
      {"LogisticSignalNoEntryHoldsAPostAlone",
       WithRule("signal:\n  score: logistic\n  bias: -1\n  threshold: 0.9\n"
                "  weights: ['du 0.5', 'ich dich 3.2']\nscore: 1"),
       "signal weight of 'ich dich' must be below 3.19722 (the threshold's log-odds minus the "
       "bias): no single word may hold a post",
       10, 27},
      {"SignalWeightIsPositive",
       WithRule("signal:\n  threshold: 5\n  weights: ['pack -1']\nscore: 1"),
       "signal weight of 'pack' must be greater than 0", 8, 17},
      {"SignalWordIsWeightedOnce",
       WithRule("signal:\n  threshold: 5\n  weights:\n    - 'Straße 2'\n    - 'strasse 1'\n"
                "score: 1"),
       "signal word 'strasse' is weighted twice (first at line 9)", 10, 11},
      {"SignalTopIsAtLeastTwo",
       WithRule("signal: {threshold: 5, top: 1, weights: ['pack 2']}\nscore: 1"),
       "'top' must be between 2 and 10", 6, 33},
      {"SignalWindowIsBounded",
       WithRule("signal: {threshold: 5, window: 500, weights: ['pack 2']}\nscore: 1"),
       "'window' must be between 1 and 50", 6, 36},
      {"SignalThresholdIsPositive",
       WithRule("signal: {threshold: 0, weights: ['pack 2']}\nscore: 1"),
       "'threshold' must be greater than 0", 6, 25},
      {"ActionAndScoreTogether", WithRule("words: [x]\naction: flag\nscore: 1"),
       "'action' or 'score', not both", 8, 5},
      {"NeitherActionNorScore", WithRule("words: [x]"), "a rule needs 'action: flag|block'", 4, 5},
      {"ScoreMustBePositive", WithRule("words: [x]\nscore: 0"), "'score' must be greater than 0", 7,
       12},
      {"NegativeScore", WithRule("words: [x]\nscore: -2"), "'score' must be greater than 0", 7, 12},
      {"ThresholdsFlagMustBePositive", absl::StrCat(kHead, "thresholds: {flag: 0}\n"),
       "0 < flag <= block", 4, 13},
      {"ThresholdsFlagMustNotExceedBlock", absl::StrCat(kHead, "thresholds: {flag: 8, block: 4}\n"),
       "0 < flag <= block", 4, 13},
      {"ThresholdsMustBeNumbers", absl::StrCat(kHead, "thresholds: {flag: low}\n"),
       "'flag' must be a number", 4, 20},
      {"EmptyTerm", WithRule("words: [x, '  ']\nscore: 1"), "empty term", 6, 16},
      {"TermThatIsOnlyAStar", WithRule("words: ['*']\nscore: 1"), "is only '*'", 6, 13},
      {"TermThatIsOnlyStars", WithRule("words: ['**']\nscore: 1"), "is only '*'", 6, 13},
      {"StarInTheMiddle", WithRule("words: [x, 'Bl*d']\nscore: 1"),
       "'*' is only allowed at the start or end of a term", 6, 16},
      {"RegexRejectedByRe2QuotesItsError", WithRule("regex: '(ab'\nscore: 1"),
       "invalid regex: missing ): (ab", 6, 12},
      {"RegexOverTheLengthLimit",
       WithRule(absl::StrCat("regex: '", std::string(9000, 'a'), "'\nscore: 1")),
       "regex is 9000 bytes long; at most 8192", 6, 12},
      // 1,000 terms referenced 1,100 times would be 1,100,000 terms: the
      // budget stops @list expansion from multiplying a file (a "billion
      // laughs" made of lists).
      {"ListExpansionOverTheTermBudget",
       [] {
         std::string list, refs;
         for (int i = 0; i < 1000; ++i) absl::StrAppend(&list, i == 0 ? "" : ", ", "wort", i);
         for (int i = 0; i < 1100; ++i) absl::StrAppend(&refs, i == 0 ? "" : ", ", "\"@big\"");
         return absl::StrCat("ruleset: t\nversion: \"1\"\nlists:\n  big: [", list,
                             "]\nrules:\n  - id: r.1\n    category: insult\n    words: [", refs,
                             "]\n    score: 1\n");
       }(),
       "expands to more than 1000000 terms", 8, 13 + 8 * 1000},  // the 1,001st reference
      {"RegexMatchingEmptyString", WithRule("regex: 'a*'\nscore: 1"),
       "regex matches the empty string", 6, 12},
      {"RegexMatchingOnlyAWordBoundary", WithRule("regex: '\\b'\nscore: 1"),
       "regex matches the empty string", 6, 12},
      {"RegexWithEmptyAlternative", WithRule("regex: 'abc|'\nscore: 1"),
       "regex matches the empty string", 6, 12},
      {"ExampleMustBeStringOrMap", WithRule("words: [x]\nscore: 1\nexamples:\n  match: [[a, b]]"),
       "an example must be a string or a mapping", 9, 15},
      {"ExampleMapNeedsText",
       WithRule("words: [x]\nscore: 1\nexamples:\n  match: [{author: {trust_level: 1}}]"),
       "missing required key 'text'", 9, 15},
      {"ExampleListMustBeAList", WithRule("words: [x]\nscore: 1\nexamples:\n  match: x"),
       "'match' must be a list of examples", 9, 14},
      {"AuthorValuesMustBeIntegers",
       WithRule("words: [x]\nscore: 1\nexamples:\n  match: [{text: x, author: {account_age_days: "
                "old}}]"),
       "'account_age_days' must be an integer", 9, 52},
      {"ConditionIntegersMustBeIntegers",
       WithRule("condition: {links_at_least: 1.5}\naction: flag"),
       "'links_at_least' must be an integer", 6, 33},
      {"CapsRatioMustBeANumber", WithRule("condition: {caps_ratio_at_least: lots}\naction: flag"),
       "'caps_ratio_at_least' must be a number", 6, 38},
      {"CapsRatioMustBeAtMostOne", WithRule("condition: {caps_ratio_at_least: 2}\naction: flag"),
       "'caps_ratio_at_least' must be between 0 and 1", 6, 38},
      {"CapsMinLettersMustBePositive",
       WithRule("condition: {caps_ratio_at_least: 0.7, caps_min_letters: 0}\naction: flag"),
       "'caps_min_letters' must be at least 1", 6, 61},
      {"ConditionMustNotBeEmpty", WithRule("condition: {}\naction: flag"), "empty condition", 6,
       16},
      {"ConditionMustBeAMapping", WithRule("condition: links\naction: flag"),
       "'condition' must be a mapping", 6, 16},
      // Multi-posting counts include the post itself: 1 would hold for all.
      {"DuplicatesBoundBelowTwoHoldsForEveryPost",
       WithRule("condition: {duplicates_recent_at_least: 1}\naction: flag"),
       "'duplicates_recent_at_least' must be at least 2: the count includes the post itself, so "
       "1 holds for every post",
       6, 45},
      {"PostsPerMinuteBoundBelowTwoHoldsForEveryPost",
       WithRule("condition: {author_posts_last_minute_at_least: 0}\naction: flag"),
       "'author_posts_last_minute_at_least' must be at least 2", 6, 52},
      {"UnknownMultiPostingKeySuggestsTheRightOne",
       WithRule("condition: {duplicate_recent_at_least: 3}\naction: flag"),
       "unknown key 'duplicate_recent_at_least' in condition (did you mean "
       "'duplicates_recent_at_least'?)",
       6, 17},
      {"UnknownActivityKeyInExample",
       WithRule("condition: {duplicates_recent_at_least: 3}\naction: flag\nexamples:\n  match:\n"
                "    - {text: x, activity: {duplicate_recent: 3}}"),
       "unknown key 'duplicate_recent' in activity (did you mean 'duplicates_recent'?)", 10, 32},
  };
}

class BadRuleFileTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadRuleFileTest, IsRejectedWithALocatedDiagnostic) {
  const BadCase& c = GetParam();
  Diagnostics diagnostics;
  EXPECT_EQ(ParseRuleSet(c.yaml, "t.yaml", &diagnostics), std::nullopt);
  const std::string expected = absl::StrCat("t.yaml:", c.line, ":", c.column, ": ");
  bool found = false;
  for (const Diagnostic& d : diagnostics) {
    const std::string text = d.ToString();
    found = found || (text.rfind(expected, 0) == 0 && text.find(c.message) != std::string::npos);
  }
  EXPECT_TRUE(found) << "expected " << expected << "..." << c.message << "\nin:\n"
                     << Render(diagnostics) << "for:\n"
                     << c.yaml;
}

INSTANTIATE_TEST_SUITE_P(AllProblems, BadRuleFileTest, ::testing::ValuesIn(BadCases()),
                         [](const auto& info) { return info.param.name; });

TEST(ParseRuleSetTest, ReportsEveryProblemOfAFileInOnePass) {
  const std::string yaml =
      "ruleset: t\n"
      "version: \"1\"\n"
      "thresholds: {flag: 9, block: 3}\n"  // 3:13 thresholds
      "rules:\n"
      "  - id: a\n"
      "    category: insult\n"
      "    words: ['@nope']\n"  // 7:13 unknown list
      "    scroe: 2\n"          // 8:5 unknown key
      "    score: 2\n"
      "  - id: a\n"  // 10:9 duplicate id
      "    category: insult\n"
      "    regex: '(x'\n"  // 12:12 RE2 error
      "    action: block\n";
  Diagnostics diagnostics;
  EXPECT_EQ(ParseRuleSet(yaml, "t.yaml", &diagnostics), std::nullopt);
  std::vector<std::string> lines;
  for (const Diagnostic& d : diagnostics) lines.push_back(d.ToString());
  EXPECT_THAT(lines, ElementsAre(HasSubstr("t.yaml:3:13: thresholds"),
                                 HasSubstr("t.yaml:7:13: unknown list '@nope'"),
                                 HasSubstr("t.yaml:8:5: unknown key 'scroe'"),
                                 HasSubstr("t.yaml:10:9: duplicate rule id 'a'"),
                                 HasSubstr("t.yaml:12:12: invalid regex")));
}

TEST(ParseRuleSetTest, NeverThrowsOnHostileInput) {
  const std::vector<std::string> inputs = {
      "",          "\t", "[", "{", "&a [*a]", "!!binary x", std::string(2000, '['), "a: *missing",
      "---\n---\n"};
  for (const std::string& input : inputs) {
    Diagnostics diagnostics;
    EXPECT_EQ(ParseRuleSet(input, "t.yaml", &diagnostics), std::nullopt) << input;
    EXPECT_THAT(diagnostics, Not(IsEmpty())) << input;
  }
}

TEST(ParseRuleSetTest, AppendsToExistingDiagnostics) {
  Diagnostics diagnostics = {{{"other.yaml", 1, 1}, "earlier problem"}};
  EXPECT_NE(ParseRuleSet(WithRule("words: [Dummbatz]\nscore: 1"), "t.yaml", &diagnostics),
            std::nullopt);
  EXPECT_THAT(diagnostics, SizeIs(1));
}

constexpr char kFullFile[] = R"(ruleset: de
version: "2026-11-21.1"
description: German netiquette
thresholds: { flag: 4, block: 12.5 }
lists:
  insults: [Dummbatz, "  Blöd* "]
  harmless: [Tischlampe]
allow: [Nachbarschaft, "@harmless"]
rules:
  - id: de.insult.direct
    category: insult
    words: ["@insults", Lackaffe, "*mann", "*arsch*", Heil Hitler]
    match: word
    score: 6
    reason: "Beleidigungen verstoßen gegen unsere Netiquette."
    note: Direct insults.
    legal_ground: "StGB §185"
    examples:
      match: ["Du Oberblödmann!"]
      no_match:
        - text: Tischlampe
          author: { account_age_days: 400, trust_level: 2, prior_violations: 0 }
  - id: de.threat.kill
    regex: '(ich|wir)\s+bring\w*\s+dich\s+um'
    view: raw
    action: block
    mode: shadow
    category: threat
    condition: { author_account_age_days_below: 3, caps_ratio_at_least: 0.7, caps_min_letters: 20 }
)";

TEST(ParseRuleSetTest, ReadsOneLexiconOrAListOwnLanguageFirst) {
  const struct {
    const char* line;
    std::vector<std::string> lexicons;
  } kCases[] = {
      {"", {}},
      {"lexicon: de\n", {"de"}},
      {"lexicon: [en, de]\n", {"en", "de"}},
      {"lexicon:\n  - de\n  - en\n", {"de", "en"}},
  };
  for (const auto& c : kCases) {
    Diagnostics diagnostics;
    std::optional<RuleSetSource> set =
        ParseRuleSet(absl::StrCat("ruleset: t\nversion: \"1\"\n", c.line, "rules: []\n"), "t.yaml",
                     &diagnostics);
    ASSERT_TRUE(set.has_value()) << c.line << Render(diagnostics);
    EXPECT_EQ(set->lexicons, c.lexicons) << c.line;
  }
}

std::string At(const SourceLocation& l) { return absl::StrCat(l.file, ":", l.line, ":", l.column); }

struct TermView {
  std::string text;
  MatchMode mode;
  int line;
  int column;
  bool operator==(const TermView&) const = default;
};

std::vector<TermView> Terms(const std::vector<Term>& terms) {
  std::vector<TermView> out;
  for (const Term& t : terms) out.push_back({t.text, t.mode, t.location.line, t.location.column});
  return out;
}

TEST(ParseRuleSetTest, LoadsAValidFileIntoTheRuleModel) {
  const std::string text = kFullFile;
  Diagnostics diagnostics;
  std::optional<RuleSetSource> set = ParseRuleSet(text, "rules/de.yaml", &diagnostics);
  ASSERT_TRUE(set.has_value()) << Render(diagnostics);
  EXPECT_THAT(diagnostics, IsEmpty());
  EXPECT_EQ(set->id, "de");
  EXPECT_EQ(set->version, "2026-11-21.1");
  EXPECT_EQ(At(set->location), "rules/de.yaml:1:10");
  EXPECT_EQ(set->thresholds.flag, 4);
  EXPECT_EQ(set->thresholds.block, 12.5);
  EXPECT_EQ(set->content_hash, util::Sha256Hex(text));
  EXPECT_THAT(Terms(set->allow), ElementsAre(TermView{"Nachbarschaft", MatchMode::kCompound, 8, 9},
                                             TermView{"Tischlampe", MatchMode::kCompound, 7, 14}));
  ASSERT_THAT(set->rules, SizeIs(2));

  const Rule& insult = set->rules[0];
  EXPECT_EQ(insult.id, "de.insult.direct");
  EXPECT_EQ(At(insult.location), "rules/de.yaml:10:5");
  EXPECT_EQ(insult.category, "insult");
  // @insults expands in place and keeps each list item's own location; the
  // wildcards override `match: word`; "Blöd*" is trimmed.
  EXPECT_THAT(Terms(insult.terms), ElementsAre(TermView{"Dummbatz", MatchMode::kWord, 6, 13},
                                               TermView{"Blöd", MatchMode::kPrefix, 6, 23},
                                               TermView{"Lackaffe", MatchMode::kWord, 12, 25},
                                               TermView{"mann", MatchMode::kSuffix, 12, 35},
                                               TermView{"arsch", MatchMode::kSubstring, 12, 44},
                                               TermView{"Heil Hitler", MatchMode::kWord, 12, 55}));
  EXPECT_EQ(insult.action, Action::kScore);
  EXPECT_EQ(insult.score, 6);
  EXPECT_EQ(insult.mode, RuleMode::kEnforce);
  EXPECT_FALSE(insult.regex.has_value());
  EXPECT_TRUE(insult.condition.empty());
  EXPECT_EQ(insult.reason, "Beleidigungen verstoßen gegen unsere Netiquette.");
  EXPECT_EQ(insult.note, "Direct insults.");
  EXPECT_EQ(insult.legal_ground, "StGB §185");
  ASSERT_THAT(insult.match_examples, SizeIs(1));
  EXPECT_EQ(insult.match_examples[0].text, "Du Oberblödmann!");
  EXPECT_FALSE(insult.match_examples[0].author.account_age_days.has_value());
  ASSERT_THAT(insult.no_match_examples, SizeIs(1));
  const Example& no_match = insult.no_match_examples[0];
  EXPECT_EQ(no_match.text, "Tischlampe");
  EXPECT_EQ(no_match.author.account_age_days, 400);
  EXPECT_EQ(no_match.author.trust_level, 2);
  EXPECT_EQ(no_match.author.prior_violations, 0);
  EXPECT_EQ(At(no_match.location), "rules/de.yaml:21:11");

  const Rule& threat = set->rules[1];
  EXPECT_EQ(threat.regex, R"((ich|wir)\s+bring\w*\s+dich\s+um)");
  EXPECT_EQ(At(threat.regex_location), "rules/de.yaml:24:12");
  EXPECT_EQ(threat.regex_view, RegexView::kRaw);
  EXPECT_EQ(threat.action, Action::kBlock);
  EXPECT_EQ(threat.mode, RuleMode::kShadow);
  EXPECT_THAT(threat.terms, IsEmpty());
  EXPECT_EQ(threat.condition.author_account_age_days_below, 3);
  EXPECT_EQ(threat.condition.caps_ratio_at_least, 0.7);
  EXPECT_EQ(threat.condition.caps_min_letters, 20);
  EXPECT_FALSE(threat.condition.links_at_least.has_value());
  EXPECT_EQ(threat.condition.location.line, 29);
}

TEST(ParseRuleSetTest, DefaultsApplyWhenOptionalKeysAreLeftOut) {
  Diagnostics diagnostics;
  std::optional<RuleSetSource> set =
      ParseRuleSet(WithRule("words: [Dummbatz]\nscore: 1"), "t.yaml", &diagnostics);
  ASSERT_TRUE(set.has_value()) << Render(diagnostics);
  EXPECT_EQ(set->thresholds.flag, 5);
  EXPECT_EQ(set->thresholds.block, 10);
  const Rule& rule = set->rules.at(0);
  EXPECT_EQ(rule.terms.at(0).mode, MatchMode::kCompound);
  EXPECT_EQ(rule.mode, RuleMode::kEnforce);
  EXPECT_EQ(rule.regex_view, RegexView::kFolded);
  EXPECT_EQ(rule.condition.caps_min_letters, 12);
}

TEST(ParseRuleSetTest, ContentHashIsStableAndChangesWithOneByte) {
  const std::string a = WithRule("words: [Dummbatz]\nscore: 1");
  std::string b = a;
  b[b.find("score: 1") + 7] = '2';
  Diagnostics diagnostics;
  const std::optional<RuleSetSource> first = ParseRuleSet(a, "t.yaml", &diagnostics);
  const std::optional<RuleSetSource> again = ParseRuleSet(a, "other.yaml", &diagnostics);
  const std::optional<RuleSetSource> changed = ParseRuleSet(b, "t.yaml", &diagnostics);
  ASSERT_TRUE(first && again && changed) << Render(diagnostics);
  EXPECT_EQ(first->content_hash, again->content_hash);
  EXPECT_NE(first->content_hash, changed->content_hash);
  EXPECT_THAT(first->content_hash, ::testing::MatchesRegex("sha256:[0-9a-f]{64}"));
}

}  // namespace
}  // namespace moderation::rules
