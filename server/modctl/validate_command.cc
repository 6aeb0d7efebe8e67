// `modctl validate` and `modctl test`.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/lexicon_report.h"
#include "engine/phrase_cost.h"
#include "engine/regex_cost.h"
#include "engine/term_count.h"
#include "server/modctl/args.h"
#include "server/modctl/commands.h"
#include "server/modctl/json_codec.h"

namespace moderation::modctl {
namespace {

constexpr char kValidateHelp[] =
    R"(usage: modctl validate [--lexicon] [--cost POSTS] [--cost-top N] [--cache-dir DIR] PATH...

Checks rule files or directories: YAML syntax, unknown keys, types, duplicate
ids, @list references, regexes, patterns that are unsafe after normalisation,
and every embedded example. Prints every problem as file:line:col: message.
--lexicon also prints, for every word-list term of a set with `lexicon:`, how
many dictionary words it hits and how many of them the lexicon protects, with
examples (a few seconds per dictionary).
--cost POSTS first lists the rules of the default community's rule sets that
hand most terms (words and phrase slot words, spellings included) to the
literal database, whose size sets what the literal scan costs: a term of
several words gets the product of its words' spellings. It then measures
what each regex of those sets costs on the posts of POSTS (a `modctl scan`
input file): each regex is
compiled alone and scanned over the posts as the engine scans them, and the
--cost-top N costliest (default 20, 0 = all) are printed in microseconds per
KiB of post text, beside all of them together. The rules' `regex:` come
first; their total is what every field is scanned with. `unless` and `near:`
regexes are listed apart, over the whole of every text: an upper bound,
since the engine runs them only in fields where their rules hit. Times, best
of 5 runs: they move with the host's load, the ranking is what to read.
It then counts, for each phrase (`phrases:`), how often it was triggered:
how many texts (post fields) held a word of its anchor slot (the one
required slot the engine listens to, chosen for its rarest words), how many
of those had a word for every required slot and were searched, and how
many matched. The --cost-top N most triggered are printed (#n is the
phrase's place in the rule's `phrases:`, from 1). Counts, not times: they
do not drift. A phrase that triggers often and rarely matches is made
cheaper by a rarer word in a required slot, which becomes the anchor.
Exit 0 if everything is valid, 1 if any problem was found, 2 on usage errors.
)";

constexpr char kTestHelp[] = R"(usage: modctl test [--verbose] [--cache-dir DIR] PATH...

Runs every rule's embedded examples (examples.match must fire the rule,
examples.no_match must not) and prints each failure and a summary line
"examples: N passed, M failed". Exit 0 if all pass, 1 otherwise, 2 on usage
errors.
)";

void PrintWarnings(const RuleCatalog& catalog) {
  for (const rules::Diagnostic& w : catalog.warnings()) {
    std::cout << w.location.file << ":" << w.location.line << ":" << w.location.column
              << ": warning: " << w.message << "\n";
  }
}

// One line per term that hits dictionary words, each term once even when
// several community combinations compiled it.
void PrintLexiconReport(const RuleCatalog& catalog) {
  std::set<std::string> printed;
  for (const std::shared_ptr<const CompiledRuleSet>& set : catalog.rule_sets()) {
    auto report = AnalyzeLexicon(*set);
    if (!report.ok()) {
      std::cout << "lexicon report failed: " << report.status().message() << "\n";
      continue;
    }
    for (const LexiconTermReport& t : *report) {
      const std::string where =
          absl::StrFormat("%s:%d:%d", t.location.file, t.location.line, t.location.column);
      if (!printed.insert(absl::StrCat(where, "|", t.rule_id, "|", t.term)).second) continue;
      std::cout << absl::StrFormat(
          "%s: lexicon %s: term '%s' (rule %s) hits %d dictionary word(s), %d protected%s", where,
          t.lexicon, t.term, t.rule_id, t.dictionary_hits, t.protected_hits,
          t.productive ? " (a productive suffix or a common head: only the term itself counts)"
                       : "");
      if (!t.protected_examples.empty()) {
        std::cout << "; protected e.g. " << absl::StrJoin(t.protected_examples, ", ");
      }
      if (!t.still_hit_examples.empty()) {
        std::cout << "; still hit: " << absl::StrJoin(t.still_hit_examples, ", ");
      }
      std::cout << "\n";
    }
  }
}

// Every field of every post in a `modctl scan` input file.
absl::StatusOr<std::vector<Field>> ReadPostFields(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<Field> fields;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    nlohmann::json id;
    absl::StatusOr<Post> post = PostFromJsonLine(line, &id);
    if (!post.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": ", post.status().message()));
    }
    for (Field& field : post->fields) fields.push_back(std::move(field));
  }
  return fields;
}

