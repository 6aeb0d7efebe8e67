#include "engine/match/word_boundary.h"

#include <algorithm>
#include <array>

#include "engine/text/lexicon.h"

namespace moderation::match {
namespace {

// Longest ending we accept, so the scan for the next edge stays short.
constexpr size_t kMaxEndingLength = 4;

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// The compound head may follow a soft edge ("Ober-Blödmann") or a modifier
// that looks like a real word part: enough letters, and a vowel among them
// (so stray consonants such as "Ti" in "Tischlampe" or "M" in "Marsch" do not
// count).
//
// "sch" both opens syllables (Schlampe) and closes them (Tisch, Fisch, Busch,
// Frosch). A head starting with "sch" right after consonant + i/o/u is far
// more likely the end of such a word (Nachttisch|lampe, Frosch|lampe) than a
// compound, so it is not one. Megaschlampe, Dreckschlampe and Vollschlampe
// (skeleton "voi": vowel + vowel) still are.
bool SchClosesModifier(std::string_view text, size_t word_start, size_t begin) {
  if (text.compare(begin, 3, "sch") != 0 || begin - word_start < 2) return false;
  const char last = text[begin - 1], before = text[begin - 2];
  return (last == 'i' || last == 'o' || last == 'u') && !IsVowel(before);
}

}  // namespace

bool CompoundStartOk(const text::SkeletonView& sk, size_t begin) {
  if (sk.IsWordEdge(begin)) return true;
  const size_t word_start = sk.WordStart(begin - 1);
  if (begin - word_start < kMinCompoundModifierLetters) return false;
  if (SchClosesModifier(sk.text, word_start, begin)) return false;
  for (size_t i = word_start; i < begin; ++i) {
    if (IsVowel(sk.text[i])) return true;
  }
  return false;
}

// After the head, either a word edge, or an inflection ending and then one.
bool CompoundEndOk(const text::SkeletonView& sk, size_t end) {
  if (sk.IsWordEdge(end)) return true;
  const size_t limit = std::min(sk.text.size(), end + kMaxEndingLength);
  // A ' ' at q - 1 would make q - 1 a word edge, met one step earlier.
  for (size_t q = end + 1; q <= limit; ++q) {
    if (sk.IsWordEdge(q)) {
      return IsInflectionEnding(std::string_view(sk.text).substr(end, q - end));
    }
  }
  return false;
}

bool JoinsAsCompound(const text::SkeletonView& sk, size_t modifier_end, size_t head_begin) {
  if (modifier_end == head_begin) return true;
  if (modifier_end == head_begin + 1) {
    return head_begin < sk.text.size() && sk.text[head_begin] != ' ';  // a shared letter
  }
  if (modifier_end > head_begin || head_begin - modifier_end > 3) return false;
  const std::string_view link =
      std::string_view(sk.text).substr(modifier_end, head_begin - modifier_end);
  return std::find(text::kCompoundLinks.begin(), text::kCompoundLinks.end(), link) !=
         text::kCompoundLinks.end();
}

bool IsInflectionEnding(std::string_view ending) {
  // Skeleton spelling: "innen" collapses to "inen"; "l" never occurs (-> "i").
  static constexpr std::array<std::string_view, 9> kEndings = {"e", "en", "er", "ern", "es",
                                                               "s", "n",  "in", "inen"};
  for (std::string_view e : kEndings) {
    if (ending == e) return true;
  }
  return false;
}

bool IsPhraseEnding(std::string_view ending) {
  // Skeleton spelling; "l" never occurs (-> "i").
  static constexpr std::array<std::string_view, 12> kEndings = {
      "e", "en", "em", "er", "ern", "es", "s", "n", "st", "t", "et", "est"};
  return std::find(kEndings.begin(), kEndings.end(), ending) != kEndings.end();
}

// After a kInflected term: a word edge, or an ending and then one.
static bool InflectedEndOk(const text::SkeletonView& sk, size_t begin, size_t end) {
  if (sk.IsWordEdge(end)) return true;
  if (end - begin < kMinInflectedLetters) return false;
  const size_t limit = std::min(sk.text.size(), end + kMaxEndingLength);
  for (size_t q = end + 1; q <= limit; ++q) {
    if (sk.IsWordEdge(q)) return IsPhraseEnding(std::string_view(sk.text).substr(end, q - end));
  }
  return false;
}

bool AcceptsMatch(const text::SkeletonView& sk, size_t begin, size_t end, Attachment attachment) {
  switch (attachment) {
    case Attachment::kWord:
      return sk.IsWordEdge(begin) && sk.IsWordEdge(end);
    case Attachment::kPrefix:
      return sk.IsWordEdge(begin);
    case Attachment::kSuffix:
      return sk.IsWordEdge(end);
    case Attachment::kCompound:
      return CompoundStartOk(sk, begin) && CompoundEndOk(sk, end);
    case Attachment::kSubstring:
      return true;
    case Attachment::kInflected:
      return sk.IsWordEdge(begin) && InflectedEndOk(sk, begin, end);
  }
  return false;
}

}  // namespace moderation::match
