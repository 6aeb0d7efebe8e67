// The shipped default rule sets (rules/) against the shipped corpora
// (tests/data/): heated but civil posts are allowed, abusive ones are not,
// with every evasion the issue names.
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "engine/catalog.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/match/first_bytes.h"
#include "engine/moderator.h"
#include "engine/testing/first_bytes_check.h"
#include "engine/testing/text_corpora.h"
#include "engine/text/normalizer.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

class DefaultRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rules::Diagnostics problems;
    // Each test case is its own process under CTest, and compiling the
    // default rules takes about a minute in the suite's build: every case
    // loads them from the shared cache in the build tree, which CTest's
    // fixture test_rules_cache fills before the first. The rules' embedded
    // examples are modctl_cli_test's (`modctl test rules/`), not run here.
    RuleCatalog::Options options;
    options.compile.cache_dir = DEFAULT_RULES_CACHE_DIR;
    options.run_examples = false;
    auto catalog = RuleCatalog::Load("rules", options, &problems);
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = *catalog;
  }
  static void TearDownTestSuite() { catalog_.reset(); }

  static Decision Judge(const std::string& text, const std::string& community = "") {
    Post post;
    post.community = community;
    post.fields.push_back({"body", text});
    absl::StatusOr<Decision> d = Moderate(*catalog_, post);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *d : Decision{};
  }

  static std::string Explain(const Decision& d) {
    std::string out = VerdictName(d.verdict);
    for (const RuleHit& h : d.hits) {
      out += " " + h.rule_id;
      for (const MatchSpan& s : h.spans) out += " '" + s.text + "'";
    }
    return out;
  }

  static std::shared_ptr<const RuleCatalog> catalog_;
};
std::shared_ptr<const RuleCatalog> DefaultRulesTest::catalog_;

TEST_F(DefaultRulesTest, HeatedButCivilGermanPostsAreAllowed) {
  const auto lines = ReadLines("tests/data/civil_de.txt");
  ASSERT_GE(lines.size(), 50u);
  for (const std::string& line : lines) {
    const Decision d = Judge(line);
    EXPECT_EQ(d.verdict, Verdict::kAllow) << line << " -> " << Explain(d);
  }
}

TEST_F(DefaultRulesTest, HeatedButCivilEnglishPostsAreAllowed) {
  const auto lines = ReadLines("tests/data/civil_en.txt");
  ASSERT_GE(lines.size(), 50u);
  for (const std::string& line : lines) {
    const Decision d = Judge(line);
    EXPECT_EQ(d.verdict, Verdict::kAllow) << line << " -> " << Explain(d);
  }
}

TEST_F(DefaultRulesTest, AbusiveGermanPostsAreHeldOrBlocked) {
  const auto lines = ReadLines("tests/data/abusive_de.txt");
  ASSERT_GE(lines.size(), 40u);
  for (const std::string& line : lines) EXPECT_NE(Judge(line).verdict, Verdict::kAllow) << line;
}

TEST_F(DefaultRulesTest, AbusiveEnglishPostsAreHeldOrBlocked) {
  const auto lines = ReadLines("tests/data/abusive_en.txt");
  ASSERT_GE(lines.size(), 40u);
  for (const std::string& line : lines) EXPECT_NE(Judge(line).verdict, Verdict::kAllow) << line;
}

TEST_F(DefaultRulesTest, TheIssuesOwnExamplesComeOutAsPromised) {
  struct Case {
    std::string text;
    Verdict verdict;
  };
  const std::vector<Case> cases = {
      {"Die Regierung hat versagt", Verdict::kAllow},
      {"this bill will kill small businesses", Verdict::kAllow},
      {"Ich bring dich um acht zum Bahnhof", Verdict::kAllow},
      {"Die Nachbarschaft ist ruhig", Verdict::kAllow},
      {"Die Tischlampe ist kaputt", Verdict::kAllow},
      {"Sie hat das Staatsexamen bestanden", Verdict::kAllow},
      {"Das Sextett spielt heute", Verdict::kAllow},
      {"Ich bring dich um!", Verdict::kBlock},
      {"Sieg Heil", Verdict::kBlock},
  };
  for (const Case& c : cases) {
    const Decision d = Judge(c.text);
    EXPECT_EQ(d.verdict, c.verdict) << c.text << " -> " << Explain(d);
  }
  for (const char* insult : {"Du Oberblödmann!", "Ihr Blödmänner", "K n a l l t ü t e", "Dummb4tz",
                             "Bl0edm@nn", "Du Riesendummbatz", "Oberdummbatz"}) {
    EXPECT_NE(Judge(insult).verdict, Verdict::kAllow) << insult;
  }
}

