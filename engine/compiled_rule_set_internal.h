// Private representation of a CompiledRuleSet, shared by the compiler
// (compiled_rule_set.cc) and the evaluator (evaluator.cc). Not part of the
// engine's public API.
//
// Thread-safety: immutable after construction.
#ifndef MODERATION_ENGINE_COMPILED_RULE_SET_INTERNAL_H_
#define MODERATION_ENGINE_COMPILED_RULE_SET_INTERNAL_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/literal_filter.h"
#include "engine/literal_runs.h"
#include "engine/match/literal_matcher.h"
#include "engine/match/phrase_match.h"
#include "engine/match/regex_matcher.h"
#include "engine/match/scratch.h"
#include "engine/match/split_word.h"
#include "engine/match/word_boundary.h"
#include "engine/rule_set.h"
#include "engine/short_word_table.h"
#include "engine/signal.h"
#include "engine/text/lexicon.h"

namespace moderation {

// What a skeleton literal stands for.
enum class LiteralKind : uint8_t {
  kTerm,            // a `words:` term of `rule`
  kAllow,           // an allow-list entry of `component`
  kPairModifier,    // the first part of two-list compound `part` of `rule`
  kPairHead,        // its second part
  kPhraseAnchor,    // a term of the anchor slot of phrase `part` of `rule`
  kPhraseSlot,      // (in CompiledPhrase::words only) a term of slot `slot`
  kNotFollowedBy,   // (in CompiledPhrase::words only) a word that may not follow that slot
  kNotPrecededBy,   // (in CompiledPhrase::words only) a word that may not precede it
  kUnless,          // an `unless:` word of `rule`
  kUnlessReport,    // an `unless: reports:` word of `rule` (vetoes only in the hit's sentence)
  kUnlessNegation,  // an `unless: negation:` word of `rule` (vetoes only close by)
  kNear,            // a word of `near:` context `part` of `rule` (a context its hits need)
};

// A rule that uses a regex of the unless database (as a veto) or of the
// near database (as near context `context`).
struct ContextRegexUse {
  uint32_t rule;
  uint16_t context = 0;  // near database only: the context's index within the rule
  bool operator==(const ContextRegexUse&) const = default;
};

struct LiteralRef {
  static constexpr uint32_t kAllow = std::numeric_limits<uint32_t>::max();
  LiteralKind kind = LiteralKind::kTerm;
  uint32_t rule = kAllow;  // rule index, or kAllow
  uint32_t component = 0;  // for allow entries: whose allow list
  match::Attachment attachment = match::Attachment::kCompound;
  uint16_t part = 0;  // pair, phrase or near context index within the rule
  uint16_t slot = 0;  // phrase slot
  uint32_t term = 0;  // kTerm: index into Impl::lexicon_terms; kUnless(Report): veto_lexicon_terms
};

// One literal a phrase listens to, and what it means for the phrase.
struct PhraseWord {
  static constexpr uint32_t kNoLexiconTerm = UINT32_MAX;
  uint32_t literal = 0;
  uint16_t slot = 0;
  LiteralKind kind = LiteralKind::kPhraseSlot;  // slot, not_followed_by, not_preceded_by
  match::Attachment attachment = match::Attachment::kWord;
  // Slot words of a rule set with a lexicon: index into
  // Impl::phrase_lexicon_terms; kNoLexiconTerm otherwise.
  uint32_t lexicon_term = kNoLexiconTerm;
};

// A phrase slot word as the lexicon checks it (FieldScanner::PhraseWordProtected):
// the term's mild key without spaces or hyphens ("ab stechen" is typed
// "abstechen"), and the same without umlauts, because people who type
// without umlauts (wurde for würde, musste for müsste) mean the word.
struct PhraseLexiconTerm {
  text::LexiconTerm term;
  std::string without_umlauts;  // empty when the term has none
};

// A phrase as the evaluator needs it (rules::Phrase keeps the terms).
//
// Cost: only the terms of one required slot, the anchor (the slot whose
// words the fewest phrases share), carry LiteralRefs. Every other phrase word
// is just noted where it occurs. A phrase is resolved only when its anchor
// occurs, so a common word such as "dich" in a thousand phrases costs one
// note per occurrence, not a thousand refs: the cost follows the text.
struct CompiledPhrase {
  match::PhraseShape shape;
  uint16_t anchor_slot = 0;
  std::vector<PhraseWord> words;   // every slot's and neighbour's literals, by literal
  internal::LiteralFilter filter;  // of words' literals (JoinPhraseWords)
  // The literals of each required slot but the anchor, as runs of
  // consecutive ids, the slots with the fewest literals first
  // (FieldScanner::RequiredSlotsOccur). Empty for a phrase of more than 64
  // slots, which the search itself decides.
  std::vector<std::vector<internal::LiteralRun>> required_slot_runs;
  std::vector<bool> not_followed_by_digits;  // per slot
  std::vector<bool> not_preceded_by_digits;
};

// Bits of CompiledRule::field_mask.
inline constexpr uint32_t kFieldTitle = 1, kFieldBody = 2, kFieldDisplayName = 4;
inline constexpr uint32_t kAllFields = 7;

struct CompiledRule {
  rules::Rule rule;
  uint32_t component = 0;  // index into components
  bool has_pattern = false;
  bool has_condition = false;
  bool has_unless = false;  // words or regex near a hit veto it
  bool has_unless_regex = false;
  bool has_near = false;  // a hit counts only with a `near:` word or regex close by
  bool has_near_regex = false;
  uint32_t field_mask = kAllFields;
  const text::LexiconGroup* lexicon = nullptr;  // the component's, or null
  std::vector<CompiledPhrase> phrases;          // parallel to rule.phrases
};

// The field bit of a post field name. Names other than title and
// author_display_name (modctl's "text", a platform's "comment") count as body.
uint32_t FieldBit(std::string_view field_name);

struct CompiledRuleSet::Impl {
  std::string id;
  std::string version;
  std::string content_hash;
  std::vector<RuleSetRef> components;
  std::vector<rules::Thresholds> thresholds;  // per component
  std::vector<CompiledRule> rules;

