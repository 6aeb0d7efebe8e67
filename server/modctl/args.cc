#include "server/modctl/args.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace moderation::modctl {

std::optional<std::string> ParsedArgs::Get(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::optional<int>> ParsedArgs::GetInt(const std::string& name) const {
  std::optional<std::string> value = Get(name);
  if (!value) return std::optional<int>();
  int parsed = 0;
  if (!absl::SimpleAtoi(*value, &parsed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " expects an integer, got '", *value, "'"));
  }
  return std::optional<int>(parsed);
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::set<std::string>& with_value,
                                     const std::set<std::string>& switches) {
  ParsedArgs parsed;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      if (arg == "--" && !options_done) {
        options_done = true;
        continue;
      }
      parsed.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (switches.count(name) > 0 && !value) {
      parsed.switches.insert(name);
    } else if (with_value.count(name) > 0) {
      if (!value) {
        if (i + 1 >= args.size())
          return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
        value = args[++i];
      }
      parsed.options[name] = *value;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", name));
    }
  }
  return parsed;
}

}  // namespace moderation::modctl
