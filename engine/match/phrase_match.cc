#include "engine/match/phrase_match.h"

#include <algorithm>

namespace moderation::match {
namespace {

class PhraseSearch {
 public:
  PhraseSearch(const PhraseShape& shape, const std::vector<PhraseSlotHit>& hits,
               PhraseSearchScratch* scratch)
      : shape_(shape),
        hits_(hits),
        slot_begin_(scratch->slot_begin),
        by_slot_(scratch->by_slot),
        order_(scratch->order),
        chosen_(scratch->chosen),
        sorted_(scratch->sorted) {
    GroupBySlot();
    chosen_.clear();
    order_.clear();
  }

  bool Run(std::vector<size_t>* chosen) {
    for (size_t s = 0; s < shape_.slots; ++s) {
      if (!IsOptional(s) && SlotSize(s) == 0) return false;
    }
    SetMaxSpan();
    for (size_t s = 0; s < shape_.slots; ++s) order_.push_back(s);
    if (!shape_.ordered) {
      // Fewest candidates first: a missing slot fails the search at once.
      // An insertion sort: stable, and a phrase has a handful of slots
      // (std::stable_sort would allocate its buffer on every search).
      auto before = [&](size_t a, size_t b) {
        if (IsOptional(a) != IsOptional(b)) return !IsOptional(a);
        return SlotSize(a) < SlotSize(b);
      };
      for (size_t i = 1; i < order_.size(); ++i) {
        const size_t slot = order_[i];
        size_t j = i;
        for (; j > 0 && before(slot, order_[j - 1]); --j) order_[j] = order_[j - 1];
        order_[j] = slot;
      }
    }
    if (!Step(0)) return false;
    chosen->assign(chosen_.begin(), chosen_.end());
    return true;
  }

 private:
  // A counting sort of the hit indexes by slot, keeping hit order within a
  // slot (the search tries a slot's hits in that order).
  void GroupBySlot() {
    slot_begin_.assign(shape_.slots + 1, 0);
    for (const PhraseSlotHit& h : hits_) {
      if (h.slot < shape_.slots) ++slot_begin_[h.slot + 1];
    }
    for (size_t s = 0; s < shape_.slots; ++s) slot_begin_[s + 1] += slot_begin_[s];
    by_slot_.resize(slot_begin_[shape_.slots]);
    // Fill from each slot's start; slot_begin_ is shifted by one slot while
    // filling and restored after.
    for (uint32_t i = 0; i < hits_.size(); ++i) {
      if (hits_[i].slot < shape_.slots) by_slot_[slot_begin_[hits_[i].slot]++] = i;
    }
    for (size_t s = shape_.slots; s > 0; --s) slot_begin_[s] = slot_begin_[s - 1];
    slot_begin_[0] = 0;
  }

  size_t SlotSize(size_t slot) const { return slot_begin_[slot + 1] - slot_begin_[slot]; }

  // The widest window a match can have: `within` free words plus every
  // slot's widest hit. A slot term of several words ("we know", "your
  // face") fills several words, so counting one word per slot would prune
  // matches that WithinAtEnd accepts.
  void SetMaxSpan() {
    max_span_ = static_cast<size_t>(shape_.within);
    for (size_t s = 0; s < shape_.slots; ++s) {
      size_t widest = 1;
      for (uint32_t k = slot_begin_[s]; k < slot_begin_[s + 1]; ++k) {
        const PhraseSlotHit& h = hits_[by_slot_[k]];
        widest = std::max<size_t>(widest, h.last_word - h.first_word + 1);
      }
      max_span_ += widest;
    }
  }

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
    for (uint32_t k = slot_begin_[slot]; k < slot_begin_[slot + 1]; ++k) {
      const size_t i = by_slot_[k];
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
  std::vector<uint32_t>& slot_begin_;
  std::vector<uint32_t>& by_slot_;
  std::vector<size_t>& order_;
  std::vector<size_t>& chosen_;
  std::vector<size_t>& sorted_;  // WithinAtEnd's scratch
  size_t max_span_ = 0;          // Fits' bound, set once per search
  size_t steps_ = 0;
};

}  // namespace

bool FindPhrase(const PhraseShape& shape, const std::vector<PhraseSlotHit>& hits,
                std::vector<size_t>* chosen, PhraseSearchScratch* scratch) {
  return PhraseSearch(shape, hits, scratch).Run(chosen);
}

bool FindPhrase(const PhraseShape& shape, const std::vector<PhraseSlotHit>& hits,
                std::vector<size_t>* chosen) {
  PhraseSearchScratch scratch;
  return FindPhrase(shape, hits, chosen, &scratch);
}

}  // namespace moderation::match
