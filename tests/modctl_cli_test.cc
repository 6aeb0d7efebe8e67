// Process-level tests of `modctl`: what an operator or a batch job sees when
// running the binary, namely exit codes, which stream gets what, the scan JSON
// Lines contract, output flushing for streaming clients and flat memory.
//
// Runs against the default rules use a Hyperscan cache in the build tree
// (MODCTL_CACHE_DIR); runs against temporary rule files disable the cache.
// Nothing is written to $HOME.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/testing/temp_dir.h"
#include "tests/process_runner.h"

namespace moderation::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kModctl = MODCTL_PATH;
const std::string kRules = std::string(REPO_ROOT) + "/rules";
const std::string kCacheDir = MODCTL_CACHE_DIR;

constexpr char kAbusiveGerman[] = "Du Oberbl0edm@nn, ich bring dich um!";
constexpr char kCivilGerman[] = "Die Regierung hat versagt.";
constexpr char kTwoLinks[] = "Super Angebot: https://a.example https://b.example";

// Under CTest the shared cache holds the default rules' Hyperscan databases
// before these tests start (fixture test_rules_cache), and a run loads them
// in about 2 s. Run by hand on a fresh build, the first run compiles them:
// about 30 s in a Release build, and past a minute in the suite's build
// while other work shares the two cores.
constexpr std::chrono::seconds kColdDefaultRules(240);

ProcessResult Modctl(const std::vector<std::string>& args, ProcessOptions options = {}) {
  std::vector<std::string> argv = {kModctl};
  argv.insert(argv.end(), args.begin(), args.end());
  if (std::find(args.begin(), args.end(), kCacheDir) != args.end()) {
    options.timeout = std::max<std::chrono::milliseconds>(options.timeout, kColdDefaultRules);
  }
  return RunProcess(argv, options);
}

ProcessOptions WithStdin(const std::string& text) {
  ProcessOptions options;
  options.stdin_text = text;
  return options;
}

// The lines of text, without the '\n's (a final newline ends the last line).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// Fails the current test unless the child ran to completion.
void ExpectRanToCompletion(const ProcessResult& r) {
  EXPECT_THAT(r.spawn_error, IsEmpty());
  EXPECT_FALSE(r.timed_out) << "modctl was killed after " << r.wall_seconds << " s";
  EXPECT_EQ(r.term_signal, 0);
}

// ---------------------------------------------------------------------------
// Usage: exit codes and where the usage text goes.

struct UsageCase {
  std::string name;
  std::vector<std::string> args;
  int exit_code;
  bool on_stdout;        // the text goes to stdout (help) or stderr (errors)
  std::string fragment;  // expected in that stream
};

class ModctlUsageTest : public ::testing::TestWithParam<UsageCase> {};

TEST_P(ModctlUsageTest, ExitsWithTheDocumentedCodeAndPrintsToTheRightStream) {
  const UsageCase& c = GetParam();
  const ProcessResult r = Modctl(c.args);
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, c.exit_code);
  if (c.on_stdout) {
    EXPECT_THAT(r.out, HasSubstr(c.fragment));
    EXPECT_THAT(r.err, IsEmpty());
  } else {
    EXPECT_THAT(r.err, HasSubstr(c.fragment));
    EXPECT_THAT(r.out, IsEmpty()) << "a usage error must not pollute stdout";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Commands, ModctlUsageTest,
    ::testing::Values(
        UsageCase{"no_command", {}, 2, false, "usage: modctl COMMAND"},
        UsageCase{"top_level_help", {"--help"}, 0, true, "usage: modctl COMMAND"},
        UsageCase{"unknown_command", {"frobnicate"}, 2, false, "unknown command 'frobnicate'"},
        UsageCase{"validate_without_path", {"validate"}, 2, false, "usage: modctl validate"},
        UsageCase{"validate_unknown_option",
                  {"validate", "--bogus", kRules},
                  2,
                  false,
                  "unknown option --bogus"},
        UsageCase{"validate_help", {"validate", "--help"}, 0, true, "usage: modctl validate"},
        UsageCase{"validate_negative_cost_top",
                  {"validate", "--cost", "posts.jsonl", "--cost-top", "-1", kRules},
                  2,
                  false,
                  "--cost-top takes a count >= 0"},
        UsageCase{"test_without_path", {"test"}, 2, false, "usage: modctl test"},
        UsageCase{
            "test_unknown_option", {"test", "--fast", kRules}, 2, false, "unknown option --fast"},
        UsageCase{"test_help", {"test", "--help"}, 0, true, "usage: modctl test"},
        UsageCase{"check_without_rules", {"check", "Hallo"}, 2, false, "needs --rules PATH"},
        UsageCase{"check_with_two_texts",
                  {"check", "--rules", kRules, "a", "b"},
                  2,
                  false,
                  "exactly one TEXT"},
        UsageCase{"check_with_non_integer_age",
                  {"check", "--rules", kRules, "--account-age-days", "old", "Hallo"},
                  2,
                  false,
                  "--account-age-days expects an integer, got 'old'"},
        UsageCase{"check_option_without_value",
                  {"check", "Hallo", "--rules"},
                  2,
                  false,
                  "--rules needs a value"},
        UsageCase{"check_help", {"check", "--help"}, 0, true, "usage: modctl check --rules PATH"},
        UsageCase{"scan_without_rules", {"scan"}, 2, false, "usage: modctl scan --rules PATH"},
        UsageCase{"scan_with_positional_argument",
                  {"scan", "--rules", kRules, "posts.jsonl"},
                  2,
                  false,
                  "usage: modctl scan"},
        UsageCase{"scan_help", {"scan", "--help"}, 0, true, "usage: modctl scan --rules PATH"},
        UsageCase{"diff_without_new",
                  {"diff", "--old", kRules},
                  2,
                  false,
                  "needs --old PATH and --new PATH"},
        UsageCase{"diff_with_bad_examples",
                  {"diff", "--old", kRules, "--new", kRules, "--examples", "-1"},
                  2,
                  false,
                  "--examples must be a number >= 0"},
        UsageCase{"diff_help", {"diff", "--help"}, 0, true, "usage: modctl diff --old PATH"},
        UsageCase{"report_help", {"report", "--help"}, 0, true, "usage: modctl report --period"},
        UsageCase{"report_without_out",
                  {"report", "--period", "day", "--date", "2026-11-23", "x.jsonl"},
                  2,
                  false,
                  "--out and at least one log file are required"},
        UsageCase{"report_bad_period",
                  {"report", "--period", "fortnight", "--out", "/tmp/x", "x.jsonl"},
                  2,
                  false,
                  "--period must be day, week, month or custom"}),
    [](const ::testing::TestParamInfo<UsageCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------
// validate

TEST(ModctlValidateTest, AcceptsTheDefaultRulesWithAnOkLine) {
  const ProcessResult r = Modctl({"validate", "--cache-dir", kCacheDir, kRules});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(kRules + ": OK ("));
  EXPECT_THAT(r.err, IsEmpty());
}

// --cost lists each regex with its cost, file and line, costliest first,
// under a line for all of them together, then the unless and near regexes
// apart; a posts file that cannot be read is an error.
TEST(ModctlValidateTest, CostListsEveryRegexWithItsLocation) {
  TempDir dir("modctl_cli");
  const std::string rules = dir.Write("costs.yaml", R"(ruleset: costs
version: "1"
rules:
  - id: costs.time
    category: threat
    regex: 'um\s+\d+\s+uhr'
    action: flag
  - id: costs.link
    category: spam
    regex: 'https?://'
    view: raw
    action: flag
)");
  const std::string posts =
      dir.Write("posts.jsonl",
                "{\"id\": 1, \"text\": \"Wir sehen uns um 8 Uhr\"}\n"
                "{\"id\": 2, \"title\": \"Link\", \"text\": \"https://example.org\"}\n");
  const ProcessResult r = Modctl({"validate", "--cache-dir", "", "--cost", posts, rules});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("regex cost of costs on 3 texts ("));
  EXPECT_THAT(r.out, HasSubstr("the rules' 2 regexes together"));
  EXPECT_THAT(r.out, HasSubstr("   us/KiB  texts  rule  (where)"));
  // No unless or near regex: their table is there, empty, with a zero total.
  EXPECT_THAT(r.out, HasSubstr("in fields with a hit of their rules): together 0.00 us/KiB"));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("costs.time  (", rules, ":6)")));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("costs.link  (", rules, ":10)")));

  const ProcessResult missing =
      Modctl({"validate", "--cache-dir", "", "--cost", dir.path() + "/none.jsonl", rules});
  ExpectRanToCompletion(missing);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));
}

