#include "engine/field_scanner.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "engine/masked_scan.h"
#include "engine/text/lexicon.h"
#include "engine/text/masked_words.h"
#include "engine/text/sentences.h"

namespace moderation::internal {
namespace {

// A word-list hit is reported as the whole word part the user typed
// ("Oberblödmann", "Blödmänner"), so highlighting and redaction cover it: the
// span grows to the nearest word edge on each side (soft edges count, so a
// spaced-out "D u m m b a t z" after "ein" does not swallow "ein").
// Substring hits cover only the term itself.
text::ByteRange ReportedSpan(const text::SkeletonView& sk, size_t begin, size_t end,
                             match::Attachment attachment, text::ByteRange term) {
  if (attachment == match::Attachment::kSubstring) return term;
  while (begin > 0 && !sk.IsWordEdge(begin)) --begin;
  while (end < sk.text.size() && !sk.IsWordEdge(end)) ++end;
  return sk.ToOriginal(begin, end);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A number right after (before) original offset `pos`, across whitespace:
// "um 8", "um 20:00".
bool DigitAfter(std::string_view raw, size_t pos) {
  while (pos < raw.size() && IsSpace(raw[pos])) ++pos;
  return pos < raw.size() && IsDigit(raw[pos]);
}
bool DigitBefore(std::string_view raw, size_t pos) {
  while (pos > 0 && IsSpace(raw[pos - 1])) --pos;
  return pos > 0 && IsDigit(raw[pos - 1]);
}

}  // namespace

absl::Status NormalizeField(const Field& field, EvalBuffers& buffers) {
  buffers.word_starts.clear();
  buffers.joined_built = false;
  buffers.mended_built = false;
  buffers.word_spans_built = false;
  if (absl::Status s = text::Normalize(field.text, &buffers.normalized); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("field '", field.name, "': ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status FieldScanner::Scan(uint32_t field_index, const Field& field) {
  if (absl::Status s = NormalizeField(field, b_); !s.ok()) return s;
  return ScanNormalized(field_index, field);
}

absl::Status FieldScanner::ScanNormalized(uint32_t field_index, const Field& field,
                                          const std::vector<LiteralHit>* literal_hits) {
  field_index_ = field_index;
  field_bit_ = FieldBit(field.name);
  raw_ = field.text;
  const size_t first_candidate = b_.candidates.size();
  b_.allows.clear();
  b_.part_hits.clear();
  b_.occurrences.clear();
  occurrence_index_built_ = false;
  field_literals_built_ = false;
  quote_bounds_.reset();
  b_.field_literals.clear();
  b_.triggered.clear();
  b_.unless_hits.clear();
  const text::SkeletonView& sk = b_.normalized.skeleton;
  if (literal_hits != nullptr) {
    for (const LiteralHit& hit : *literal_hits) OnLiteral(hit.id, hit.begin, hit.end);
  } else if (absl::Status s = set_.literals->Scan(
                 sk.text, scratch_,
                 [&](uint32_t id, size_t begin, size_t end) { OnLiteral(id, begin, end); });
             !s.ok()) {
    return s;
  }
  if (!set_.short_phrase_words.empty()) AddShortPhraseWords();
  if (set_.split_literals) {
    if (absl::Status s = ScanSplitWords(); !s.ok()) return s;
  }
  if (set_.folded_regexes) {
    const text::View& folded = b_.normalized.folded;
    const size_t first_regex_candidate = b_.candidates.size();
    if (absl::Status s =
            ScanRegexes(*set_.folded_regexes, set_.folded_regex_rule, folded.text, &folded);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = ScanMendedRegexes(first_regex_candidate); !s.ok()) return s;
  }
  if (set_.raw_regexes) {
    if (absl::Status s = ScanRegexes(*set_.raw_regexes, set_.raw_regex_rule, field.text, nullptr);
        !s.ok()) {
      return s;
    }
  }
  if (!b_.part_hits.empty()) ResolvePairs();
  if (!b_.triggered.empty()) ResolvePhrases();
  // The masked-word pass scans windows around a word, too short for a
  // signal's window to mean what it was trained on.
  if (!set_.signals.empty() && masked_words_) ScanSignals();
  // The field's candidates are complete. The unless words veto first; the
  // unless regexes only matter if a candidate they could veto is left (a
  // candidate goes if any of its rule's vetoes is near, so the order of the
  // two does not change which go).
  // A `near:` context is applied last, once its words and regexes are all in.
  if (!b_.unless_hits.empty()) ApplyUnless(first_candidate);
  if (set_.unless_regexes && NeedsUnlessRegexes(first_candidate)) {
    const size_t word_hits = b_.unless_hits.size();
    if (absl::Status s = ScanUnlessRegexes(); !s.ok()) return s;
    if (b_.unless_hits.size() > word_hits) ApplyUnless(first_candidate);
  }
  if (set_.any_near) {
    if (absl::Status s = ApplyNear(first_candidate); !s.ok()) return s;
  }
  SuppressAllowed(first_candidate);
  // Masked words ("p*ssy") are read once the field's own scan is done with
  // the scratch; most fields have no '*' or '#' and pay two memchr calls.
  if (masked_words_ && text::MayHoldMasks(field.text)) {
    return ScanMaskedWords(set_, scratch_, field_index, field, first_candidate, &b_.candidates);
  }
  return absl::OkStatus();
}

// A signal's hit is one candidate per word its best window summed, so the
// explanation shows the words that weighed. Candidates go through unless,
// near and allow lists like any other.
void FieldScanner::ScanSignals() {
  const text::View& folded = b_.normalized.folded;
  for (const CompiledSignal& signal : set_.signals) {
    if (!InField(signal.rule)) continue;
    if (!FindSignal(signal, folded, raw_, &b_.signal_buffers, &b_.signal_spans)) {
      continue;
    }
    for (const text::ByteRange& span : b_.signal_spans) {
      const text::ByteRange original = folded.ToOriginal(span.begin, span.end);
      b_.candidates.push_back(
          {signal.rule, field_index_, original.begin, original.end, original.begin, original.end});
    }
  }
}

// The refs of one literal share its span, so the word test (per
// attachment) and the original range are worked out once per report, not
// once per ref: a negation such as "nicht" is an unless word of dozens of
// rules, and the realistic posts' reports averaged two to three such refs.
class FieldScanner::SpanFacts {
 public:
  SpanFacts(const text::SkeletonView& sk, size_t begin, size_t end)
      : sk_(sk), begin_(begin), end_(end) {}
  bool Accepts(match::Attachment attachment) {
    const auto a = static_cast<size_t>(attachment);
    if (a >= kAttachments) return match::AcceptsMatch(sk_, begin_, end_, attachment);
    if (accepts_[a] < 0) accepts_[a] = match::AcceptsMatch(sk_, begin_, end_, attachment) ? 1 : 0;
    return accepts_[a] == 1;
  }
  text::ByteRange Original() {
    if (!original_) original_ = sk_.ToOriginal(begin_, end_);
    return *original_;
  }

 private:
  static constexpr size_t kAttachments = 6;
  static_assert(static_cast<size_t>(match::Attachment::kInflected) + 1 == kAttachments,
                "one entry per match::Attachment");
  const text::SkeletonView& sk_;
  size_t begin_, end_;
  int8_t accepts_[kAttachments] = {-1, -1, -1, -1, -1, -1};
  std::optional<text::ByteRange> original_;
};

void FieldScanner::OnLiteral(uint32_t id, size_t begin, size_t end) {
  if (set_.phrase_literal[id]) {
    b_.occurrences.push_back({id, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
  }
  SpanFacts span(b_.normalized.skeleton, begin, end);
  // Every rule that shares a veto word (@report_words) asks the lexicon the
  // same question about this span: it is asked once per term and lexicon.
  uint32_t veto_term = UINT32_MAX;
  const text::LexiconGroup* veto_lexicon = nullptr;
  bool veto_protected = false;
  for (const LiteralRef& ref : set_.literal_refs[id]) {
    if (ref.kind == LiteralKind::kAllow) {
      b_.allows.push_back({ref.component, span.Original()});
      continue;
    }
    if (!InField(ref.rule)) continue;
    switch (ref.kind) {
      case LiteralKind::kTerm:
        AddTermHit(ref, begin, end);
        break;
      case LiteralKind::kPairModifier:
      case LiteralKind::kPairHead:
        b_.part_hits.push_back({ref.rule, ref.part, ref.slot, ref.kind,
                                static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
        break;
      case LiteralKind::kPhraseAnchor:
        if (span.Accepts(ref.attachment)) b_.triggered.push_back({ref.rule, ref.part});
        break;
      case LiteralKind::kPhraseSlot:
      case LiteralKind::kNotFollowedBy:
      case LiteralKind::kNotPrecededBy:
        break;  // never in literal_refs: see CompiledPhrase
      case LiteralKind::kUnless:
      case LiteralKind::kUnlessReport: {
        if (!span.Accepts(ref.attachment)) break;
        const text::LexiconGroup* lexicon = set_.rules[ref.rule].lexicon;
        if (lexicon != nullptr && (ref.term != veto_term || lexicon != veto_lexicon)) {
          veto_term = ref.term;
          veto_lexicon = lexicon;
          veto_protected = VetoWordProtected(ref, begin, end);
        }
        if (lexicon == nullptr || !veto_protected) {
          b_.unless_hits.push_back({ref.rule, span.Original(), /*negation=*/false, /*near=*/false,
                                    /*context=*/0, ref.kind == LiteralKind::kUnlessReport});
        }
        break;
      }
      case LiteralKind::kUnlessNegation:
      case LiteralKind::kNear:
        if (span.Accepts(ref.attachment)) {
          b_.unless_hits.push_back({ref.rule, span.Original(),
                                    ref.kind == LiteralKind::kUnlessNegation,
                                    ref.kind == LiteralKind::kNear, ref.part});
        }
        break;
      case LiteralKind::kAllow:
        break;
    }
  }
}

// The short phrase words the literal scan leaves out (CompiledRuleSet::Impl
// ::short_phrase_words): every span between two word edges, of at most
// ShortWordTable::kMaxBytes bytes, that is such a word (the words hold no
// space). That is exactly what the scan would report and AcceptsMatch(kWord)
// keep. The occurrences are merged in by end, as the scan reports them.
//
// The edges are the spaces and the soft boundaries, so the spans lie within
// one skeleton word each: a word without soft boundaries (nearly every one)
// is one lookup, or none when it is longer than any listed word; a word with
// them is looked up between each pair of its edges.
// The spans between word edges (a space or a soft boundary inside a word)
// of at most ShortWordTable::kMaxBytes bytes: where a short phrase word may
// be. Once per field; every part with short phrase words looks them up.
void FieldScanner::BuildWordSpans() {
  b_.word_spans_built = true;
  b_.word_spans.clear();
  b_.word_spans_in_begin_order_only = false;
  const text::SkeletonView& sk = b_.normalized.skeleton;
  const std::string_view text = sk.text;
  const size_t n = text.size();
  size_t begin = 0;
  while (begin < n) {
    const size_t space = text.find(' ', begin);
    const size_t end = space == std::string_view::npos ? n : space;
    b_.word_edges.clear();
    b_.word_edges.push_back(static_cast<uint32_t>(begin));
    for (size_t i = begin + 1; i < end; ++i) {
      if (sk.soft_boundary[i]) b_.word_edges.push_back(static_cast<uint32_t>(i));
    }
    b_.word_edges.push_back(static_cast<uint32_t>(end));
    b_.word_spans_in_begin_order_only =
        b_.word_spans_in_begin_order_only || b_.word_edges.size() > 2;
    for (size_t i = 0; i + 1 < b_.word_edges.size(); ++i) {
      for (size_t j = i + 1; j < b_.word_edges.size(); ++j) {
        if (b_.word_edges[j] - b_.word_edges[i] > ShortWordTable::kMaxBytes) break;
        b_.word_spans.push_back({b_.word_edges[i], b_.word_edges[j]});
      }
    }
    begin = end + 1;
  }
}

void FieldScanner::AddShortPhraseWords() {
  if (!b_.word_spans_built) BuildWordSpans();
  const size_t scanned = b_.occurrences.size();
  for (const WordSpan& span : b_.word_spans) AddShortPhraseWord(span.begin, span.end);
  const bool in_begin_order_only = b_.word_spans_in_begin_order_only;
  if (b_.occurrences.size() == scanned) return;
  // The lookups came in begin order, so (end, begin) orders them as a
  // stable sort by end would. The merge goes through a reused buffer:
  // std::stable_sort and std::inplace_merge allocate one per call, and this
  // runs for every field.
  const auto middle = b_.occurrences.begin() + static_cast<std::ptrdiff_t>(scanned);
  if (in_begin_order_only) {
    std::sort(middle, b_.occurrences.end(), [](const Occurrence& a, const Occurrence& b) {
      return a.end != b.end ? a.end < b.end : a.begin < b.begin;
    });
  }
  b_.merged_occurrences.clear();
  std::merge(b_.occurrences.begin(), middle, middle, b_.occurrences.end(),
             std::back_inserter(b_.merged_occurrences),
             [](const Occurrence& a, const Occurrence& b) { return a.end < b.end; });
  b_.occurrences.swap(b_.merged_occurrences);
}

// Looks skeleton[begin, end) (at most ShortWordTable::kMaxBytes) up among
// the short phrase words and notes it if listed.
void FieldScanner::AddShortPhraseWord(uint32_t begin, uint32_t end) {
  const size_t length = end - begin;
  const std::string_view text = b_.normalized.skeleton.text;
  const uint8_t second = length >= 2 ? static_cast<uint8_t>(text[begin + 1]) : 0;
  const ShortWordTable& words = set_.short_phrase_words;
  if ((words.Lengths(static_cast<uint8_t>(text[begin]), second) & (1u << length)) == 0) return;
  const uint32_t id = words.Find(text.substr(begin, length));
  if (id == ShortWordTable::kNone) return;
  b_.occurrences.push_back({id, begin, end});
  // Its refs are whole-word phrase anchors (Compiler::LiteralsToScan), and a
  // span between word edges is a whole word: OnLiteral's trigger, checked.
  for (const LiteralRef& ref : set_.literal_refs[id]) {
    if (InField(ref.rule)) b_.triggered.push_back({ref.rule, ref.part});
  }
}

void FieldScanner::AddTermHit(const LiteralRef& ref, size_t begin, size_t end) {
  const text::SkeletonView& sk = b_.normalized.skeleton;
  if (!match::AcceptsMatch(sk, begin, end, ref.attachment)) return;
  const CompiledRule& rule = set_.rules[ref.rule];
  if (rule.lexicon != nullptr && LexiconProtects(rule, set_.lexicon_terms[ref.term], begin, end)) {
    return;
  }
  AddCandidate(ref.rule, begin, end, ref.attachment);
}

// An `unless` word typed inside another dictionary word vetoes nothing
// ("Arsch" in "Vormarsch", "Henne" in "gebrochenen"), judged by the lexicon
// as a `words:` term is. Only for rules of a set with a lexicon.
bool FieldScanner::VetoWordProtected(const LiteralRef& ref, size_t begin, size_t end) const {
  return LexiconProtects(set_.rules[ref.rule], set_.veto_lexicon_terms[ref.term], begin, end);
}

// Only a field with a removed space can hold a split word; a literal found
// within one chunk was seen by the ordinary scan already.
absl::Status FieldScanner::ScanSplitWords() {
  if (!b_.joined_built) {
    text::BuildJoinedView(b_.normalized.skeleton, raw_, &b_.joined);
    b_.joined_built = true;
  }
  if (b_.joined.joins.empty()) return absl::OkStatus();
  return set_.split_literals->Scan(
      b_.joined.text, scratch_,
      [&](uint32_t id, size_t begin, size_t end) { OnSplitLiteral(id, begin, end); });
}

void FieldScanner::OnSplitLiteral(uint32_t id, size_t begin, size_t end) {
  if (b_.joined.JoinsInside(begin, end) == 0) return;
  const text::SkeletonView& sk = b_.normalized.skeleton;
  for (const LiteralRef& ref : set_.split_refs[id]) {
    if (ref.kind == LiteralKind::kAllow) {
      b_.allows.push_back({ref.component, sk.ToOriginal(b_.joined.SkeletonBegin(begin),
                                                        b_.joined.ToSkeleton(end - 1) + 1)});
      continue;
    }
    if (!InField(ref.rule)) continue;
    match::SplitHit hit;
    if (!match::AcceptsSplitMatch(sk, raw_, b_.joined, begin, end, ref.attachment, &b_.split_word,
                                  &hit)) {
      continue;
    }
    const CompiledRule& rule = set_.rules[ref.rule];
    if (rule.lexicon != nullptr &&
        rule.lexicon->Protects(SplitWordKey(hit), set_.lexicon_terms[ref.term])) {
      continue;
    }
    AddCandidate(ref.rule, hit.begin, hit.end, ref.attachment);
  }
}

// The chunks as typed, run together ("Arsch loch" -> "arschloch"): the
// lexicon judges the word the user split, as it judges a word typed whole.
std::string FieldScanner::SplitWordKey(const match::SplitHit& hit) const {
  const text::SkeletonView& sk = b_.normalized.skeleton;
  std::string typed;
  for (size_t chunk = hit.word_begin; chunk < hit.word_end;) {
    const size_t chunk_end = sk.WordEnd(chunk + 1);
    const text::ByteRange r = sk.ToOriginal(chunk, chunk_end);
    typed.append(raw_.substr(r.begin, r.end - r.begin));
    chunk = chunk_end + 1;
  }
  return text::MildKey(typed);
}

// The typed word around the hit (between hard word edges) is looked up as
// typed: evasions are not dictionary words, so only real words are spared.
// A word joined by - _ . or / ("working-storage", "guarded_storage") is
// also judged by the part that holds the whole hit, as if typed alone: that
// part is what the writer typed as a word. A hit across a joint ("A-r-s-c-h",
// "as-is") has no such part.
bool FieldScanner::LexiconProtects(const CompiledRule& rule, const text::LexiconTerm& term,
                                   size_t begin, size_t end) const {
  const text::ByteRange word = TypedWord(begin, end);
  if (rule.lexicon->Protects(MildKeyOf(word), term)) return true;
  const std::optional<std::string> part = TypedPartKey(word, begin, end);
  return part.has_value() && rule.lexicon->Protects(*part, term);
}

namespace {

bool IsJoint(char c) { return c == '-' || c == '_' || c == '.' || c == '/'; }

}  // namespace

std::optional<std::string> FieldScanner::TypedPartKey(const text::ByteRange& word, size_t begin,
                                                      size_t end) const {
  const text::ByteRange hit = b_.normalized.skeleton.ToOriginal(begin, end);
  for (size_t i = hit.begin; i < hit.end; ++i) {
    if (IsJoint(raw_[i])) return std::nullopt;
  }
  size_t part_begin = hit.begin;
  while (part_begin > word.begin && !IsJoint(raw_[part_begin - 1])) --part_begin;
  size_t part_end = hit.end;
  while (part_end < word.end && !IsJoint(raw_[part_end])) ++part_end;
  if (part_begin == word.begin && part_end == word.end) return std::nullopt;  // no joint
  return MildKeyOf({static_cast<uint32_t>(part_begin), static_cast<uint32_t>(part_end)});
}

text::ByteRange FieldScanner::TypedWord(size_t begin, size_t end) const {
  const text::SkeletonView& sk = b_.normalized.skeleton;
  return sk.ToOriginal(sk.WordStart(begin), sk.WordEnd(end));
}

std::string FieldScanner::MildKeyOf(const text::ByteRange& range) const {
  return text::MildKey(raw_.substr(range.begin, range.end - range.begin));
}

std::string FieldScanner::TypedWordKey(size_t begin, size_t end) const {
  return MildKeyOf(TypedWord(begin, end));
}

namespace {

// ' and U+2019, as English contractions are typed.
std::string WithoutApostrophes(std::string_view word) {
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    if (word[i] == '\'') continue;
    if (word.substr(i, 3) == "\xE2\x80\x99") {
      i += 2;
      continue;
    }
    out += word[i];
  }
  return out;
}

}  // namespace

// A phrase's slot word typed as a different dictionary word that only the
// skeleton makes equal (sei for Seil, schließen for schießen) does not fill
// the slot. Every reading of the typed word must be protected against every
// reading of the term: the word as typed and without apostrophes (you're
// for youre), the term as written and without umlauts (people who type
// without umlauts mean the word: wurde for würde).
bool FieldScanner::PhraseWordProtected(const CompiledRule& rule, const PhraseWord& word,
                                       size_t begin, size_t end) const {
  const std::string key = TypedWordKey(begin, end);
  const PhraseLexiconTerm& term = set_.phrase_lexicon_terms[word.lexicon_term];
  if (!rule.lexicon->Protects(key, term.term)) return false;  // also: not a dictionary word
  if (const std::string bare = WithoutApostrophes(key);
      bare.size() != key.size() && bare.starts_with(term.term.mild)) {
    return false;
  }
  return term.without_umlauts.empty() ||
         rule.lexicon->Protects(key, {term.without_umlauts, term.term.mode, false});
}

void FieldScanner::AddCandidate(uint32_t rule, size_t sk_begin, size_t sk_end,
                                match::Attachment attachment) {
  const text::SkeletonView& sk = b_.normalized.skeleton;
  const text::ByteRange original = sk.ToOriginal(sk_begin, sk_end);
  const text::ByteRange span = ReportedSpan(sk, sk_begin, sk_end, attachment, original);
  b_.candidates.push_back({rule, field_index_, span.begin, span.end, original.begin, original.end});
}

absl::Status FieldScanner::ScanRegexes(const match::RegexDatabase& db,
                                       const std::vector<uint32_t>& rule_of, std::string_view text,
                                       const text::View* view, size_t known_begin,
                                       size_t known_end) {
  return db.ForEachMatch(
      text, scratch_, set_.max_spans_per_rule, &b_.regex_ids,
      [&](uint32_t id, size_t begin, size_t end) {
        const uint32_t rule = rule_of[id];
        if (!InField(rule)) return;
        const text::ByteRange original =
            view ? view->ToOriginal(begin, end)
                 : text::ByteRange{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
        for (size_t c = known_begin; c < known_end; ++c) {
          const Candidate& known = b_.candidates[c];
          if (known.rule == rule && known.begin < original.end && original.begin < known.end) {
            return;
          }
        }
        b_.candidates.push_back(
            {rule, field_index_, original.begin, original.end, original.begin, original.end});
      });
}

// A mended view's hit that a view before it found is the same hit: only
// what the mending uncovered is added.
absl::Status FieldScanner::ScanMendedRegexes(size_t first_regex_candidate) {
  if (!b_.mended_built) {
    b_.mended_built = true;
    b_.mended_count = text::MendFoldedViews(b_.normalized.folded, &b_.mend_scratch, b_.mended);
  }
  for (size_t v = 0; v < b_.mended_count; ++v) {
    const text::View& mended = b_.mended[v];
    if (absl::Status s = ScanRegexes(*set_.folded_regexes, set_.folded_regex_rule, mended.text,
                                     &mended, first_regex_candidate, b_.candidates.size());
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

bool FieldScanner::NeedsUnlessRegexes(size_t first_candidate) const {
  for (size_t c = first_candidate; c < b_.candidates.size(); ++c) {
    if (set_.rules[b_.candidates[c].rule].has_unless_regex) return true;
  }
  return false;
}

// A veto shared by several rules: each of them in this field gets it.
absl::Status FieldScanner::ScanUnlessRegexes() {
  const text::View& folded = b_.normalized.folded;
  return set_.unless_regexes->ForEachMatch(
      folded.text, scratch_, set_.max_spans_per_rule, &b_.regex_ids,
      [&](uint32_t id, size_t begin, size_t end) {
        const text::ByteRange original = folded.ToOriginal(begin, end);
        for (const ContextRegexUse& use : set_.unless_regex_rules[id]) {
          if (InField(use.rule)) b_.unless_hits.push_back({use.rule, original});
        }
      });
}

// A head joined to a modifier of the same pair: Asyl|anten|pack, Juden-Pack.
void FieldScanner::ResolvePairs() {
  const text::SkeletonView& sk = b_.normalized.skeleton;
  for (const PartHit& head : b_.part_hits) {
    if (head.kind != LiteralKind::kPairHead || !match::CompoundEndOk(sk, head.end)) continue;
    for (const PartHit& modifier : b_.part_hits) {
      if (modifier.kind != LiteralKind::kPairModifier || modifier.rule != head.rule ||
          modifier.part != head.part || modifier.begin >= head.begin ||
          !match::JoinsAsCompound(sk, modifier.end, head.begin) ||
          !match::CompoundStartOk(sk, modifier.begin)) {
        continue;
      }
      if (!PairProtected(head.rule, modifier.begin, head.begin, head.end)) {
        AddCandidate(head.rule, modifier.begin, head.end, match::Attachment::kCompound);
      }
      break;
    }
  }
}

// A two-list compound typed as a dictionary word counts only when the word
// plausibly is the compound: the lexicon reads the head as typed as a
// compound term (Judenschwein: a real modifier + "schwein"). "Thesauruses"
// holds Sau + Russe only by accident.
bool FieldScanner::PairProtected(uint32_t rule_index, size_t begin, size_t head_begin,
                                 size_t head_end) const {
  const CompiledRule& rule = set_.rules[rule_index];
  if (rule.lexicon == nullptr) return false;
  const text::ByteRange head = b_.normalized.skeleton.ToOriginal(head_begin, head_end);
  const text::LexiconTerm term{text::MildKey(raw_.substr(head.begin, head.end - head.begin)),
                               text::TermMode::kCompound, false};
  return rule.lexicon->Protects(TypedWordKey(begin, head_end), term);
}

void FieldScanner::BuildWordIndex() {
  if (!b_.word_starts.empty()) return;
  const text::SkeletonView& sk = b_.normalized.skeleton;
  b_.word_starts.push_back(0);
  for (size_t i = 0; i < sk.text.size(); ++i) {
    if (sk.text[i] == ' ') b_.word_starts.push_back(static_cast<uint32_t>(i + 1));
  }
  b_.orig_word_starts.clear();
  for (uint32_t start : b_.word_starts) {
    b_.orig_word_starts.push_back(start < sk.text.size() ? sk.orig_begin[start]
                                                         : static_cast<uint32_t>(raw_.size()));
  }
}

uint32_t FieldScanner::WordOf(size_t pos) const {
  const auto it = std::upper_bound(b_.word_starts.begin(), b_.word_starts.end(), pos);
  return static_cast<uint32_t>(it - b_.word_starts.begin()) - 1;
}

uint32_t FieldScanner::OriginalWordOf(size_t pos) const {
  const auto it = std::upper_bound(b_.orig_word_starts.begin(), b_.orig_word_starts.end(), pos);
  return it == b_.orig_word_starts.begin()
             ? 0
             : static_cast<uint32_t>(it - b_.orig_word_starts.begin()) - 1;
}

void FieldScanner::ResolvePhrases() {
  std::sort(b_.triggered.begin(), b_.triggered.end());
  b_.triggered.erase(std::unique(b_.triggered.begin(), b_.triggered.end()), b_.triggered.end());
  BuildWordIndex();
  for (const TriggeredPhrase& phrase : b_.triggered) {
    const PhraseOutcome outcome = ResolvePhrase(phrase);
    if (phrase_tallies_ != nullptr) Tally(phrase, outcome);
  }
}

void FieldScanner::Tally(const TriggeredPhrase& phrase, PhraseOutcome outcome) {
  PhraseTally& tally = (*phrase_tallies_)[phrase.rule][phrase.part];
  ++tally.triggers;
  tally.searched += outcome != PhraseOutcome::kSlotMissing;
  tally.matched += outcome == PhraseOutcome::kMatched;
}

// A slot hit is vetoed by a forbidden word right after or before it in the
// same sentence (text/sentences.h: "Häng dich auf. Der Richter ..." is no
// "auf der"), or by a number there when the slot says @digits ("bring dich
// um 8").
bool FieldScanner::Vetoed(const PartHit& hit, const CompiledPhrase& phrase) const {
  const text::SkeletonView& sk = b_.normalized.skeleton;
  const text::ByteRange original = sk.ToOriginal(hit.begin, hit.end);
  if (phrase.not_followed_by_digits[hit.slot] && DigitAfter(raw_, original.end)) return true;
  if (phrase.not_preceded_by_digits[hit.slot] && DigitBefore(raw_, original.begin)) return true;
  const uint32_t first_word = WordOf(hit.begin), last_word = WordOf(hit.end - 1);
  for (const PartHit& other : b_.phrase_hits) {
    if (other.slot != hit.slot) continue;
    const bool next =
        other.kind == LiteralKind::kNotFollowedBy && WordOf(other.begin) == last_word + 1;
    const bool previous = other.kind == LiteralKind::kNotPrecededBy && first_word > 0 &&
                          WordOf(other.begin) == first_word - 1;
    if ((next || previous) &&
        !text::SentenceEndBetween(raw_, original, sk.ToOriginal(other.begin, other.end))) {
      return true;
    }
  }
  return false;
}

// Whether every required slot of the phrase has a word among word_matches.
// Most triggered phrases miss a slot; they stop here, before the boundary,
// lexicon and veto checks look their words up. (Those checks only remove
// hits, so a slot without words stays without hits.)
bool FieldScanner::EveryRequiredSlotMayHit(const CompiledPhrase& phrase) const {
  const size_t slots = phrase.shape.slots;
  if (slots > 64) return true;  // the search finds out
  uint64_t seen = 0;
  for (const WordMatch& m : b_.word_matches) {
    const PhraseWord& w = phrase.words[m.word];
    if (w.kind == LiteralKind::kPhraseSlot) seen |= uint64_t{1} << w.slot;
  }
  for (size_t s = 0; s < slots; ++s) {
    const bool optional = s < phrase.shape.optional.size() && phrase.shape.optional[s];
    if (!optional && (seen >> s & 1) == 0) return false;
  }
  return true;
}

// Whether every required slot but the anchor (whose word triggered the
// phrase) has a literal among the field's occurrences: a binary search of
// the field's sorted literals per run of the slot's literal ids
// (literal_runs.h), the smallest slots first. That is what
// EveryRequiredSlotMayHit decides after the join, and most triggered
// phrases miss a slot, so they stop here, before the join.
bool FieldScanner::RequiredSlotsOccur(const CompiledPhrase& phrase) {
  if (!field_literals_built_) {
    field_literals_built_ = true;
    for (const Occurrence& o : b_.occurrences) b_.field_literals.push_back(o.literal);
    std::sort(b_.field_literals.begin(), b_.field_literals.end());
    b_.field_literals.erase(std::unique(b_.field_literals.begin(), b_.field_literals.end()),
                            b_.field_literals.end());
  }
  return std::all_of(phrase.required_slot_runs.begin(), phrase.required_slot_runs.end(),
                     [&](const std::vector<LiteralRun>& runs) {
                       return AnyLiteralInRuns(runs, b_.field_literals);
                     });
}

// Collects the phrase's words from the field's occurrences (JoinPhraseWords,
// in scan order as before), drops vetoed slot hits and runs the span-near
// search.
PhraseOutcome FieldScanner::ResolvePhrase(const TriggeredPhrase& triggered) {
  const text::SkeletonView& sk = b_.normalized.skeleton;
  const CompiledPhrase& phrase = set_.rules[triggered.rule].phrases[triggered.part];
  if (!RequiredSlotsOccur(phrase)) return PhraseOutcome::kSlotMissing;
  // Join from the smaller side: a phrase with fewer words than the field has
  // occurrences looks its words up in the field's index (same pairs, same
  // order; phrase_words_test.cc).
  if (phrase.words.size() < b_.occurrences.size()) {
    if (!occurrence_index_built_) {
      b_.occurrence_index.Build(b_.occurrences);
      occurrence_index_built_ = true;
    }
    JoinPhraseWordsIndexed(phrase.words, b_.occurrences, b_.occurrence_index, &b_.word_matches);
  } else {
    JoinPhraseWords(phrase.words, phrase.filter, b_.occurrences, &b_.word_matches);
  }
  if (!EveryRequiredSlotMayHit(phrase)) return PhraseOutcome::kSlotMissing;
  b_.phrase_hits.clear();
  for (const WordMatch& m : b_.word_matches) {
    const Occurrence& o = b_.occurrences[m.occurrence];
    const PhraseWord& w = phrase.words[m.word];
    if (!match::AcceptsMatch(sk, o.begin, o.end, w.attachment)) continue;
    if (w.lexicon_term != PhraseWord::kNoLexiconTerm &&
        PhraseWordProtected(set_.rules[triggered.rule], w, o.begin, o.end)) {
      continue;
    }
    b_.phrase_hits.push_back({triggered.rule, triggered.part, w.slot, w.kind, o.begin, o.end});
  }
  b_.slot_hits.clear();
  for (const PartHit& hit : b_.phrase_hits) {
    if (hit.kind != LiteralKind::kPhraseSlot || Vetoed(hit, phrase)) continue;
    b_.slot_hits.push_back({hit.slot, hit.begin, hit.end, WordOf(hit.begin), WordOf(hit.end - 1)});
  }
  // Every match, not only the first: a post may quote a threat (vetoed by
  // the rule's `unless`) and then make one; each match is a candidate of
  // its own. The next search leaves out the words inside the last match's
  // span (the chosen ones among them), so each search finds new words.
  PhraseOutcome outcome = PhraseOutcome::kNoMatch;
  for (size_t found = 0; found < set_.max_spans_per_rule; ++found) {
    if (!match::FindPhrase(phrase.shape, b_.slot_hits, &b_.chosen, &b_.phrase_search)) break;
    uint32_t begin = UINT32_MAX, end = 0;
    for (size_t c : b_.chosen) {
      begin = std::min(begin, b_.slot_hits[c].begin);
      end = std::max(end, b_.slot_hits[c].end);
    }
    AddCandidate(triggered.rule, begin, end, match::Attachment::kWord);
    outcome = PhraseOutcome::kMatched;
    std::erase_if(b_.slot_hits, [begin, end](const match::PhraseSlotHit& h) {
      return h.begin < end && begin < h.end;
    });
  }
  return outcome;
}

namespace {

// Whether a clause mark (, ; : . ! ? or a line break) lies between the end
// of a hit's words and `to`. Marks a regex hit swallowed at its end
// ("… weggesperrt,") count as between.
bool ClauseMarkBetween(std::string_view raw, uint32_t hit_begin, uint32_t hit_end, uint32_t to) {
  auto is_mark = [](char ch) {
    return ch == ',' || ch == ';' || ch == ':' || ch == '.' || ch == '!' || ch == '?' || ch == '\n';
  };
  uint32_t from = std::min<uint32_t>(hit_end, static_cast<uint32_t>(raw.size()));
  while (from > hit_begin && (is_mark(raw[from - 1]) || raw[from - 1] == ' ')) --from;
  to = std::min<uint32_t>(to, static_cast<uint32_t>(raw.size()));
  for (uint32_t i = from; i < to; ++i) {
    if (is_mark(raw[i])) return true;
  }
  return false;
}

}  // namespace

// The words strictly between a hit and another span of the field (0 when
// they touch or overlap). Needs BuildWordIndex().
uint32_t FieldScanner::WordsBetween(text::ByteRange hit, text::ByteRange other) {
  if (other.begin < hit.end && hit.begin < other.end) return 0;
  const bool before = other.end <= hit.begin;
  const uint32_t a = OriginalWordOf(before ? other.end - 1 : hit.end - 1);
  const uint32_t b = OriginalWordOf(before ? hit.begin : other.begin);
  return b > a ? b - a - 1 : 0;
}

// Drops candidates of rules whose unless word or regex lies within the
// rule's `unless.within` words of the candidate (a negation word: within
// `unless.negation_within`; a report word only in the candidate's sentence
// and not as a label before a colon, or around a quoted candidate).
void FieldScanner::ApplyUnless(size_t first_candidate) {
  BuildWordIndex();
  auto vetoed = [&](const Candidate& c) {
    const CompiledRule& rule = set_.rules[c.rule];
    if (!rule.has_unless) return false;
    std::optional<bool> quoted;  // worked out once, when a sentence end asks
    for (const UnlessHit& u : b_.unless_hits) {
      if (u.rule != c.rule || u.near) continue;
      const uint32_t between = WordsBetween({c.begin, c.end}, u.range);
      int within = u.negation ? rule.rule.unless.negation_within : rule.rule.unless.within;
      // A negation after the hit negates it only right behind it ("ich töte
      // dich nicht"); further on, or behind a comma or full stop, it belongs
      // to the next clause ("… die Juden, wer's nicht sieht, ist blind",
      // "gehören weggesperrt, nicht ins Fernsehen", the tag "…, nicht wahr?").
      if (u.negation && u.range.begin >= c.end) {
        if (ClauseMarkBetween(raw_, c.begin, c.end, u.range.begin)) continue;
        within = 0;
      }
      if (between > static_cast<uint32_t>(within)) continue;
      // A report frames what it reports; a report word appended as a
      // sentence of its own ("Juden ins Gas. Polizeibericht") or set before
      // it as a label ("Polizeibericht: Juden ins Gas") excuses nothing,
      // unless the hit is quoted. (Checked last: the bytes between
      // are read only for a veto within reach.)
      if (u.report && (text::SentenceEndBetween(raw_, {c.begin, c.end}, u.range) ||
                       text::LabelsWhatFollows(raw_, u.range, {c.begin, c.end}))) {
        if (!quote_bounds_) quote_bounds_ = text::FindQuoteBounds(raw_);
        if (!quoted) quoted = text::InQuotes(*quote_bounds_, {c.begin, c.end});
        if (!*quoted) continue;
      }
      return true;
    }
    return false;
  };
  auto from = b_.candidates.begin() + static_cast<std::ptrdiff_t>(first_candidate);
  b_.candidates.erase(std::remove_if(from, b_.candidates.end(), vetoed), b_.candidates.end());
}

// Words around a hit that the search for a near regex covers beyond the
// context's `within`: a context regex's match may itself run over several
// words ("ist so ein aufgeblasener …"), so the search starts this many words
// earlier and may start this many words later.
constexpr uint32_t kNearReachWords = 8;

// Drops candidates of rules with `near:` contexts that have none of them
// within the context's `within` words, on its side (overlapping counts).
// Context words came with the literal scan; context regexes are searched
// only for a candidate that has no context yet, only around it, and the
// near database is scanned for the field at most once, when the first such
// candidate needs it. Most fields have no candidate of a near rule and pay
// one loop over their candidates.
absl::Status FieldScanner::ApplyNear(size_t first_candidate) {
  bool any = false;
  for (size_t c = first_candidate; c < b_.candidates.size() && !any; ++c) {
    any = set_.rules[b_.candidates[c].rule].has_near;
  }
  if (!any) return absl::OkStatus();
  BuildWordIndex();
  // Worked out before the candidates are filtered, while all are in place.
  const size_t gate_begin = set_.near_regexes != nullptr ? NearGateBegin(first_candidate) : 0;
  bool gated = false;  // b_.near_ids holds this field's near regex candidates
  absl::Status status;
  auto lacks_context = [&](const Candidate& c) {
    const CompiledRule& rule = set_.rules[c.rule];
    if (!rule.has_near || !status.ok()) return false;
    for (const UnlessHit& u : b_.unless_hits) {
      if (u.rule == c.rule && u.near && ContextHolds(c, rule.rule.near[u.context], u.range)) {
        return false;
      }
    }
    if (!rule.has_near_regex || set_.near_regexes == nullptr) return true;
    if (!gated) {
      gated = true;
      const std::string_view folded = b_.normalized.folded.text;
      status = set_.near_regexes->CandidateIds(folded.substr(gate_begin), scratch_, &b_.near_ids);
      if (!status.ok()) return false;
    }
    for (const uint32_t id : b_.near_ids) {
      for (const ContextRegexUse& use : set_.near_regex_uses[id]) {
        if (use.rule == c.rule && NearRegexHolds(c, rule.rule.near[use.context], id)) return false;
      }
    }
    return true;
  };
  auto from = b_.candidates.begin() + static_cast<std::ptrdiff_t>(first_candidate);
  b_.candidates.erase(std::remove_if(from, b_.candidates.end(), lacks_context),
                      b_.candidates.end());
  return status;
}

// The folded bytes [from, to) in which a search for context's regex
// around candidate c starts its spans: kNearReachWords + within words
// before the hit to as many after it.
std::pair<size_t, size_t> FieldScanner::NearWindow(const Candidate& c,
                                                   const rules::NearContext& context) const {
  const text::View& folded = b_.normalized.folded;
  const uint32_t reach = static_cast<uint32_t>(context.within) + kNearReachWords;
  const uint32_t first = OriginalWordOf(c.begin);
  const uint32_t last = OriginalWordOf(c.end > c.begin ? c.end - 1 : c.begin);
  const size_t words = b_.orig_word_starts.size();
  const size_t from_word = first > reach ? first - reach : 0;
  const size_t to_word = std::min<size_t>(size_t{last} + reach + 1, words);  // exclusive
  const uint32_t orig_from = b_.orig_word_starts[from_word];
  const uint32_t orig_to =
      to_word < words ? b_.orig_word_starts[to_word] : static_cast<uint32_t>(raw_.size());
  auto folded_at = [&](uint32_t original) {
    return static_cast<size_t>(
        std::lower_bound(folded.orig_begin.begin(), folded.orig_begin.end(), original) -
        folded.orig_begin.begin());
  };
  return {folded_at(orig_from), folded_at(orig_to)};
}

// Where the field's scan of the near database may begin: the earliest
// window of a candidate in it whose rule has a near regex. No span the
// search of a window confirms starts before it, and a scan of the text from
// there reports every pattern with a match that starts there or later
// (with ^ and \b reading the scan's first byte as a text's, they only match
// more; the rule set has no \B, near_gate_reads_windows).
size_t FieldScanner::NearGateBegin(size_t first_candidate) const {
  if (!set_.near_gate_reads_windows) return 0;
  size_t begin = b_.normalized.folded.text.size();
  for (size_t i = first_candidate; i < b_.candidates.size() && begin > 0; ++i) {
    const Candidate& c = b_.candidates[i];
    const CompiledRule& rule = set_.rules[c.rule];
    if (!rule.has_near_regex) continue;
    for (const rules::NearContext& context : rule.rule.near) {
      if (context.regex) begin = std::min(begin, NearWindow(c, context).first);
    }
  }
  return begin;
}

// Whether near regex id has a span that is the context around candidate c,
// a span starting in its NearWindow.
bool FieldScanner::NearRegexHolds(const Candidate& c, const rules::NearContext& context,
                                  uint32_t id) {
  const text::View& folded = b_.normalized.folded;
  const auto [from, to] = NearWindow(c, context);
  bool holds = false;
  set_.near_regexes->FindSpansIn(
      id, folded.text, from, to, set_.max_spans_per_rule, [&](size_t begin, size_t end) {
        holds = holds || ContextHolds(c, context, folded.ToOriginal(begin, end));
      });
  return holds;
}

// Whether a context found at range (original offsets) counts for candidate c.
bool FieldScanner::ContextHolds(const Candidate& c, const rules::NearContext& context,
                                text::ByteRange range) {
  const bool overlaps = range.begin < c.end && c.begin < range.end;
  if (!overlaps) {
    using Side = rules::NearContext::Side;
    const bool before = range.end <= c.begin;
    if (context.side == Side::kOverlap) return false;
    if (context.side == Side::kBefore && !before) return false;
    if (context.side == Side::kAfter && before) return false;
  }
  return WordsBetween({c.begin, c.end}, range) <= static_cast<uint32_t>(context.within);
}

// A hit inside an allowed word of its own rule set is not a hit.
void FieldScanner::SuppressAllowed(size_t first_candidate) {
  if (b_.allows.empty()) return;
  auto suppressed = [&](const Candidate& c) {
    const uint32_t component = set_.rules[c.rule].component;
    for (const AllowSpan& a : b_.allows) {
      if (a.component == component && a.range.begin <= c.term_begin && c.term_end <= a.range.end) {
        return true;
      }
    }
    return false;
  };
  auto from = b_.candidates.begin() + static_cast<std::ptrdiff_t>(first_candidate);
  b_.candidates.erase(std::remove_if(from, b_.candidates.end(), suppressed), b_.candidates.end());
}

}  // namespace moderation::internal
