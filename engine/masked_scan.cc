#include "engine/masked_scan.h"

#include <algorithm>
#include <string>

#include "engine/field_scanner.h"
#include "engine/text/lexicon.h"
#include "engine/text/masked_words.h"

namespace moderation::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// [begin, end) of raw around the word, at most kMaskWindowContext bytes on
// each side, cut at whitespace so no code point or word is split.
text::ByteRange Window(std::string_view raw, const text::MaskedWord& word) {
  size_t begin = word.begin > kMaskWindowContext ? word.begin - kMaskWindowContext : 0;
  while (begin > 0 && begin < word.begin && !IsSpace(raw[begin - 1])) ++begin;
  size_t end = std::min(raw.size(), size_t{word.end} + kMaskWindowContext);
  while (end < raw.size() && end > word.end && !IsSpace(raw[end])) --end;
  return {static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
}

// The readings of `word` worth scanning. When the set has dictionaries and
// some readings are dictionary words, only those: "H*rren" is Herren, not
// Huren, "dorn*ger" is dorniger; the insult still counts when it is itself
// a dictionary word among them (Schlampe, Fotze, cunt beside cant). When no
// reading is a word ("Hurens*hn", "N*gger" in German), all of them.
void ReadingsToScan(const CompiledRuleSet::Impl& set, std::string_view raw,
                    const text::MaskedWord& word, std::vector<size_t>* out) {
  out->clear();
  const size_t readings = text::ReadingCount(word);
  std::string typed(raw.substr(word.begin, word.end - word.begin));
  text::MaskedWord local = word;
  for (uint32_t i = 0; i < local.mask_count; ++i) local.masks[i] -= word.begin;
  for (size_t r = 0; r < readings && !set.lexicons.empty(); ++r) {
    text::WriteReading(local, r, &typed);
    const std::string key = text::MildKey(typed);
    for (const auto& lexicon : set.lexicons) {
      if (lexicon != nullptr && lexicon->Contains(key)) {
        out->push_back(r);
        break;
      }
    }
  }
  if (!out->empty()) return;
  for (size_t r = 0; r < readings; ++r) out->push_back(r);
}

bool Contains(const std::vector<Candidate>& candidates, size_t first, const Candidate& c) {
  return std::any_of(candidates.begin() + first, candidates.end(),
                     [&](const Candidate& o) { return o.SameSpan(c); });
}

}  // namespace

absl::Status ScanMaskedWords(const CompiledRuleSet::Impl& set, hs_scratch_t* scratch,
                             uint32_t field_index, const Field& field, size_t first,
                             std::vector<Candidate>* out) {
  std::vector<text::MaskedWord> words;
  text::FindMaskedWords(field.text, text::kMaxMaskedWordsPerText, &words);
  if (words.empty()) return absl::OkStatus();
  EvalBuffers buffers;  // the rare path: allocating here keeps EvalBuffers lean
  FieldScanner scanner(set, scratch, buffers);
  scanner.SkipMaskedWords();
  Field window{field.name, {}};
  std::vector<size_t> readings;
  size_t scanned = 0;
  for (const text::MaskedWord& word : words) {
    const text::ByteRange range = Window(field.text, word);
    text::MaskedWord local = word;
    for (uint32_t i = 0; i < local.mask_count; ++i) local.masks[i] -= range.begin;
    ReadingsToScan(set, field.text, word, &readings);
    for (const size_t r : readings) {
      if (scanned++ == kMaxMaskedReadingsPerField) return absl::OkStatus();
      window.text.assign(field.text, range.begin, range.end - range.begin);
      text::WriteReading(local, r, &window.text);
      buffers.candidates.clear();
      if (absl::Status s = scanner.Scan(field_index, window); !s.ok()) return s;
      for (Candidate c : buffers.candidates) {
        c.begin += range.begin;
        c.end += range.begin;
        c.term_begin += range.begin;
        c.term_end += range.begin;
        if (c.end <= word.begin || word.end <= c.begin || Contains(*out, first, c)) continue;
        out->push_back(c);
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace moderation::internal
