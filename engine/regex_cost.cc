#include "engine/regex_cost.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "engine/match/db_cache.h"
#include "engine/match/hyperscan_db.h"
#include "engine/match/regex_matcher.h"
#include "engine/text/normalizer.h"

namespace moderation {
namespace {

// The sample's texts as each view scans them.
struct Sample {
  std::vector<std::string> raw;
  std::vector<std::string> folded;
  size_t bytes = 0;
};

Sample MakeSample(const std::vector<std::string>& texts) {
  Sample sample;
  text::NormalizedText normalized;
  for (const std::string& t : texts) {
    if (!text::Normalize(t, &normalized).ok()) continue;
    sample.raw.push_back(t);
    sample.folded.push_back(normalized.folded.text);
    sample.bytes += t.size();
  }
  return sample;
}

// A compiled group of regexes with its own scratch.
struct Scanner {
  std::unique_ptr<const match::RegexDatabase> db;
  match::HsScratchPtr scratch;
};

absl::StatusOr<Scanner> MakeScanner(const std::vector<std::string>& patterns,
                                    const match::DbCache& cache) {
  Scanner s;
  auto db = match::RegexDatabase::Compile(patterns, {}, cache);
  if (!db.ok()) return db.status();
  s.db = std::move(*db);
  if (s.db->db() != nullptr) {
    hs_scratch_t* scratch = nullptr;
    if (hs_alloc_scratch(s.db->db(), &scratch) != HS_SUCCESS) {
      return absl::ResourceExhaustedError("hs_alloc_scratch failed");
    }
    s.scratch.reset(scratch);
  }
  return s;
}

// Best-of-passes seconds for scanning texts with the scanner as Evaluate
// does (the spans of every reported regex included); *reported counts the
// texts in which some regex matched.
absl::StatusOr<double> TimeScan(const Scanner& s, const std::vector<std::string>& texts,
                                size_t passes, size_t* reported) {
  std::vector<uint32_t> ids;
  double best = std::numeric_limits<double>::infinity();
  for (size_t pass = 0; pass < std::max<size_t>(passes, 1); ++pass) {
    size_t matched = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& text : texts) {
      bool any = false;
      if (absl::Status st = s.db->ForEachMatch(text, s.scratch.get(), 16, &ids,
                                               [&](uint32_t, size_t, size_t) { any = true; });
          !st.ok()) {
        return st;
      }
      matched += any;
    }
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (reported != nullptr) *reported = matched;
  }
  return best;
}

// The set's distinct regexes, in rule order.
std::vector<RegexCost> ListRegexes(const CompiledRuleSet& set) {
  std::vector<RegexCost> list;
  std::map<std::string, bool> unless_seen, near_seen;
  for (size_t i = 0; i < set.rule_count(); ++i) {
    const rules::Rule& rule = set.rule(i);
    if (rule.regex) {
      list.push_back({.rule_id = rule.id,
                      .pattern = *rule.regex,
                      .view = rule.regex_view,
                      .location = rule.regex_location});
    }
    if (rule.unless.regex && unless_seen.emplace(*rule.unless.regex, true).second) {
      list.push_back({.rule_id = rule.id,
                      .unless = true,
                      .pattern = *rule.unless.regex,
                      .view = rules::RegexView::kFolded,
                      .location = rule.unless.regex_location});
    }
    for (const rules::NearContext& context : rule.near) {
      if (context.regex && near_seen.emplace(*context.regex, true).second) {
        list.push_back({.rule_id = rule.id,
                        .near = true,
                        .pattern = *context.regex,
                        .view = rules::RegexView::kFolded,
                        .location = context.regex_location});
      }
    }
  }
  return list;
}

// Best-of-passes seconds for one database of `patterns` over `texts`; 0
// for no patterns.
absl::StatusOr<double> TimePatterns(const std::vector<std::string>& patterns,
                                    const std::vector<std::string>& texts,
                                    const match::DbCache& cache, size_t passes) {
  if (patterns.empty()) return 0.0;
  auto scanner = MakeScanner(patterns, cache);
  if (!scanner.ok()) return scanner.status();
  return TimeScan(*scanner, texts, passes, nullptr);
}

// The patterns of `regexes` selected by `keep`, in order.
template <typename Keep>
std::vector<std::string> PatternsWhere(const std::vector<RegexCost>& regexes, Keep keep) {
  std::vector<std::string> patterns;
  for (const RegexCost& r : regexes) {
    if (keep(r)) patterns.push_back(r.pattern);
  }
  return patterns;
}

// Rule regexes before contexts; costliest first within each.
void SortCostliestFirst(std::vector<RegexCost>* regexes) {
  std::stable_sort(regexes->begin(), regexes->end(), [](const RegexCost& a, const RegexCost& b) {
    if (a.context() != b.context()) return !a.context();
    return a.ns_per_kib > b.ns_per_kib;
  });
}

}  // namespace

absl::StatusOr<RegexCostReport> MeasureRegexCosts(const CompiledRuleSet& set,
                                                  const std::vector<std::string>& texts,
                                                  const RegexCostOptions& options) {
  const Sample sample = MakeSample(texts);
  const match::DbCache cache(options.cache_dir);
  RegexCostReport report;
  report.sample_posts = sample.raw.size();
  report.sample_bytes = sample.bytes;
  report.regexes = ListRegexes(set);
  const double kib = std::max<double>(sample.bytes, 1) / 1024.0;
  for (RegexCost& r : report.regexes) {
    const bool raw = r.view == rules::RegexView::kRaw;
    auto scanner = MakeScanner({r.pattern}, cache);
    if (!scanner.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("rule ", r.rule_id, ": ", scanner.status().message()));
    }
    r.on_re2 = !scanner->db->fallbacks().empty();
    auto seconds =
        TimeScan(*scanner, raw ? sample.raw : sample.folded, options.passes, &r.posts_reported);
    if (!seconds.ok()) return seconds.status();
    r.ns_per_kib = *seconds * 1e9 / kib;
  }
  // Every field is scanned with the rules' regexes of both views; contexts
  // run on the folded view only (rules::Rule).
  const auto rule_regex_of = [](rules::RegexView view) {
    return [view](const RegexCost& r) { return !r.context() && r.view == view; };
  };
  const auto contexts = [](const RegexCost& r) { return r.context(); };
  struct Group {
    std::vector<std::string> patterns;
    const std::vector<std::string>* texts;
    double* total;
  };
  for (const Group& group : {
           Group{PatternsWhere(report.regexes, rule_regex_of(rules::RegexView::kFolded)),
                 &sample.folded, &report.together_ns_per_kib},
           Group{PatternsWhere(report.regexes, rule_regex_of(rules::RegexView::kRaw)), &sample.raw,
                 &report.together_ns_per_kib},
           Group{PatternsWhere(report.regexes, contexts), &sample.folded,
                 &report.contexts_ns_per_kib},
       }) {
    auto seconds = TimePatterns(group.patterns, *group.texts, cache, options.passes);
    if (!seconds.ok()) return seconds.status();
    *group.total += *seconds * 1e9 / kib;
  }
  SortCostliestFirst(&report.regexes);
  return report;
}

}  // namespace moderation