// --cost also counts, per phrase, the texts its anchor word triggered it in,
// how many of those were searched and how many matched, most triggered
// first, as many as --cost-top says. The anchor is the cheaper slot (fewer
// words, used by fewer phrases), here the first of costs.cat.
TEST(ModctlValidateTest, CostListsTheMostTriggeredPhrasesWithTheirAnchorWords) {
  TempDir dir("modctl_cli");
  const std::string rules = dir.Write("phrases.yaml", R"(ruleset: costs
version: "1"
rules:
  - id: costs.cat
    category: threat
    action: flag
    phrases:
      - slots: ["Katze|Kater|Kätzchen|Mieze|Stubentiger", "schläft|döst|ruht|schnurrt|träumt|liegt"]
  - id: costs.dragon
    category: threat
    action: flag
    phrases:
      - slots: ["Drache", "schläft"]
)");
  const std::string posts =
      dir.Write("posts.jsonl",
                "{\"id\": 1, \"text\": \"Die Katze schläft\"}\n"
                "{\"id\": 2, \"title\": \"Kater\", \"text\": \"Der Drache\"}\n");
  const ProcessResult r =
      Modctl({"validate", "--cache-dir", "", "--cost", posts, "--cost-top", "1", rules});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("phrase cost of costs on 3 texts (33 bytes): 2 phrases, 3 triggers "
                               "(1.0 per text), 1 searched, 1 matched\n"));
  EXPECT_THAT(r.out,
              HasSubstr(absl::StrCat("         2         666.7         1        1  costs.cat #1  "
                                     "Katze, Kater, Kätzchen, Mieze, ...  (",
                                     rules, ":8)\n")));
  EXPECT_THAT(r.out, Not(HasSubstr("costs.dragon")));
}

