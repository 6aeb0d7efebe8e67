// Invariant checks for the fuzz targets, and helpers they share.
//
// Why: a fuzz target that only waits for a crash finds memory errors; one
// that asserts the engine's contracts (spans inside their field and on UTF-8
// boundaries, stable decisions, monotonic offset maps, located diagnostics)
// also finds wrong answers. FUZZ_CHECK stops the process with a message that
// names the broken invariant and the input, so libFuzzer saves the input as a
// crash and the replay driver (replay_main.cc) fails its CTest test.
//
//   FUZZ_CHECK(span.end <= field.size()) << "span " << span.start << ".." << span.end;
//
// Thread-safety: single-threaded, as libFuzzer runs targets.
#ifndef MODERATION_TESTS_FUZZ_FUZZ_CHECK_H_
#define MODERATION_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

namespace moderation::fuzz {

// Collects a failure message; its destructor prints it and aborts.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return message_; }

 private:
  std::ostringstream message_;
};

// The input being replayed ("" under libFuzzer, which reports it itself).
void SetCurrentInputName(std::string name);
const std::string& CurrentInputName();

// True if pos is 0, text.size(), or the first byte of a UTF-8 sequence.
bool IsUtf8Boundary(std::string_view text, size_t pos);

// Printable excerpt of bytes for failure messages (escapes, at most 80 bytes).
std::string Excerpt(std::string_view bytes);

}  // namespace moderation::fuzz

#define FUZZ_CHECK(condition) \
  if (condition) {            \
  } else                      \
    ::moderation::fuzz::CheckFailure(__FILE__, __LINE__, #condition).stream()

#endif  // MODERATION_TESTS_FUZZ_FUZZ_CHECK_H_
