#include "engine/rules/yaml_reader.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/text/utf8.h"

namespace moderation::rules::internal {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// ValidateUtf8 names the bad byte only in its message: "... at byte N".
std::optional<size_t> BadByteOffset(const absl::Status& status) {
  const std::string message(status.message());
  const size_t space = message.rfind(' ');
  size_t offset = 0;
  if (space == std::string::npos || !absl::SimpleAtoi(message.substr(space + 1), &offset)) {
    return std::nullopt;
  }
  return offset;
}

// SimpleAtod/SimpleAtoi also take surrounding blanks, "inf" and "nan";
// a number in a rule file is written with digits and nothing around them.
bool IsNumberText(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.' ||
          c == 'e' || c == 'E')) {
      return false;
    }
  }
  return true;
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// absl::StrJoin does not take std::string_view in this Abseil build.
std::string Join(const std::vector<std::string_view>& values) {
  std::string out;
  for (std::string_view v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

}  // namespace

SourceText::SourceText(std::string_view text, std::string_view filename)
    : text_(text), filename_(filename) {
  // Lines end as YAML (and so yaml-cpp's marks) end them: at "\n", "\r\n"
  // and a lone "\r", so every diagnostic of a file counts lines one way.
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    const bool lone_cr = text_[i] == '\r' && (i + 1 == text_.size() || text_[i + 1] != '\n');
    if (text_[i] == '\n' || lone_cr) line_starts_.push_back(i + 1);
  }
}

SourceLocation SourceText::AtLineByte(size_t line, size_t byte_in_line) const {
  // yaml-cpp reports an error at the end of a file without a final line
  // break on the line after the last one: point at the end of the last line,
  // which an editor can jump to.
  if (line >= line_starts_.size()) {
    const size_t last = line_starts_.size() - 1;
    return AtLineByte(last, text_.size() - line_starts_[last]);
  }
  const size_t start = line_starts_[line];
  const size_t end = std::min(text_.size(), start + byte_in_line);
  // Editors count characters, offsets count bytes: count lead bytes only.
  // Locations are asked for mostly in file order, so counting resumes from
  // the last answer on the same line: a flow list of a million items on one
  // line costs linear time, not quadratic.
  size_t from = start;
  int column = 1;
  if (column_cache_.line == line && column_cache_.byte <= end) {
    from = column_cache_.byte;
    column = column_cache_.column;
  }
  for (size_t i = from; i < end; ++i) {
    if (!IsContinuationByte(text_[i])) ++column;
  }
  column_cache_ = {line, end, column};
  return {filename_, static_cast<int>(line) + 1, column};
}

SourceLocation SourceText::AtOffset(size_t offset) const {
  const auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const size_t line = static_cast<size_t>(next - line_starts_.begin()) - 1;
  return AtLineByte(line, offset - line_starts_[line]);
}

const YamlNode* YamlReader::Parse(const YamlLimits& limits) {
  const absl::Status utf8 = text::ValidateUtf8(source_->text());
  if (!utf8.ok()) {
    const std::optional<size_t> offset = BadByteOffset(utf8);
    Error(offset ? source_->AtOffset(*offset) : source_->WholeFile(),
          "file is not valid UTF-8 (the file must be saved as UTF-8)");
    return nullptr;
  }
  YamlParseError error;
  document_ = YamlDocument::Parse(source_->text(), limits, &error);
  if (document_ == nullptr) {
    SourceLocation where = source_->WholeFile();
    if (error.offset != YamlParseError::kNoOffset) {
      where = source_->AtOffset(error.offset);
    } else if (error.line > 0 && static_cast<size_t>(error.line) > source_->LineCount()) {
      // The parser reports an error at the end of a file without a final
      // line break on the line after the last: point at the end instead.
      where = source_->AtOffset(source_->text().size());
    } else if (error.line > 0) {
      where = {source_->filename(), error.line, error.column};
    }
    Error(where, std::move(error.message));
    return nullptr;
  }
  return &document_->root();
}

bool YamlReader::ChargeTerms(size_t n, const SourceLocation& at) {
  if (over_term_budget_) return false;
  terms_ += n;
  if (terms_ <= kMaxTermsPerFile) return true;
  over_term_budget_ = true;
  Error(at,
        absl::StrCat("the file expands to more than ", kMaxTermsPerFile,
                     " terms (counting every @list reference); split it into several rule sets"));
  return false;
}

SourceLocation YamlReader::Loc(const YamlNode& node) const {
  if (node.offset() == YamlNode::kNoOffset) return source_->WholeFile();
  return source_->AtOffset(node.offset());
}

void YamlReader::Error(const SourceLocation& location, std::string message) {
  diagnostics_->push_back({location, std::move(message)});
}

void SortByLocation(Diagnostics* diagnostics, size_t first) {
  // A rule set's parts report into the same list: each file keeps the place
  // of its first problem, and its problems read top to bottom.
  std::map<std::string, size_t> file_rank;
  for (size_t i = first; i < diagnostics->size(); ++i) {
    file_rank.emplace((*diagnostics)[i].location.file, file_rank.size());
  }
  std::stable_sort(
      diagnostics->begin() + static_cast<ptrdiff_t>(first), diagnostics->end(),
      [&](const Diagnostic& a, const Diagnostic& b) {
        return std::tuple(file_rank.at(a.location.file), a.location.line, a.location.column) <
               std::tuple(file_rank.at(b.location.file), b.location.line, b.location.column);
      });
}

std::optional<std::string> ScalarText(const YamlNode& node) {
  if (!node.IsScalar()) return std::nullopt;
  return node.Scalar();
}

