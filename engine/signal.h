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
// A logistic signal (`score: logistic`) has no window: the field's words,
// short ones included, and each pair of adjacent words are looked up; the
// bias plus the weights of the distinct ones found is the field's log-odds,
// a hit when it reaches the threshold's. Its spans are the words of the
// kLogisticSpans heaviest positive entries found, the reasons a moderator
// reads; negative weights (a court report's words) only lower the score,
// and not from a short sentence of their own: a sentence of at most
// kLeftOutSentenceWords words whose entries all weigh against
// ("Polizeibericht.", "The court heard.") adds nothing, else appending one
// would talk any abuse down; a longer one ("Der Mann wurde gestern zu zwei
// Jahren verurteilt.") frames what follows and counts. Sentences end as
// the report vetoes' do (text/sentences.h), in the original text; an entry
// belongs to the sentence of its (last) word.
//
// Cost: one hash lookup per word of the field (two for a logistic signal's
// words, which may start a pair), and a window scan per weighted word
// (bounded by window x top), so linear in the field's words. A logistic
// signal also looks for a sentence end between consecutive hits only, and
// counts a sentence's words only for one whose hits all weigh against
// (stopping past kLeftOutSentenceWords).
//
//   CompiledSignal signal = CompileSignal(*rule.signal, rule_index);
//   SignalBuffers buffers;
//   std::vector<text::ByteRange> spans;
//   if (FindSignal(signal, folded, raw, &buffers, &spans)) ... spans
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

  // `score: logistic` (rules::Signal): entries are features numbered in
  // file order; a word knows its own feature (-1: it only starts or ends
  // pairs) and an id that pairs are keyed by, so a pair is found from its
  // two words without building the string "a b".
  rules::SignalScore score = rules::SignalScore::kWindow;
  double bias = 0;
  double log_odds_threshold = 0;
  struct LogisticWord {
    int32_t feature;
    uint32_t id;
    // Whether some pair starts / ends with this word: a pair is looked up
    // only when the word before may start one and this word may end it.
    bool starts_pair = false;
    bool ends_pair = false;
  };
  absl::flat_hash_map<std::string, LogisticWord> logistic_words;
  absl::flat_hash_map<uint64_t, uint32_t> pairs;  // first id << 32 | second id -> feature
  std::vector<double> feature_weights;
};

// The most spans a logistic signal's hit reports: the heaviest reasons, not
// every word that weighed a little.
inline constexpr size_t kLogisticSpans = 5;

// The longest sentence of negative entries alone that a logistic signal
// leaves out: a tag or a label tacked on, not a report that frames a post.
inline constexpr size_t kLeftOutSentenceWords = 6;

// A weighted word of a field: its position among the field's signal words.
struct SignalHit {
  uint32_t position;  // a logistic signal's pair: its second word's
  uint32_t word;      // CompiledSignal::Weight::index, or a logistic signal's feature
  double weight;
  text::ByteRange range;  // in the folded view
  uint32_t sentence = 0;  // a logistic signal's: the hit's sentence, counted from 0
};

CompiledSignal CompileSignal(const rules::Signal& signal, uint32_t rule);

// FindSignal's per-thread buffers, reused from field to field; their
// contents between calls are unspecified.
struct SignalBuffers {
  std::vector<text::ByteRange> words;
  std::vector<SignalHit> hits;
  std::vector<uint64_t> seen;  // a logistic signal's features found, one bit each
};

// Whether folded (a field's folded view of raw, the field's original text)
// holds a window scoring at least the signal's threshold (a logistic
// signal: whether the field's log-odds reach the threshold's); if so,
// *spans (folded offsets, in text order) are the words the best window
// summed, the first occurrence of each (a logistic signal: those of its
// heaviest positive entries). raw is read only for a logistic signal's
// sentence ends.
bool FindSignal(const CompiledSignal& signal, const text::View& folded, std::string_view raw,
                SignalBuffers* buffers, std::vector<text::ByteRange>* spans);

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_SIGNAL_H_
