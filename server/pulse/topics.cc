#include "server/pulse/topics.h"

#include <algorithm>
#include <bit>
#include <functional>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace moderation::server::pulse {
namespace {

// General punctuation (U+2000..U+203F: dashes, typographic quotes) starts
// with E2 80; everything else non-ASCII counts as a letter.
size_t SeparatorLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return letter ? 0 : 1;
  }
  if (c == 0xE2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
    return std::min<size_t>(3, s.size() - i);
  }
  return 0;
}

// Appends the folded form of `word` (ASCII and Ä Ö Ü lower-cased).
void AppendFolded(std::string_view word, std::string* out) {
  for (size_t i = 0; i < word.size(); ++i) {
    auto c = static_cast<unsigned char>(word[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    if (c == 0xC3 && i + 1 < word.size()) {
      auto next = static_cast<unsigned char>(word[i + 1]);
      if (next == 0x84 || next == 0x96 || next == 0x9C)
        next = static_cast<unsigned char>(next + 0x20);
      out->push_back(static_cast<char>(c));
      out->push_back(static_cast<char>(next));
      ++i;
      continue;
    }
    out->push_back(static_cast<char>(c));
  }
}

uint64_t Hash(std::string_view term) { return std::hash<std::string_view>{}(term) | 1; }

void TokenizePart(std::string_view text, std::string* buf, size_t* prev_start, PostTerms* out) {
  size_t i = 0;
  while (i < text.size() && out->count < kMaxPostTerms) {
    if (const size_t sep = SeparatorLength(text, i); sep > 0) {
      // A mention (@name) is a person's name: skip it, and do not pair
      // across it.
      if (text[i] == '@') {
        ++i;
        while (i < text.size() && SeparatorLength(text, i) == 0) ++i;
        *prev_start = std::string::npos;
        continue;
      }
      i += sep;
      continue;
    }
    const size_t start = i;
    while (i < text.size() && SeparatorLength(text, i) == 0) ++i;
    const std::string_view raw = text.substr(start, i - start);
    // A URL ("https://…", "www.…"): skip to the next space.
    if (text.substr(i, 3) == "://" || raw == "www") {
      while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
      *prev_start = std::string::npos;
      continue;
    }
    if (raw.size() < 3) continue;  // short words neither count nor break a pair
    const size_t word_start = buf->size() + 1;
    buf->push_back(' ');
    AppendFolded(raw.substr(0, kMaxTopicBytes), buf);
    const std::string_view word(buf->data() + word_start, buf->size() - word_start);
    if (IsStopWord(word)) {
      buf->resize(word_start - 1);
      *prev_start = std::string::npos;
      continue;
    }
    out->terms[out->count] = word;
    out->hashes[out->count] = Hash(word);
    ++out->count;
    if (*prev_start != std::string::npos && out->count < kMaxPostTerms) {
      const std::string_view pair(buf->data() + *prev_start, buf->size() - *prev_start);
      out->terms[out->count] = pair;
      out->hashes[out->count] = Hash(pair);
      ++out->count;
    }
    *prev_start = word_start;
  }
}

}  // namespace

void Tokenize(std::string_view title, std::string_view body, PostTerms* out) {
  thread_local std::string buf;
  buf.clear();
  // Folding keeps lengths and adds one space per word, so the views taken
  // below never see the buffer move.
  buf.reserve(2 * kMaxTopicText + 8);
  out->count = 0;
  title = title.substr(0, kMaxTopicText);
  body = body.substr(0, kMaxTopicText - title.size());
  size_t prev_start = std::string::npos;
  TokenizePart(title, &buf, &prev_start, out);
  prev_start = std::string::npos;
  TokenizePart(body, &buf, &prev_start, out);
}

static_assert(kTopicSlots % 16 == 0, "Find compares tags 16 at a time");

int SpaceSaving::Find(uint64_t hash) const {
  // Slots whose tag (the hash's top byte) matches, then the full hash: at
  // most one slot holds a hash with a count (Add only inserts what it did
  // not find).
  uint64_t candidates = 0;
#ifdef __SSE2__
  const __m128i tag = _mm_set1_epi8(static_cast<char>(Tag(hash)));
  for (int i = 0; i < kTopicSlots; i += 16) {
    const __m128i tags = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tags_.data() + i));
    candidates |=
        static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(tags, tag))))
        << i;
  }