// --cost first lists the rules that hand most terms to the literal database,
// with how many of them the file's spellings added, as many as --cost-top
// says. "ich weiss wo du wohnst" gets ich/i x wohnst/wohnsch: 4 terms.
TEST(ModctlValidateTest, CostListsTheRulesWithMostTermsAndTheirSpellings) {
  TempDir dir("modctl_cli");
  const std::string rules = dir.Write("terms.yaml", R"(ruleset: terms
version: "1"
spellings:
  ich: [i]
  "*st": ["*sch"]
rules:
  - id: terms.few
    category: insult
    action: flag
    words: ["Trottel"]
  - id: terms.spelled
    category: threat
    action: flag
    words: ["ich weiss wo du wohnst"]
    match: word
)");
  const std::string posts = dir.Write("posts.jsonl", "{\"id\": 1, \"text\": \"Hallo\"}\n");
  const ProcessResult r =
      Modctl({"validate", "--cache-dir", "", "--cost", posts, "--cost-top", "1", rules});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The database holds more literals than the terms (their joined forms
  // among them); how many is the compiler's business.
  EXPECT_THAT(r.out, HasSubstr(" distinct literals in its databases; its rules hand over 5 terms, "
                               "2 of them as written (the rest are spellings)\n"));
  EXPECT_THAT(r.out,
              HasSubstr(absl::StrCat("         4        1  terms.spelled  (", rules, ":11)\n")));
  EXPECT_THAT(r.out, Not(HasSubstr("terms.few")));
}

// One broken rule file and where modctl must point.
struct BrokenFileCase {
  std::string name;
  std::string yaml;
  int line;
  int column;
  std::string message;
};

const BrokenFileCase kYamlSyntaxError{"yaml_syntax_error",
                                      "ruleset: syn\n"
                                      "version: \"1\"\n"
                                      "rules:\n"
                                      "  - id: syn.one\n"
                                      "    category: insult\n"
                                      "    words: [Dummbatz]\n"
                                      "    score: 6\n"
                                      "  - id: syn.two: oops\n",
                                      8, 16, "YAML syntax error"};
// yaml-cpp 0.7 never returned from LoadAll(",") and allocated until killed.
const BrokenFileCase kLoneComma{"lone_comma", ",", 1, 1, "YAML syntax error"};
const BrokenFileCase kMisspelledKey{"misspelled_key",
                                    "ruleset: typo\n"
                                    "version: \"1\"\n"
                                    "rules:\n"
                                    "  - id: typo.one\n"
                                    "    category: insult\n"
                                    "    words: [Knalltüte]\n"
                                    "    scroe: 6\n",
                                    7, 5, "unknown key 'scroe' in rule (did you mean 'score'?)"};
const BrokenFileCase kDuplicateId{"duplicate_rule_id",
                                  "ruleset: dup\n"
                                  "version: \"1\"\n"
                                  "rules:\n"
                                  "  - id: dup.same\n"
                                  "    category: insult\n"
                                  "    words: [Dummbatz]\n"
                                  "    score: 6\n"
                                  "  - id: dup.same\n"
                                  "    category: insult\n"
                                  "    words: [Lackaffe]\n"
                                  "    score: 6\n",
                                  8, 9, "duplicate rule id 'dup.same' (first defined at line 4)"};
const BrokenFileCase kFailingExample{"failing_example",
                                     "ruleset: ex\n"
                                     "version: \"1\"\n"
                                     "rules:\n"
                                     "  - id: ex.fails\n"
                                     "    category: insult\n"
                                     "    words: [Trottel]\n"
                                     "    score: 6\n"
                                     "    examples:\n"
                                     "      match: [\"Du Trottel\", \"Du Hampelmann\"]\n",
                                     9, 29,
                                     "rule 'ex.fails': match example \"Du Hampelmann\" failed"};

class ModctlValidateBrokenFileTest : public ::testing::TestWithParam<BrokenFileCase> {};

TEST_P(ModctlValidateBrokenFileTest, PointsAtTheProblemAsFileLineColumnAndExitsOne) {
  const BrokenFileCase& c = GetParam();
  TempDir dir("modctl_cli");
  const std::string file = dir.Write(c.name + ".yaml", c.yaml);
  const ProcessResult r = Modctl({"validate", "--cache-dir", "", dir.path()});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat(file, ":", c.line, ":", c.column, ": ", c.message)));
  EXPECT_THAT(r.out, Not(HasSubstr("OK")));
}

INSTANTIATE_TEST_SUITE_P(Problems, ModctlValidateBrokenFileTest,
                         ::testing::Values(kYamlSyntaxError, kLoneComma, kMisspelledKey,
                                           kDuplicateId, kFailingExample),
                         [](const ::testing::TestParamInfo<BrokenFileCase>& info) {
                           return info.param.name;
                         });

// Source problems (syntax, keys, ids) of all files are reported in one run.
// Examples only run once every file loads, so a failing example is covered by
// the single-file cases above.
TEST(ModctlValidateTest, ReportsEveryProblemOfEveryBrokenFileInOneRun) {
  TempDir dir("modctl_cli");
  std::vector<std::string> expected;
  for (const BrokenFileCase& c : {kYamlSyntaxError, kMisspelledKey, kDuplicateId}) {
    const std::string file = dir.Write(c.name + ".yaml", c.yaml);
    expected.push_back(absl::StrCat(file, ":", c.line, ":", c.column, ": ", c.message));
  }
  const ProcessResult r = Modctl({"validate", "--cache-dir", "", dir.path()});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 1);
  for (const std::string& problem : expected) EXPECT_THAT(r.err, HasSubstr(problem));
  // Every line but the closing count is "<file>:<line>:<col>: message", so
  // editors and CI annotations can jump to it.
  const std::regex located("^" + dir.path() + "/[a-z_]+\\.yaml:[0-9]+:[0-9]+: .+");
  const std::vector<std::string> lines = Lines(r.err);
  ASSERT_GE(lines.size(), expected.size() + 1);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_TRUE(std::regex_match(lines[i], located)) << "not file:line:col: " << lines[i];
  }
  EXPECT_THAT(lines.back(), StartsWith(dir.path() + ": "));
  EXPECT_THAT(lines.back(), HasSubstr("problem(s)"));
}

TEST(ModctlValidateTest, NamesAPathThatDoesNotExistAndExitsOne) {
  TempDir dir("modctl_cli");
  const std::string missing = dir.path() + "/no-such-rules";
  const ProcessResult r = Modctl({"validate", "--cache-dir", "", missing});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(missing + ": "));
  EXPECT_THAT(r.out, IsEmpty());
}

// ---------------------------------------------------------------------------
// test

TEST(ModctlTestCommandTest, PassesEveryExampleOfTheDefaultRules) {
  const ProcessResult r = Modctl({"test", "--cache-dir", kCacheDir, kRules});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines.back(), m, std::regex("examples: ([0-9]+) passed, 0 failed")))
      << lines.back();
  EXPECT_GT(std::stoi(m[1]), 100);
  EXPECT_THAT(r.out, Not(HasSubstr("FAIL ")));
}

TEST(ModctlTestCommandTest, ReportsAFailingExampleWithItsRuleAndLocationAndExitsOne) {
  TempDir dir("modctl_cli");
  const std::string file = dir.Write("ex.yaml", kFailingExample.yaml);
  const ProcessResult r = Modctl({"test", "--cache-dir", "", file});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(Lines(r.out),
              ElementsAre(absl::StrCat("FAIL ", file,
                                       ":9:29: rule 'ex.fails': match example \"Du Hampelmann\" "
                                       "failed: the rule did not fire"),
                          "examples: 1 passed, 1 failed"));
}

// ---------------------------------------------------------------------------
// check

struct CheckCase {
  std::string name;
  std::vector<std::string> options;  // besides --rules and --cache-dir
  std::string text;
  std::string decision;
  std::vector<std::string> shown;      // each must appear in stdout
  std::vector<std::string> not_shown;  // none may appear
};

class ModctlCheckTest : public ::testing::TestWithParam<CheckCase> {};

