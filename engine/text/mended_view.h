// The mended view: the folded view with the common evasions undone, for the
// rules' regexes.
//
// Why: word lists and phrases match on the skeleton, which reads through
// leetspeak, look-alike letters, spaced and stretched letters. A rule's
// `regex:` runs on the folded view, which keeps umlauts, punctuation and
// word order for the regex to see, but none of that repair: "du Opferrrr",
// "schn3id ich dir die K e h l e durch" and "Аnja" with a Cyrillic А slip past
// a regex that catches the plain spelling. The mended view is the folded
// text with those evasions undone and everything else kept, so the same
// regexes run on it as well (field_scanner.cc) when it differs:
//
//  * look-alike letters from Greek and Cyrillic become the Latin letter
//    they look like, in a word that also has an ASCII letter ("Аnja");
//    a word all in Cyrillic is Russian, not a disguise, and stays;
//  * leetspeak between the letters of a word becomes letters ("h0rens0hn",
//    "d1e", "b00bs") where the word has at least as many letters as leet
//    characters and no digit without a letter ('2'). A digit or symbol at a
//    word's edge stays, since it is a number or punctuation far more often:
//    "a7", "5th", "9am", "80er", "1080p", "idiot!!", "@name" (and "fr33");
//    an '@' with a dot after it in the word is an address;
//  * three or more single letters in a row, each apart from the next by
//    one separator (spaces or tabs, or one of . - _ * ·), are joined
//    ("d r a n", "N.a.c.k.t.b.i.l.d.e.r"); two ("z. B.", "d.h.") are not;
//  * a stretched run is cut: three or more of a vowel ("Lauuuch"), four or
//    more of a consonant ("Opferrrr"; German writes three where a
//    compound's parts meet: "Schifffahrt"). It is cut to one letter
//    (RunLength::kOne), to two (kTwo), or to one for a vowel and two for a
//    consonant (kVowelsOne). None is always right ("Opfer", but "doof", and
//    "duuuummmm" for "dumm"), so the caller scans each that differs
//    (MendReport says which).
// Every byte keeps a map to the original bytes it came from, so a match is
// reported on what the user typed.
//
// Only the words where something may need mending are read character by
// character (the pre-check's positions, grown to whole words, and to whole
// chains of single letters); the rest is copied as it is. Every step
// decides within a word but the chains, so the views are those of reading
// the whole text (internal::MendFoldedViewWhole, which the tests and the
// normaliser's fuzz target compare with).
//
//   NormalizedText n;  Normalize("du Opferrrr", &n);
//   MendScratch scratch;  View mended;  MendReport report;
//   MendFoldedView(n.folded, RunLength::kOne, &scratch, &mended, &report);
//   // report.changed, report.cut_consonant_runs; mended.text == "du opfer"
//
// Thread-safety: MendFoldedView is a pure function; the scratch and the view
// are plain values owned by one thread (reused across posts).
#ifndef MODERATION_ENGINE_TEXT_MENDED_VIEW_H_
#define MODERATION_ENGINE_TEXT_MENDED_VIEW_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/text/normalizer.h"

namespace moderation::text {

// What a run of three or more of the same letter is cut to.
enum class RunLength : uint8_t { kOne, kTwo, kVowelsOne };

// One code point of the folded view on its way to the mended view.
struct MendUnit {
  enum class Kind : uint8_t { kLetter, kLeet, kDigit, kSpace, kSeparator, kOther };
  char32_t cp = 0;
  uint32_t begin = 0;  // folded bytes [begin, end)
  uint32_t end = 0;
  uint32_t map_end = 0;  // the folded bytes it stands for end here: a run's
                         // last letter kept stands for the letters cut
  Kind kind = Kind::kOther;
  char letter = 0;        // kLeet: the letter it stands for; a Greek or
                          // Cyrillic kLetter: its Latin look-alike, or 0
  bool replaced = false;  // written as `letter`, not as the folded bytes
  bool dropped = false;   // left out of the mended text
};

// Buffers one call needs, kept by the caller so that steady state allocates
// nothing.
struct MendScratch {
  std::vector<MendUnit> units;     // the folded text's characters, mended but for runs
  std::vector<MendUnit> cut;       // the same with one way of cutting runs applied
  std::vector<ByteRange> regions;  // the folded bytes read character by character
};

struct MendReport {
  bool changed = false;             // the mended text differs from the folded text
  bool cut_vowel_runs = false;      // a stretched run of a vowel was cut
  bool cut_consonant_runs = false;  // a stretched run of a consonant was cut
};

// True when `folded` may hold something to mend: a cheap scan (16 bytes a
// step where SSE2 is there) that lets most posts skip MendFoldedView.
// False means MendFoldedView would report no change, whatever the
// RunLength.
bool MayNeedMending(std::string_view folded);

// Writes the mended form of `folded` to *out (reusing its buffers) and says
// in *report whether it differs. `folded` must be a folded view (valid
// UTF-8, lower case) with its maps.
void MendFoldedView(const View& folded, RunLength runs, MendScratch* scratch, View* out,
                    MendReport* report);

// The most mended views MendFoldedViews writes: one per RunLength.
inline constexpr size_t kMaxMendedViews = 3;

// Every mended view of `folded` that differs from it and from the others,
// in out[0..return value): runs cut to one letter (kOne); when a run was
// cut, to two (kTwo); when runs of both a vowel and a consonant were cut,
// vowels to one and consonants to two (kVowelsOne: with runs of one kind
// it equals one of the two before). Each view is what MendFoldedView
// writes for its RunLength; the text is read and mended once for all.
// Returns 0 (and writes nothing) when nothing differs; a text the pre-check
// passes (MayNeedMending false) costs no more than the pre-check.
size_t MendFoldedViews(const View& folded, MendScratch* scratch, View (&out)[kMaxMendedViews]);

namespace internal {
// MayNeedMending one byte at a time: what the vector version must answer
// alike (mended_view_test.cc).
bool MayNeedMendingScalar(std::string_view folded);

// The folded bytes MendFoldedView reads character by character: whole
// words around each of the pre-check's positions, grown over chains of
// single letters, ascending and apart (none when MayNeedMending is false).
void FindMendRegions(std::string_view folded, std::vector<ByteRange>* regions);

// MendFoldedView reading every character of the text: what the views must
// equal (mended_view_test.cc, tests/fuzz/normalizer_fuzzer.cc).
void MendFoldedViewWhole(const View& folded, RunLength runs, MendScratch* scratch, View* out,
                         MendReport* report);
}  // namespace internal

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_MENDED_VIEW_H_
