// The per-field half of CompiledRuleSet::Evaluate (private to the engine):
// one field's text -> candidate rule hits with their spans.
//
// Why: all of a rule set's word-list terms, compound parts, phrase words,
// negative neighbours, unless words and allow entries live in ONE Hyperscan
// literal database on the skeleton view, and all regexes in one database per
// view, so a field is scanned once per view whatever the number of rules.
// What the scan finds is then resolved here, cheaply and only where something
// was found:
//   * terms: the match mode's boundary check, then the lexicon (lexicon.h);
//   * split words ("Arsch loch"): a second, smaller literal scan of the
//     joined view (text/joined_view.h, match/split_word.h), only for fields
//     where whitespace separates chunks of several letters;
//   * two-list compounds: a head joined to a modifier (word_boundary.h);
//   * phrases: slot hits minus vetoed ones (not_followed_by, @digits), then
//     the span-near search (phrase_match.h);
//   * `unless`: a candidate with an unless word or regex near it is dropped
//     (the unless regexes are scanned only when the field has a candidate
//     of a rule with one);
//   * allow lists: a hit inside an allowed word of its own set is dropped;
//   * `fields`: refs of rules scoped to other fields are ignored;
//   * masked words ("p*ssy"): each reading is scanned the same way on a
//     window around the word (masked_scan.h), only when the field holds a
//     '*' or '#'.
//
// Thread-safety: a FieldScanner and its EvalBuffers belong to one thread.
#ifndef MODERATION_ENGINE_FIELD_SCANNER_H_
#define MODERATION_ENGINE_FIELD_SCANNER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/phrase_words.h"
#include "engine/post/post.h"
#include "engine/signal.h"
#include "engine/text/joined_view.h"
#include "engine/text/mended_view.h"
#include "engine/text/normalizer.h"
#include "engine/text/sentences.h"

