// Source locations and diagnostics for rule files.
//
// Why: moderators fix rule files from error messages alone, so every problem
// carries file:line:col (1-based, as editors count) and all problems of a load
// are reported together.
//
//   Diagnostic d{{"rules/de.yaml", 12, 7}, "unknown key 'scroe' (did you mean 'score'?)"};
//   d.ToString();  // "rules/de.yaml:12:7: unknown key 'scroe' (did you mean 'score'?)"
//
// Thread-safety: plain values.
#ifndef MODERATION_ENGINE_RULES_DIAGNOSTIC_H_
#define MODERATION_ENGINE_RULES_DIAGNOSTIC_H_

#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace moderation::rules {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown (whole file)
  int column = 0;  // 1-based; 0 = unknown
};

struct Diagnostic {
  SourceLocation location;
  std::string message;

  // "file:line:col: message" (omits line/col when unknown).
  std::string ToString() const;
};

using Diagnostics = std::vector<Diagnostic>;

// A location that names a whole file (no line or column).
inline SourceLocation WholeFile(std::string file) { return {std::move(file), 0, 0}; }

// Runs fn(); an exception out of it (the YAML parser and the standard
// library throw) becomes one diagnostic at `at`, "<what>: <its message>",
// and goes no further: a load reports what broke and carries on with the
// other files, and no exception leaves the rules module.
template <typename Fn>
void ReportExceptions(const SourceLocation& at, const char* what, Diagnostics* out, const Fn& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    out->push_back({at, absl::StrCat(what, ": ", e.what())});
  } catch (...) {
    out->push_back({at, absl::StrCat(what, ": unknown error")});
  }
}

// InvalidArgument whose message lists every diagnostic, one per line, or OK
// when there are none.
absl::Status DiagnosticsToStatus(const Diagnostics& diagnostics);

// The closest candidate to `word` by edit distance, if it is close enough to
// be a plausible typo (distance <= 2, or <= 1/3 of the length); else "".
std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace moderation::rules

#endif  // MODERATION_ENGINE_RULES_DIAGNOSTIC_H_