// The report's rule regexes (contexts = false) or its unless and near
// regexes, at most `top` (0 = all), in the report's order.
void PrintRegexRows(const std::vector<RegexCost>& regexes, bool contexts, int top) {
  size_t shown = 0;
  for (const RegexCost& r : regexes) {
    if (r.context() != contexts) continue;
    if (top > 0 && shown++ == static_cast<size_t>(top)) break;
    std::cout << absl::StrFormat("  %7.2f  %5d  %s%s%s%s  (%s:%d)\n", r.ns_per_kib / 1000,
                                 r.posts_reported, r.rule_id, r.unless ? " [unless]" : "",
                                 r.near ? " [near]" : "", r.on_re2 ? " [RE2]" : "", r.location.file,
                                 r.location.line);
  }
}

bool PrintRegexCosts(const CompiledRuleSet& set, const std::vector<Field>& fields, int top,
                     const std::string& cache_dir) {
  std::vector<std::string> texts;
  for (const Field& field : fields) texts.push_back(field.text);
  RegexCostOptions options;
  options.cache_dir = cache_dir;
  absl::StatusOr<RegexCostReport> report = MeasureRegexCosts(set, texts, options);
  if (!report.ok()) {
    std::cerr << "modctl validate --cost: " << report.status().message() << "\n";
    return false;
  }
  std::cout << absl::StrFormat(
      "regex cost of %s on %d texts (%d bytes): the rules' %d regexes together %.2f us/KiB\n",
      set.id(), report->sample_posts, report->sample_bytes,
      std::count_if(report->regexes.begin(), report->regexes.end(),
                    [](const RegexCost& r) { return !r.context(); }),
      report->together_ns_per_kib / 1000);
  std::cout << "   us/KiB  texts  rule  (where)\n";
  PrintRegexRows(report->regexes, false, top);
  std::cout << absl::StrFormat(
      "unless and near regexes, each over the whole of every text (Evaluate runs them only "
      "in fields with a hit of their rules): together %.2f us/KiB\n",
      report->contexts_ns_per_kib / 1000);
  std::cout << "   us/KiB  texts  rule  (where)\n";
  PrintRegexRows(report->regexes, true, top);
  return true;
}

// The first few anchor words, as a moderator scans them.
std::string AnchorWordsForPeople(const std::vector<std::string>& words) {
  constexpr size_t kShown = 4;
  if (words.size() <= kShown) return absl::StrJoin(words, ", ");
  return absl::StrCat(absl::StrJoin(words.begin(), words.begin() + kShown, ", "), ", ...");
}

bool PrintPhraseCosts(const CompiledRuleSet& set, const std::vector<Field>& fields, int top) {
  absl::StatusOr<PhraseCostReport> report = MeasurePhraseCosts(set, fields);
  if (!report.ok()) {
    std::cerr << "modctl validate --cost: " << report.status().message() << "\n";
    return false;
  }
  const double texts = static_cast<double>(std::max<size_t>(report->sample_texts, 1));
  std::cout << absl::StrFormat(
      "phrase cost of %s on %d texts (%d bytes): %d phrases, %d triggers (%.1f per text), "
      "%d searched, %d matched\n",
      set.id(), report->sample_texts, report->sample_bytes, report->phrases.size(),
      report->triggers, report->triggers / texts, report->searched, report->matched);
  std::cout << "  triggers  per 1k texts  searched  matched  rule #phrase  anchor words  (where)\n";
  size_t shown = 0;
  for (const PhraseCost& p : report->phrases) {
    if (top > 0 && shown++ == static_cast<size_t>(top)) break;
    std::cout << absl::StrFormat("  %8d  %12.1f  %8d  %7d  %s #%d  %s  (%s:%d)\n", p.triggers,
                                 1000 * p.triggers / texts, p.searched, p.matched, p.rule_id,
                                 p.phrase + 1, AnchorWordsForPeople(p.anchor_words),
                                 p.location.file, p.location.line);
  }
  return true;
}

// The rules that hand most terms to the literal database: its size is what
// the literal scan costs (term_count.h). Needs no posts.
void PrintTermCounts(const CompiledRuleSet& set, int top) {
  const TermCountReport report = CountTerms(set);
  std::cout << absl::StrFormat(
      "terms of %s: %d distinct literals in its databases; its rules hand over %d terms, "
      "%d of them as written (the rest are spellings)\n",
      set.id(), report.literals, report.terms, report.written);
  std::cout << "     terms  written  rule  (where)\n";
  size_t shown = 0;
  for (const RuleTermCount& r : report.rules) {
    if (top > 0 && shown++ == static_cast<size_t>(top)) break;
    std::cout << absl::StrFormat("  %8d  %7d  %s  (%s:%d)\n", r.terms, r.written, r.rule_id,
                                 r.location.file, r.location.line);
  }
}

