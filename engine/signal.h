// A compiled `signal:` rule (rules::Signal) and its search over a field.
//
// Why: hand-written rules catch the wordings their writers thought of, and
// each round of them has moved unseen posts by a point or two. A learned
// signal reads what the rules cannot: several loaded words close together
// ("Pack", "Abschaum", "raus") that no one pattern lists. It stays
// explainable: the weights are a file a moderator can read and retrain
// (scripts/train_signal.py), the hit's spans are the words that weighed,
// and no word alone reaches the threshold.
//
// The search: the field's folded view split into signal words
// (text/signal_words.h), each looked up in the weights; for each weighted
// word at position p, the window holds the weighted words at positions p to
// p + window, its score is the sum of the `top` highest weights of its
// distinct words, and the field is a hit when its best window scores at
// least the threshold. scripts/train_signal.py scores posts the same way.
//
// Cost: one hash lookup per word of the field, and a window scan per
// weighted word (bounded by window x top), so linear in the field's words.
//
//   CompiledSignal signal = CompileSignal(*rule.signal, rule_index);
//   std::vector<text::ByteRange> words, spans;
//   std::vector<SignalHit> hits;
//   if (FindSignal(signal, folded.text, &words, &hits, &spans)) ... spans
//
// Thread-safety: a CompiledSignal is immutable after CompileSignal; FindSignal
// may run concurrently on one signal with per-thread buffers.
#ifndef MODERATION_ENGINE_SIGNAL_H_
#define MODERATION_ENGINE_SIGNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/rules/rule.h"
#include "engine/text/normalizer.h"

namespace moderation::internal {

struct CompiledSignal {
  uint32_t rule = 0;  // index of the rule in its part
  int window = 10;
  int top = 3;
  double threshold = 0;
  // Folded word -> (weight, index): the index tells distinct words apart
  // in a window without comparing strings.
  struct Weight {
    double weight;
    uint32_t index;
  };
  absl::flat_hash_map<std::string, Weight> weights;
};

// A weighted word of a field: its position among the field's signal words.
struct SignalHit {
  uint32_t position;
  uint32_t word;  // CompiledSignal::Weight::index
  double weight;
  text::ByteRange range;  // in the folded view
};

CompiledSignal CompileSignal(const rules::Signal& signal, uint32_t rule);

// Whether folded (a field's folded view) holds a window scoring at least the
// signal's threshold; if so, *spans (folded offsets, in text order) are the
// words the best window summed, the first occurrence of each. *words and
// *hits are buffers, their contents afterwards unspecified.
bool FindSignal(const CompiledSignal& signal, std::string_view folded,
                std::vector<text::ByteRange>* words, std::vector<SignalHit>* hits,
                std::vector<text::ByteRange>* spans);

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_SIGNAL_H_
