// The default rules (rules/) for the fuzz targets that judge posts.
//
// Why: the moderate and proto_convert targets judge fuzzed posts with the
// rules the service ships. Loading compiles them (seconds), so it happens
// once per process, with the Hyperscan database cache of the build tree.
//
//   const RuleCatalog& catalog = fuzz::DefaultCatalog();
//
// Environment: MODERATION_FUZZ_RULES (default: the checkout's rules/) and
// MODERATION_FUZZ_CACHE (default: a directory in the build tree; "" = none).
//
// Thread-safety: DefaultCatalog is safe to call from any thread.
#ifndef MODERATION_TESTS_FUZZ_FUZZ_RULES_H_
#define MODERATION_TESTS_FUZZ_FUZZ_RULES_H_

#include "engine/catalog.h"

namespace moderation::fuzz {

// Loaded on first use; aborts with the diagnostics if the rules do not load.
const RuleCatalog& DefaultCatalog();

}  // namespace moderation::fuzz

#endif  // MODERATION_TESTS_FUZZ_FUZZ_RULES_H_
