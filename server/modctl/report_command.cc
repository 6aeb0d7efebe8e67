// modctl report: a period's statistics from decision logs (issue 13 §2), and
// with --dsa the statements of reasons and the transparency summary (§3).
#include <iostream>

#include "absl/strings/str_cat.h"
#include "server/modctl/args.h"
#include "server/modctl/commands.h"
#include "server/modctl/report_dsa.h"
#include "server/modctl/report_log.h"
#include "server/modctl/report_stats.h"
#include "server/modctl/report_writer.h"

namespace moderation::modctl {
namespace {

constexpr char kReportUsage[] =
    R"(usage: modctl report --period day|week|month --date YYYY-MM-DD --out DIR [--dsa] LOG...
       modctl report --period custom --from YYYY-MM-DD --to YYYY-MM-DD --out DIR [--dsa] LOG...
Reads decision logs (moderationd --decision_log) of one or many replicas,
rotated files included, and writes DIR/report.md with CSV files beside it:
volume per day, flagged and blocked shares per category, top rules and shadow
rules, the hours heatmap, the trend against the previous period and the
rule-set versions, per community and overall.
--dsa also writes DIR/statements.jsonl (DSA statements of reasons, one per
FLAG/BLOCK) and DIR/transparency.md/.csv (restrictions per category and ground,
automated share, median time to decision).
)";

}  // namespace

int RunReport(const std::vector<std::string>& args) {
  absl::StatusOr<ParsedArgs> parsed =
      ParseArgs(args, {"period", "date", "from", "to", "out"}, {"dsa", "help"});
  if (!parsed.ok()) {
    std::cerr << "modctl report: " << parsed.status().message() << "\n" << kReportUsage;
    return kExitUsage;
  }
  if (parsed->Has("help")) {
    std::cout << kReportUsage;
    return kExitOk;
  }
  const std::string out = parsed->Get("out").value_or("");
  if (out.empty() || parsed->positional.empty()) {
    std::cerr << "modctl report: --out and at least one log file are required\n" << kReportUsage;
    return kExitUsage;
  }
  absl::StatusOr<Period> period =
      ParsePeriod(parsed->Get("period").value_or("week"), parsed->Get("date").value_or(""),
                  parsed->Get("from").value_or(""), parsed->Get("to").value_or(""));
  if (!period.ok()) {
    std::cerr << "modctl report: " << period.status().message() << "\n";
    return kExitUsage;
  }
  LogData data;
  for (const std::string& path : parsed->positional) {
    if (absl::Status s = ReadDecisionLog(path, period->previous_from, period->to, &data); !s.ok()) {
      std::cerr << "modctl report: " << s.message() << "\n";
      return kExitProblems;
    }
  }
  const ReportStats stats = ComputeStats(data, *period);
  if (absl::Status s = WriteReport(stats, out); !s.ok()) {
    std::cerr << "modctl report: " << s.message() << "\n";
    return kExitProblems;
  }
  if (parsed->Has("dsa")) {
    if (absl::Status s = WriteDsaExport(data.decisions, *period, out); !s.ok()) {
      std::cerr << "modctl report: " << s.message() << "\n";
      return kExitProblems;
    }
  }
  const Stats& overall = stats.current.at(kOverall);
  std::cout << "report " << period->label << ": " << overall.posts << " decisions ("
            << overall.Decided("FLAG") << " FLAG, " << overall.Decided("BLOCK") << " BLOCK) from "
            << stats.replicas.size() << " replica(s), " << parsed->positional.size()
            << " file(s) -> " << out << "/report.md\n";
  return kExitOk;
}

}  // namespace moderation::modctl