#else
  for (int i = 0; i < kTopicSlots; ++i) candidates |= uint64_t{tags_[i] == Tag(hash)} << i;
#endif
  for (; candidates != 0; candidates &= candidates - 1) {
    const int i = std::countr_zero(candidates);
    if (hashes_[i] == hash && counts_[i] != 0) return i;
  }
  return -1;
}

void SpaceSaving::Add(uint64_t hash, std::string_view term, uint32_t weight) {
  total_ += weight;
  if (const int i = Find(hash); i >= 0) {
    counts_[i] += weight;
    return;
  }
  // The first free slot, else the first with the smallest count: free
  // slots count 0, so both are the first slot of the smallest count.
  uint32_t smallest = counts_[0];
  for (int i = 1; i < kTopicSlots; ++i) smallest = std::min(smallest, counts_[i]);
  int slot = 0;
  while (counts_[slot] != smallest) ++slot;
  errors_[slot] = smallest;
  counts_[slot] = smallest + weight;
  SetHash(slot, hash);
  terms_[slot].assign(term.substr(0, kMaxTopicBytes));
}

uint32_t SpaceSaving::Count(uint64_t hash) const {
  const int i = Find(hash);
  return i >= 0 ? counts_[i] : 0;
}

void SpaceSaving::Decay() {
  total_ /= 2;
  for (int i = 0; i < kTopicSlots; ++i) {
    counts_[i] /= 2;
    errors_[i] /= 2;
    if (counts_[i] == 0) {
      SetHash(i, 0);
      terms_[i].clear();
    }
  }
}

void SpaceSaving::Merge(const SpaceSaving& other) {
  for (int i = 0; i < kTopicSlots; ++i) {
    if (other.counts_[i] > 0) Add(other.hashes_[i], other.terms_[i], other.counts_[i]);
  }
}

void TopicTracker::Roll(uint32_t hour_epoch) {
  if (hour_epoch <= current_hour_) return;
  if (current_hour_ != 0) {
    baseline_.Decay();
    baseline_.Merge(current_);
    // Hours without posts age the baseline too (at most a day's worth).
    for (uint32_t h = current_hour_ + 1; h < hour_epoch && h <= current_hour_ + 24; ++h) {
      baseline_.Decay();
    }
  }
  current_.Clear();
  current_hour_ = hour_epoch;
}

void TopicTracker::Add(uint32_t hour_epoch, const PostTerms& terms) {
  Roll(hour_epoch);
  if (hour_epoch != current_hour_) return;  // a late post of an earlier hour
  for (int i = 0; i < terms.count; ++i) current_.Add(terms.hashes[i], terms.terms[i]);
}

std::vector<RisingTopic> TopicTracker::Rising(uint32_t hour_epoch, size_t limit) const {
  std::vector<RisingTopic> out;
  if (hour_epoch != current_hour_) return out;  // nothing this hour yet
  const double base_total = static_cast<double>(std::max<uint64_t>(baseline_.total(), 1));
  for (int i = 0; i < kTopicSlots; ++i) {
    const uint32_t count = current_.count(i);
    if (count < static_cast<uint32_t>(kMinRisingCount)) continue;
    const double expected = baseline_.Count(current_.hash(i)) / base_total * current_.total();
    if (count <= expected) continue;
    out.push_back({current_.term(i), count, expected});
  }
  std::sort(out.begin(), out.end(), [](const RisingTopic& a, const RisingTopic& b) {
    const double sa = a.count - a.expected;
    const double sb = b.count - b.expected;
    if (sa != sb) return sa > sb;
    return a.term < b.term;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace moderation::server::pulse
