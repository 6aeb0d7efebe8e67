// Typed, located access to a parsed YAML document (private to engine_rules).
//
// Why: every problem in a rule file must be reported with the file:line:col
// of the offending key or value, and all of them in one pass. The tree comes
// from yaml_tree.h (libfyaml under size, depth and node limits); this layer
// turns positions into 1-based, code-point columns (as editors count) and
// type problems into Diagnostics.
//
//   SourceText source(text, "rules/de.yaml");
//   YamlReader reader(&source, &diagnostics);
//   const YamlNode* root = reader.Parse();
//   MapReader top(&reader, *root, "rule file", {"ruleset", "version"});
//   std::optional<std::string> id = top.String("ruleset", kRequired);
//
// Thread-safety: single-threaded helpers, one per file being loaded.
#ifndef MODERATION_ENGINE_RULES_YAML_READER_H_
#define MODERATION_ENGINE_RULES_YAML_READER_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rules/diagnostic.h"
#include "engine/rules/yaml_tree.h"

namespace moderation::rules::internal {

// A file's text with a line index, to turn byte positions into locations.
// Not thread-safe: location lookups update a cache.
class SourceText {
 public:
  // `text` must outlive this object.
  SourceText(std::string_view text, std::string_view filename);

  SourceLocation AtOffset(size_t offset) const;
  SourceLocation WholeFile() const { return {filename_, 0, 0}; }
  // Lines as YAML counts them (a final line without a break counts).
  size_t LineCount() const { return line_starts_.size(); }
  std::string_view text() const { return text_; }
  const std::string& filename() const { return filename_; }

 private:
  SourceLocation AtLineByte(size_t line, size_t byte_in_line) const;

  std::string_view text_;
  std::string filename_;
  std::vector<size_t> line_starts_;  // byte offset of each line's first byte
  // The last column computed, to resume counting from (see AtLineByte).
  struct ColumnCache {
    size_t line = static_cast<size_t>(-1);
    size_t byte = 0;
    int column = 1;
  };
  mutable ColumnCache column_cache_;
};

// Collects diagnostics for one file.
class YamlReader {
 public:
  YamlReader(const SourceText* source, Diagnostics* diagnostics)
      : source_(source), diagnostics_(diagnostics) {}

  // Validates UTF-8 and parses one YAML document within `limits`; null
  // (with a located diagnostic) on invalid bytes, syntax errors or a file
  // over its budget. The tree lives as long as this reader.
  const YamlNode* Parse(const YamlLimits& limits = YamlLimits());

  // Counts `n` more word-list terms against the file's budget
  // (kMaxTermsPerFile, counted after @list expansion, so a list referenced
  // by many rules cannot multiply itself past it). The first charge over the
  // budget reports an error at `at`; it and all later ones return false.
  bool ChargeTerms(size_t n, const SourceLocation& at);

  SourceLocation Loc(const YamlNode& node) const;
  void Error(const SourceLocation& location, std::string message);
  void Error(const YamlNode& node, std::string message) { Error(Loc(node), std::move(message)); }
  const SourceText& source() const { return *source_; }

