#include "engine/rules/diagnostic.h"

#include <algorithm>
#include <cstddef>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace moderation::rules {
namespace {

// Classic Levenshtein distance with two rows; keys and ids are short.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string Diagnostic::ToString() const {
  if (location.line <= 0) return absl::StrCat(location.file, ": ", message);
  if (location.column <= 0) return absl::StrCat(location.file, ":", location.line, ": ", message);
  return absl::StrCat(location.file, ":", location.line, ":", location.column, ": ", message);
}

absl::Status DiagnosticsToStatus(const Diagnostics& diagnostics) {
  if (diagnostics.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(
      diagnostics, "\n",
      [](std::string* out, const Diagnostic& d) { absl::StrAppend(out, d.ToString()); }));
}

std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_distance = 0;
  for (std::string_view candidate : candidates) {
    const size_t distance = EditDistance(word, candidate);
    // Replacing every letter is no typo: "ab" is not a misspelt "id".
    if (distance == 0 || distance >= std::max(word.size(), candidate.size())) continue;
    if (distance > std::max<size_t>(2, word.size() / 3)) continue;
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return std::string(best);
}

}  // namespace moderation::rules
