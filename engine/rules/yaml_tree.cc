#include "engine/rules/yaml_tree.h"

#include <libfyaml.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace moderation::rules::internal {
namespace {

// libfyaml reports errors through its diagnostic object as formatted lines,
// "<input>:LINE:COLUMN: error: MESSAGE", followed by the source line and a
// caret. Version 0.7 has no way to collect them as values, so the first
// error line is parsed here; the context lines are dropped.
struct DiagCapture {
  bool have_error = false;
  YamlParseError error;
};

void CaptureDiag(struct fy_diag*, void* user, const char* buf, size_t len) {
  auto* capture = static_cast<DiagCapture*>(user);
  if (capture->have_error) return;
  const std::string_view line(buf, len);
  const size_t tag = line.find(": error: ");
  if (tag == std::string_view::npos) return;
  capture->have_error = true;
  std::string_view message = line.substr(tag + 9);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.remove_suffix(1);
  }
  capture->error.message = std::string(message);
  // Walk back over ":COLUMN" and ":LINE" before the tag.
  const std::string_view head = line.substr(0, tag);
  const size_t colon2 = head.rfind(':');
  if (colon2 == std::string_view::npos || colon2 == 0) return;
  const size_t colon1 = head.rfind(':', colon2 - 1);
  if (colon1 == std::string_view::npos) return;
  // This Abseil build's string_view is its own type, not std::string_view.
  const std::string line_text(head.substr(colon1 + 1, colon2 - colon1 - 1));
  const std::string column_text(head.substr(colon2 + 1));
  int l = 0, c = 0;
  if (absl::SimpleAtoi(line_text, &l) && absl::SimpleAtoi(column_text, &c) && l > 0 && c > 0) {
    capture->error.line = l;
    capture->error.column = c;
  }
}

struct ParserDeleter {
  void operator()(fy_parser* p) const { fy_parser_destroy(p); }
};
struct DiagDeleter {
  void operator()(fy_diag* d) const { fy_diag_destroy(d); }
};

size_t EventOffset(fy_event* event) {
  const fy_mark* mark = fy_event_start_mark(event);
  return mark == nullptr || mark->line < 0 ? YamlNode::kNoOffset : mark->input_pos;
}

bool IsPlainNull(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

// 1-based line of a byte offset.
int LineOf(std::string_view input, size_t offset) {
  return 1 + static_cast<int>(std::count(input.begin(), input.begin() + offset, '\n'));
}

// "missing comma" on a later line than the innermost open '[' or '{' almost
// always means that bracket was never closed: the parser read the following
// lines as more items. The problem starts at the bracket, so point there and
// say where the parser gave up.
void PointAtUnclosedFlowCollection(std::string_view input, size_t open_offset,
                                   YamlParseError* error) {
  if (open_offset == YamlNode::kNoOffset || open_offset >= input.size()) return;
  const int open_line = LineOf(input, open_offset);
  if (error->line <= open_line) return;  // a genuine missing comma on the bracket's line
  error->message = absl::StrCat("YAML syntax error: this '", std::string(1, input[open_offset]),
                                "' is not closed (the parser stopped at line ", error->line, ": ",
                                error->message.substr(error->message.find(": ") + 2), ")");
  error->offset = open_offset;
}

}  // namespace

// Turns the event stream of one parser into a YamlDocument, one event at a
// time: no recursion, so nesting costs heap, not stack, and the depth limit
// is ours.
class YamlTreeBuilder {
 public:
  YamlTreeBuilder(std::string_view input, const YamlLimits& limits, YamlParseError* error)
      : input_(input), limits_(limits), error_(error), doc_(new YamlDocument()) {}

  // False (with *error_ set) to stop.
  bool Handle(fy_event* event) {
    switch (event->type) {
      case FYET_DOCUMENT_START:
        if (++documents_ > 1) {
          return Fail(EventOffset(event),
                      "a file holds one YAML document; remove the '---' separator");
        }
        return true;
      case FYET_MAPPING_START:
        return Open(event, YamlNode::Kind::kMapping);
      case FYET_SEQUENCE_START:
        return Open(event, YamlNode::Kind::kSequence);
      case FYET_MAPPING_END:
      case FYET_SEQUENCE_END:
        if (!open_.empty()) open_.pop_back();
        return true;
      case FYET_SCALAR:
        return Scalar(event);
      case FYET_ALIAS:
        return Fail(AliasOffset(event),
                    "aliases ('*name') are not supported in rule files; write the value out");
      default:
        return true;
    }
  }

