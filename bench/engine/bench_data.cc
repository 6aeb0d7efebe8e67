#include "bench/engine/bench_data.h"

#include <stdlib.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "bench/synthetic_rules.h"
#include "engine/catalog.h"
#include "engine/rules/loader.h"
#include "engine/text/normalizer.h"

namespace moderation::bench {
namespace {

constexpr uint64_t kTermSeed = 1;
constexpr uint64_t kPostSeed = 7;
// Abusive sentences draw on the first 100 terms: a prefix of every synthetic
// set's terms, so the same posts carry hits for every rule-set size.
constexpr size_t kAbusiveTerms = 100;

absl::Status DiagnosticsStatus(const char* what, const rules::Diagnostics& problems) {
  std::string text = what;
  for (size_t i = 0; i < problems.size() && i < 3; ++i)
    absl::StrAppend(&text, "; ", problems[i].ToString());
  return absl::InvalidArgumentError(text);
}

}  // namespace

std::string SetShape::Label() const {
  if (phrases > 0) return absl::StrCat("phrases:", phrases);
  if (pair_list > 0) return absl::StrCat("pairs:", pair_list, "x", pair_list);
  return regexes > terms ? absl::StrCat("regexes:", regexes) : absl::StrCat("terms:", terms);
}

SetShape TermsShape(size_t terms) { return {terms, terms / 200}; }
SetShape RegexHeavyShape() { return {100, 500}; }
SetShape PhrasesShape(size_t phrases) { return {100, 0, phrases, 0}; }
SetShape PairsShape(size_t list_size) { return {100, 0, 0, list_size}; }

absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> CompileYaml(const std::string& yaml,
                                                                   const CompileOptions& options) {
  rules::Diagnostics problems;
  std::optional<rules::RuleSetSource> source =
      rules::ParseRuleSet(yaml, "synthetic.yaml", &problems);
  if (!source) return DiagnosticsStatus("synthetic rules do not parse", problems);
  std::vector<rules::RuleSetSource> sources;
  sources.push_back(std::move(*source));
  auto set = CompiledRuleSet::Compile(std::move(sources), options, &problems);
  if (!set.ok() && !problems.empty())
    return DiagnosticsStatus("synthetic rules do not compile", problems);
  return set;
}

BenchData::BenchData(BenchConfig config) : config_(std::move(config)) {}

BenchData::~BenchData() {
  if (cache_dir_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(cache_dir_, ignored);
}

const PostPool& BenchData::Posts(size_t bytes) {
  auto [it, inserted] = posts_.try_emplace(bytes);
  if (!inserted) return it->second;
  PostPool& pool = it->second;
  const std::vector<std::string> bodies = GermanPosts({.bytes = bytes,
                                                       .count = kPoolSize,
                                                       .abusive_rate = config_.abusive_rate,
                                                       .terms = Terms(kAbusiveTerms),
                                                       .seed = kPostSeed});
  for (size_t i = 0; i < bodies.size(); ++i) {
    Post post;
    post.id = absl::StrCat("bench-", bytes, "-", i);
    post.community = "bench";
    post.author.account_age_days = static_cast<int>(i % 30);  // some new accounts
    post.fields.push_back({"body", bodies[i]});
    pool.total_bytes += bodies[i].size();
    pool.posts.push_back(std::move(post));
  }
  return pool;
}

const std::vector<ScanInput>& BenchData::Normalized(size_t bytes) {
  auto [it, inserted] = normalized_.try_emplace(bytes);
  if (!inserted) return it->second;
  text::NormalizedText normalized;
  for (const Post& post : Posts(bytes).posts) {
    if (!text::Normalize(post.fields[0].text, &normalized).ok()) {
      it->second.clear();
      break;
    }
    it->second.push_back({normalized.skeleton.text, normalized.folded.text, &post.fields[0].text});
  }
  return it->second;
}

const std::vector<std::string>& BenchData::Terms(size_t count) {
  auto [it, inserted] = terms_.try_emplace(count);
  if (inserted) it->second = SyntheticTerms(count, kTermSeed);
  return it->second;
}

const std::string& BenchData::Yaml(const SetShape& shape) {
  auto [it, inserted] = yaml_.try_emplace(shape);
  if (inserted) {
    it->second = SyntheticRuleYaml({.terms = shape.terms,
                                    .regexes = shape.regexes,
                                    .phrases = shape.phrases,
                                    .pair_list = shape.pair_list,
                                    .seed = kTermSeed});
  }
  return it->second;
}

absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> BenchData::Synthetic(const SetShape& shape) {
  auto it = sets_.find(shape);
  if (it == sets_.end())
    it = sets_.emplace(shape, CompileYaml(Yaml(shape), CompileOptions{})).first;
  return it->second;
}

absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> BenchData::DefaultRules() {
  if (!default_rules_) {
    RuleCatalog::Options options;
    options.run_examples = false;  // tests check them; the benchmark only needs the set
    options.compile.cache_dir = RulesCacheDir();
    rules::Diagnostics problems;
    auto catalog = RuleCatalog::Load(config_.rules_path, options, &problems);
    absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set =
        catalog.ok() ? (*catalog)->ForCommunity("")
                     : DiagnosticsStatus(("cannot load " + config_.rules_path).c_str(), problems);
    default_rules_ = std::move(set);
  }
  return *default_rules_;
}

absl::StatusOr<const StdRegexBaseline*> BenchData::StdRegex(size_t terms) {
  auto it = std_regex_.find(terms);
  if (it == std_regex_.end())
    it = std_regex_.emplace(terms, StdRegexBaseline::Create(Terms(terms))).first;
  if (!it->second.ok()) return it->second.status();
  return it->second->get();
}

absl::StatusOr<const Re2SetBaseline*> BenchData::Re2Set(size_t terms) {
  auto it = re2_set_.find(terms);
  if (it == re2_set_.end())
    it = re2_set_.emplace(terms, Re2SetBaseline::Create(Terms(terms))).first;
  if (!it->second.ok()) return it->second.status();
  return it->second->get();
}

FindBaseline* BenchData::Find(size_t terms) {
  auto& find = find_[terms];
  if (find == nullptr) find = std::make_unique<FindBaseline>(Terms(terms));
  return find.get();
}

const std::string& BenchData::CacheDir() {
  if (cache_dir_.empty()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "moderation-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) cache_dir_ = pattern;
  }
  return cache_dir_;
}

const std::string& BenchData::RulesCacheDir() {
  return config_.rules_cache_dir.empty() ? CacheDir() : config_.rules_cache_dir;
}

}  // namespace moderation::bench