namespace moderation::internal {

// A candidate hit: rule `rule` matched original bytes [begin, end) of field
// (the reported span); [term_begin, term_end) are the bytes of the term
// itself, which allow-list suppression looks at, so that an allowed word
// glued to an insult ("Giraffenarsch") does not hide it.
struct Candidate {
  uint32_t rule;
  uint32_t field;
  uint32_t begin;
  uint32_t end;
  uint32_t term_begin;
  uint32_t term_end;
  bool SameSpan(const Candidate& o) const {
    return rule == o.rule && field == o.field && begin == o.begin && end == o.end;
  }
};

// A literal found for a compound part, phrase slot or negative neighbour,
// kept until the field's scan is complete (skeleton offsets).
struct PartHit {
  uint32_t rule;
  uint16_t part;
  uint16_t slot;
  LiteralKind kind;
  uint32_t begin;
  uint32_t end;
};

// A phrase whose anchor occurred.
struct TriggeredPhrase {
  uint32_t rule;
  uint16_t part;
  bool operator<(const TriggeredPhrase& o) const {
    return rule != o.rule ? rule < o.rule : part < o.part;
  }
  bool operator==(const TriggeredPhrase& o) const = default;
};

// How far a triggered phrase got (FieldScanner::ResolvePhrase).
enum class PhraseOutcome : uint8_t {
  kSlotMissing,  // some required slot has no word in the field: not searched
  kNoMatch,      // searched (span-near), no match
  kMatched,      // searched and matched: a candidate was added
};

// Per phrase of a rule set, how often it was triggered and how far it got,
// for the phrase cost report (phrase_cost.h). Indexed [rule][phrase], sized
// by whoever hands it to FieldScanner::CountPhrases.
struct PhraseTally {
  uint64_t triggers = 0;  // ResolvePhrase calls: at most one per field
  uint64_t searched = 0;  // past EveryRequiredSlotMayHit
  uint64_t matched = 0;   // FindPhrase found the phrase
};
using PhraseTallies = std::vector<std::vector<PhraseTally>>;

// An unless word or regex found in the field (original offsets), or a
// `near:` word or regex: the context a hit of the rule needs.
struct UnlessHit {
  uint32_t rule;
  text::ByteRange range;
  bool negation = false;  // vetoes within unless.negation_within, not unless.within
  bool near = false;      // not a veto: near context `context` of the rule
  uint16_t context = 0;
  bool report = false;  // an unless.reports word: vetoes only in the hit's sentence
};

struct AllowSpan {
  uint32_t component;
  text::ByteRange range;
};

// A literal of a part found by a set's combined literal scan (the part's
// own id, skeleton offsets), handed to that part's scanner.
struct LiteralHit {
  uint32_t id;
  uint32_t begin;
  uint32_t end;
};

// A span of the skeleton between two word edges (spaces or soft
// boundaries) short enough to be a short phrase word (ShortWordTable).
struct WordSpan {
  uint32_t begin;
  uint32_t end;
};

// Buffers reused across posts on one thread, so steady-state evaluation does
// not allocate for normalisation or candidate bookkeeping.
struct EvalBuffers {
  // What follows from the field's text alone is worked out once per field,
  // whatever the number of parts that scan it (NormalizeField resets it):
  // the normalised views, the word index, the joined view and the short
  // word spans.
  text::NormalizedText normalized;
  bool joined_built = false;                    // `joined` is the field's
  bool word_spans_built = false;                // `word_spans` and its flag are the field's
  std::vector<WordSpan> word_spans;             // in begin order
  bool word_spans_in_begin_order_only = false;  // some word has soft boundaries
  std::vector<Candidate> candidates;
  std::vector<std::vector<LiteralHit>> part_literal_hits;  // per part, of the field
  std::vector<AllowSpan> allows;
  std::vector<uint32_t> regex_ids;
  std::vector<PartHit> part_hits;  // compound parts
  std::vector<Occurrence> occurrences;
  std::vector<Occurrence> merged_occurrences;  // AddShortPhraseWords' merge buffer
  std::vector<uint32_t> word_edges;            // AddShortPhraseWords: one word's edges
  OccurrenceIndex occurrence_index;            // of occurrences, once a phrase needs it
  std::vector<uint32_t> field_literals;        // their literals, sorted, once a phrase needs them
  std::vector<WordMatch> word_matches;         // of the phrase being resolved
  std::vector<TriggeredPhrase> triggered;
  std::vector<PartHit> phrase_hits;  // of the phrase being resolved
  std::vector<UnlessHit> unless_hits;
  std::vector<uint32_t> near_ids;          // near regexes that may match the field
  std::vector<uint32_t> word_starts;       // skeleton offsets of word starts
  std::vector<uint32_t> orig_word_starts;  // the same, as original offsets
  std::vector<match::PhraseSlotHit> slot_hits;
  std::vector<size_t> chosen;
  match::PhraseSearchScratch phrase_search;
  SignalBuffers signal_buffers;  // FindSignal's
  std::vector<text::ByteRange> signal_spans;
  text::JoinedView joined;  // of the field, for split words
  // The field's mended views (text/mended_view.h, MendFoldedViews), built
  // once the first part's regexes need them; the first mended_count count.
  bool mended_built = false;
  size_t mended_count = 0;
  text::View mended[text::kMaxMendedViews];
  text::MendScratch mend_scratch;
  text::SkeletonView split_word;  // the chunks of a split hit, joined
};

// Normalises a field into buffers.normalized and forgets what was worked
// out for the previous field; InvalidArgument naming the field when its
// text is not valid UTF-8.
absl::Status NormalizeField(const Field& field, EvalBuffers& buffers);

class FieldScanner {
 public:
  FieldScanner(const CompiledRuleSet::Impl& set, hs_scratch_t* scratch, EvalBuffers& buffers)
      : set_(set), scratch_(scratch), b_(buffers) {}

  // Appends the field's candidates to buffers.candidates, with those of
  // its masked words' readings (masked_scan.h).
  absl::Status Scan(uint32_t field_index, const Field& field);
  // The same for a field already normalised into buffers.normalized (by
  // NormalizeField): a set of several parts normalises a field once and
  // scans it with each part's scanner. Leaves buffers.normalized as it is.
  // With `literal_hits`, those are the part's literal hits in the field, in
  // the order a scan reports them (the set's combined literal scan found
  // them), and the part's own literal database is not scanned.
  absl::Status ScanNormalized(uint32_t field_index, const Field& field,
                              const std::vector<LiteralHit>* literal_hits = nullptr);
  // For the masked-word pass's own scans of readings: no recursion.
  void SkipMaskedWords() { masked_words_ = false; }
  // Counts every triggered phrase's outcome into *tallies (sized for the
  // set) from now on; only the phrase cost report does. Evaluate never
  // calls it, so production pays one never-taken branch per triggered
  // phrase. Phrases triggered by the masked-word pass's readings are not
  // counted (that pass has scanners of its own).
  void CountPhrases(PhraseTallies* tallies) { phrase_tallies_ = tallies; }

