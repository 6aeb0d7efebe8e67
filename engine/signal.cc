#include "engine/signal.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "engine/text/signal_words.h"

namespace moderation::internal {
namespace {

using Chosen = absl::InlinedVector<const SignalHit*, 10>;  // top <= kMaxSignalTop

// Weights are written with two decimals and summed in binary floating
// point; see FindSignal.
constexpr double kSumTolerance = 1e-9;

// The `top` highest-weighted distinct words of the window hits[first..last),
// highest first, each as its first occurrence; equal weights keep text
// order, as the trainer's sort does. A word already chosen is skipped; one
// seen but not chosen cannot enter later either, since its weight is not
// above the lowest chosen one. So the cost is window x top per window, and
// a 64 KiB post of weighted words stays in the milliseconds.
Chosen ChooseTop(const std::vector<SignalHit>& hits, size_t first, size_t last, int top) {
  Chosen chosen;
  const auto limit = static_cast<size_t>(top);
  for (size_t k = first; k < last; ++k) {
    const SignalHit& hit = hits[k];
    if (std::any_of(chosen.begin(), chosen.end(),
                    [&](const SignalHit* c) { return c->word == hit.word; })) {
      continue;
    }
    if (chosen.size() == limit && !(hit.weight > chosen.back()->weight)) continue;
    auto at = std::find_if(chosen.begin(), chosen.end(),
                           [&](const SignalHit* c) { return hit.weight > c->weight; });
    chosen.insert(at, &hit);
    if (chosen.size() > limit) chosen.pop_back();
  }
  return chosen;
}

double Sum(const Chosen& chosen) {
  double sum = 0;
  for (const SignalHit* hit : chosen) sum += hit->weight;
  return sum;
}

}  // namespace

CompiledSignal CompileSignal(const rules::Signal& signal, uint32_t rule) {
  CompiledSignal compiled;
  compiled.rule = rule;
  compiled.window = signal.window;
  compiled.top = signal.top;
  compiled.threshold = signal.threshold;
  compiled.weights.reserve(signal.weights.size());
  for (const rules::SignalWeight& w : signal.weights) {
    const auto index = static_cast<uint32_t>(compiled.weights.size());
    compiled.weights.try_emplace(w.word, CompiledSignal::Weight{w.weight, index});
  }
  return compiled;
}

bool FindSignal(const CompiledSignal& signal, std::string_view folded,
                std::vector<text::ByteRange>* words, std::vector<SignalHit>* hits,
                std::vector<text::ByteRange>* spans) {
  text::SignalWords(folded, words);
  hits->clear();
  for (size_t position = 0; position < words->size(); ++position) {
    const text::ByteRange& range = (*words)[position];
    // absl::string_view: this Abseil's is not std::string_view.
    auto it = signal.weights.find(
        absl::string_view(folded.data() + range.begin, range.end - range.begin));
    if (it == signal.weights.end()) continue;
    hits->push_back({static_cast<uint32_t>(position), it->second.index, it->second.weight, range});
  }
  double best = 0;
  Chosen best_words;
  for (size_t first = 0, last = 0; first < hits->size(); ++first) {
    const uint32_t end = (*hits)[first].position + static_cast<uint32_t>(signal.window);
    last = std::max(last, first);
    while (last < hits->size() && (*hits)[last].position <= end) ++last;
    Chosen chosen = ChooseTop(*hits, first, last, signal.top);
    const double score = Sum(chosen);
    if (score > best) {
      best = score;
      best_words = std::move(chosen);
    }
  }
  // 1.9 + 1.9 + 1.9 falls a hair short of 5.7 in binary floating point,
  // where the trainer sums exact hundredths. The tolerance is far below the
  // weights' precision.
  if (best < signal.threshold - kSumTolerance) return false;
  spans->clear();
  for (const SignalHit* hit : best_words) spans->push_back(hit->range);
  std::sort(spans->begin(), spans->end(),
            [](const text::ByteRange& a, const text::ByteRange& b) { return a.begin < b.begin; });
  return true;
}

}  // namespace moderation::internal
