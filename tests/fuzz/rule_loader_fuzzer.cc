// Fuzz target: the rule loader, parse and compile, on arbitrary YAML.
//
// Each input is read as a rule file (ParseRuleSet, then CompiledRuleSet::
// Compile and the embedded examples) and as a communities file
// (ParseCommunities), all from memory: no files are written or read.
//
// Invariants:
//  * No exception leaves the loader; every failure is a diagnostic.
//  * Every diagnostic is located in the file it was given: line 0 only with
//    column 0 (the whole file), else a line of the text and a column within
//    that line (1-based, counting characters); and a non-empty message.
//  * A parse returns a rule set exactly when it reported no problem; a
//    compile fails exactly when it reported one (or Hyperscan ran out of
//    memory), and its warnings are located too.
//  * Parsing is deterministic (same diagnostics, same content hash).
//  * A compiled set judges each of its examples (as the example runner
//    would) with decision_checks.h holding, twice with the same result.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "engine/example_runner.h"
#include "engine/rule_set.h"
#include "engine/rules/communities.h"
#include "engine/rules/loader.h"
#include "tests/fuzz/decision_checks.h"
#include "tests/fuzz/fuzz_check.h"

namespace moderation::fuzz {
namespace {

constexpr std::string_view kRuleFile = "fuzz/rules.yaml";
constexpr std::string_view kCommunitiesFile = "fuzz/communities.yaml";

// Number of characters (UTF-8 lead bytes, or any byte if not UTF-8) of each
// line; index 0 is line 1.
// Line breaks as YAML counts them (and so the loader's file:line): "\r\n",
// "\n" and a lone "\r" each end a line.
std::vector<size_t> LineLengths(std::string_view text) {
  std::vector<size_t> lengths(1, 0);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') {
      lengths.push_back(0);
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++lengths.back();
    }
  }
  return lengths;
}

void CheckLocated(const rules::Diagnostic& d, std::string_view text, std::string_view file) {
  const std::vector<size_t> lines = LineLengths(text);
  FUZZ_CHECK(d.location.file == file)
      << "diagnostic in '" << d.location.file << "', not '" << file << "': " << d.ToString();
  FUZZ_CHECK(!d.message.empty()) << "diagnostic without a message at " << d.ToString();
  if (d.location.line == 0) {
    FUZZ_CHECK(d.location.column == 0) << "column without a line: " << d.ToString();
    return;
  }
  FUZZ_CHECK(d.location.line >= 1 && static_cast<size_t>(d.location.line) <= lines.size())
      << "line " << d.location.line << " of a " << lines.size() << "-line text: " << d.ToString();
  const size_t length = lines[d.location.line - 1];
  // Column length + 1 is just past the last character (an unclosed
  // bracket at the end of a line, a missing value).
  FUZZ_CHECK(d.location.column >= 1 && static_cast<size_t>(d.location.column) <= length + 1)
      << "column " << d.location.column << " of a " << length
      << "-character line: " << d.ToString();
}

void CheckAllLocated(const rules::Diagnostics& diagnostics, size_t from, std::string_view text,
                     std::string_view file) {
  for (size_t i = from; i < diagnostics.size(); ++i) CheckLocated(diagnostics[i], text, file);
}

std::vector<std::string> Strings(const rules::Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const rules::Diagnostic& d : diagnostics) out.push_back(d.ToString());
  return out;
}

// Judges each example as RunExamples does (one field "text", the example's
// author) and checks the decisions.
void JudgeExamples(const CompiledRuleSet& set) {
  for (size_t r = 0; r < set.rule_count(); ++r) {
    const rules::Rule& rule = set.rule(r);
    for (const auto* examples : {&rule.match_examples, &rule.no_match_examples}) {
      for (const rules::Example& example : *examples) {
        Post post;
        post.id = "example";
        post.author = example.author;
        post.fields.push_back({"text", example.text});
        const absl::StatusOr<Decision> first = set.Evaluate(post);
        FUZZ_CHECK(first.ok()) << rule.id << ": example " << Excerpt(example.text)
                               << " failed: " << first.status();
        CheckDecision(post, *first, set);
        const absl::StatusOr<Decision> second = set.Evaluate(post);
        FUZZ_CHECK(second.ok()) << "second judgement failed: " << second.status();
        CheckSameDecision(*first, *second);
      }
    }
  }
}

void FuzzRuleFile(std::string_view text) {
  rules::Diagnostics diagnostics;
  std::optional<rules::RuleSetSource> set = rules::ParseRuleSet(text, kRuleFile, &diagnostics);
  CheckAllLocated(diagnostics, 0, text, kRuleFile);
  FUZZ_CHECK(set.has_value() == diagnostics.empty())
      << (set ? "a rule set despite problems: " : "no rule set and no problem reported")
      << (diagnostics.empty() ? "" : diagnostics[0].ToString());

  rules::Diagnostics again;
  std::optional<rules::RuleSetSource> set_again = rules::ParseRuleSet(text, kRuleFile, &again);
  FUZZ_CHECK(Strings(diagnostics) == Strings(again)) << "a second parse reported differently";
  FUZZ_CHECK(set.has_value() == set_again.has_value() &&
             (!set || (set->content_hash == set_again->content_hash &&
                       set->rules.size() == set_again->rules.size())))
      << "a second parse returned a different set";
  if (!set) return;

  rules::Diagnostics problems;
  auto compiled = CompiledRuleSet::Compile({std::move(*set)}, CompileOptions{}, &problems);
  CheckAllLocated(problems, 0, text, kRuleFile);
  if (!compiled.ok()) {
    FUZZ_CHECK(!problems.empty() || compiled.status().code() == absl::StatusCode::kInternal)
        << "compile failed without a diagnostic: " << compiled.status();
    return;
  }
  FUZZ_CHECK(problems.empty()) << "compiled despite " << problems[0].ToString();
  CheckAllLocated((*compiled)->report().warnings, 0, text, kRuleFile);
  JudgeExamples(**compiled);
  for (const ExampleResult& result : RunExamples(**compiled)) {
    CheckLocated(result.ToDiagnostic(), text, kRuleFile);
  }
}

void FuzzCommunitiesFile(std::string_view text) {
  rules::Diagnostics diagnostics;
  std::optional<rules::CommunityMap> map =
      rules::ParseCommunities(text, kCommunitiesFile, &diagnostics);
  CheckAllLocated(diagnostics, 0, text, kCommunitiesFile);
  FUZZ_CHECK(map.has_value() == diagnostics.empty())
      << (map ? "a community map despite problems" : "no community map and no problem reported");
  if (map) {
    for (const auto& [id, location] : map->references) {
      CheckLocated({location, "reference to " + id}, text, kCommunitiesFile);
    }
  }
}

}  // namespace
}  // namespace moderation::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    moderation::fuzz::FuzzRuleFile(text);
    moderation::fuzz::FuzzCommunitiesFile(text);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false) << "exception escaped the loader: " << e.what();
  } catch (...) {
    FUZZ_CHECK(false) << "a non-standard exception escaped the loader";
  }
  return 0;
}