 private:
  const SourceText* source_;
  Diagnostics* diagnostics_;
  std::unique_ptr<YamlDocument> document_;
  size_t terms_ = 0;
  bool over_term_budget_ = false;
};

// The most word-list terms (and allow entries) one file may expand to,
// counted after @list expansion and spelling variants (`spellings:`), so a
// list referenced by many rules counts once per reference. A file of 400,000
// distinct terms loads and compiles in 1.8 s with 175 MB resident (`modctl
// validate`, 2-core Xeon). The shipped de.yaml counts about 520,000 (most of
// them spelling variants of phrase-slot words, counted once per reference)
// and validates in 6 to 13 s with about 320 MB resident, examples included;
// the budget leaves it room to grow and still bounds a hostile file to
// seconds and well under a gigabyte.
inline constexpr size_t kMaxTermsPerFile = 1'000'000;

// Sorts the diagnostics from `first` on by line and column within each file
// (files in the order of their first problem), so a file's problems read top
// to bottom whatever order the checks ran in.
void SortByLocation(Diagnostics* diagnostics, size_t first);

// Parses one YAML file's text with parse_document(YamlReader*, root), which
// returns std::optional<T>. Every exception becomes a file-level diagnostic,
// the file's diagnostics are sorted by location, and any problem yields
// nullopt: a file is used whole or not at all.
template <typename T, typename ParseDocumentFn>
std::optional<T> ParseYamlFile(std::string_view yaml_text, std::string_view filename,
                               Diagnostics* diagnostics, ParseDocumentFn parse_document) {
  Diagnostics local;
  if (diagnostics == nullptr) diagnostics = &local;
  const size_t errors_before = diagnostics->size();
  const auto file_problem = [&](std::string message) {
    diagnostics->push_back({{std::string(filename), 0, 0}, std::move(message)});
  };
  try {
    SourceText source(yaml_text, filename);
    YamlReader reader(&source, diagnostics);
    const YamlNode* root = reader.Parse();
    if (root == nullptr) return std::nullopt;
    std::optional<T> parsed = parse_document(&reader, *root);
    SortByLocation(diagnostics, errors_before);
    if (!parsed || diagnostics->size() != errors_before) return std::nullopt;
    return parsed;
  } catch (const std::exception& e) {
    file_problem(std::string("cannot load: ") + e.what());
  } catch (...) {
    file_problem("cannot load: unknown error");
  }
  return std::nullopt;
}

// One key: value pair of a mapping.
// The nodes belong to the YamlReader's document.
struct Entry {
  std::string key;
  const YamlNode* key_node = nullptr;
  const YamlNode* value = nullptr;
  SourceLocation key_location;
  SourceLocation value_location;  // the key's location when the value is empty
};

inline constexpr bool kRequired = true;
inline constexpr bool kOptional = false;

// The entries of one mapping. Construction reports a non-mapping node,
// duplicate keys and (when `allowed` is given) unknown keys with a
// did-you-mean hint. Getters report missing required keys and wrong types
// and return nullopt for them.
class MapReader {
 public:
  MapReader(YamlReader* reader, const YamlNode& node, std::string_view what,
            std::optional<std::vector<std::string_view>> allowed,
            std::string_view key_noun = "key");

  bool is_map() const { return is_map_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const SourceLocation& location() const { return location_; }
  const Entry* Find(std::string_view key) const;
  bool Has(std::string_view key) const { return Find(key) != nullptr; }

  // Reports "missing required key" at the mapping when required.
  const Entry* Get(std::string_view key, bool required);
  std::optional<std::string> String(std::string_view key, bool required);
  std::optional<double> Number(std::string_view key, bool required);
  std::optional<int> Int(std::string_view key, bool required);
  // true/false (YAML 1.2 spelling only: no yes/no/on/off).
  std::optional<bool> Bool(std::string_view key, bool required);
  // The index of the value in `values`; reports other values with a hint.
  std::optional<size_t> Enum(std::string_view key, const std::vector<std::string_view>& values);

 private:
  YamlReader* reader_;
  bool is_map_ = false;
  SourceLocation location_;
  std::vector<Entry> entries_;
};

// A scalar's text, or nullopt for maps, lists and empty values.
std::optional<std::string> ScalarText(const YamlNode& node);
std::optional<double> ScalarNumber(const YamlNode& node);
std::optional<int> ScalarInt(const YamlNode& node);

// Reports "'<what>' must be a list of strings" at a non-list value or at each
// non-string item; returns the string items that were fine.
struct LocatedString {
  std::string text;
  SourceLocation location;
};
std::vector<LocatedString> StringList(YamlReader* reader, const Entry& entry);

// Rule-set, rule and community ids: non-empty; letters, digits, '.', '_', '-'.
bool IsValidId(std::string_view id);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_YAML_READER_H_