  // The innermost flow collection ('[' or '{') still open, if any: an
  // unclosed one is where a "without a closing bracket" error starts, not
  // the end of the file where the parser notices it.
  size_t OpenFlowCollectionOffset() const {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
      const size_t at = it->node->offset();
      if (at < input_.size() && (input_[at] == '[' || input_[at] == '{')) return at;
    }
    return YamlNode::kNoOffset;
  }

  // libfyaml marks an alias at its name; point at the '*'.
  size_t AliasOffset(fy_event* event) const {
    const size_t at = EventOffset(event);
    return at != YamlNode::kNoOffset && at > 0 && at <= input_.size() && input_[at - 1] == '*'
               ? at - 1
               : at;
  }

  std::unique_ptr<YamlDocument> Finish() {
    if (doc_->root_ == nullptr) doc_->root_ = &doc_->nodes_.emplace_back();
    return std::move(doc_);
  }

 private:
  bool Fail(size_t offset, std::string message) {
    error_->offset = offset;
    error_->message = std::move(message);
    return false;
  }

  YamlNode* NewNode(fy_event* event, YamlNode::Kind kind) {
    if (doc_->nodes_.size() >= limits_.max_nodes) {
      Fail(EventOffset(event), absl::StrCat("the file has more than ", limits_.max_nodes,
                                            " YAML nodes; split it into several rule sets"));
      return nullptr;
    }
    YamlNode& node = doc_->nodes_.emplace_back();
    node.kind_ = kind;
    node.offset_ = EventOffset(event);
    return &node;
  }

  // Hangs `node` under the innermost open collection (or makes it the root).
  void Attach(const YamlNode* node) {
    if (open_.empty()) {
      if (doc_->root_ == nullptr) doc_->root_ = node;
      return;
    }
    OpenCollection& parent = open_.back();
    if (parent.node->IsSequence()) {
      parent.node->items_.push_back(node);
    } else if (parent.pending_key == nullptr) {
      parent.pending_key = node;
    } else {
      parent.node->entries_.emplace_back(parent.pending_key, node);
      parent.pending_key = nullptr;
    }
  }

  bool Open(fy_event* event, YamlNode::Kind kind) {
    if (static_cast<int>(open_.size()) >= limits_.max_depth) {
      return Fail(EventOffset(event), absl::StrCat("nesting deeper than ", limits_.max_depth,
                                                   " levels of mappings and lists"));
    }
    YamlNode* node = NewNode(event, kind);
    if (node == nullptr) return false;
    Attach(node);
    open_.push_back({node, nullptr});
    return true;
  }

  bool Scalar(fy_event* event) {
    size_t length = 0;
    const char* text = fy_token_get_text(event->scalar.value, &length);
    const std::string_view value(text == nullptr ? "" : text, text == nullptr ? 0 : length);
    const bool plain = fy_token_scalar_style(event->scalar.value) == FYSS_PLAIN;
    const bool null = plain && IsPlainNull(value);
    YamlNode* node = NewNode(event, null ? YamlNode::Kind::kNull : YamlNode::Kind::kScalar);
    if (node == nullptr) return false;
    // libfyaml marks a quoted scalar at its first character; moderators
    // (and the column numbers in our messages) count from the quote.
    const size_t at = node->offset_;
    if (!plain && at != YamlNode::kNoOffset && at > 0 && at <= input_.size() &&
        (input_[at - 1] == '"' || input_[at - 1] == '\'')) {
      node->offset_ = at - 1;
    }
    if (!null) node->scalar_ = std::string(value);
    Attach(node);
    return true;
  }

  struct OpenCollection {
    YamlNode* node;
    const YamlNode* pending_key;  // a mapping's key waiting for its value
  };

  const std::string_view input_;
  const YamlLimits& limits_;
  YamlParseError* error_;
  std::unique_ptr<YamlDocument> doc_;
  std::vector<OpenCollection> open_;
  int documents_ = 0;
};

std::unique_ptr<YamlDocument> YamlDocument::Parse(std::string_view text, const YamlLimits& limits,
                                                  YamlParseError* error) {
  *error = YamlParseError();
  if (text.size() > limits.max_bytes) {
    error->message = absl::StrCat("the file has ", text.size(),
                                  " bytes; rule files are limited to ", limits.max_bytes, " bytes");
    return nullptr;
  }
  // libfyaml reads the bytes in place and documents a NUL-terminated string:
  // give it one that outlives the parser (declared first, destroyed last).
  const std::string input(text);
  DiagCapture capture;
  fy_diag_cfg diag_cfg;
  fy_diag_cfg_default(&diag_cfg);
  diag_cfg.fp = nullptr;
  diag_cfg.output_fn = CaptureDiag;
  diag_cfg.user = &capture;
  diag_cfg.colorize = false;
  std::unique_ptr<fy_diag, DiagDeleter> diag(fy_diag_create(&diag_cfg));
  fy_parse_cfg cfg{};
  cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET);
  cfg.diag = diag.get();
  std::unique_ptr<fy_parser, ParserDeleter> parser(fy_parser_create(&cfg));
  if (!diag || !parser) {
    error->message = "cannot create the YAML parser (out of memory?)";
    return nullptr;
  }
  if (fy_parser_set_string(parser.get(), input.c_str(), input.size()) != 0) {
    error->message = "cannot start the YAML parser";
    return nullptr;
  }
  YamlTreeBuilder builder(input, limits, error);
  while (fy_event* event = fy_parser_parse(parser.get())) {
    const bool go_on = builder.Handle(event);
    fy_parser_event_free(parser.get(), event);
    if (!go_on) return nullptr;
  }
  if (fy_parser_get_stream_error(parser.get())) {
    if (capture.have_error) {
      *error = capture.error;
      error->message = absl::StrCat("YAML syntax error: ", error->message);
    } else {
      error->message = "YAML syntax error";
    }
    if (error->message.find("without a closing") != std::string::npos) {
      error->offset = builder.OpenFlowCollectionOffset();
    } else if (error->message.find("missing comma in flow") != std::string::npos) {
      PointAtUnclosedFlowCollection(input, builder.OpenFlowCollectionOffset(), error);
    }
    return nullptr;
  }
  return builder.Finish();
}

}  // namespace moderation::rules::internal