// The term counts, and the regex and the phrase cost of the default
// community's set on the posts of posts_path.
bool PrintCosts(const RuleCatalog& catalog, const std::string& posts_path, int top,
                const std::string& cache_dir) {
  absl::StatusOr<std::vector<Field>> fields = ReadPostFields(posts_path);
  if (!fields.ok()) {
    std::cerr << "modctl validate --cost: " << fields.status().message() << "\n";
    return false;
  }
  auto set = catalog.ForCommunity("");
  if (!set.ok()) {
    std::cerr << "modctl validate --cost: " << set.status().message() << "\n";
    return false;
  }
  PrintTermCounts(**set, top);
  const bool regexes_ok = PrintRegexCosts(**set, *fields, top, cache_dir);
  const bool phrases_ok = PrintPhraseCosts(**set, *fields, top);
  return regexes_ok && phrases_ok;
}

}  // namespace

std::string DefaultCacheDir() {
  if (const char* dir = std::getenv("MODERATION_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/moderation";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/moderation";
  return "";
}

std::shared_ptr<const RuleCatalog> LoadCatalogOrReport(const std::string& path,
                                                       const RuleCatalog::Options& options) {
  rules::Diagnostics problems;
  auto catalog = RuleCatalog::Load(path, options, &problems);
  if (catalog.ok()) return *catalog;
  for (const rules::Diagnostic& d : problems) std::cerr << d.ToString() << "\n";
  if (problems.empty()) std::cerr << path << ": " << catalog.status().message() << "\n";
  std::cerr << absl::StrFormat("%s: %d problem(s)\n", path, problems.size());
  return nullptr;
}

bool SkipExamples(const ParsedArgs& args, const std::string& command) {
  if (!args.Has("skip-examples")) return false;
  std::cerr << "modctl " << command << ": --skip-examples: the rules' examples were not run\n";
  return true;
}

int RunValidate(const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args, {"cache-dir", "cost", "cost-top"}, {"help", "lexicon"});
  if (!parsed.ok() || parsed->Has("help") || parsed->positional.empty()) {
    if (!parsed.ok()) std::cerr << "modctl validate: " << parsed.status().message() << "\n";
    (parsed.ok() && parsed->Has("help") ? std::cout : std::cerr) << kValidateHelp;
    return parsed.ok() && parsed->Has("help") ? kExitOk : kExitUsage;
  }
  absl::StatusOr<std::optional<int>> cost_top = parsed->GetInt("cost-top");
  if (!cost_top.ok() || cost_top->value_or(0) < 0) {
    std::cerr << "modctl validate: --cost-top takes a count >= 0\n" << kValidateHelp;
    return kExitUsage;
  }
  RuleCatalog::Options options;
  options.compile.cache_dir = parsed->Get("cache-dir").value_or(DefaultCacheDir());
  int exit_code = kExitOk;
  for (const std::string& path : parsed->positional) {
    std::shared_ptr<const RuleCatalog> catalog = LoadCatalogOrReport(path, options);
    if (catalog == nullptr) {
      exit_code = kExitProblems;
      continue;
    }
    PrintWarnings(*catalog);
    if (parsed->Has("lexicon")) PrintLexiconReport(*catalog);
    if (const std::optional<std::string> posts = parsed->Get("cost");
        posts && !PrintCosts(*catalog, *posts, cost_top->value_or(20), options.compile.cache_dir)) {
      exit_code = kExitProblems;
    }
    std::cout << absl::StrFormat("%s: OK (%d rule set(s), %d communities, %d examples passed)\n",
                                 path, catalog->rule_set_count(), catalog->communities().size(),
                                 catalog->example_results().size());
  }
  return exit_code;
}

int RunTest(const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args, {"cache-dir"}, {"help", "verbose"});
  if (!parsed.ok() || parsed->Has("help") || parsed->positional.empty()) {
    if (!parsed.ok()) std::cerr << "modctl test: " << parsed.status().message() << "\n";
    (parsed.ok() && parsed->Has("help") ? std::cout : std::cerr) << kTestHelp;
    return parsed.ok() && parsed->Has("help") ? kExitOk : kExitUsage;
  }
  RuleCatalog::Options options;
  options.compile.cache_dir = parsed->Get("cache-dir").value_or(DefaultCacheDir());
  options.run_examples = false;  // run them here, to report passes and failures alike
  size_t passed = 0, failed = 0;
  bool load_failed = false;
  for (const std::string& path : parsed->positional) {
    std::shared_ptr<const RuleCatalog> catalog = LoadCatalogOrReport(path, options);
    if (catalog == nullptr) {
      load_failed = true;
      continue;
    }
    for (const ExampleResult& r : RunExamplesOnce(catalog->compiled_sets())) {
      if (r.passed) {
        ++passed;
        if (parsed->Has("verbose")) std::cout << "PASS " << r.rule_id << ": " << r.text << "\n";
      } else {
        ++failed;
        std::cout << "FAIL " << r.ToDiagnostic().ToString() << "\n";
      }
    }
  }
  std::cout << absl::StrFormat("examples: %d passed, %d failed\n", passed, failed);
  return load_failed || failed > 0 ? kExitProblems : kExitOk;
}

}  // namespace moderation::modctl
