// modctl: the moderators' and ops' command-line tool.
//
// Subcommands: validate, test, check, scan, diff, report (see `modctl SUBCOMMAND --help`).
// Exit codes: 0 success, 1 problems found, 2 usage error.
#include <iostream>
#include <string>
#include <vector>

#include "server/modctl/commands.h"

namespace {

constexpr char kUsage[] = R"(usage: modctl COMMAND [options]

commands:
  validate PATH...                 check rule files/directories; print every problem as file:line:col
  test PATH...                     run every rule's embedded examples; print a pass/fail summary
  check --rules PATH TEXT          judge one text and explain the decision with highlighted spans
  scan --rules PATH < in > out     judge JSON Lines posts, one decision per line (batch contract)
  diff --old PATH --new PATH < in  which decisions change if the new rules ship, by rule and category
  report --period P --out DIR LOG... statistics from decision logs (Markdown, CSV); --dsa: statements of reasons

Run `modctl COMMAND --help` for a command's options.
Exit codes: 0 success, 1 problems found (invalid rules, failing examples,
rules that fail to load), 2 usage error.
)";

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) {
    std::cerr << kUsage;
    return moderation::modctl::kExitUsage;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return moderation::modctl::kExitOk;
  }
  if (command == "validate") return moderation::modctl::RunValidate(args);
  if (command == "test") return moderation::modctl::RunTest(args);
  if (command == "check") return moderation::modctl::RunCheck(args);
  if (command == "scan") return moderation::modctl::RunScan(args, std::cin, std::cout);
  if (command == "diff") return moderation::modctl::RunDiff(args, std::cin, std::cout);
  if (command == "report") return moderation::modctl::RunReport(args);
  std::cerr << "modctl: unknown command '" << command << "'\n" << kUsage;
  return moderation::modctl::kExitUsage;
}
