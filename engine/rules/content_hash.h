// Stable content hashes ("sha256:<64 hex>") for rule files and compiled
// database cache keys.
//
// Why: a decision names the exact rule text that produced it, and the
// Hyperscan cache is keyed by what was compiled. Unlike absl::Hash, SHA-256 is
// stable across processes, machines and releases.
//
// Thread-safety: pure function.
#ifndef MODERATION_ENGINE_RULES_CONTENT_HASH_H_
#define MODERATION_ENGINE_RULES_CONTENT_HASH_H_

#include <string>
#include <string_view>

namespace moderation::rules {

// "sha256:" followed by 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace moderation::rules

#endif  // MODERATION_ENGINE_RULES_CONTENT_HASH_H_
