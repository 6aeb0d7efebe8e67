#include "engine/signal.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "engine/text/sentences.h"
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

// A word of a logistic signal, added once; its id keys the pairs.
CompiledSignal::LogisticWord& AddLogisticWord(std::string_view word, CompiledSignal* compiled) {
  const auto id = static_cast<uint32_t>(compiled->logistic_words.size());
  return compiled->logistic_words
      .try_emplace(absl::string_view(word.data(), word.size()),
                   CompiledSignal::LogisticWord{-1, id, false, false})
      .first->second;
}

void CompileLogistic(const rules::Signal& signal, CompiledSignal* compiled) {
  compiled->bias = signal.bias;
  compiled->log_odds_threshold = rules::LogOdds(signal.threshold);
  compiled->feature_weights.reserve(signal.weights.size());
  for (const rules::SignalWeight& w : signal.weights) {
    const auto feature = static_cast<uint32_t>(compiled->feature_weights.size());
    compiled->feature_weights.push_back(w.weight);
    const size_t space = w.word.find(' ');
    if (space == std::string::npos) {
      AddLogisticWord(w.word, compiled).feature = static_cast<int32_t>(feature);
      continue;
    }
    CompiledSignal::LogisticWord& first =
        AddLogisticWord(std::string_view(w.word).substr(0, space), compiled);
    first.starts_pair = true;
    const uint64_t first_id = first.id;  // before the next insertion moves it
    CompiledSignal::LogisticWord& second =
        AddLogisticWord(std::string_view(w.word).substr(space + 1), compiled);
    second.ends_pair = true;
    compiled->pairs.try_emplace(first_id << 32 | second.id, feature);
  }
}

// Whether the feature was already found in this field; marks it found. A
// bit per feature, so a field's entries are counted once without sorting.
bool SeenBefore(uint32_t feature, std::vector<uint64_t>* seen) {
  uint64_t& bits = (*seen)[feature / 64];
  const uint64_t bit = uint64_t{1} << (feature % 64);
  const bool before = (bits & bit) != 0;
  bits |= bit;
  return before;
}

// Numbers the sentences of a field's hits as they are found, in text order:
// a hit starts a new sentence when a sentence ends between the word it
// belongs to and the last hit's. Only hits are compared, not every pair of
// adjacent words, since sentences are contiguous.
class SentenceCounter {
 public:
  SentenceCounter(const text::View& folded, std::string_view raw) : folded_(folded), raw_(raw) {}
  uint32_t Of(const text::ByteRange& word) {
    if (word == last_word_) return sentence_;
    const text::ByteRange original = folded_.ToOriginal(word.begin, word.end);
    if (any_ && text::SentenceEndBetween(raw_, last_original_, original)) ++sentence_;
    any_ = true;
    last_word_ = word;
    last_original_ = original;
    return sentence_;
  }

 private:
  const text::View& folded_;
  std::string_view raw_;
  bool any_ = false;
  uint32_t sentence_ = 0;
  text::ByteRange last_word_{};
  text::ByteRange last_original_{};
};

// The entries of a logistic signal found in the field's words, each once
// (its first occurrence), in text order, with their sentences.
void FindLogisticEntries(const CompiledSignal& signal, const text::View& folded,
                         std::string_view raw, SignalBuffers* b) {
  b->hits.clear();
  b->seen.assign((signal.feature_weights.size() + 63) / 64, 0);
  SentenceCounter sentences(folded, raw);
  const std::string& text = folded.text;
  const CompiledSignal::LogisticWord* previous = nullptr;
  text::ByteRange previous_range{};
  for (size_t position = 0; position < b->words.size(); ++position) {
    const text::ByteRange& range = b->words[position];
    auto it = signal.logistic_words.find(
        absl::string_view(text.data() + range.begin, range.end - range.begin));
    const CompiledSignal::LogisticWord* word =
        it == signal.logistic_words.end() ? nullptr : &it->second;
    if (word != nullptr && word->ends_pair && previous != nullptr && previous->starts_pair) {
      auto pair = signal.pairs.find(uint64_t{previous->id} << 32 | word->id);
      if (pair != signal.pairs.end() && !SeenBefore(pair->second, &b->seen)) {
        b->hits.push_back({static_cast<uint32_t>(position), pair->second,
                           signal.feature_weights[pair->second],
                           text::ByteRange{previous_range.begin, range.end}, sentences.Of(range)});
      }
    }
    if (word != nullptr && word->feature >= 0) {
      const auto feature = static_cast<uint32_t>(word->feature);
      if (!SeenBefore(feature, &b->seen)) {
        b->hits.push_back({static_cast<uint32_t>(position), feature,
                           signal.feature_weights[feature], range, sentences.Of(range)});
      }
    }
    previous = word;
    previous_range = range;
  }
}