TEST_P(ModctlCheckTest, PrintsTheDecisionAndExplainsIt) {
  const CheckCase& c = GetParam();
  std::vector<std::string> args = {"check", "--rules", kRules, "--cache-dir", kCacheDir};
  args.insert(args.end(), c.options.begin(), c.options.end());
  args.push_back(c.text);
  const ProcessResult r = Modctl(args);
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("decision: " + c.decision + " "));
  for (const std::string& s : c.shown) EXPECT_THAT(r.out, HasSubstr(s));
  for (const std::string& s : c.not_shown) EXPECT_THAT(r.out, Not(HasSubstr(s)));
}

INSTANTIATE_TEST_SUITE_P(
    Texts, ModctlCheckTest,
    ::testing::Values(
        // stdout is a file here, so spans are bracketed rather than coloured.
        CheckCase{
            "german_insult_and_threat_is_blocked",
            {},
            kAbusiveGerman,
            "BLOCK",
            {"body:     Du [[Oberbl0edm@nn]], [[ich bring dich um!]]", "de.insult.common [insult]",
             "de.threat.kill [threat] block", "body bytes 3..16: \"Oberbl0edm@nn\"",
             "body bytes 18..36: \"ich bring dich um!\"", "legal ground: StGB §241"},
            {"\x1b["}},
        // Offsets count bytes: "ö" takes two.
        CheckCase{"offsets_are_bytes_not_characters",
                  {},
                  "Du Oberblödmann!",
                  "FLAG",
                  {"body bytes 3..16: \"Oberblödmann\"", "[[Oberblödmann]]!"},
                  {}},
        CheckCase{
            "civil_criticism_is_allowed", {}, kCivilGerman, "ALLOW", {"no rule fired"}, {"[["}},
        CheckCase{
            "title_is_judged_and_highlighted",
            {"--title", "Du Dummb4tz"},
            "Hallo",
            "FLAG",
            {"title:    Du [[Dummb4tz]]", "body:     Hallo\n", "title bytes 3..11: \"Dummb4tz\""},
            {}},
        CheckCase{"new_account_posting_links_is_flagged",
                  {"--account-age-days", "1"},
                  kTwoLinks,
                  "FLAG",
                  {"spam.links.new_account [spam] flag", "(condition rule: no text span)"},
                  {}},
        CheckCase{"old_account_posting_links_is_allowed",
                  {"--account-age-days", "400"},
                  kTwoLinks,
                  "ALLOW",
                  {},
                  {"spam.links.new_account"}},
        CheckCase{"links_without_account_age_are_allowed",
                  {},
                  kTwoLinks,
                  "ALLOW",
                  {},
                  {"spam.links.new_account"}},
        CheckCase{"german_insult_is_allowed_in_an_english_community",
                  {"--community", "gaming-en"},
                  "Du Oberblödmann!",
                  "ALLOW",
                  {"rule sets: en+spam "},
                  {"de.insult"}}),
    [](const ::testing::TestParamInfo<CheckCase>& info) { return info.param.name; });

TEST(ModctlCheckJsonTest, PrintsOneJsonObjectInTheScanFormat) {
  const ProcessResult r =
      Modctl({"check", "--rules", kRules, "--cache-dir", kCacheDir, "--json", kAbusiveGerman});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  const json decision = json::parse(lines[0], nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(decision.is_object()) << lines[0];
  EXPECT_EQ(decision.value("decision", ""), "BLOCK");
  // The default rules grow; the insult and the threat must be among the hits.
  const json& fired = decision["rules"];
  for (const char* rule : {"de.insult.common", "de.threat.kill"}) {
    EXPECT_NE(std::find(fired.begin(), fired.end(), rule), fired.end()) << rule << " in " << fired;
  }
  const std::string text = kAbusiveGerman;
  for (const json& m : decision["matches"]) {
    const size_t start = m["start"], end = m["end"];
    EXPECT_EQ(m["text"], text.substr(start, end - start));
  }
}

TEST(ModctlCheckTest, ExitsOneWhenTheRulesCannotBeLoaded) {
  TempDir dir("modctl_cli");
  const ProcessResult r =
      Modctl({"check", "--rules", dir.path() + "/missing", "--cache-dir", "", "Hallo"});
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(dir.path() + "/missing: "));
  EXPECT_THAT(r.out, IsEmpty());
}

// A rule whose examples fail loads for nobody, so a moderator trying it out
// saw no decision at all. --skip-examples judges with it anyway (check, scan
// and diff), says so on stderr, and `modctl test` still reports the failure.
TEST(ModctlSkipExamplesTest, CheckScanAndDiffJudgeWithRulesWhoseExamplesFail) {
  TempDir dir("modctl_cli");
  const std::string file = dir.Write("ex.yaml", kFailingExample.yaml);
  const std::string skipped = "--skip-examples: the rules' examples were not run";

  const ProcessResult refused = Modctl({"check", "--rules", file, "--cache-dir", "", "Du Trottel"});
  ExpectRanToCompletion(refused);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("match example \"Du Hampelmann\" failed"));

  const ProcessResult check = Modctl(
      {"check", "--rules", file, "--cache-dir", "", "--skip-examples", "--json", "Du Trottel"});
  ExpectRanToCompletion(check);
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.err, HasSubstr("modctl check: " + skipped));
  EXPECT_EQ(json::parse(check.out)["decision"], "FLAG");

  const ProcessResult scan = Modctl(
      {"scan", "--rules", file, "--cache-dir", "", "--skip-examples"},
      WithStdin("{\"id\":\"a\",\"text\":\"Du Trottel\"}\n{\"id\":\"b\",\"text\":\"Hallo\"}\n"));
  ExpectRanToCompletion(scan);
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_THAT(scan.err, HasSubstr("modctl scan: " + skipped));
  const std::vector<std::string> lines = Lines(scan.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(json::parse(lines[0])["decision"], "FLAG");
  EXPECT_EQ(json::parse(lines[1])["decision"], "ALLOW");

  const ProcessResult diff =
      Modctl({"diff", "--old", file, "--new", file, "--cache-dir", "", "--skip-examples"},
             WithStdin("{\"id\":\"a\",\"text\":\"Du Trottel\"}\n"));
  ExpectRanToCompletion(diff);
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_THAT(diff.err, HasSubstr("modctl diff: " + skipped));
  EXPECT_THAT(diff.out, StartsWith("posts: 1 judged, 0 decisions change"));

  const ProcessResult test = Modctl({"test", "--cache-dir", "", file});
  EXPECT_EQ(test.exit_code, 1);
}

