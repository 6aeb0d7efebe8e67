// `modctl diff`: which decisions change if a rule change ships.
#include <iostream>
#include <string>

#include "absl/strings/str_format.h"
#include "engine/impact.h"
#include "engine/moderator.h"
#include "server/modctl/args.h"
#include "server/modctl/commands.h"
#include "server/modctl/json_codec.h"
#include "server/modctl/line_reader.h"

namespace moderation::modctl {
namespace {

constexpr char kDiffHelp[] =
    R"(usage: modctl diff --old PATH --new PATH [options] < posts.jsonl

Judges every post (the `modctl scan` input format) with the old and the new
rules and reports the decisions that change: how many posts move from one
decision to another, and, grouped by the rule that now fires or no longer
fires (with its category), the number of posts and a few example posts.

options:
  --old PATH          the rules in use (file or directory)
  --new PATH          the rules to preview (file or directory)
  --community ID      community of posts that name none (default: the default sets)
  --examples N        example posts per group (default 3)
  --json              print the report as one JSON object
  --cache-dir DIR     Hyperscan database cache ("" disables)
  --skip-examples     load both rule paths without running their embedded
                      examples, to preview a change whose examples fail
Exit 0 when the input was read to the end, 1 if either rule path failed to
load, 2 on usage errors. Lines that cannot be judged are counted as errors.
)";

nlohmann::json GroupJson(const ImpactGroup& group) {
  nlohmann::json examples = nlohmann::json::array();
  for (const ImpactExample& e : group.examples) {
    examples.push_back({{"id", e.post_id},
                        {"community", e.community},
                        {"old", VerdictName(e.old_verdict)},
                        {"new", VerdictName(e.new_verdict)},
                        {"text", e.text}});
  }
  return {{"change", ImpactChangeName(group.change)},
          {"rule", group.rule_id},
          {"category", group.category},
          {"posts", group.posts},
          {"examples", std::move(examples)}};
}

constexpr Verdict kVerdicts[] = {Verdict::kAllow, Verdict::kFlag, Verdict::kBlock};

nlohmann::json ReportJson(const ImpactReport& report) {
  nlohmann::json transitions = nlohmann::json::object();
  for (Verdict from : kVerdicts) {
    for (Verdict to : kVerdicts) {
      if (from == to || report.Transitions(from, to) == 0) continue;
      transitions[absl::StrFormat("%s->%s", VerdictName(from), VerdictName(to))] =
          report.Transitions(from, to);
    }
  }
  nlohmann::json groups = nlohmann::json::array();
  for (const ImpactGroup& group : report.Groups()) groups.push_back(GroupJson(group));
  return {{"posts", report.posts()},
          {"changed", report.changed()},
          {"errors", report.errors()},
          {"transitions", std::move(transitions)},
          {"by_category", report.ChangedByCategory()},
          {"groups", std::move(groups)}};
}

void PrintReport(const ImpactReport& report, std::ostream& out) {
  out << absl::StrFormat("posts: %d judged, %d decisions change, %d errors\n", report.posts(),
                         report.changed(), report.errors());
  for (Verdict from : kVerdicts) {
    for (Verdict to : kVerdicts) {
      if (from != to && report.Transitions(from, to) > 0) {
        out << absl::StrFormat("  %s -> %s: %d\n", VerdictName(from), VerdictName(to),
                               report.Transitions(from, to));
      }
    }
  }
  if (report.changed() == 0) return;
  out << "by category:";
  for (const auto& [category, posts] : report.ChangedByCategory()) {
    out << absl::StrFormat(" %s %d", category, posts);
  }
  out << "\nby rule:\n";
  for (const ImpactGroup& group : report.Groups()) {
    const std::string rule = group.rule_id.empty()
                                 ? "(no rule)"
                                 : absl::StrFormat("%s [%s]", group.rule_id, group.category);
    out << absl::StrFormat("  %s %s: %d post(s)\n", rule, ImpactChangeName(group.change),
                           group.posts);
    for (const ImpactExample& e : group.examples) {
      out << absl::StrFormat(
          "    %s%s %s -> %s: %s\n", e.post_id, e.community.empty() ? "" : " (" + e.community + ")",
          VerdictName(e.old_verdict), VerdictName(e.new_verdict),
          nlohmann::json(e.text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
}

}  // namespace

int RunDiff(const std::vector<std::string>& args, std::istream& in, std::ostream& out) {
  auto parsed = ParseArgs(args, {"old", "new", "community", "examples", "cache-dir"},
                          {"help", "json", "skip-examples"});
  const bool help = parsed.ok() && parsed->Has("help");
  absl::StatusOr<std::optional<int>> examples =
      parsed.ok() ? parsed->GetInt("examples") : absl::StatusOr<std::optional<int>>(std::nullopt);
  const bool bad_examples = !examples.ok() || (examples->has_value() && **examples < 0);
  if (!parsed.ok() || help || !parsed->Get("old") || !parsed->Get("new") ||
      !parsed->positional.empty() || bad_examples) {
    if (!parsed.ok()) std::cerr << "modctl diff: " << parsed.status().message() << "\n";
    if (!help && parsed.ok()) {
      std::cerr << (bad_examples ? "modctl diff: --examples must be a number >= 0\n"
                                 : "modctl diff: needs --old PATH and --new PATH, and no "
                                   "positional arguments\n");
    }
    (help ? std::cout : std::cerr) << kDiffHelp;
    return help ? kExitOk : kExitUsage;
  }
  RuleCatalog::Options options;
  options.compile.cache_dir = parsed->Get("cache-dir").value_or(DefaultCacheDir());
  options.run_examples = !SkipExamples(*parsed, "diff");
  std::shared_ptr<const RuleCatalog> old_rules = LoadCatalogOrReport(*parsed->Get("old"), options);
  std::shared_ptr<const RuleCatalog> new_rules = LoadCatalogOrReport(*parsed->Get("new"), options);
  if (old_rules == nullptr || new_rules == nullptr) return kExitProblems;

  ImpactReport::Options report_options;
  if (examples->has_value()) report_options.examples_per_group = static_cast<size_t>(**examples);
  ImpactReport report(report_options);
  const std::string community = parsed->Get("community").value_or("");
  LineReader reader(&in, &out);
  std::string line;
  size_t line_number = 0;
  while (reader.Next(&line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json id;
    absl::StatusOr<Post> post = PostFromJsonLine(line, &id);
    if (post.ok() && post->community.empty()) post->community = community;
    absl::StatusOr<Decision> before = post.ok() ? Moderate(*old_rules, *post) : post.status();
    absl::StatusOr<Decision> after = post.ok() ? Moderate(*new_rules, *post) : post.status();
    if (!before.ok() || !after.ok()) {
      const absl::Status& error = !before.ok() ? before.status() : after.status();
      std::cerr << absl::StrFormat("modctl diff: line %d: %s\n", line_number, error.message());
      report.AddError();
      continue;
    }
    report.Add(*post, *before, *after);
  }
  if (parsed->Has("json")) {
    out << DumpLine(ReportJson(report)) << "\n";
  } else {
    PrintReport(report, out);
  }
  out.flush();
  return kExitOk;
}

}  // namespace moderation::modctl
