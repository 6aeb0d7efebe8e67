// The words a learned word signal weighs (`signal:` rules, engine/signal.h).
//
// Why a tokenizer of its own: a signal's weights are learned offline
// (scripts/train_signal.py) from texts split into words, and a weight only
// means something if the engine splits a post exactly as the trainer split
// the training posts. So the definition is small enough to write twice and
// test on both sides:
//   * the text is the folded view: NFKC, full case folding ("Straße" is
//     "strasse") and default-ignorable code points (soft hyphen, zero-width
//     space) removed, as the trainer's fold() does;
//   * a word is a maximal run of letters, a letter being a-z or a code point
//     in U+00C0..U+024F (Latin-1 and Latin Extended-A/B: ä, é, ł, ş ...)
//     other than U+00D7 and U+00F7 (× and ÷); anything else separates;
//   * for a window signal, words of fewer than kSignalMinLetters letters are
//     dropped before positions are counted, so "du" and "ja" take no place
//     in its window; a logistic signal keeps every word (min_letters 1),
//     since "du" and "ich dich" are what tells a threat from a report.
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_TEXT_SIGNAL_WORDS_H_
#define MODERATION_ENGINE_TEXT_SIGNAL_WORDS_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/text/normalizer.h"

namespace moderation::text {

inline constexpr size_t kSignalMinLetters = 3;

// Replaces *words with the byte ranges of folded's signal words of at least
// min_letters letters, in order.
void SignalWords(std::string_view folded, std::vector<ByteRange>* words,
                 size_t min_letters = kSignalMinLetters);

// Whether folded (a folded term) is exactly one signal word: letters only,
// at least min_letters of them.
bool IsOneSignalWord(std::string_view folded, size_t min_letters = kSignalMinLetters);

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_SIGNAL_WORDS_H_
