// Writes a `modctl report` directory: report.md for people, and CSV files
// for spreadsheets (README.md, "modctl report", lists them and their columns).
//
// Why: one self-contained directory that can be mailed or archived; the
// Markdown links nothing outside it.
//
// Thread-safety: plain functions.
#ifndef MODERATION_SERVER_MODCTL_REPORT_WRITER_H_
#define MODERATION_SERVER_MODCTL_REPORT_WRITER_H_

#include <string>

#include "absl/status/status.h"
#include "server/modctl/report_stats.h"

namespace moderation::modctl {

// The Markdown report (report.md's text).
std::string ReportMarkdown(const ReportStats& stats);

// Writes report.md and the CSV files into dir (created if missing).
absl::Status WriteReport(const ReportStats& stats, const std::string& dir);

// CSV field quoting (RFC 4180): quoted when it holds a comma, quote or newline.
std::string CsvField(const std::string& text);

// Writes text to dir/name; the error names the file.
absl::Status WriteTextFile(const std::string& dir, const std::string& name,
                           const std::string& text);

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_REPORT_WRITER_H_