// ---------------------------------------------------------------------------
// scan: the JSON Lines contract

// One input line and what its output line must say.
struct ScanLine {
  std::string input;     // without the '\n'
  bool blank = false;    // skipped: no output line
  json id;               // expected "id"
  std::string decision;  // expected "decision", or "" for an error line
  std::string error;     // for an error line: a fragment of "error"
  std::string rule;      // for a decision: a rule that must have fired
};

const std::set<std::string> kDecisionKeys = {
    "id",           "decision", "score",      "matches",         "shadow",      "rules",
    "shadow_rules", "reasons",  "ruleset_id", "ruleset_version", "ruleset_hash"};
const std::set<std::string> kMatchKeys = {"rule", "category", "field", "start", "end", "text"};
const std::set<std::string> kErrorKeys = {"id", "line", "error"};

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

// Checks that every span of `spans` cuts its text out of the input post.
void ExpectSpansQuoteTheInput(const json& spans, const json& post) {
  ASSERT_TRUE(spans.is_array());
  for (const json& m : spans) {
    EXPECT_EQ(Keys(m), kMatchKeys) << m;
    const std::string field = m.value("field", "");
    ASSERT_TRUE(post.contains(field) && post[field].is_string())
        << "no input field " << field << ": " << m;
    const std::string text = post[field];
    const size_t start = m["start"], end = m["end"];
    ASSERT_LE(start, end);
    ASSERT_LE(end, text.size());
    EXPECT_EQ(m["text"], text.substr(start, end - start)) << m;
  }
}

TEST(ModctlScanTest, AnswersEveryNonBlankLineInOrderWithTheContractShape) {
  const std::vector<ScanLine> table = {
      {R"({"id":"p1","text":"Du Oberbl0edm@nn, ich bring dich um!"})", false, "p1", "BLOCK", "",
       "de.threat.kill"},
      {R"({"id":2,"title":"Frage an Dummb4tz","body":"Du Oberblödmann!"})", false, 2, "FLAG", "",
       "de.insult.common"},
      {R"({"id":"p3","text":"Die Regierung hat versagt."})", false, "p3", "ALLOW", "", ""},
      {R"({"id":"p4","text":"Super Angebot: https://a.example https://b.example",)"
       R"("author":{"id":"u1","account_age_days":1,"trust_level":0,"prior_violations":0}})",
       false, "p4", "FLAG", "", "spam.links.new_account"},
      {R"({"id":"p5","text":"Du Oberblödmann!","community":"gaming-en"})", false, "p5", "ALLOW", "",
       ""},
      {R"({"id":"p6","text":)", false, nullptr, "", "not valid JSON", ""},
      {R"({"id":"p7","author":{"id":"u7"}})", false, "p7", "", "missing field 'text'", ""},
      {"{\"id\":\"p8\",\"text\":\"bad \xff\xfe bytes\"}", false, nullptr, "", "UTF-8", ""},
      {"", true, nullptr, "", "", ""},
      {"  \t", true, nullptr, "", "", ""},
      {R"({"id":"p11","text":42})", false, "p11", "", "field 'text' must be a string", ""},
      {R"({"id":18446744073709551615,"text":"Hallo"})", false, json(18446744073709551615ull),
       "ALLOW", "", ""},
      {"{\"id\":\"crlf\",\"text\":\"Du Dummb4tz\"}\r", false, "crlf", "FLAG", "",
       "de.insult.common"},
      {R"(["not", "an", "object"])", false, nullptr, "", "must be a JSON object", ""},
      {R"({"id":"last","text":"Hallo"})", false, "last", "ALLOW", "", ""},  // no final newline
  };
  std::string input;
  size_t judged = 0, errors = 0;
  for (size_t i = 0; i < table.size(); ++i) {
    input += table[i].input;
    if (i + 1 < table.size()) input += "\n";
    if (!table[i].blank) ++judged;
    if (!table[i].blank && table[i].decision.empty()) ++errors;
  }
  const ProcessResult r =
      Modctl({"scan", "--rules", kRules, "--cache-dir", kCacheDir}, WithStdin(input));
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat("modctl scan: ", judged, " lines judged, ", errors,
                                            " errors")));

  const std::vector<std::string> out = Lines(r.out);
  ASSERT_EQ(out.size(), judged) << r.out;
  size_t next = 0;
  bool saw_decision = false;
  std::string last_community;
  for (size_t i = 0; i < table.size(); ++i) {
    const ScanLine& want = table[i];
    if (want.blank) continue;
    SCOPED_TRACE(absl::StrCat("input line ", i + 1, ": ", want.input));
    json got = json::parse(out[next++], nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(got.is_object()) << out[next - 1];
    EXPECT_EQ(got["id"], want.id);
    if (want.decision.empty()) {
      EXPECT_EQ(Keys(got), kErrorKeys);
      EXPECT_EQ(got["line"], i + 1);
      EXPECT_THAT(got.value("error", ""), HasSubstr(want.error));
      continue;
    }
    // Lean: the documented keys, the five arrays only when not empty.
    const std::set<std::string> keys = Keys(got);
    EXPECT_TRUE(std::includes(kDecisionKeys.begin(), kDecisionKeys.end(), keys.begin(), keys.end()))
        << got;
    for (const char* key : {"id", "decision", "score"}) EXPECT_TRUE(got.contains(key)) << key;
    for (const char* key : {"matches", "shadow", "rules", "shadow_rules", "reasons"}) {
      if (got.contains(key)) {
        EXPECT_FALSE(got[key].empty()) << key << " written empty";
      } else {
        got[key] = json::array();
      }
    }
    // The rule set is named when it changes: on the first decision line and
    // where the community changes (p5 is gaming-en, the rest the default).
    const std::string community = json::parse(want.input).value("community", "");
    const bool named = !saw_decision || community != last_community;
    saw_decision = true;
    last_community = community;
    EXPECT_EQ(got.contains("ruleset_hash"), named) << got;
    if (named) {
      EXPECT_THAT(got.value("ruleset_hash", ""), StartsWith("sha256:"));
      EXPECT_TRUE(got.contains("ruleset_id") && got.contains("ruleset_version")) << got;
    }
    EXPECT_EQ(got["decision"], want.decision);
    EXPECT_TRUE(got["score"].is_number());
    const json post = json::parse(want.input);
    ExpectSpansQuoteTheInput(got["matches"], post);
    ExpectSpansQuoteTheInput(got["shadow"], post);
    std::set<std::string> fired;
    for (const json& rule : got["rules"]) fired.insert(rule.get<std::string>());
    for (const json& m : got["matches"])
      EXPECT_TRUE(fired.count(m.value("rule", ""))) << m << " not in rules";
    if (!want.rule.empty()) {
      EXPECT_TRUE(fired.count(want.rule)) << got["rules"];
    }
    if (want.decision == "ALLOW") {
      EXPECT_THAT(got["rules"], IsEmpty());
    }
    EXPECT_EQ(got["reasons"].empty(), got["rules"].empty()) << "a fired rule must give its reason";
  }
}