std::optional<double> ScalarNumber(const YamlNode& node) {
  double value = 0;
  if (!node.IsScalar() || !IsNumberText(node.Scalar()) ||
      !absl::SimpleAtod(node.Scalar(), &value) || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<int> ScalarInt(const YamlNode& node) {
  int value = 0;
  if (!node.IsScalar() || !IsNumberText(node.Scalar()) ||
      !absl::SimpleAtoi(node.Scalar(), &value)) {
    return std::nullopt;
  }
  return value;
}

MapReader::MapReader(YamlReader* reader, const YamlNode& node, std::string_view what,
                     std::optional<std::vector<std::string_view>> allowed,
                     std::string_view key_noun)
    : reader_(reader), location_(reader->Loc(node)) {
  if (!node.IsMap()) {
    reader_->Error(location_, absl::StrCat(Quoted(what), " must be a mapping"));
    return;
  }
  is_map_ = true;
  for (const auto& [key_node, value_node] : node.entries()) {
    Entry entry{"", key_node, value_node, reader_->Loc(*key_node), {}};
    entry.value_location = value_node->offset() == YamlNode::kNoOffset ? entry.key_location
                                                                       : reader_->Loc(*value_node);
    std::optional<std::string> key = ScalarText(*key_node);
    if (!key) {
      reader_->Error(entry.key_location,
                     absl::StrCat("keys in ", Quoted(what), " must be strings"));
      continue;
    }
    entry.key = *key;
    if (const Entry* first = Find(entry.key)) {
      reader_->Error(entry.key_location,
                     absl::StrCat("duplicate ", std::string(key_noun), " ", Quoted(entry.key),
                                  " (first at line ", first->key_location.line, ")"));
      continue;
    }
    if (allowed && std::find(allowed->begin(), allowed->end(), entry.key) == allowed->end()) {
      std::string message =
          absl::StrCat("unknown key ", Quoted(entry.key), " in ", std::string(what));
      const std::string hint = DidYouMean(entry.key, *allowed);
      if (!hint.empty()) absl::StrAppend(&message, " (did you mean ", Quoted(hint), "?)");
      reader_->Error(entry.key_location, std::move(message));
      continue;
    }
    entries_.push_back(std::move(entry));
  }
}

const Entry* MapReader::Find(std::string_view key) const {
  for (const Entry& entry : entries_) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

const Entry* MapReader::Get(std::string_view key, bool required) {
  const Entry* entry = Find(key);
  if (!entry && required && is_map_) {
    reader_->Error(location_, absl::StrCat("missing required key ", Quoted(key)));
  }
  return entry;
}

std::optional<std::string> MapReader::String(std::string_view key, bool required) {
  const Entry* entry = Get(key, required);
  if (!entry) return std::nullopt;
  std::optional<std::string> value = ScalarText(*entry->value);
  if (!value) reader_->Error(entry->value_location, absl::StrCat(Quoted(key), " must be a string"));
  return value;
}

std::optional<double> MapReader::Number(std::string_view key, bool required) {
  const Entry* entry = Get(key, required);
  if (!entry) return std::nullopt;
  std::optional<double> value = ScalarNumber(*entry->value);
  if (!value) reader_->Error(entry->value_location, absl::StrCat(Quoted(key), " must be a number"));
  return value;
}

std::optional<int> MapReader::Int(std::string_view key, bool required) {
  const Entry* entry = Get(key, required);
  if (!entry) return std::nullopt;
  std::optional<int> value = ScalarInt(*entry->value);
  if (!value) {
    reader_->Error(entry->value_location, absl::StrCat(Quoted(key), " must be an integer"));
  }
  return value;
}

std::optional<bool> MapReader::Bool(std::string_view key, bool required) {
  const Entry* entry = Get(key, required);
  if (!entry) return std::nullopt;
  if (entry->value->IsScalar()) {
    if (entry->value->Scalar() == "true") return true;
    if (entry->value->Scalar() == "false") return false;
  }
  reader_->Error(entry->value_location, absl::StrCat(Quoted(key), " must be true or false"));
  return std::nullopt;
}

std::optional<size_t> MapReader::Enum(std::string_view key,
                                      const std::vector<std::string_view>& values) {
  std::optional<std::string> text = String(key, kOptional);
  if (!text) return std::nullopt;
  const auto found = std::find(values.begin(), values.end(), *text);
  if (found != values.end()) return static_cast<size_t>(found - values.begin());
  std::string message = absl::StrCat("invalid ", Quoted(key), " value ", Quoted(*text),
                                     " (expected one of: ", Join(values));
  const std::string hint = DidYouMean(*text, values);
  if (!hint.empty()) absl::StrAppend(&message, "; did you mean ", Quoted(hint), "?");
  absl::StrAppend(&message, ")");
  reader_->Error(Find(key)->value_location, std::move(message));
  return std::nullopt;
}

std::vector<LocatedString> StringList(YamlReader* reader, const Entry& entry) {
  const std::string message = absl::StrCat(Quoted(entry.key), " must be a list of strings");
  std::vector<LocatedString> items;
  if (!entry.value->IsSequence()) {
    reader->Error(entry.value_location, message);
    return items;
  }
  for (const YamlNode* item : entry.value->items()) {
    std::optional<std::string> text = ScalarText(*item);
    if (!text) {
      reader->Error(
          item->offset() == YamlNode::kNoOffset ? entry.value_location : reader->Loc(*item),
          message);
      continue;
    }
    items.push_back({std::move(*text), reader->Loc(*item)});
  }
  return items;
}

bool IsValidId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace moderation::rules::internal
