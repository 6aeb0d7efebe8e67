// `modctl check`: judge one text and explain the decision for a human.
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "absl/strings/str_format.h"
#include "engine/moderator.h"
#include "server/modctl/args.h"
#include "server/modctl/commands.h"
#include "server/modctl/json_codec.h"

namespace moderation::modctl {
namespace {

constexpr char kCheckHelp[] = R"(usage: modctl check --rules PATH [options] TEXT

Judges TEXT (the post body) against the rules at PATH and explains the
decision: each rule that fired, why, and where, with the matched spans
highlighted in the original text.

options:
  --rules PATH             rule file or directory (required)
  --community ID           community whose rule sets apply (default: the default sets)
  --title TEXT             also judge a title field
  --account-age-days N     author context for conditions
  --trust-level N
  --prior-violations N
  --json                   print the decision as one JSON object (the scan format)
  --cache-dir DIR          Hyperscan database cache ("" disables)
  --skip-examples          judge without running the rules' embedded examples,
                           so a rule whose examples fail can still be tried
Exit 0 when the text was judged (whatever the decision), 1 if the rules failed
to load or the text is invalid, 2 on usage errors.
)";

struct Highlight {
  const char* open;
  const char* close;
};

// ANSI reverse video on a terminal; visible brackets in a pipe or a file.
Highlight ChooseHighlight() {
  if (isatty(STDOUT_FILENO)) return {"\x1b[7m", "\x1b[0m"};
  return {"[[", "]]"};
}

// The field text with every span of every hit marked (overlaps merged).
std::string HighlightField(const Field& field, const Decision& d, const Highlight& h) {
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  for (const auto* hits : {&d.hits, &d.shadow_hits}) {
    for (const RuleHit& hit : *hits) {
      for (const MatchSpan& s : hit.spans) {
        if (s.field == field.name) spans.emplace_back(s.start, s.end);
      }
    }
  }
  std::sort(spans.begin(), spans.end());
  std::string out;
  uint32_t pos = 0;
  for (size_t i = 0; i < spans.size();) {
    uint32_t begin = std::max(spans[i].first, pos), end = spans[i].second;
    while (++i < spans.size() && spans[i].first <= end) end = std::max(end, spans[i].second);
    if (begin >= end) continue;
    out.append(field.text, pos, begin - pos).append(h.open);
    out.append(field.text, begin, end - begin).append(h.close);
    pos = end;
  }
  out.append(field.text, pos, std::string::npos);
  return out;
}

void PrintHit(const RuleHit& hit, bool shadow) {
  std::string effect = hit.action == rules::Action::kScore ? absl::StrFormat("score %g", hit.score)
                                                           : rules::ActionName(hit.action);
  std::cout << absl::StrFormat("  - %s [%s] %s%s (rule set %s)\n", hit.rule_id, hit.category,
                               effect, shadow ? ", SHADOW: not enforced" : "", hit.ruleset_id);
  for (const MatchSpan& s : hit.spans) {
    std::cout << absl::StrFormat("      %s bytes %d..%d: \"%s\"\n", s.field, s.start, s.end,
                                 s.text);
  }
  if (hit.spans.empty()) std::cout << "      (condition rule: no text span)\n";
  if (!hit.reason.empty()) std::cout << "      reason: " << hit.reason << "\n";
  if (!hit.note.empty()) std::cout << "      note: " << hit.note << "\n";
  if (!hit.legal_ground.empty()) std::cout << "      legal ground: " << hit.legal_ground << "\n";
}

void PrintExplanation(const Post& post, const Decision& d) {
  std::cout << absl::StrFormat("decision: %s   score: %g   rule sets: %s (%s)\n",
                               VerdictName(d.verdict), d.score, d.ruleset_id, d.ruleset_version);
  std::cout << "hash:     " << d.ruleset_hash << "\n";
  const Highlight h = ChooseHighlight();
  for (const Field& field : post.fields) {
    std::cout << absl::StrFormat("%-9s %s\n", field.name + ":", HighlightField(field, d, h));
  }
  if (d.hits.empty() && d.shadow_hits.empty()) std::cout << "no rule fired\n";
  if (!d.hits.empty()) std::cout << "rules that fired:\n";
  for (const RuleHit& hit : d.hits) PrintHit(hit, false);
  if (!d.shadow_hits.empty()) std::cout << "shadow rules that fired:\n";
  for (const RuleHit& hit : d.shadow_hits) PrintHit(hit, true);
  std::cout << absl::StrFormat("evaluated in %.1f us\n", d.evaluation_ns / 1000.0);
}

absl::StatusOr<Post> PostFromArgs(const ParsedArgs& args) {
  Post post;
  post.id = "check";
  post.community = args.Get("community").value_or("");
  for (auto [flag, field] : {std::pair{"account-age-days", &post.author.account_age_days},
                             std::pair{"trust-level", &post.author.trust_level},
                             std::pair{"prior-violations", &post.author.prior_violations}}) {
    auto value = args.GetInt(flag);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  if (auto title = args.Get("title")) post.fields.push_back({"title", *title});
  post.fields.push_back({"body", args.positional[0]});
  return post;
}

}  // namespace

int RunCheck(const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args,
                          {"rules", "community", "title", "account-age-days", "trust-level",
                           "prior-violations", "cache-dir"},
                          {"help", "json", "skip-examples"});
  const bool help = parsed.ok() && parsed->Has("help");
  if (!parsed.ok() || help || !parsed->Get("rules") || parsed->positional.size() != 1) {
    if (!parsed.ok()) std::cerr << "modctl check: " << parsed.status().message() << "\n";
    if (!help && parsed.ok())
      std::cerr << "modctl check: needs --rules PATH and exactly one TEXT\n";
    (help ? std::cout : std::cerr) << kCheckHelp;
    return help ? kExitOk : kExitUsage;
  }
  absl::StatusOr<Post> post = PostFromArgs(*parsed);
  if (!post.ok()) {
    std::cerr << "modctl check: " << post.status().message() << "\n";
    return kExitUsage;
  }
  RuleCatalog::Options options;
  options.compile.cache_dir = parsed->Get("cache-dir").value_or(DefaultCacheDir());
  options.run_examples = !SkipExamples(*parsed, "check");
  std::shared_ptr<const RuleCatalog> catalog = LoadCatalogOrReport(*parsed->Get("rules"), options);
  if (catalog == nullptr) return kExitProblems;
  absl::StatusOr<Decision> decision = Moderate(*catalog, *post);
  if (!decision.ok()) {
    std::cerr << "modctl check: " << decision.status().message() << "\n";
    return kExitProblems;
  }
  if (parsed->Has("json")) {
    std::cout << DecisionLine(post->id, *decision) << "\n";
  } else {
    PrintExplanation(*post, *decision);
  }
  return kExitOk;
}

}  // namespace moderation::modctl
