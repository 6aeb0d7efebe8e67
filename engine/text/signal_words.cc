#include "engine/text/signal_words.h"

#include <cstdint>

namespace moderation::text {
namespace {

// The length in bytes of the letter starting at text[i], or 0 when the
// character there is not a letter (signal_words.h). A letter outside ASCII
// is two bytes: U+00C0..U+024F is lead byte 0xC3..0xC9.
size_t LetterBytes(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 1;
  if (c < 0xC3 || c > 0xC9 || i + 1 >= text.size()) return 0;
  const auto next = static_cast<unsigned char>(text[i + 1]);
  if ((next & 0xC0) != 0x80) return 0;
  const uint32_t code_point = ((c & 0x1Fu) << 6) | (next & 0x3Fu);
  if (code_point < 0xC0 || code_point > 0x24F) return 0;
  if (code_point == 0xD7 || code_point == 0xF7) return 0;
  return 2;
}

}  // namespace

void SignalWords(std::string_view folded, std::vector<ByteRange>* words, size_t min_letters) {
  words->clear();
  size_t i = 0;
  while (i < folded.size()) {
    size_t bytes = LetterBytes(folded, i);
    if (bytes == 0) {
      ++i;
      continue;
    }
    const size_t begin = i;
    size_t letters = 0;
    do {
      i += bytes;
      ++letters;
    } while (i < folded.size() && (bytes = LetterBytes(folded, i)) != 0);
    if (letters >= min_letters) {
      words->push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(i)});
    }
  }
}

bool IsOneSignalWord(std::string_view folded, size_t min_letters) {
  std::vector<ByteRange> words;
  SignalWords(folded, &words, min_letters);
  return words.size() == 1 && words[0].begin == 0 && words[0].end == folded.size();
}

}  // namespace moderation::text