  std::unique_ptr<const match::LiteralDatabase> literals;  // skeleton view
  std::vector<std::vector<LiteralRef>> literal_refs;       // per literal id
  // What `literals` was compiled from, by id: a combination of this part
  // with others compiles them into its own database (Layout::literals).
  std::vector<std::string> scanned_literals;

  // Split words (match/split_word.h): the split-eligible terms (kTerm refs)
  // and allow entries (kAllow refs), scanned on the joined view. Null when
  // there are none or CompileOptions::split_words is off. A database of its
  // own because it holds a fraction of the literals (no phrase, unless or
  // short words), so the second scan and its callbacks stay cheap.
  std::unique_ptr<const match::LiteralDatabase> split_literals;
  std::vector<std::vector<LiteralRef>> split_refs;  // per split literal id

  // The mild form and mode of each kTerm literal's term, for the lexicon.
  std::vector<text::LexiconTerm> lexicon_terms;
  // One per distinct slot word (mode and text), shared by every phrase
  // that lists it; see PhraseWord::lexicon_term.
  std::vector<PhraseLexiconTerm> phrase_lexicon_terms;
  // The mild form and mode of each distinct `unless` word of a set with a
  // lexicon: a veto word typed inside another dictionary word ("Arsch" in
  // "Vormarsch", "Hure" in "Broschüre") vetoes nothing, as such a term hits
  // nothing.
  std::vector<text::LexiconTerm> veto_lexicon_terms;
  // The rule and term each lexicon_terms entry came from, for reports.
  std::vector<std::pair<uint32_t, rules::Term>> lexicon_term_origins;
  // The components' dictionaries, each once (masked words, reports), and
  // each component's group of them (CompiledRule::lexicon points there).
  std::vector<std::shared_ptr<const text::Lexicon>> lexicons;
  std::vector<std::unique_ptr<const text::LexiconGroup>> lexicon_groups;
  std::vector<bool> phrase_literal;  // per literal id: some phrase listens to it
  // Short phrase-only literals every phrase takes only as a whole word
  // (CompileOptions::short_phrase_word_lookup). They are not in `literals`;
  // FieldScanner finds them among the field's words (AddShortPhraseWords).
  internal::ShortWordTable short_phrase_words;

  std::unique_ptr<const match::RegexDatabase> folded_regexes;  // the rules' `regex:`
  std::vector<uint32_t> folded_regex_rule;                     // regex id -> rule index
  // The `unless` regexes (folded view) in a database of their own: a veto
  // only matters near a candidate of a rule it vetoes, so a field without
  // such a candidate (most posts) is not scanned for them at all.
  std::unique_ptr<const match::RegexDatabase> unless_regexes;
  // Unless regex id -> every rule whose `unless` is that regex, first rule
  // first: a veto shared by many rules (a file's {@quoted_report} pattern)
  // is compiled and scanned once, not once per rule.
  std::vector<std::vector<ContextRegexUse>> unless_regex_rules;
  // The `near:` regexes (folded view) in a database of their own: they are
  // searched only for a candidate that has no context yet, and only around
  // it (FieldScanner::ApplyNear), where a veto's spans are searched in the
  // whole field. Near regex id -> the rules and contexts that use it.
  std::unique_ptr<const match::RegexDatabase> near_regexes;
  std::vector<std::vector<ContextRegexUse>> near_regex_uses;
  // Whether a field's scan of the near database may begin at the earliest
  // window its candidates need (FieldScanner::NearGateBegin): no near regex
  // has \B, the one assertion that a text's first byte can make false where
  // the whole field would make it true.
  bool near_gate_reads_windows = true;
  std::unique_ptr<const match::RegexDatabase> raw_regexes;
  std::vector<uint32_t> raw_regex_rule;

