#include "tests/fuzz/fuzz_check.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"

namespace moderation::fuzz {
namespace {

std::string& InputName() {
  static std::string* name = new std::string();
  return *name;
}

}  // namespace

CheckFailure::CheckFailure(const char* file, int line, const char* condition) {
  message_ << file << ":" << line << ": invariant broken: " << condition << ": ";
}

CheckFailure::~CheckFailure() {
  std::string text = message_.str();
  if (!InputName().empty()) text += "\n  input: " + InputName();
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
  std::abort();
}

void SetCurrentInputName(std::string name) { InputName() = std::move(name); }
const std::string& CurrentInputName() { return InputName(); }

bool IsUtf8Boundary(std::string_view text, size_t pos) {
  if (pos == 0 || pos == text.size()) return true;
  if (pos > text.size()) return false;
  return (static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80;
}

std::string Excerpt(std::string_view bytes) {
  const bool cut = bytes.size() > 80;
  const std::string_view head = bytes.substr(0, 80);
  std::string out = "\"" + absl::CHexEscape(absl::string_view(head.data(), head.size())) + "\"";
  if (cut) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

}  // namespace moderation::fuzz
