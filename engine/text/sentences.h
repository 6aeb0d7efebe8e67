// Sentence ends and quotation marks in a post's original text, for vetoes
// that must stand in the sentence of the hit they excuse (rules::Unless::
// same_sentence).
//
// Why: a report frames what it reports ("Der Angeklagte schrieb: ich bring
// dich um", "Auf dem Banner stand: „Juden ins Gas“"), while a report word
// appended as a sentence of its own ("Juden ins Gas. Polizeibericht") is
// the cheapest way around a veto. These are deliberately plain byte rules,
// not a sentence splitter: they look only at the bytes between two spans.
//
//   if (SentenceEndBetween(raw, hit, veto) && !InQuotes(FindQuoteBounds(raw), hit)) ...
//
// Thread-safety: pure functions of their arguments.
#ifndef MODERATION_ENGINE_TEXT_SENTENCES_H_
#define MODERATION_ENGINE_TEXT_SENTENCES_H_

#include <cstddef>
#include <string_view>

#include "engine/text/normalizer.h"

namespace moderation::text {

// Whether a sentence ends between two non-overlapping spans of `raw`, in
// either order: a line break, '!', '?', '…', or a '.' that is not followed
// directly by a digit or a lower-case ASCII letter (so "3.5" and
// "spiegel.de" end nothing, while "Gas.Polizeibericht" and the last full
// stop of "z.B. " do). Marks that
// the earlier span swallowed at its end ("ich bring dich um.") count as
// between. False when the spans overlap.
bool SentenceEndBetween(std::string_view raw, ByteRange a, ByteRange b);

// Whether `label` stands before `hit` as a label: the next byte after it
// that is not a space or tab is a colon, so it names what follows instead
// of framing it ("Polizeibericht: du ...", unlike "Laut Polizeibericht
// schrieb er: ...").
bool LabelsWhatFollows(std::string_view raw, ByteRange label, ByteRange hit);

// Where the first and the last quotation mark of a text start (", „, “, ”,
// «, », ‹, ›, ‚, ‘, ’ or ', the single ones only where they are not an
// apostrophe between two letters, as in "geht's"); both npos for none.
// Worked out once per text, so that InQuotes is constant time per span.
struct QuoteBounds {
  size_t first = std::string_view::npos;
  size_t last = std::string_view::npos;
};
QuoteBounds FindQuoteBounds(std::string_view raw);

// Whether `span` stands between quotation marks: one before its middle and
// one after it. `bounds` are those of the text the span is in.
bool InQuotes(const QuoteBounds& bounds, ByteRange span);
bool InQuotes(std::string_view raw, ByteRange span);  // the same, bounds found here

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_SENTENCES_H_