 private:
  void OnLiteral(uint32_t id, size_t begin, size_t end);
  void ScanSignals();
  void AddTermHit(const LiteralRef& ref, size_t begin, size_t end);
  absl::Status ScanSplitWords();
  void OnSplitLiteral(uint32_t id, size_t begin, size_t end);
  std::string SplitWordKey(const match::SplitHit& hit) const;
  bool LexiconProtects(const CompiledRule& rule, const text::LexiconTerm& term, size_t begin,
                       size_t end) const;
  bool VetoWordProtected(const LiteralRef& ref, size_t begin, size_t end) const;
  // The original bytes of the typed word around a skeleton hit (between
  // hard word edges), and mild keys of original ranges.
  text::ByteRange TypedWord(size_t begin, size_t end) const;
  std::string MildKeyOf(const text::ByteRange& range) const;
  std::string TypedWordKey(size_t begin, size_t end) const;
  // The mild key of the part of the joined `word` ("working-storage") that
  // holds the whole hit; nullopt when it has no joint or the hit crosses one.
  std::optional<std::string> TypedPartKey(const text::ByteRange& word, size_t begin,
                                          size_t end) const;
  bool PhraseWordProtected(const CompiledRule& rule, const PhraseWord& word, size_t begin,
                           size_t end) const;
  // The rules' regexes again on the mended views, for the evasions the
  // folded view keeps; a hit the folded scan found is not added twice.
  absl::Status ScanMendedRegexes(size_t first_regex_candidate);
  // Adds a candidate per match of `db` in `text` (a view of the field, or the
  // raw field when view is null). A match overlapping one of the same rule
  // among candidates [known_begin, known_end) is not added again.
  absl::Status ScanRegexes(const match::RegexDatabase& db, const std::vector<uint32_t>& rule_of,
                           std::string_view text, const text::View* view, size_t known_begin = 0,
                           size_t known_end = 0);
  // Whether a candidate of this field (from first_candidate on) belongs to
  // a rule with an `unless` regex; only then are those regexes scanned.
  bool NeedsUnlessRegexes(size_t first_candidate) const;
  absl::Status ScanUnlessRegexes();
  void ResolvePairs();
  bool PairProtected(uint32_t rule, size_t begin, size_t head_begin, size_t head_end) const;
  void ResolvePhrases();
  PhraseOutcome ResolvePhrase(const TriggeredPhrase& phrase);
  void Tally(const TriggeredPhrase& phrase, PhraseOutcome outcome);
  class SpanFacts;  // what OnLiteral's refs share about one report
  void AddShortPhraseWords();
  void BuildWordSpans();
  void AddShortPhraseWord(uint32_t begin, uint32_t end);
  bool EveryRequiredSlotMayHit(const CompiledPhrase& phrase) const;
  bool RequiredSlotsOccur(const CompiledPhrase& phrase);
  bool Vetoed(const PartHit& hit, const CompiledPhrase& phrase) const;
  void ApplyUnless(size_t first_candidate);
  absl::Status ApplyNear(size_t first_candidate);
  std::pair<size_t, size_t> NearWindow(const Candidate& c, const rules::NearContext& context) const;
  size_t NearGateBegin(size_t first_candidate) const;
  bool NearRegexHolds(const Candidate& c, const rules::NearContext& context, uint32_t id);
  bool ContextHolds(const Candidate& c, const rules::NearContext& context, text::ByteRange range);
  uint32_t WordsBetween(text::ByteRange hit, text::ByteRange other);
  void SuppressAllowed(size_t first_candidate);
  void BuildWordIndex();
  uint32_t WordOf(size_t skeleton_pos) const;
  uint32_t OriginalWordOf(size_t original_pos) const;
  void AddCandidate(uint32_t rule, size_t sk_begin, size_t sk_end, match::Attachment attachment);
  bool InField(uint32_t rule) const { return (set_.rules[rule].field_mask & field_bit_) != 0; }

  const CompiledRuleSet::Impl& set_;
  hs_scratch_t* scratch_;
  EvalBuffers& b_;
  bool occurrence_index_built_ = false;
  bool field_literals_built_ = false;              // b_.field_literals holds this field's literals
  std::optional<text::QuoteBounds> quote_bounds_;  // of raw_, once a report veto asks
  bool masked_words_ = true;
  PhraseTallies* phrase_tallies_ = nullptr;  // null except in the cost report
  uint32_t field_index_ = 0;
  uint32_t field_bit_ = 0;
  std::string_view raw_;
};

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_FIELD_SCANNER_H_
