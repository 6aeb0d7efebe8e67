// The shipped default rule sets (rules/) against the shipped corpora
// (tests/data/): heated but civil posts are allowed, abusive ones are not,
// with every evasion the issue names.
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "engine/catalog.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/match/first_bytes.h"
#include "engine/match/scratch.h"
#include "engine/moderator.h"
#include "engine/rules/sources.h"
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

// A combination judges with the compiled parts of its rule sets, which it
// shares with every other combination that holds them. Held here to the
// same sets compiled into one set of databases (how every combination was
// compiled before parts): post by post, the same verdict, score, rules,
// spans and version, over every example text of every shipped rule file.
// pii and spam, because they are quick to compile together; the default
// combination with de and en was compared the same way on the realistic
// corpus when parts came in (BENCHMARKS.md, "One copy of each rule set").
TEST_F(DefaultRulesTest, SharedPartsJudgeAsOneDatabaseOfTheSameSets) {
  std::vector<rules::SourceFile> files;
  for (const char* name : {"rules/pii.yaml", "rules/spam.yaml"}) {
    std::ifstream in(name);
    files.push_back({name, std::string(std::istreambuf_iterator<char>(in), {})});
  }
  rules::Diagnostics problems;
  std::optional<rules::LoadedSources> loaded = rules::LoadSources(files, &problems);
  ASSERT_TRUE(loaded.has_value()) << problems[0].ToString();
  CompileOptions options;
  options.cache_dir = DEFAULT_RULES_CACHE_DIR;
  auto one = CompileRuleSetImpl(loaded->sets, options, &problems);
  ASSERT_TRUE(one.ok()) << one.status();
  auto scratch = match::ScratchPrototype::Create((*one)->HyperscanDatabases());
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  const auto together = CompiledRuleSet::FromImpl(
      std::move(*one), std::make_shared<const match::ScratchPrototype>(std::move(*scratch)));
  auto parts = CompiledRuleSet::Compile(loaded->sets, options, &problems);
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ((*parts)->parts().size(), 2u);
  ASSERT_EQ(together->parts().size(), 1u);
  EXPECT_EQ((*parts)->id(), together->id());
  EXPECT_EQ((*parts)->version(), together->version());
  EXPECT_EQ((*parts)->content_hash(), together->content_hash());

  std::vector<rules::Example> texts;
  for (const std::shared_ptr<const CompiledRuleSet>& set : catalog_->rule_sets()) {
    for (size_t r = 0; r < set->rule_count(); ++r) {
      const rules::Rule& rule = set->rule(r);
      texts.insert(texts.end(), rule.match_examples.begin(), rule.match_examples.end());
      texts.insert(texts.end(), rule.no_match_examples.begin(), rule.no_match_examples.end());
    }
  }
  ASSERT_GT(texts.size(), 1000u);
  size_t held = 0;
  for (const rules::Example& example : texts) {
    Post post;
    post.author = example.author;
    post.activity = example.activity;
    post.fields.push_back({"body", example.text});
    absl::StatusOr<Decision> a = (*parts)->Evaluate(post);
    absl::StatusOr<Decision> b = together->Evaluate(post);
    ASSERT_TRUE(a.ok() && b.ok()) << example.text;
    EXPECT_EQ(Explain(*a), Explain(*b)) << example.text;
    EXPECT_EQ(a->score, b->score) << example.text;
    EXPECT_EQ(a->shadow_hits.size(), b->shadow_hits.size()) << example.text;
    held += a->verdict != Verdict::kAllow;
  }
  EXPECT_GT(held, 100u) << "the texts hardly exercise pii and spam";
}

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
  for (size_t r = 0; r < (*set)->rule_count(); ++r) {
    const rules::Rule& rule = (*set)->rule(r);
    if (rule.regex) patterns.insert(*rule.regex);
    if (rule.unless.regex) patterns.insert(*rule.unless.regex);
    for (const rules::NearContext& near : rule.near) {
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
