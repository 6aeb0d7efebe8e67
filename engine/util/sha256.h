// Stable content hashes ("sha256:<64 hex>") for rule files and compiled
// database cache keys.
//
// Why: a decision names the exact rule text that produced it, and the
// Hyperscan cache is keyed by what was compiled. Unlike absl::Hash, SHA-256 is
// stable across processes, machines and releases. It lives in its own leaf
// target (engine_util) so that the loader (engine_rules) and the matcher
// (engine_match) can both hash without depending on each other.
//
//   std::string key = util::Sha256Hex(file_bytes);  // "sha256:e3b0c442..."
//
// Thread-safety: pure function.
#ifndef MODERATION_ENGINE_UTIL_SHA256_H_
#define MODERATION_ENGINE_UTIL_SHA256_H_

#include <string>
#include <string_view>

namespace moderation::util {

// "sha256:" followed by 64 lower-case hex digits; "" only if OpenSSL cannot
// allocate its digest context.
std::string Sha256Hex(std::string_view data);

}  // namespace moderation::util

#endif  // MODERATION_ENGINE_UTIL_SHA256_H_