// Whether the sentence holding the words at positions [first, last] has at
// most kLeftOutSentenceWords words: counted outwards from them to the
// sentence's ends, stopping once it has more.
bool IsShortSentence(const std::vector<text::ByteRange>& words, const text::View& folded,
                     std::string_view raw, size_t first, size_t last) {
  auto end_between = [&](size_t a, size_t b) {
    return text::SentenceEndBetween(raw, folded.ToOriginal(words[a].begin, words[a].end),
                                    folded.ToOriginal(words[b].begin, words[b].end));
  };
  size_t count = last - first + 1;
  while (first > 0 && count <= kLeftOutSentenceWords && !end_between(first - 1, first)) {
    --first;
    ++count;
  }
  while (last + 1 < words.size() && count <= kLeftOutSentenceWords &&
         !end_between(last, last + 1)) {
    ++last;
    ++count;
  }
  return count <= kLeftOutSentenceWords;
}

// The bias plus the weights of the hits, sentence by sentence, leaving out
// the short sentences whose hits all weigh against (signal.h).
double LogOddsOf(double bias, const std::vector<SignalHit>& hits,
                 const std::vector<text::ByteRange>& words, const text::View& folded,
                 std::string_view raw) {
  double log_odds = bias;
  for (size_t first = 0; first < hits.size();) {
    size_t last = first;
    double sum = 0;
    bool positive = false;
    for (; last < hits.size() && hits[last].sentence == hits[first].sentence; ++last) {
      sum += hits[last].weight;
      positive = positive || hits[last].weight > 0;
    }
    if (positive ||
        !IsShortSentence(words, folded, raw, hits[first].position, hits[last - 1].position)) {
      log_odds += sum;
    }
    first = last;
  }
  return log_odds;
}

// The logistic form of FindSignal (signal.h).
bool FindLogistic(const CompiledSignal& signal, const text::View& folded, std::string_view raw,
                  SignalBuffers* b, std::vector<text::ByteRange>* spans) {
  text::SignalWords(folded.text, &b->words, /*min_letters=*/1);
  FindLogisticEntries(signal, folded, raw, b);
  const double log_odds = LogOddsOf(signal.bias, b->hits, b->words, folded, raw);
  if (log_odds < signal.log_odds_threshold - kSumTolerance) return false;
  // The reasons: the heaviest positive entries, in text order, overlapping
  // ones (a word and a pair holding it) merged.
  std::vector<SignalHit>& hits = b->hits;
  const size_t reasons = std::min(kLogisticSpans, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(reasons), hits.end(),
                    [](const SignalHit& x, const SignalHit& y) {
                      return x.weight != y.weight ? x.weight > y.weight : x.position < y.position;
                    });
  spans->clear();
  for (size_t i = 0; i < reasons && hits[i].weight > 0; ++i) spans->push_back(hits[i].range);
  std::sort(spans->begin(), spans->end(),
            [](const text::ByteRange& x, const text::ByteRange& y) { return x.begin < y.begin; });
  size_t kept = 0;
  for (const text::ByteRange& span : *spans) {
    if (kept > 0 && span.begin <= (*spans)[kept - 1].end) {
      (*spans)[kept - 1].end = std::max((*spans)[kept - 1].end, span.end);
    } else {
      (*spans)[kept++] = span;
    }
  }
  spans->resize(kept);
  return true;
}

}  // namespace

CompiledSignal CompileSignal(const rules::Signal& signal, uint32_t rule) {
  CompiledSignal compiled;
  compiled.rule = rule;
  compiled.score = signal.score;
  compiled.window = signal.window;
  compiled.top = signal.top;
  compiled.threshold = signal.threshold;
  if (signal.score == rules::SignalScore::kLogistic) {
    CompileLogistic(signal, &compiled);
    return compiled;
  }
  compiled.weights.reserve(signal.weights.size());
  for (const rules::SignalWeight& w : signal.weights) {
    const auto index = static_cast<uint32_t>(compiled.weights.size());
    compiled.weights.try_emplace(w.word, CompiledSignal::Weight{w.weight, index});
  }
  return compiled;
}

bool FindSignal(const CompiledSignal& signal, const text::View& folded_view, std::string_view raw,
                SignalBuffers* buffers, std::vector<text::ByteRange>* spans) {
  if (signal.score == rules::SignalScore::kLogistic) {
    return FindLogistic(signal, folded_view, raw, buffers, spans);
  }
  const std::string_view folded = folded_view.text;
  std::vector<text::ByteRange>* words = &buffers->words;
  std::vector<SignalHit>* hits = &buffers->hits;
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
