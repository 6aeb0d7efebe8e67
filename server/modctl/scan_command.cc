// `modctl scan`: the batch contract, JSON Lines in and out (json_codec.h).
//
// Streams: one line is read, judged and written at a time, so memory stays
// flat however long the input is. The answers written so far are flushed
// before every read that may block (line_reader.h): a client that writes one
// line and waits for its answer never hangs, even when it sends the next line
// in pieces, and a batch on a pipe costs one write per chunk of input, not
// per line.
//
// Cost: a line is parsed with simdjson (fast_post_reader.h) and its answer
// appended to one reused buffer, so the per-line work outside the engine
// allocates only what Post and Decision hold. The default output is lean
// (json_codec.h: no empty arrays, the ruleset_* fields only when they change);
// --verbose writes every key on every line.
#include <iostream>
#include <string>

#include "absl/strings/str_format.h"
#include "engine/moderator.h"
#include "server/modctl/args.h"
#include "server/modctl/commands.h"
#include "server/modctl/fast_post_reader.h"
#include "server/modctl/json_codec.h"
#include "server/modctl/line_reader.h"

namespace moderation::modctl {
namespace {

constexpr char kScanHelp[] =
    R"(usage: modctl scan --rules PATH [--community ID] [--cache-dir DIR] [--verbose] [--no-split-words] [--skip-examples] < posts.jsonl > decisions.jsonl

Judges one post per input line and writes one decision per output line, in
order. Input: {"id", "text" | "title"/"body", "community"?, "author"?:
{"id", "account_age_days", "trust_level", "prior_violations"}}.
Output: {"id", "decision", "score", "matches": [{"rule", "category", "field",
"start", "end", "text"}], "shadow", "rules", "shadow_rules", "reasons",
"ruleset_id", "ruleset_version", "ruleset_hash"}, keys sorted. By default the
five arrays appear only when not empty (an ALLOW line is {"decision", "id",
"score"}), and the ruleset_* fields only on the first decision line and on
any line whose rule set differs from the previous decision line's (another
community). --verbose writes every key on every line. A malformed line
yields {"id", "line", "error"} and the scan continues. Blank lines are
skipped. --community sets the community of lines that name none.
--no-split-words compiles without split-word matching ("Arsch loch"), to
see which decisions it changes. --skip-examples judges without running the
rules' embedded examples, so rules whose examples fail can still be tried.
Exit 0 when the input was read to the end, 1 if the rules failed to load,
2 on usage errors. A summary goes to stderr.
)";

// Judges lines and appends their answers; remembers the rule set named last.
class Judge {
 public:
  Judge(const RuleCatalog& catalog, std::string default_community, bool verbose)
      : catalog_(catalog), community_(std::move(default_community)), verbose_(verbose) {}

  // Appends the answer to *line (and '\n') to *out; false for an error line.
  bool Line(std::string* line, size_t line_number, std::string* out) {
    absl::StatusOr<Post> post = reader_.Read(line, &id_json_);
    absl::StatusOr<Decision> decision = absl::UnknownError("");
    if (post.ok()) {
      if (post->community.empty()) post->community = community_;
      decision = Moderate(catalog_, *post);
    }
    const absl::Status status = post.ok() ? decision.status() : post.status();
    if (!status.ok()) {
      AppendErrorLine(id_json_, line_number, std::string(status.message()), out);
      out->push_back('\n');
      return false;
    }
    DecisionLineParts parts{.empty_arrays = verbose_, .ruleset = verbose_ || NewRuleSet(*decision)};
    AppendDecisionLine(id_json_, *decision, parts, out);
    out->push_back('\n');
    return true;
  }

 private:
  // True when the decision's rule set is not the one the last line named.
  bool NewRuleSet(const Decision& d) {
    if (named_ && d.ruleset_hash == hash_ && d.ruleset_id == id_ && d.ruleset_version == version_)
      return false;
    named_ = true;
    hash_ = d.ruleset_hash;
    id_ = d.ruleset_id;
    version_ = d.ruleset_version;
    return true;
  }

  const RuleCatalog& catalog_;
  const std::string community_;
  const bool verbose_;
  FastPostReader reader_;
  std::string id_json_;
  bool named_ = false;
  std::string hash_, id_, version_;
};

}  // namespace

int RunScan(const std::vector<std::string>& args, std::istream& in, std::ostream& out) {
  auto parsed = ParseArgs(args, {"rules", "community", "cache-dir"},
                          {"help", "verbose", "no-split-words", "skip-examples"});
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
  options.compile.split_words = !parsed->Has("no-split-words");
  options.run_examples = !SkipExamples(*parsed, "scan");
  std::shared_ptr<const RuleCatalog> catalog = LoadCatalogOrReport(*parsed->Get("rules"), options);
  if (catalog == nullptr) return kExitProblems;
  Judge judge(*catalog, parsed->Get("community").value_or(""), parsed->Has("verbose"));
  std::string line, answer;
  size_t line_number = 0, judged = 0, errors = 0;
  LineReader reader(&in, &out);
  while (reader.Next(&line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    answer.clear();
    if (!judge.Line(&line, line_number, &answer)) ++errors;
    out.write(answer.data(), static_cast<std::streamsize>(answer.size()));
    ++judged;
  }
  out.flush();
  std::cerr << absl::StrFormat("modctl scan: %d lines judged, %d errors\n", judged, errors);
  return kExitOk;
}

}  // namespace moderation::modctl
