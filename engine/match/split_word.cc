#include "engine/match/split_word.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "engine/text/lexicon.h"

namespace moderation::match {
namespace {

// Closed-class words of German and English: pronouns, articles,
// prepositions, conjunctions, particles. Real sentences run them into
// insults ("wie blöd man ist": Blödmann, "unter Menschen": Untermensch,
// "zu nichts nütze": Nichtsnutz, "welch ein": Weichei), and nobody splits an
// insult so that a chunk reads as one of them.
constexpr std::string_view kFunctionWords[] = {
    // German
    "ich", "du", "er", "sie", "es", "wir", "ihr", "mich", "dich", "sich", "uns", "euch", "mir",
    "dir", "ihm", "ihn", "ihnen", "man", "der", "die", "das", "den", "dem", "des", "ein", "eine",
    "einen", "einem", "einer", "eines", "kein", "keine", "keinen", "und", "oder", "aber", "wenn",
    "dass", "weil", "als", "wie", "so", "mit", "von", "zu", "zum", "zur", "in", "im", "an", "am",
    "auf", "aus", "bei", "für", "nach", "vor", "über", "unter", "um", "bis", "durch", "gegen",
    "ohne", "ist", "sind", "bist", "seid", "war", "sein", "hat", "habe", "hast", "wird", "nicht",
    "nichts", "nix", "noch", "schon", "auch", "doch", "mal", "nur", "ja", "nein", "da", "dann",
    "hier", "was", "wer", "wo", "welch", "welche", "welcher", "welches", "alle", "alles", "mein",
    "meine", "dein", "deine", "seine", "ihre", "dieser", "diese", "dieses", "sehr", "mehr", "viel",
    "etwas", "jede", "jeder", "jedes",
    // English
    "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "my", "your", "his",
    "its", "our", "their", "the", "an", "and", "or", "but", "if", "when", "that", "this", "these",
    "those", "to", "of", "in", "on", "at", "for", "with", "from", "by", "as", "is", "are", "was",
    "were", "be", "been", "am", "will", "would", "should", "can", "could", "do", "does", "did",
    "not", "no", "so", "what", "who", "how", "all", "some", "up", "out", "there", "here", "then"};

// As typed (MildKey), not as skeletons: "Blöd mann" is a split Blödmann,
// "blöd man" is not, though both skeletons read "man".
const absl::flat_hash_set<std::string>& FunctionWordKeys() {
  static const auto* const keys = [] {
    auto* set = new absl::flat_hash_set<std::string>();
    for (std::string_view word : kFunctionWords) set->insert(text::MildKey(word));
    return set;
  }();
  return *keys;
}

// Whether a chunk of skeleton [word_begin, word_end) was typed as a
// function word.
bool AnyFunctionWordChunk(const text::SkeletonView& sk, std::string_view raw, size_t word_begin,
                          size_t word_end) {
  const auto& words = FunctionWordKeys();
  for (size_t chunk = word_begin; chunk < word_end;) {
    const size_t chunk_end = sk.WordEnd(chunk + 1);
    const text::ByteRange typed = sk.ToOriginal(chunk, chunk_end);
    if (words.contains(text::MildKey(raw.substr(typed.begin, typed.end - typed.begin)))) {
      return true;
    }
    chunk = chunk_end + 1;
  }
  return false;
}

}  // namespace

bool SplitEligible(std::string_view term_skeleton) {
  return term_skeleton.size() >= kMinSplitTermLetters &&
         term_skeleton.find(' ') == std::string_view::npos;
}

bool AcceptsSplitMatch(const text::SkeletonView& sk, std::string_view raw,
                       const text::JoinedView& joined, size_t begin, size_t end,
                       Attachment attachment, text::SkeletonView* word, SplitHit* hit) {
  const size_t joins = joined.JoinsInside(begin, end);
  if (joins == 0 || joins >= kMaxSplitChunks) return false;
  const size_t sk_begin = joined.SkeletonBegin(begin);
  const size_t sk_end = joined.ToSkeleton(end - 1) + 1;
  // The term starts the word the chunks form: a real word before the term
  // in the first chunk ("Verwende Perl" for Depperl) is no split insult.
  if (!sk.IsWordEdge(sk_begin)) return false;
  const size_t word_begin = sk.WordStart(sk_begin);
  const size_t word_end = sk.WordEnd(sk_end);
  if (AnyFunctionWordChunk(sk, raw, word_begin, word_end)) return false;
  // The chunks touched, joined: one stretch of the joined view, because the
  // first and last chunk are contiguous there.
  const size_t from = begin - (sk_begin - word_begin);
  const size_t to = end + (word_end - sk_end);
  word->text.assign(joined.text, from, to - from);
  // Soft boundaries inside a chunk ("Hurens-ohn") stay word edges; a removed
  // space is none.
  word->soft_boundary.assign(word->text.size() + 1, false);
  size_t previous = joined.ToSkeleton(from);
  for (size_t i = from + 1; i < to; ++i) {
    const size_t at = joined.ToSkeleton(i);
    if (at == previous + 1 && sk.soft_boundary[at]) word->soft_boundary[i - from] = true;
    previous = at;
  }
  if (!AcceptsMatch(*word, begin - from, end - from, attachment)) return false;
  *hit = {sk_begin, sk_end, word_begin, word_end};
  return true;
}

}  // namespace moderation::match
