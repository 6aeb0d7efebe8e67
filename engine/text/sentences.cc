#include "engine/text/sentences.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace moderation::text {
namespace {

unsigned char At(std::string_view raw, size_t i) { return static_cast<unsigned char>(raw[i]); }

bool IsAsciiLetter(unsigned char c) {
  const unsigned char lower = c | 0x20;
  return lower >= 'a' && lower <= 'z';
}

// A letter for the apostrophe test: an ASCII letter or any byte of a
// multi-byte character (umlauts, accented letters).
bool IsLetterByte(unsigned char c) { return IsAsciiLetter(c) || c >= 0x80; }

// "geht's", "don’t": a single quote between two letters is an apostrophe.
bool ApostropheAt(std::string_view raw, size_t i, size_t length) {
  return i > 0 && i + length < raw.size() && IsLetterByte(At(raw, i - 1)) &&
         IsLetterByte(At(raw, i + length));
}

// Whether a quotation mark starts at raw[i].
bool IsQuoteAt(std::string_view raw, size_t i) {
  const unsigned char c = At(raw, i);
  if (c == '"') return true;
  if (c == '\'') return !ApostropheAt(raw, i, 1);
  if (c == 0xC2 && i + 1 < raw.size()) {
    const unsigned char next = At(raw, i + 1);
    return next == 0xAB || next == 0xBB;  // « »
  }
  if (c != 0xE2 || i + 2 >= raw.size() || At(raw, i + 1) != 0x80) return false;
  switch (At(raw, i + 2)) {
    case 0x98:  // ‘
    case 0x9A:  // ‚
    case 0x9C:  // “
    case 0x9D:  // ”
    case 0x9E:  // „
    case 0xB9:  // ‹
    case 0xBA:  // ›
      return true;
    case 0x99:  // ’, also the typographic apostrophe
      return !ApostropheAt(raw, i, 3);
    default:
      return false;
  }
}

bool IsEllipsisAt(std::string_view raw, size_t i) {
  return i + 2 < raw.size() && At(raw, i) == 0xE2 && At(raw, i + 1) == 0x80 &&
         At(raw, i + 2) == 0xA6;
}

bool IsMarkOrSpace(char c) {
  return c == '.' || c == '!' || c == '?' || c == ',' || c == ';' || c == ':' || c == ' ' ||
         c == '\n' || c == '\r' || c == '\t';
}

}  // namespace

bool SentenceEndBetween(std::string_view raw, ByteRange a, ByteRange b) {
  if (a.begin < b.end && b.begin < a.end) return false;
  const ByteRange& first = a.end <= b.begin ? a : b;
  const ByteRange& second = a.end <= b.begin ? b : a;
  const size_t size = raw.size();
  size_t from = std::min<size_t>(first.end, size);
  // Step back over the marks (and an ellipsis) the first span swallowed.
  while (from > first.begin) {
    if (IsMarkOrSpace(raw[from - 1])) {
      --from;
    } else if (from >= first.begin + 3 && IsEllipsisAt(raw, from - 3)) {
      from -= 3;
    } else {
      break;
    }
  }
  const size_t to = std::min<size_t>(second.begin, size);
  for (size_t i = from; i < to; ++i) {
    const char c = raw[i];
    if (c == '\n' || c == '!' || c == '?' || IsEllipsisAt(raw, i)) return true;
    if (c != '.') continue;
    const unsigned char next = i + 1 < size ? At(raw, i + 1) : ' ';
    const bool continues = (next >= '0' && next <= '9') || (next >= 'a' && next <= 'z');
    if (!continues) return true;
  }
  return false;
}

bool LabelsWhatFollows(std::string_view raw, ByteRange label, ByteRange hit) {
  if (label.end > hit.begin) return false;
  size_t i = label.end;
  while (i < hit.begin && i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) ++i;
  return i < hit.begin && i < raw.size() && raw[i] == ':';
}

QuoteBounds FindQuoteBounds(std::string_view raw) {
  QuoteBounds bounds;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (!IsQuoteAt(raw, i)) continue;
    if (bounds.first == std::string_view::npos) bounds.first = i;
    bounds.last = i;
  }
  return bounds;
}

bool InQuotes(const QuoteBounds& bounds, ByteRange span) {
  if (bounds.first == std::string_view::npos) return false;
  const size_t end = std::max(span.end, span.begin);
  const size_t middle = span.begin + (end - span.begin) / 2;
  return bounds.first < middle && bounds.last >= middle;
}

bool InQuotes(std::string_view raw, ByteRange span) { return InQuotes(FindQuoteBounds(raw), span); }

}  // namespace moderation::text