// --verbose writes every key on every line; the lean default says the same
// with fewer bytes: each lean line is its verbose line without empty arrays
// and without a rule set equal to the previous decision line's.
TEST(ModctlScanTest, VerboseWritesEveryKeyAndLeanOmitsOnlyWhatItMay) {
  const std::string input = R"({"id":"a","text":"Du Oberbl0edm@nn, ich bring dich um!"})"
                            "\n"
                            R"({"id":"b","text":"Die Regierung hat versagt."})"
                            "\n"
                            R"({"id":"c","text":"Du Oberblödmann!","community":"gaming-en"})"
                            "\n"
                            R"({"id":"d","text":)"
                            "\n"
                            R"({"id":"e","text":"Du Oberblödmann!","community":"gaming-en"})"
                            "\n"
                            R"({"id":"f","text":"Du Dummb4tz"})"
                            "\n";
  const ProcessResult verbose =
      Modctl({"scan", "--rules", kRules, "--cache-dir", kCacheDir, "--verbose"}, WithStdin(input));
  const ProcessResult lean =
      Modctl({"scan", "--rules", kRules, "--cache-dir", kCacheDir}, WithStdin(input));
  ExpectRanToCompletion(verbose);
  ExpectRanToCompletion(lean);
  ASSERT_EQ(verbose.exit_code, 0) << verbose.err;
  ASSERT_EQ(lean.exit_code, 0) << lean.err;
  const std::vector<std::string> v = Lines(verbose.out), l = Lines(lean.out);
  ASSERT_EQ(v.size(), 6u) << verbose.out;
  ASSERT_EQ(l.size(), 6u) << lean.out;
  // Lines that carry the rule set in lean form: a, c (another community),
  // f (back to the default's); the error line d carries none.
  const std::set<std::string> named = {"a", "c", "f"};
  for (size_t i = 0; i < v.size(); ++i) {
    SCOPED_TRACE(v[i]);
    json full = json::parse(v[i]);
    if (full.contains("error")) {
      EXPECT_EQ(l[i], v[i]);
      continue;
    }
    EXPECT_EQ(Keys(full), kDecisionKeys);
    for (const char* key : {"matches", "shadow", "rules", "shadow_rules", "reasons"}) {
      if (full[key].empty()) full.erase(key);
    }
    if (!named.count(full["id"].get<std::string>())) {
      for (const char* key : {"ruleset_id", "ruleset_version", "ruleset_hash"}) full.erase(key);
    }
    EXPECT_EQ(l[i], full.dump());
  }
}

// --community applies to lines that name none; a line's own community wins.
struct CommunityCase {
  std::string name;
  std::vector<std::string> options;
  std::string line;
  std::string decision;
  std::string ruleset_id;
};

class ModctlScanCommunityTest : public ::testing::TestWithParam<CommunityCase> {};

TEST_P(ModctlScanCommunityTest, JudgesWithTheCommunitysRuleSets) {
  const CommunityCase& c = GetParam();
  std::vector<std::string> args = {"scan", "--rules", kRules, "--cache-dir", kCacheDir};
  args.insert(args.end(), c.options.begin(), c.options.end());
  const ProcessResult r = Modctl(args, WithStdin(c.line + "\n"));
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 0);
  const std::vector<std::string> out = Lines(r.out);
  ASSERT_EQ(out.size(), 1u) << r.out << r.err;
  const json got = json::parse(out[0], nullptr, /*allow_exceptions=*/false);
  EXPECT_EQ(got.value("decision", ""), c.decision) << out[0];
  EXPECT_EQ(got.value("ruleset_id", ""), c.ruleset_id);
}

INSTANTIATE_TEST_SUITE_P(
    Communities, ModctlScanCommunityTest,
    ::testing::Values(CommunityCase{"german_insult_in_default",
                                    {},
                                    R"({"id":1,"text":"Du Oberblödmann!"})",
                                    "FLAG",
                                    "de+en+pii+spam"},
                      CommunityCase{"german_insult_in_gaming_en",
                                    {"--community", "gaming-en"},
                                    R"({"id":1,"text":"Du Oberblödmann!"})",
                                    "ALLOW",
                                    "en+spam"},
                      CommunityCase{"english_insult_in_gaming_en",
                                    {"--community", "gaming-en"},
                                    R"({"id":1,"text":"You absolute moron"})",
                                    "FLAG",
                                    "en+spam"},
                      CommunityCase{"english_insult_in_news_de",
                                    {"--community", "news-de"},
                                    R"({"id":1,"text":"You absolute moron"})",
                                    "ALLOW",
                                    "de+pii+spam"},
                      CommunityCase{"line_community_overrides_the_option",
                                    {"--community", "news-de"},
                                    R"({"id":1,"text":"Du Oberblödmann!","community":"gaming-en"})",
                                    "ALLOW",
                                    "en+spam"},
                      CommunityCase{"unknown_community_gets_the_default_sets",
                                    {"--community", "no-such-community"},
                                    R"({"id":1,"text":"Du Oberblödmann!"})",
                                    "FLAG",
                                    "de+en+pii+spam"}),
    [](const ::testing::TestParamInfo<CommunityCase>& info) { return info.param.name; });

