// A parsed YAML document: a small tree of located nodes, read with libfyaml
// under hard limits (private to engine_rules).
//
// Why: rule files come from moderators and, through ValidateRules/TestPost,
// from admin callers over the network, so parsing must end and stay small
// whatever the bytes are. yaml-cpp 0.7 did neither: YAML::LoadAll(",") never
// returned and allocated until the OOM killer came, and its recursive
// descent overflows the stack on deep nesting. libfyaml (Debian
// libfyaml-dev) is a YAML 1.2 parser that is fuzzed upstream, streams events
// without recursion and reports errors as values. On top of it this file
// enforces a size, depth and node budget, and refuses aliases (the "billion
// laughs" expansion), so a load's memory is bounded by the limits below.
//
//   YamlParseError error;
//   std::unique_ptr<YamlDocument> doc = YamlDocument::Parse(text, {}, &error);
//   if (!doc) Report(error.line, error.column, error.message);
//   for (const auto& [key, value] : doc->root().entries()) ...
//
// Thread-safety: a YamlDocument is immutable after Parse; read it from any
// number of threads.
#ifndef MODERATION_ENGINE_RULES_YAML_TREE_H_
#define MODERATION_ENGINE_RULES_YAML_TREE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moderation::rules::internal {

// The budget of one file. The defaults hold 50,000-term rule files (about
// 1 MB and 100,000 nodes) with room to spare; what they bound is a hostile
// file, whose parse then takes at most about 100 MB and well under a second.
struct YamlLimits {
  size_t max_bytes = 16u << 20;  // the file's size
  int max_depth = 64;            // nesting of mappings and sequences
  size_t max_nodes = 1'000'000;  // scalars, mappings and sequences together
};

// Where and why a parse failed: a byte offset when the problem is at a node,
// else line/column from the parser (1-based, the column in code points, as
// editors count); neither known means the whole file.
struct YamlParseError {
  static constexpr size_t kNoOffset = static_cast<size_t>(-1);
  size_t offset = kNoOffset;
  int line = 0;
  int column = 0;
  std::string message;
};

class YamlNode {
 public:
  enum class Kind : uint8_t { kNull, kScalar, kSequence, kMapping };
  static constexpr size_t kNoOffset = static_cast<size_t>(-1);
  using MapEntry = std::pair<const YamlNode*, const YamlNode*>;

  Kind kind() const { return kind_; }
  // A plain "", "~" or "null" is null; a quoted "null" is the string "null".
  bool IsNull() const { return kind_ == Kind::kNull; }
  bool IsScalar() const { return kind_ == Kind::kScalar; }
  bool IsSequence() const { return kind_ == Kind::kSequence; }
  bool IsMap() const { return kind_ == Kind::kMapping; }
  // The scalar's text; empty for other kinds.
  const std::string& Scalar() const { return scalar_; }
  // Byte offset of the node's first character in the file, or kNoOffset
  // (an empty value has no position of its own).
  size_t offset() const { return offset_; }
  // Items of a sequence (empty otherwise).
  const std::vector<const YamlNode*>& items() const { return items_; }
  // Key/value pairs of a mapping in file order (empty otherwise).
  const std::vector<MapEntry>& entries() const { return entries_; }
  // Number of items or entries.
  size_t size() const { return IsMap() ? entries_.size() : items_.size(); }

 private:
  friend class YamlTreeBuilder;
  Kind kind_ = Kind::kNull;
  size_t offset_ = kNoOffset;
  std::string scalar_;
  std::vector<const YamlNode*> items_;
  std::vector<MapEntry> entries_;
};

class YamlDocument {
 public:
  // Parses `text`, which must hold at most one YAML document (none gives a
  // null root). On any problem returns null and fills *error.
  static std::unique_ptr<YamlDocument> Parse(std::string_view text, const YamlLimits& limits,
                                             YamlParseError* error);

  const YamlNode& root() const { return *root_; }
  size_t node_count() const { return nodes_.size(); }

 private:
  friend class YamlTreeBuilder;
  YamlDocument() = default;

  std::deque<YamlNode> nodes_;  // stable addresses: nodes point at each other
  const YamlNode* root_ = nullptr;
};

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_YAML_TREE_H_
