// `modctl scan`: the batch contract, JSON Lines in and out (json_codec.h).
//
// Streams: one line is read, judged and written at a time, so memory stays
// flat however long the input is. The answers written so far are flushed
// before every read that may block (line_reader.h): a client that writes one
// line and waits for its answer never hangs, even when it sends the next line
// in pieces, and a batch on a pipe costs one write per chunk of input, not
// per line.
#include <iostream>
#include <string>

#include "absl/strings/str_format.h"
#include "engine/moderator.h"
#include "server/modctl/args.h"
#include "server/modctl/commands.h"
#include "server/modctl/json_codec.h"
#include "server/modctl/line_reader.h"

namespace moderation::modctl {
namespace {

constexpr char kScanHelp[] =
    R"(usage: modctl scan --rules PATH [--community ID] [--cache-dir DIR] < posts.jsonl > decisions.jsonl

Judges one post per input line and writes one decision per output line, in
order. Input: {"id", "text" | "title"/"body", "community"?, "author"?:
{"id", "account_age_days", "trust_level", "prior_violations"}}.
Output: {"id", "decision", "score", "matches": [{"rule", "category", "field",
"start", "end", "text"}], "shadow", "rules", "shadow_rules", "reasons",
"ruleset_id", "ruleset_version", "ruleset_hash"}. A malformed line yields
{"id", "line", "error"} and the scan continues. Blank lines are skipped.
--community sets the community of lines that name none.
Exit 0 when the input was read to the end, 1 if the rules failed to load,
2 on usage errors. A summary goes to stderr.
)";

std::string JudgeLine(const RuleCatalog& catalog, const std::string& line, size_t line_number,
                      const std::string& default_community, size_t* errors) {
  nlohmann::json id;
  absl::StatusOr<Post> post = PostFromJsonLine(line, &id);
  absl::StatusOr<Decision> decision = absl::UnknownError("");
  if (post.ok()) {
    if (post->community.empty()) post->community = default_community;
    decision = Moderate(catalog, *post);
  }
  const absl::Status status = post.ok() ? decision.status() : post.status();
  if (!status.ok()) {
    ++*errors;
    return DumpLine(ErrorToJson(id, line_number, std::string(status.message())));
  }
  return DecisionLine(id, *decision);
}

}  // namespace

int RunScan(const std::vector<std::string>& args, std::istream& in, std::ostream& out) {
  auto parsed = ParseArgs(args, {"rules", "community", "cache-dir"}, {"help"});
  const bool help = parsed.ok() && parsed->Has("help");
  if (!parsed.ok() || help || !parsed->Get("rules") || !parsed->positional.empty()) {
    if (!parsed.ok()) std::cerr << "modctl scan: " << parsed.status().message() << "\n";
    if (!help && parsed.ok())
      std::cerr << "modctl scan: needs --rules PATH and no positional arguments\n";
    (help ? std::cout : std::cerr) << kScanHelp;
    return help ? kExitOk : kExitUsage;
  }
  RuleCatalog::Options options;
  options.compile.cache_dir = parsed->Get("cache-dir").value_or(DefaultCacheDir());
  std::shared_ptr<const RuleCatalog> catalog = LoadCatalogOrReport(*parsed->Get("rules"), options);
  if (catalog == nullptr) return kExitProblems;
  const std::string community = parsed->Get("community").value_or("");
  std::string line;
  size_t line_number = 0, judged = 0, errors = 0;
  LineReader reader(&in, &out);
  while (reader.Next(&line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out << JudgeLine(*catalog, line, line_number, community, &errors) << '\n';
    ++judged;
  }
  out.flush();
  std::cerr << absl::StrFormat("modctl scan: %d lines judged, %d errors\n", judged, errors);
  return kExitOk;
}

}  // namespace moderation::modctl
