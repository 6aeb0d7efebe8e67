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

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

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

// InvalidArgument whose message lists every diagnostic, one per line, or OK
// when there are none.
absl::Status DiagnosticsToStatus(const Diagnostics& diagnostics);

// The closest candidate to `word` by edit distance, if it is close enough to
// be a plausible typo (distance <= 2, or <= 1/3 of the length); else "".
std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace moderation::rules

#endif  // MODERATION_ENGINE_RULES_DIAGNOSTIC_H_
