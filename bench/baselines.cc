#include "bench/baselines.h"

#include <re2/re2.h>

#include "absl/strings/str_cat.h"

namespace moderation::bench {
namespace {

constexpr int64_t kRe2SetMaxMem = int64_t{256} << 20;

RE2::Options Re2SetOptions() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_max_mem(kRe2SetMaxMem);
  options.set_log_errors(false);
  return options;
}

void AsciiLower(std::string_view in, std::string* out) {
  out->resize(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    (*out)[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<const StdRegexBaseline>> StdRegexBaseline::Create(
    const std::vector<std::string>& terms) {
  std::unique_ptr<StdRegexBaseline> out(new StdRegexBaseline());
  out->regexes_.reserve(terms.size());
  try {
    for (const std::string& term : terms) {
      // Terms are letters only: nothing to escape.
      out->regexes_.emplace_back(term, std::regex::ECMAScript | std::regex::icase);
    }
  } catch (const std::regex_error& e) {
    return absl::InternalError(absl::StrCat("std::regex: ", e.what()));
  }
  return std::unique_ptr<const StdRegexBaseline>(std::move(out));
}

absl::StatusOr<size_t> StdRegexBaseline::CountMatchingTerms(std::string_view text) const {
  size_t found = 0;
  try {
    for (const std::regex& re : regexes_) found += std::regex_search(text.begin(), text.end(), re);
  } catch (const std::regex_error& e) {
    return absl::InternalError(absl::StrCat("std::regex: ", e.what()));
  }
  return found;
}

Re2SetBaseline::Re2SetBaseline() : set_(Re2SetOptions(), RE2::UNANCHORED) {}

absl::StatusOr<std::unique_ptr<const Re2SetBaseline>> Re2SetBaseline::Create(
    const std::vector<std::string>& terms) {
  std::unique_ptr<Re2SetBaseline> out(new Re2SetBaseline());
  for (const std::string& term : terms) {
    std::string error;
    if (out->set_.Add(RE2::QuoteMeta(term), &error) < 0) {
      return absl::InvalidArgumentError(absl::StrCat("RE2::Set::Add(", term, "): ", error));
    }
  }
  if (!out->set_.Compile()) {
    return absl::ResourceExhaustedError("RE2::Set::Compile: out of memory (max_mem 256 MiB)");
  }
  return std::unique_ptr<const Re2SetBaseline>(std::move(out));
}

absl::StatusOr<size_t> Re2SetBaseline::CountMatchingTerms(std::string_view text) const {
  // Asking for the matching ids makes the DFA read the whole text, as the
  // engine does (it reports every hit, not just the first).
  thread_local std::vector<int> ids;
  RE2::Set::ErrorInfo error;
  if (!set_.Match(re2::StringPiece(text.data(), text.size()), &ids, &error) &&
      error.kind != RE2::Set::kNoError) {
    return error.kind == RE2::Set::kOutOfMemory
               ? absl::ResourceExhaustedError(
                     "RE2::Set::Match: DFA out of memory (max_mem 256 MiB)")
               : absl::InternalError(absl::StrCat("RE2::Set::Match failed, kind ", error.kind));
  }
  return ids.size();
}

FindBaseline::FindBaseline(const std::vector<std::string>& terms) {
  terms_.reserve(terms.size());
  for (const std::string& term : terms) {
    std::string lower;
    AsciiLower(term, &lower);
    terms_.push_back(std::move(lower));
  }
}

size_t FindBaseline::CountMatchingTerms(std::string_view text) {
  AsciiLower(text, &lowered_);
  size_t found = 0;
  for (const std::string& term : terms_) found += lowered_.find(term) != std::string::npos;
  return found;
}

}  // namespace moderation::bench