// Writes `count` posts, mostly short clean ones and every tenth abusive.
std::string WritePosts(const TempDir& dir, const std::string& name, size_t count) {
  static const char* const kClean[] = {"Die Regierung hat versagt.",
                                       "Schönes Wetter heute in Berlin",
                                       "Ich finde den Artikel gut geschrieben",
                                       "Wann fährt der nächste Zug?", "Danke für die Info!"};
  static const char* const kAbusive[] = {"Du Oberblödmann!", "Du Dummb4tz", "ich bring dich um"};
  const std::string path = dir.path() + "/" + name;
  std::ofstream out(path, std::ios::binary);
  for (size_t i = 0; i < count; ++i) {
    const char* text = i % 10 == 0 ? kAbusive[(i / 10) % 3] : kClean[i % 5];
    out << "{\"id\":" << i << ",\"text\":\"" << text << "\"}\n";
  }
  return path;
}

// Counts the lines of a file and returns its last line.
std::pair<size_t, std::string> CountLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line, last;
  size_t count = 0;
  while (std::getline(in, line)) {
    ++count;
    last.swap(line);
  }
  return {count, last};
}

// How many decision lines of a file are BLOCKs.
size_t CountBlocks(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  size_t blocks = 0;
  for (std::string line; std::getline(in, line);) {
    if (absl::StrContains(line, "\"decision\":\"BLOCK\"")) ++blocks;
  }
  return blocks;
}

// A small rule set that still blocks WritePosts' abusive lines, with a word
// rule (compound matching) and a regex, so every tenth decision has matches.
// Not the default rules: loading them peaks at about 750 MiB of resident
// memory, 20 to 50 MiB more or less from one run to the next, which would
// hide the growth this test looks for (it failed that way on a loaded host).
constexpr char kStreamingRules[] = R"(ruleset: streaming
version: "1"
rules:
  - id: streaming.insult
    category: insult
    words: ["blödmann", "dummbatz"]
    match: compound
    action: block
  - id: streaming.threat
    category: threat
    regex: 'bring\w*\s+dich\s+um'
    action: block
)";

TEST(ModctlScanTest, KeepsMemoryFlatWhenTheInputGrowsAHundredfold) {
  TempDir dir("modctl_cli");
  const std::string rules = dir.Write("streaming.yaml", kStreamingRules);
  constexpr size_t kSmall = 2'000, kLarge = 200'000;
  long rss_kib[2] = {0, 0};
  for (const size_t count : {kSmall, kLarge}) {
    const std::string posts = WritePosts(dir, absl::StrCat("posts_", count, ".jsonl"), count);
    const std::string decisions = dir.path() + absl::StrCat("/decisions_", count, ".jsonl");
    ProcessOptions files;
    files.stdin_file = posts;
    files.stdout_file = decisions;
    const ProcessResult r = Modctl({"scan", "--rules", rules, "--cache-dir", ""}, files);
    ExpectRanToCompletion(r);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr(absl::StrCat(count, " lines judged, 0 errors")));
    const auto [lines, last] = CountLines(decisions);
    EXPECT_EQ(lines, count);
    EXPECT_THAT(last, StartsWith(absl::StrCat("{\"decision\":\"ALLOW\",\"id\":", count - 1, ",")));
    // Every tenth post is abusive, and the small set blocks each of them.
    EXPECT_EQ(CountBlocks(decisions), count / 10);
    rss_kib[count == kLarge ? 1 : 0] = r.max_rss_kib;
    std::cout << "scan of " << count << " lines: " << r.wall_seconds << " s, max RSS "
              << r.max_rss_kib << " KiB\n";
  }
  ASSERT_GT(rss_kib[0], 0);
  EXPECT_LT(rss_kib[1], rss_kib[0] + 20 * 1024) << "memory grows with the input";
}

// A streaming client writes one post, waits for its decision, then writes the
// next. modctl must flush each answer while waiting for input, or both hang.
TEST(ModctlScanTest, AnswersEachLineBeforeTheNextOneIsWritten) {
  InteractiveProcess scan({kModctl, "scan", "--rules", kRules, "--cache-dir", kCacheDir});
  ASSERT_THAT(scan.spawn_error(), IsEmpty());
  const std::vector<std::pair<std::string, std::string>> posts = {
      {"a", "Du Dummb4tz"}, {"b", "Die Regierung hat versagt."}, {"c", "ich bring dich um"}};
  const std::vector<std::string> decisions = {"FLAG", "ALLOW", "BLOCK"};
  for (size_t i = 0; i < posts.size(); ++i) {
    ASSERT_TRUE(scan.WriteLine(
        absl::StrCat(R"({"id":")", posts[i].first, R"(","text":")", posts[i].second, R"("})")));
    // The first answer waits for the rules to load (or compile).
    const std::optional<std::string> answer =
        scan.ReadLine(i == 0 ? std::chrono::milliseconds(kColdDefaultRules)
                             : std::chrono::milliseconds(std::chrono::seconds(10)));
    ASSERT_TRUE(answer.has_value())
        << "no answer to line " << i + 1 << " while modctl waits for input";
    const json got = json::parse(*answer, nullptr, /*allow_exceptions=*/false);
    EXPECT_EQ(got.value("id", ""), posts[i].first);
    EXPECT_EQ(got.value("decision", ""), decisions[i]);
  }
  const ProcessResult r = scan.Finish(std::chrono::seconds(10));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, IsEmpty()) << "no answer may come after end of input";
  EXPECT_THAT(r.err, HasSubstr("3 lines judged, 0 errors"));
}

