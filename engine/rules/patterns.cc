#include "engine/rules/patterns.h"

#include <mutex>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace moderation::rules::internal {
namespace {

// Enough for any sane moderation regex; bounds what one rule file can cost.
constexpr int64_t kRegexMaxMem = int64_t{64} << 20;

// Texts on which a regex that accepts the empty string finds a zero-length
// match, whatever anchors or lookarounds (\b, ^, $) it relies on.
constexpr std::string_view kEmptyMatchProbes[] = {"", "a", " ", "ab cd", "1"};

bool MatchesEmpty(const RE2& re) {
  for (std::string_view probe : kEmptyMatchProbes) {
    re2::StringPiece match;
    if (re.Match(re2::StringPiece(probe.data(), probe.size()), 0, probe.size(), RE2::UNANCHORED,
                 &match, 1) &&
        match.empty()) {
      return true;
    }
  }
  return false;
}

// Terms are trimmed; spaces inside a term ("Heil Hitler") are kept.
std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace

std::optional<TermSpec> ParseTermSpec(std::string_view raw, std::string* error) {
  std::string_view text = Trim(raw);
  if (text.empty()) {
    *error = "empty term";
    return std::nullopt;
  }
  TermSpec spec;
  if (text.front() == '@') {
    spec.is_list_reference = true;
    spec.text = std::string(Trim(text.substr(1)));
    if (spec.text.empty()) *error = "'@' must be followed by a list name";
    return spec.text.empty() ? std::nullopt : std::optional<TermSpec>(spec);
  }
  const bool leading = text.front() == '*';
  if (leading) text.remove_prefix(1);
  const bool trailing = !text.empty() && text.back() == '*';
  if (trailing) text.remove_suffix(1);
  text = Trim(text);
  if (text.empty()) {
    *error = absl::StrCat("term '", std::string(raw), "' is only '*': it would match everything");
    return std::nullopt;
  }
  if (text.find('*') != std::string_view::npos) {
    *error =
        absl::StrCat("'*' is only allowed at the start or end of a term: '", std::string(raw), "'");
    return std::nullopt;
  }
  spec.text = std::string(text);
  if (leading && trailing) {
    spec.wildcard = MatchMode::kSubstring;
  } else if (leading) {
    spec.wildcard = MatchMode::kSuffix;
  } else if (trailing) {
    spec.wildcard = MatchMode::kPrefix;
  }
  return spec;
}

namespace {

// At most this many pattern bytes are remembered by RegexProblem.
constexpr size_t kRegexMemoBytes = size_t{4} << 20;

std::optional<std::string> CheckRegex(const std::string& pattern) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  options.set_max_mem(kRegexMaxMem);
  const RE2 re(pattern, options);
  if (!re.ok()) return absl::StrCat("invalid regex: ", re.error());
  if (MatchesEmpty(re)) return std::string("regex matches the empty string");
  return std::nullopt;
}

}  // namespace

std::optional<std::string> RegexProblem(const std::string& pattern) {
  if (pattern.size() > kMaxRegexBytes) {
    return absl::StrCat("regex is ", pattern.size(), " bytes long; at most ", kMaxRegexBytes,
                        " are allowed (use a word list for long alternations)");
  }
  // The answer depends on the pattern alone, and the same pattern is checked
  // again and again: a file's shared `unless` veto once per rule using it,
  // every unchanged regex on every reload. Compiling them was 34 % of a warm
  // `modctl scan` start-up on the default rules, so answers are remembered
  // (a bounded memo: cleared when full, never wrong, only slower).
  static std::mutex mu;
  static auto* memo = new std::unordered_map<std::string, std::optional<std::string>>();
  static size_t memo_bytes = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = memo->find(pattern); it != memo->end()) return it->second;
  }
  std::optional<std::string> problem = CheckRegex(pattern);
  std::lock_guard<std::mutex> lock(mu);
  if (memo_bytes + pattern.size() > kRegexMemoBytes) {
    memo->clear();
    memo_bytes = 0;
  }
  if (memo->emplace(pattern, problem).second) memo_bytes += pattern.size();
  return problem;
}

}  // namespace moderation::rules::internal
