// Parsing of a rule's `signal:` (private to engine_rules).
//
// Why a file of its own: a signal carries thousands of learned weights, each
// an entry "word weight" that must be checked on its own line (one word as
// the engine splits words, a weight below the threshold, no word twice), so
// that a retrained file with one bad entry says which one.
//
//   signal:
//     window: 10        # words after the first of a window (1..50)
//     top: 3            # weights summed per window (2..10)
//     threshold: 7      # a window scoring this much or more is a hit
//     weights: ["verrecken 3.1", "pack 2.4", "abschaum 2.9"]
//
//   signal:
//     score: logistic   # a logistic model over the whole field
//     bias: -1.4        # log-odds of a field without weighted words
//     threshold: 0.9    # a probability of 0.9 or more is a hit
//     weights: ["umbringen 1.1", "ich dich 0.9", "gericht -0.8"]
//
// Thread-safety: single-threaded helpers, one per file being loaded.
#ifndef MODERATION_ENGINE_RULES_SIGNAL_PARSER_H_
#define MODERATION_ENGINE_RULES_SIGNAL_PARSER_H_

#include <optional>

#include "engine/rules/rule.h"
#include "engine/rules/yaml_reader.h"

namespace moderation::rules::internal {

inline constexpr int kMaxSignalWindow = 50;
inline constexpr int kMaxSignalTop = 10;

// The signal of `signal:`; nullopt (with problems reported) when it is not
// a mapping. Problems in single weights are reported and those weights left
// out, so every bad entry of a file is reported at once.
std::optional<Signal> ParseSignal(YamlReader* reader, const Entry& entry);

}  // namespace moderation::rules::internal

#endif  // MODERATION_ENGINE_RULES_SIGNAL_PARSER_H_
