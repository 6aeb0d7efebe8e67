#include "tests/fuzz/fuzz_rules.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace moderation::fuzz {
namespace {

std::string FromEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

std::shared_ptr<const RuleCatalog> Load() {
  RuleCatalog::Options options;
  options.compile.cache_dir = FromEnv("MODERATION_FUZZ_CACHE", MODERATION_FUZZ_CACHE_DIR);
  // The examples are checked by `modctl test` and the engine tests; fuzzing
  // needs only the compiled rules.
  options.run_examples = false;
  const std::string path = FromEnv("MODERATION_FUZZ_RULES", MODERATION_FUZZ_RULES_DIR);
  rules::Diagnostics problems;
  auto catalog = RuleCatalog::Load(path, options, &problems);
  if (!catalog.ok()) {
    std::fprintf(stderr, "fuzz: cannot load rules from %s: %s\n", path.c_str(),
                 std::string(catalog.status().message()).c_str());
    std::abort();
  }
  return *catalog;
}

}  // namespace

const RuleCatalog& DefaultCatalog() {
  static const std::shared_ptr<const RuleCatalog>* catalog =
      new std::shared_ptr<const RuleCatalog>(Load());
  return **catalog;
}

}  // namespace moderation::fuzz
