#include "engine/match/phrase_match.h"

#include <algorithm>

namespace moderation::match {
namespace {

class PhraseSearch {
 public:
  PhraseSearch(const PhraseShape& shape, const std::vector<PhraseSlotHit>& hits)
      : shape_(shape), hits_(hits), by_slot_(shape.slots) {
    for (size_t i = 0; i < hits.size(); ++i) {
      if (hits[i].slot < shape.slots) by_slot_[hits[i].slot].push_back(i);
    }
    // The widest window a match can have: `within` free words plus every
    // slot's widest hit. A slot term of several words ("we know", "your
    // face") fills several words, so counting one word per slot would prune
    // matches that WithinAtEnd accepts.
    max_span_ = static_cast<size_t>(shape.within);
    for (const std::vector<size_t>& slot_hits : by_slot_) {
      size_t widest = 1;
      for (size_t i : slot_hits) {
        widest = std::max<size_t>(widest, hits[i].last_word - hits[i].first_word + 1);
      }
      max_span_ += widest;
    }
    for (size_t s = 0; s < shape.slots; ++s) {
      order_.push_back(s);
    }
    if (!shape.ordered) {
      // Fewest candidates first: a missing slot fails the search at once.
      std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
        if (IsOptional(a) != IsOptional(b)) return !IsOptional(a);
        return by_slot_[a].size() < by_slot_[b].size();
      });
    }
  }

  bool Run(std::vector<size_t>* chosen) {
    for (size_t s = 0; s < shape_.slots; ++s) {
      if (!IsOptional(s) && by_slot_[s].empty()) return false;
    }
    if (!Step(0)) return false;
    *chosen = chosen_;
    return true;
  }

 private:
  bool IsOptional(size_t slot) const {
    return slot < shape_.optional.size() && shape_.optional[slot];
  }

  // The window if `candidate` joined the chosen hits; false if too wide.
  bool Fits(const PhraseSlotHit& candidate) const {
    uint32_t first = candidate.first_word, last = candidate.last_word;
    for (size_t i : chosen_) {
      const PhraseSlotHit& h = hits_[i];
      if (candidate.begin < h.end && h.begin < candidate.end) return false;  // overlap
      first = std::min(first, h.first_word);
      last = std::max(last, h.last_word);
    }
    // A pruning bound only: WithinAtEnd decides on the finished choice.
    const size_t span = last - first + 1;
    return span <= max_span_;
  }

  bool InOrder(const PhraseSlotHit& candidate) const {
    if (!shape_.ordered || chosen_.empty()) return true;
    return hits_[chosen_.back()].end <= candidate.begin;
  }

  bool WithinAtEnd() {
    uint32_t first = UINT32_MAX, last = 0;
    size_t words = 0;
    uint32_t previous_last = UINT32_MAX;
    std::vector<size_t>& sorted = sorted_;  // reused: no allocation per leaf
    sorted.assign(chosen_.begin(), chosen_.end());
    std::sort(sorted.begin(), sorted.end(),
              [&](size_t a, size_t b) { return hits_[a].begin < hits_[b].begin; });
    for (size_t i : sorted) {
      const PhraseSlotHit& h = hits_[i];
      first = std::min(first, h.first_word);
      last = std::max(last, h.last_word);
      // Hits inside one word (a compound "kopfab") fill that word once.
      const uint32_t from =
          previous_last == UINT32_MAX ? h.first_word : std::max(h.first_word, previous_last + 1);
      if (h.last_word >= from) words += h.last_word - from + 1;
      previous_last = std::max(previous_last == UINT32_MAX ? 0 : previous_last, h.last_word);
    }
    const size_t span = last - first + 1;
    return span - std::min(span, words) <= static_cast<size_t>(shape_.within);
  }

  bool Step(size_t depth) {
    if (++steps_ > kMaxPhraseSearchSteps) return false;
    if (depth == order_.size()) return WithinAtEnd();
    const size_t slot = order_[depth];
    for (size_t i : by_slot_[slot]) {
      const PhraseSlotHit& h = hits_[i];
      if (!InOrder(h) || !Fits(h)) continue;
      chosen_.push_back(i);
      if (Step(depth + 1)) return true;
      chosen_.pop_back();
      if (steps_ > kMaxPhraseSearchSteps) return false;
    }
    return IsOptional(slot) && Step(depth + 1);
  }

  const PhraseShape& shape_;
  const std::vector<PhraseSlotHit>& hits_;
  std::vector<std::vector<size_t>> by_slot_;
  std::vector<size_t> order_;
  std::vector<size_t> chosen_;
  std::vector<size_t> sorted_;  // WithinAtEnd's scratch
  size_t max_span_ = 0;         // Fits' bound, set once per search
  size_t steps_ = 0;
};

}  // namespace

bool FindPhrase(const PhraseShape& shape, const std::vector<PhraseSlotHit>& hits,
                std::vector<size_t>* chosen) {
  return PhraseSearch(shape, hits).Run(chosen);
}

}  // namespace moderation::match
