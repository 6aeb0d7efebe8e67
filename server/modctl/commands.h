// modctl's subcommands. Each takes its arguments (after the subcommand name)
// and returns the process exit code:
//   0  success (validate: no problems; test: every example passed; check,
//      scan and diff: the input was judged)
//   1  problems found (rule files invalid, examples failing, rules failed to
//      load, or an invalid check text)
//   2  usage error (unknown option, missing argument)
//
// Thread-safety: each runs on the main thread.
#ifndef MODERATION_SERVER_MODCTL_COMMANDS_H_
#define MODERATION_SERVER_MODCTL_COMMANDS_H_

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "engine/catalog.h"
#include "server/modctl/args.h"

namespace moderation::modctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;
inline constexpr int kExitUsage = 2;

int RunValidate(const std::vector<std::string>& args);
int RunTest(const std::vector<std::string>& args);
int RunCheck(const std::vector<std::string>& args);
int RunScan(const std::vector<std::string>& args, std::istream& in, std::ostream& out);
int RunDiff(const std::vector<std::string>& args, std::istream& in, std::ostream& out);
// report: exit 0 when the report was written, 1 when a log cannot be read
// or a statement does not fit the DSA schema, 2 on usage errors.
int RunReport(const std::vector<std::string>& args);

// The Hyperscan cache directory: --cache-dir, else $MODERATION_CACHE_DIR,
// else $XDG_CACHE_HOME/moderation or $HOME/.cache/moderation; "" disables it.
std::string DefaultCacheDir();

// Loads a catalog, printing every problem as file:line:col: message to
// stderr. Returns null on failure.
std::shared_ptr<const RuleCatalog> LoadCatalogOrReport(const std::string& path,
                                                       const RuleCatalog::Options& options);

// Whether --skip-examples was given; if so, says on stderr that `command`
// judges with rules whose examples were not run. A moderator trying a rule
// whose examples fail can still see what it decides; `modctl test` and the
// server always run them.
bool SkipExamples(const ParsedArgs& args, const std::string& command);

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_COMMANDS_H_