// A common insult is held when it is aimed at someone (the addressee, a
// named or pointed-at person, a short reply) and allowed when it is used of
// nobody in particular, as in aphorisms (`near:` with the aimed_* patterns).
TEST_F(DefaultRulesTest, CommonInsultsAreHeldWhenAimedAndAllowedWhenGeneric) {
  struct Case {
    const char* text;
    bool held;
  };
  const Case kCases[] = {
      {"Wer so parkt wie du auf dem Foto, bist echt ein Vollhonk.", true},
      {"Der Linienrichter heute war ein kompletter Blindfisch und Vollpfosten.", true},
      {"Diese Deppen im Gemeinderat kriegen seit Jahren nichts hin.", true},
      {"Unser Vereinsvorsitzender ist so ein Wichtigtuer, das hält keiner aus.", true},
      {"Nur ein Dummkopf würde so einen Quatsch über Impfungen verbreiten.", true},
      {"Halt endlich die Klappe, Knalltüte.", true},
      {"@jonas_88 lies den Artikel bevor du kommentierst, Dummbatz", true},
      {"V o l l i d i o t, wie kann man den Elfer so verschießen", true},
      {"Idiot!", true},
      {"your landlord sounds like a complete moron, sorry", true},
      {"Nur Idioten halten Ordnung, ein Genie beherrscht das Chaos.", false},
      {"Trottel werden nicht geboren, sie werden in Sitzungen gemacht.", false},
      {"Man unterschätzt gern den Einfluss von Idioten in großen Gruppen.", false},
      {"In meinem Lieblingsfilm spielt er den Dorftrottel, herrlich gemacht.", false},
      {"Weil die Klügeren nachgeben, regieren in dem Roman die Deppen das Land.", false},
      {"Morons have always been with us and history books prove it.", false},
  };
  for (const Case& c : kCases) {
    const Decision d = Judge(c.text);
    EXPECT_EQ(d.verdict != Verdict::kAllow, c.held) << c.text << " -> " << Explain(d);
  }
}

TEST_F(DefaultRulesTest, CommunitiesOnlySeeTheirOwnRuleSets) {
  EXPECT_EQ(Judge("Du Blödmann", "gaming-en").verdict, Verdict::kAllow);
  EXPECT_NE(Judge("Du Blödmann", "news-de").verdict, Verdict::kAllow);
  EXPECT_NE(Judge("you absolute moron", "gaming-en").verdict, Verdict::kAllow);
}

// The span search skips positions whose byte no match of the regex can
// begin with (match/first_bytes.h). Held here to RE2 on the shipped regexes
// (the rules', their vetoes' and their contexts') and the realistic posts'
// folded text: every match RE2 finds begins with a byte of the set.
TEST_F(DefaultRulesTest, EveryRegexMatchBeginsWithAByteItsFirstBytesAllow) {
  auto set = catalog_->ForCommunity("");
  ASSERT_TRUE(set.ok()) << set.status();
  std::set<std::string> patterns;  // many rules share a veto
  for (const CompiledRule& rule : (*set)->impl().rules) {
    if (rule.rule.regex) patterns.insert(*rule.rule.regex);
    if (rule.rule.unless.regex) patterns.insert(*rule.rule.unless.regex);
    for (const rules::NearContext& near : rule.rule.near) {
      if (near.regex) patterns.insert(*near.regex);
    }
  }
  std::vector<std::string> texts;
  for (const std::string& path : testing::RealisticCorpusPaths()) {
    for (const std::string& line : testing::CorpusFileLines(path)) {
      text::NormalizedText normalized;
      ASSERT_TRUE(text::Normalize(line, &normalized).ok());
      texts.push_back(normalized.folded.text);
    }
  }
  size_t with_set = 0, matches = 0;
  for (const std::string& pattern : patterns) {
    const std::optional<match::FirstBytes> first = match::FirstBytesOf(pattern);
    if (!first) continue;
    ++with_set;
    const RE2 re(pattern, match::RuleRegexOptions());
    ASSERT_TRUE(re.ok()) << pattern;
    // The first 150 texts each regex matches: the near contexts match most
    // posts, and RE2 runs their largest alternation slowly.
    size_t matched_texts = 0;
    for (const std::string& text : texts) {
      if (matched_texts == 150) break;
      if (!RE2::PartialMatch(text, re)) continue;
      ++matched_texts;
      matches += testing::ExpectMatchesBeginInSet(re, *first, text, pattern);
      if (HasFailure()) return;
    }
  }
  EXPECT_GT(with_set, patterns.size() / 2);  // most regexes get a set: the skip is used
  EXPECT_GT(matches, 5000u);
}

}  // namespace
}  // namespace moderation