// A client may send a post in pieces (a write buffer filling up mid-line).
// The complete line before it must still be answered without waiting for
// the rest; a flush that only checked for "no buffered input" would hang here.
TEST(ModctlScanTest, AnswersACompleteLineWhileTheNextOneIsHalfWritten) {
  InteractiveProcess scan({kModctl, "scan", "--rules", kRules, "--cache-dir", kCacheDir});
  ASSERT_THAT(scan.spawn_error(), IsEmpty());
  ASSERT_TRUE(scan.Write(R"({"id":"whole","text":"Du Dummb4tz"})"
                         "\n"
                         R"({"id":"half","te)"));
  const std::optional<std::string> first = scan.ReadLine(kColdDefaultRules);
  ASSERT_TRUE(first.has_value()) << "the complete line was not answered";
  EXPECT_THAT(*first, HasSubstr(R"("id":"whole")"));
  ASSERT_TRUE(scan.WriteLine(R"(xt":"Hallo"})"));
  const std::optional<std::string> second = scan.ReadLine(std::chrono::seconds(10));
  ASSERT_TRUE(second.has_value());
  EXPECT_THAT(*second, HasSubstr(R"("id":"half")"));
  const ProcessResult r = scan.Finish(std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 0);
}

// ---------------------------------------------------------------------------
// diff

constexpr char kDiffOld[] = R"(ruleset: t
version: "old"
rules:
  - id: t.insult
    category: insult
    words: [Blödmann, Depp]
    action: block
)";

// Adds a threat rule, and no longer counts "Depp" as an insult.
constexpr char kDiffNew[] = R"(ruleset: t
version: "new"
rules:
  - id: t.insult
    category: insult
    words: [Blödmann]
    action: block
  - id: t.threat
    category: threat
    regex: 'mach\w*\s+(ich\s+)?dich\s+kalt'
    action: block
)";

constexpr char kDiffPosts[] =
    R"({"id": "p1", "text": "Nach der Schicht mach ich dich kalt"}
{"id": "p2", "text": "Guten Tag"}
{"id": "p3", "text": "Du Blödmann"}
{"id": "p4", "text": "Du Depp"}
{"id": "p5", "text": "Ich mache dich kalt, Depp"}
{"id": "p6"}
)";

TEST(ModctlDiffTest, GroupsTheChangedDecisionsByRuleAndCategoryWithExamplePosts) {
  TempDir dir("modctl_cli");
  const std::string old_rules = dir.Write("old.yaml", kDiffOld);
  const std::string new_rules = dir.Write("new.yaml", kDiffNew);
  const ProcessResult r =
      Modctl({"diff", "--old", old_rules, "--new", new_rules, "--json", "--cache-dir", ""},
             WithStdin(kDiffPosts));
  ExpectRanToCompletion(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["posts"], 5);
  EXPECT_EQ(report["changed"], 2);  // p1 and p4; p5 stays BLOCK for another reason
  EXPECT_EQ(report["errors"], 1);   // p6 has no text
  EXPECT_THAT(r.err, HasSubstr("line 6: missing field 'text'"));
  EXPECT_EQ(report["transitions"], json({{"ALLOW->BLOCK", 1}, {"BLOCK->ALLOW", 1}}));
  EXPECT_EQ(report["by_category"], json({{"insult", 1}, {"threat", 1}}));
  ASSERT_EQ(report["groups"].size(), 2u);
  const json& threat =
      report["groups"][1]["rule"] == "t.threat" ? report["groups"][1] : report["groups"][0];
  const json& insult =
      report["groups"][1]["rule"] == "t.threat" ? report["groups"][0] : report["groups"][1];
  EXPECT_EQ(threat["change"], "now fires");
  EXPECT_EQ(threat["category"], "threat");
  EXPECT_EQ(threat["posts"], 1);
  ASSERT_EQ(threat["examples"].size(), 1u);
  EXPECT_EQ(threat["examples"][0]["id"], "p1");
  EXPECT_EQ(threat["examples"][0]["old"], "ALLOW");
  EXPECT_EQ(threat["examples"][0]["new"], "BLOCK");
  EXPECT_EQ(threat["examples"][0]["text"], "Nach der Schicht mach ich dich kalt");
  EXPECT_EQ(insult["rule"], "t.insult");
  EXPECT_EQ(insult["change"], "no longer fires");
  EXPECT_EQ(insult["examples"][0]["id"], "p4");
}

TEST(ModctlDiffTest, PrintsAReadableReport) {
  TempDir dir("modctl_cli");
  const std::string old_rules = dir.Write("old.yaml", kDiffOld);
  const std::string new_rules = dir.Write("new.yaml", kDiffNew);
  const ProcessResult r = Modctl(
      {"diff", "--old", old_rules, "--new", new_rules, "--cache-dir", ""}, WithStdin(kDiffPosts));
  ExpectRanToCompletion(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("posts: 5 judged, 2 decisions change, 1 errors\n"));
  EXPECT_THAT(r.out, HasSubstr("  ALLOW -> BLOCK: 1\n"));
  EXPECT_THAT(r.out, HasSubstr("  t.threat [threat] now fires: 1 post(s)\n"
                               "    p1 ALLOW -> BLOCK: \"Nach der Schicht mach ich dich kalt\"\n"));
  EXPECT_THAT(r.out, HasSubstr("  t.insult [insult] no longer fires: 1 post(s)\n"
                               "    p4 BLOCK -> ALLOW: \"Du Depp\"\n"));
}

TEST(ModctlDiffTest, NoChangeSaysSoAndBrokenNewRulesExitOne) {
  TempDir dir("modctl_cli");
  const std::string old_rules = dir.Write("old.yaml", kDiffOld);
  const ProcessResult same = Modctl(
      {"diff", "--old", old_rules, "--new", old_rules, "--cache-dir", ""}, WithStdin(kDiffPosts));
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_THAT(same.out, StartsWith("posts: 5 judged, 0 decisions change, 1 errors\n"));

  const std::string broken = dir.Write("broken.yaml", std::string(kDiffNew) + "    scroe: 1\n");
  const ProcessResult r = Modctl({"diff", "--old", old_rules, "--new", broken, "--cache-dir", ""},
                                 WithStdin(kDiffPosts));
  ExpectRanToCompletion(r);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("broken.yaml:12:5: unknown key 'scroe'"));
  EXPECT_THAT(r.out, IsEmpty());
}

}  // namespace
}  // namespace moderation::testing