  // The `signal:` rules' weights (signal.h), searched in every field of
  // their rules' scope after the literal and regex scans.
  std::vector<internal::CompiledSignal> signals;

  std::vector<uint32_t> condition_only_rules;
  bool any_condition = false;  // some rule has a condition (features needed)
  bool any_near = false;       // some rule has a `near:` context
  CompileReport report;
  size_t max_spans_per_rule = 16;

  // This set's Hyperscan databases (never null), for sizing scratch.
  std::vector<const hs_database_t*> HyperscanDatabases() const;
};

// A CompiledRuleSet's parts and how their rules and components are
// numbered across them. Rule r of part p is rule rule_base[p] + r of the
// set, in the order of the parts, so a candidate's global rule index sorts
// the same way as when the sources were compiled together; component c of
// part p is component component_base[p] + c, with its thresholds.
//
// Why parts: a catalog compiles each rule set once and a combination only
// lists the parts it judges with, so `de` used alone, with `pii` and with
// `en` is held once (the default rules held de and en twice: 836 MB
// resident, 626 MB with parts). The cost: each part scans its own regex
// databases and short words, 11 % more instructions on realistic posts
// than one database per combination; a combination's own literal database
// keeps the literal scan at one per field (BENCHMARKS.md, "One copy of
// each rule set").
struct CompiledRuleSet::Layout {
  std::vector<std::shared_ptr<const Impl>> parts;
  std::vector<uint32_t> rule_base;       // per part, then the total
  std::vector<uint32_t> component_base;  // per part
  std::string id;
  std::string version;
  std::string content_hash;
  std::vector<RuleSetRef> components;         // of all parts, in order
  std::vector<rules::Thresholds> thresholds;  // per component
  CompileReport report;                       // the parts' added up
  bool any_condition = false;                 // some part's
  size_t max_spans_per_rule = 16;

  // The part that holds global rule `rule`.
  size_t PartOf(uint32_t rule) const;
  const CompiledRule& Rule(uint32_t rule) const;
  // Global component index of a rule.
  uint32_t ComponentOf(uint32_t rule) const;

  // With more than one part: all parts' literals in one database (each
  // part's Impl::scanned_literals, ids offset by literal_base[p]), so a
  // field's skeleton is scanned for literals once and each part's scanner
  // is handed its own hits (FieldScanner::ScanNormalized). Null for one
  // part, which scans its own.
  std::unique_ptr<const match::LiteralDatabase> literals;
  std::vector<uint32_t> literal_base;  // per part, then the total

  // The part whose literal (global id) `literal` is.
  size_t PartOfLiteral(uint32_t literal) const;
  // Every Hyperscan database the set scans with, for sizing scratch.
  std::vector<const hs_database_t*> HyperscanDatabases() const;

  // Lays out `parts` (at least one) in this order, without a combined
  // literal database (CombineParts adds it).
  static std::shared_ptr<Layout> Of(std::vector<std::shared_ptr<const Impl>> parts);
};

// Lays out `parts` as one set: checks that no rule id is defined twice
// (InvalidArgument, with a problem at the second definition) and compiles
// (or loads from options.cache_dir) the combined literal database.
absl::StatusOr<std::shared_ptr<const CompiledRuleSet::Layout>> CombineParts(
    std::vector<std::shared_ptr<const CompiledRuleSet::Impl>> parts, const CompileOptions& options,
    rules::Diagnostics* problems);

// CompiledRuleSet::Compile without the scratch, so that a caller compiling
// several sets can size one prototype for all of them and then publish each
// with CompiledRuleSet::FromImpl.
absl::StatusOr<std::unique_ptr<CompiledRuleSet::Impl>> CompileRuleSetImpl(
    std::vector<rules::RuleSetSource> sources, const CompileOptions& options,
    rules::Diagnostics* problems);

}  // namespace moderation

#endif  // MODERATION_ENGINE_COMPILED_RULE_SET_INTERNAL_H_
