// The "--name=value" flags of the small bench programs (engine_ir, pulse_ir,
// post_cost), which take a handful of flags and no flag library.
//
// Why: each of them carried its own copy of this lookup.
//
//   const std::string rules = Flag(argc, argv, "rules", "rules/");
//
// Thread-safety: pure functions.
#ifndef MODERATION_BENCH_CLI_FLAG_H_
#define MODERATION_BENCH_CLI_FLAG_H_

#include <string>
#include <string_view>

namespace moderation::bench {

// The value of the first "--name=value" argument, or `fallback`.
inline std::string Flag(int argc, char** argv, std::string_view name, std::string fallback) {
  const std::string prefix = "--" + std::string(name) + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).starts_with(prefix)) return argv[i] + prefix.size();
  }
  return fallback;
}

}  // namespace moderation::bench

#endif  // MODERATION_BENCH_CLI_FLAG_H_
