// A small command-line parser for modctl's subcommands.
//
// Why: each subcommand takes a few `--name value` / `--name=value` options
// and positional arguments; absl::flags is process-global and does not fit
// per-subcommand options. Unknown options are errors (exit code 2).
//
// Thread-safety: a plain value.
#ifndef MODERATION_SERVER_MODCTL_ARGS_H_
#define MODERATION_SERVER_MODCTL_ARGS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace moderation::modctl {

struct ParsedArgs {
  std::map<std::string, std::string> options;  // name without "--" -> value
  std::set<std::string> switches;              // boolean options present
  std::vector<std::string> positional;

  std::optional<std::string> Get(const std::string& name) const;
  bool Has(const std::string& name) const { return switches.count(name) > 0; }
  // The option as an int; InvalidArgument naming the option if malformed.
  absl::StatusOr<std::optional<int>> GetInt(const std::string& name) const;
};

// Parses args (without the program and subcommand names). `with_value` lists
// options that take a value, `switches` boolean ones; anything else starting
// with "--" is an error. "--" ends option parsing.
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::set<std::string>& with_value,
                                     const std::set<std::string>& switches);

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_ARGS_H_
