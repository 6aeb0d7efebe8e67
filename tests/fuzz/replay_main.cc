// Replays fuzz inputs through a fuzz target without libFuzzer.
//
// Why: CI builds with gcc and has no libFuzzer, yet every seed and every past
// crash input must keep passing. This main() feeds each file to the target's
// LLVMFuzzerTestOneInput, exactly as libFuzzer would, so the same target
// source is a CTest test in the gcc build and a fuzzer in the clang build
// (tests/fuzz/run.sh).
//
//   normalizer_fuzz_replay tests/fuzz/corpus/normalizer tests/fuzz/regressions/normalizer
//
// Arguments are files or directories (every regular file inside, sorted, not
// recursive). Exits 0 when every input ran; a broken invariant or a sanitizer
// report aborts with the input's path in the message. Fails when no input was
// found, so a mistyped corpus path cannot pass silently.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_check.h"

// Under ASan (gcc defines __SANITIZE_ADDRESS__, clang has __has_feature), a
// report names the input being replayed.
#if defined(__SANITIZE_ADDRESS__)
#define MODERATION_HAVE_SANITIZER_INTERFACE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MODERATION_HAVE_SANITIZER_INTERFACE 1
#endif
#endif
#ifdef MODERATION_HAVE_SANITIZER_INTERFACE
#include <sanitizer/common_interface_defs.h>
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> InputsOf(const std::vector<std::string>& args) {
  std::vector<fs::path> inputs;
  for (const std::string& arg : args) {
    if (fs::is_directory(arg)) {
      std::vector<fs::path> files;
      for (const fs::directory_entry& e : fs::directory_iterator(arg)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else if (fs::is_regular_file(arg)) {
      inputs.emplace_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", arg.c_str());
      std::exit(2);
    }
  }
  return inputs;
}

#ifdef MODERATION_HAVE_SANITIZER_INTERFACE
void NameInputOnSanitizerReport() {
  std::fprintf(stderr, "replay: the sanitizer report above is for input %s\n",
               moderation::fuzz::CurrentInputName().c_str());
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  const std::vector<fs::path> inputs = InputsOf(std::vector<std::string>(argv + 1, argv + argc));
  if (inputs.empty()) {
    std::fprintf(stderr, "replay: no inputs given\n");
    return 2;
  }
#ifdef MODERATION_HAVE_SANITIZER_INTERFACE
  __sanitizer_set_death_callback(&NameInputOnSanitizerReport);
#endif
  const auto start = std::chrono::steady_clock::now();
  size_t bytes = 0;
  for (const fs::path& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    if (!in.eof() && in.fail()) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 2;
    }
    moderation::fuzz::SetCurrentInputName(path.string());
    // Like libFuzzer, pass a buffer of exactly the input's size (no slack a
    // read past the end could hide in).
    std::unique_ptr<uint8_t[]> copy(new uint8_t[data.size()]);
    std::copy(data.begin(), data.end(), copy.get());
    LLVMFuzzerTestOneInput(copy.get(), data.size());
    bytes += data.size();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("replay: %zu inputs, %zu bytes, all invariants held (%.2f s)\n", inputs.size(), bytes,
              seconds);
  return 0;
}
