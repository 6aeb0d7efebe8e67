// The rule-set compiler: RuleSetSources -> CompiledRuleSet::Impl.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "engine/anchor_weight.h"
#include "engine/compiled_rule_set_internal.h"
#include "engine/match/regex_alternatives.h"
#include "engine/match/regex_syntax.h"
#include "engine/rules/term_check.h"
#include "engine/text/normalizer.h"
#include "engine/util/sha256.h"

namespace moderation {
namespace {

// Whether a regex has the assertion \B: outside classes, as an escape of
// its own (not "\\B", an escaped backslash before a B).
bool HasNotWordBoundary(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '[') {
      i = match::RegexClassEnd(pattern, i);
    } else if (pattern[i] == '\\') {
      if (pattern.substr(i, 2) == "\\B") return true;
      i = match::RegexEscapeEnd(pattern, i);
    } else {
      ++i;
    }
  }
  return false;
}

using rules::Diagnostics;
using rules::MatchMode;

// A set's id, version and content hash from its components: "de+pii",
// "de@v1,pii@v2" and a hash of the hashes; a single component's own.
void SetIdentity(const std::vector<RuleSetRef>& components, std::string* id, std::string* version,
                 std::string* content_hash) {
  std::vector<std::string> ids, versions, hashes;
  for (const RuleSetRef& c : components) {
    ids.push_back(c.id);
    versions.push_back(absl::StrCat(c.id, "@", c.version));
    hashes.push_back(c.content_hash);
  }
  *id = absl::StrJoin(ids, "+");
  if (components.size() == 1) {
    *version = components[0].version;
    *content_hash = components[0].content_hash;
  } else {
    *version = absl::StrJoin(versions, ",");
    *content_hash = util::Sha256Hex(absl::StrJoin(hashes, "\n"));
  }
}

// Adds a part's compile report to a combination's (whose
// literals_from_cache starts true).
void AddUp(const CompileReport& part, CompileReport* sum) {
  sum->warnings.insert(sum->warnings.end(), part.warnings.begin(), part.warnings.end());
  sum->rules += part.rules;
  sum->terms += part.terms;
  sum->phrases += part.phrases;
  sum->pairs += part.pairs;
  sum->literals += part.literals;
  sum->regexes += part.regexes;
  sum->regexes_on_re2 += part.regexes_on_re2;
  sum->regexes_from_cache += part.regexes_from_cache;
  sum->literals_from_cache = sum->literals_from_cache && part.literals_from_cache;
  sum->literal_seconds += part.literal_seconds;
  sum->regex_seconds += part.regex_seconds;
  sum->total_seconds += part.total_seconds;
  sum->database_bytes += part.database_bytes;
}

match::Attachment AttachmentFor(MatchMode mode) {
  switch (mode) {
    case MatchMode::kWord:
      return match::Attachment::kWord;
    case MatchMode::kPrefix:
      return match::Attachment::kPrefix;
    case MatchMode::kSuffix:
      return match::Attachment::kSuffix;
    case MatchMode::kCompound:
      return match::Attachment::kCompound;
    case MatchMode::kSubstring:
      return match::Attachment::kSubstring;
    case MatchMode::kInflected:
      return match::Attachment::kInflected;
  }
  return match::Attachment::kCompound;
}

// Collects distinct skeleton literals and what each stands for.
class LiteralTable {
 public:
  uint32_t Intern(const std::string& literal) {
    auto [it, inserted] = index_.try_emplace(literal, static_cast<uint32_t>(literals_.size()));
    if (inserted) {
      literals_.push_back(literal);
      refs_.emplace_back();
    }
    return it->second;
  }
  void Add(const std::string& literal, LiteralRef ref) { refs_[Intern(literal)].push_back(ref); }
  // The literal ids of a skeleton and of its joined variant (see below).
  std::vector<uint32_t> InternWithJoinedVariant(const std::string& skeleton) {
    std::vector<uint32_t> ids = {Intern(skeleton)};
    if (skeleton.find(' ') != std::string::npos)
      ids.push_back(Intern(absl::StrReplaceAll(skeleton, {{" ", ""}})));
    return ids;
  }
  // A multi-word term also matches with its words run together
  // ("Heil Hitler" -> "heiihitier"), the form "H e i l H i t l e r" takes.
  void AddWithJoinedVariant(const std::string& skeleton, LiteralRef ref) {
    Add(skeleton, ref);
    if (skeleton.find(' ') != std::string::npos)
      Add(absl::StrReplaceAll(skeleton, {{" ", ""}}), ref);
  }
  std::vector<std::string>& literals() { return literals_; }
  std::vector<std::vector<LiteralRef>>& refs() { return refs_; }

 private:
  absl::flat_hash_map<std::string, uint32_t> index_;
  std::vector<std::string> literals_;
  std::vector<std::vector<LiteralRef>> refs_;
};

// The longest phrase word found by word lookup instead of by the literal
// scan (see Compiler::LiteralsToScan): two- and three-letter words are the
// ones Hyperscan reports inside nearly every longer word, and the common
// words of four to seven ("eine", "nicht", "einfach") inside many.
constexpr size_t kShortPhraseWordLetters = internal::ShortWordTable::kMaxBytes;

class Compiler {
 public:
  Compiler(const CompileOptions& options, Diagnostics* problems)
      : options_(options), problems_(problems), cache_(options.cache_dir) {}

  absl::StatusOr<std::unique_ptr<CompiledRuleSet::Impl>> Run(
      std::vector<rules::RuleSetSource> sources);

 private:
  void AddComponents(std::vector<rules::RuleSetSource>& sources);
  void AddRule(rules::Rule rule, uint32_t component);
  void AddTerms(const rules::Rule& rule, uint32_t index, uint32_t component);
  void AddPairs(const rules::Rule& rule, uint32_t index, uint32_t component);
  void AddPhrases(const rules::Rule& rule, CompiledRule* compiled);
  void AddUnless(const rules::Rule& rule, uint32_t index, uint32_t component,
                 CompiledRule* compiled);
  struct ContextRegexes;
  void AddContextRegex(const std::string& regex, ContextRegexUse use,
                       const rules::SourceLocation& location, ContextRegexes* regexes,
                       std::vector<std::vector<ContextRegexUse>>* uses_of_id);
  void AddLiteral(const rules::Term& term, const char* what, LiteralRef ref,
                  bool split_words = false);
  void AddPhraseWords(const std::vector<rules::Term>& terms, const char* what, uint16_t slot,
                      LiteralKind kind, CompiledPhrase* phrase, const text::LexiconGroup* lexicon);
  bool TermSkeleton(const rules::Term& term, const char* what, std::string* skeleton);
  text::LexiconTerm LexiconTermFor(const rules::Term& term, const text::Lexicon& own,
                                   bool common_heads_productive);
  uint32_t AddPhraseLexiconTerm(const rules::Term& term);
  uint32_t AddVetoLexiconTerm(const rules::Term& term, const text::LexiconGroup& lexicon);
  void ChooseAnchors();
  const text::LexiconGroup* LoadLexicons(const rules::RuleSetSource& source);
  std::shared_ptr<const text::Lexicon> LoadLexicon(const std::string& name,
                                                   const rules::SourceLocation& location);
  void AddAllowList(const std::vector<rules::Term>& allow, uint32_t component);
  absl::Status BuildDatabases();
  std::vector<std::string> LiteralsToScan();
  absl::Status BuildSplitLiterals();
  // Where a regex of a database came from, for the compile report.
  struct RegexOrigin {
    uint32_t rule;
    rules::SourceLocation location;
  };
  std::vector<RegexOrigin> RuleRegexOrigins(const std::vector<uint32_t>& rule_of) const;
  absl::Status BuildRegexes(std::vector<std::string> patterns,
                            const std::vector<RegexOrigin>& origin_of,
                            std::unique_ptr<const match::RegexDatabase>* out);
  void SetIdentity();

  const CompileOptions& options_;
  Diagnostics* problems_;
  match::DbCache cache_;
  std::unique_ptr<CompiledRuleSet::Impl> impl_ = std::make_unique<CompiledRuleSet::Impl>();
  LiteralTable literals_;
  LiteralTable split_literals_;  // see CompiledRuleSet::Impl::split_literals
  bool split_terms_ = false;     // a term is among them, not only allow entries
  std::vector<std::string> folded_patterns_, raw_patterns_;
  // The patterns of the unless or the near database: regex text -> id, so
  // equal vetoes (contexts) share one id, and each id's first use.
  struct ContextRegexes {
    std::vector<std::string> patterns;
    absl::flat_hash_map<std::string, uint32_t> ids;
    std::vector<RegexOrigin> origins;
  };
  ContextRegexes unless_regexes_, near_regexes_;
  std::vector<const text::LexiconGroup*> component_lexicons_;
  std::shared_ptr<text::LexiconCache> lexicon_cache_;
  absl::flat_hash_map<std::string, rules::SourceLocation> rule_ids_;
  // Impl::veto_lexicon_terms by mode, productivity and mild form: the
  // shared veto lists (@report_words) are named by hundreds of rules.
  absl::flat_hash_map<std::string, uint32_t> veto_lexicon_index_;
  // What a term's text already gave, per match mode: the shared lists hand
  // the same words to hundreds of rules and phrase slots, and normalising a
  // term (and then interning it, and keying it for the lexicon) was most of
  // what a rule load cost. Keyed by text alone, so a term seen before is
  // found without building a key.
  struct TermFacts {
    std::optional<std::string> skeleton;                        // nullopt: not yet, or bad
    std::optional<std::vector<uint32_t>> phrase_literals;       // InternWithJoinedVariant
    uint32_t phrase_lexicon_term = PhraseWord::kNoLexiconTerm;  // AddPhraseLexiconTerm
  };
  static constexpr size_t kMatchModes = static_cast<size_t>(rules::MatchMode::kInflected) + 1;
  TermFacts& FactsOf(const rules::Term& term);
  std::array<absl::flat_hash_map<std::string, TermFacts>, kMatchModes> term_facts_;
  // The bad terms reported so far, by location and message (TermSkeleton).
  std::set<std::tuple<std::string, int, int, std::string>> reported_terms_;
  // What the lexicon says of a term (LexiconTermFor), by lexicon and use.
  absl::flat_hash_map<std::tuple<const text::Lexicon*, bool, rules::MatchMode, std::string>,
                      text::LexiconTerm>
      lexicon_terms_;
};

absl::StatusOr<std::unique_ptr<CompiledRuleSet::Impl>> Compiler::Run(
    std::vector<rules::RuleSetSource> sources) {
  const auto start = std::chrono::steady_clock::now();
  if (sources.empty()) return absl::InvalidArgumentError("no rule sets to compile");
  const size_t problems_before = problems_->size();
  AddComponents(sources);
  if (problems_->size() > problems_before) return rules::DiagnosticsToStatus(*problems_);
  if (absl::Status s = BuildDatabases(); !s.ok()) return s;
  if (problems_->size() > problems_before) return rules::DiagnosticsToStatus(*problems_);
  SetIdentity();
  impl_->max_spans_per_rule = options_.max_spans_per_rule;
  impl_->report.rules = impl_->rules.size();
  impl_->report.total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::move(impl_);
}

void Compiler::AddComponents(std::vector<rules::RuleSetSource>& sources) {
  for (uint32_t c = 0; c < sources.size(); ++c) {
    rules::RuleSetSource& source = sources[c];
    impl_->components.push_back({source.id, source.version, source.content_hash});
    impl_->thresholds.push_back(source.thresholds);
    component_lexicons_.push_back(LoadLexicons(source));
    AddAllowList(source.allow, c);
    for (rules::Rule& rule : source.rules) AddRule(std::move(rule), c);
  }
}

// The set's dictionaries as one group, shared with every set of the process
// through the LexiconCache. A dictionary that cannot be loaded is a warning
// and left out; the set compiles with what remains, or without protection.
const text::LexiconGroup* Compiler::LoadLexicons(const rules::RuleSetSource& source) {
  std::vector<std::shared_ptr<const text::Lexicon>> loaded;
  for (size_t i = 0; i < source.lexicons.size(); ++i) {
    if (auto lexicon = LoadLexicon(source.lexicons[i], source.lexicon_locations[i])) {
      loaded.push_back(lexicon);
    }
  }
  if (loaded.empty()) return nullptr;
  for (const auto& lexicon : loaded) {
    if (std::find(impl_->lexicons.begin(), impl_->lexicons.end(), lexicon) ==
        impl_->lexicons.end()) {
      impl_->lexicons.push_back(lexicon);
    }
  }
  impl_->lexicon_groups.push_back(std::make_unique<text::LexiconGroup>(std::move(loaded)));
  return impl_->lexicon_groups.back().get();
}

std::shared_ptr<const text::Lexicon> Compiler::LoadLexicon(const std::string& name,
                                                           const rules::SourceLocation& location) {
  const auto path = options_.lexicon_paths.find(name);
  std::string problem;
  if (path == options_.lexicon_paths.end()) {
    problem = "no dictionary is configured for it";
  } else {
    if (lexicon_cache_ == nullptr) {
      lexicon_cache_ =
          options_.lexicons ? options_.lexicons : std::make_shared<text::LexiconCache>();
    }
    auto lexicon = lexicon_cache_->Get(path->second, name);
    if (lexicon.ok()) return *lexicon;
    problem = std::string(lexicon.status().message());
  }
  impl_->report.warnings.push_back(
      {location,
       absl::StrCat("lexicon '", name, "': ", problem,
                    "; the set is compiled without dictionary protection from it (install the "
                    "dictionary: wngerman for de, wamerican for en)")});
  return nullptr;
}

// split_words: a kTerm literal that may also match split (when eligible).
void Compiler::AddLiteral(const rules::Term& term, const char* what, LiteralRef ref,
                          bool split_words) {
  std::string skeleton;
  if (!TermSkeleton(term, what, &skeleton)) return;
  ref.attachment = AttachmentFor(term.mode);
  literals_.AddWithJoinedVariant(skeleton, ref);
  if (split_words && match::SplitEligible(skeleton)) {
    split_literals_.Add(skeleton, ref);
    split_terms_ = true;
  }
}

void Compiler::AddAllowList(const std::vector<rules::Term>& allow, uint32_t component) {
  for (const rules::Term& term : allow) {
    std::string skeleton;
    rules::Term as_word = term;
    as_word.mode = MatchMode::kWord;  // allow entries may be short whole words
    if (!TermSkeleton(as_word, "allow entry", &skeleton)) continue;
    const LiteralRef ref{LiteralKind::kAllow, LiteralRef::kAllow, component,
                         match::Attachment::kSubstring};
    literals_.AddWithJoinedVariant(skeleton, ref);
    // An allowed word typed split still protects what lies inside it.
    if (match::SplitEligible(skeleton)) split_literals_.Add(skeleton, ref);
  }
}

void Compiler::AddRule(rules::Rule rule, uint32_t component) {
  auto [it, inserted] = rule_ids_.try_emplace(rule.id, rule.location);
  if (!inserted) {
    problems_->push_back(
        {rule.location, absl::StrFormat("duplicate rule id '%s' (first defined at %s:%d)", rule.id,
                                        it->second.file, it->second.line)});
    return;
  }
  const uint32_t index = static_cast<uint32_t>(impl_->rules.size());
  CompiledRule compiled;
  compiled.lexicon = component_lexicons_[component];
  AddTerms(rule, index, component);
  AddPairs(rule, index, component);
  AddPhrases(rule, &compiled);
  AddUnless(rule, index, component, &compiled);
  if (!rule.fields.empty()) {
    compiled.field_mask = 0;
    for (const std::string& field : rule.fields) compiled.field_mask |= FieldBit(field);
  }
  if (rule.regex) {
    if (rule.regex_view == rules::RegexView::kRaw) {
      raw_patterns_.push_back(*rule.regex);
      impl_->raw_regex_rule.push_back(index);
    } else {
      folded_patterns_.push_back(*rule.regex);
      impl_->folded_regex_rule.push_back(index);
    }
  }
  if (rule.signal) impl_->signals.push_back(internal::CompileSignal(*rule.signal, index));
  compiled.has_pattern = !rule.terms.empty() || rule.regex.has_value() || !rule.pairs.empty() ||
                         !rule.phrases.empty() || rule.signal.has_value();
  compiled.has_condition = !rule.condition.empty();
  impl_->any_condition |= compiled.has_condition || !rule.unless.condition.empty();
  compiled.component = component;
  if (!compiled.has_pattern) impl_->condition_only_rules.push_back(index);
  compiled.rule = std::move(rule);
  impl_->rules.push_back(std::move(compiled));
}

text::TermMode LexiconMode(MatchMode mode) {
  switch (mode) {
    case MatchMode::kWord:
    case MatchMode::kInflected:  // the lexicon already lets a word carry an ending
      return text::TermMode::kWord;
    case MatchMode::kPrefix:
      return text::TermMode::kPrefix;
    case MatchMode::kSuffix:
      return text::TermMode::kSuffix;
    case MatchMode::kCompound:
      return text::TermMode::kCompound;
    case MatchMode::kSubstring:
      return text::TermMode::kSubstring;
  }
  return text::TermMode::kCompound;
}

// What the lexicon needs of a `words:` or `unless` term. A productive suffix
// ("ische") is never the term inside the words that end in it. A common head
// (Knochen) counts as productive for `words:` terms, whose lists hold such
// ordinary nouns, but not for veto words: a Tierarzt is an Arzt, and for a
// veto the head is what the compound is about.
text::LexiconTerm Compiler::LexiconTermFor(const rules::Term& term, const text::Lexicon& own,
                                           bool common_heads_productive) {
  const auto [it, inserted] =
      lexicon_terms_.try_emplace({&own, common_heads_productive, term.mode, term.text});
  if (!inserted) return it->second;
  text::LexiconTerm& info = it->second;
  info = {text::MildKey(term.text), LexiconMode(term.mode), false};
  info.productive =
      own.Productive(info.mild) || (common_heads_productive && own.CommonHead(info.mild));
  return info;
}

// Looks the text up first: a term seen before is found without copying
// its text into a key.
Compiler::TermFacts& Compiler::FactsOf(const rules::Term& term) {
  auto& of_mode = term_facts_[static_cast<size_t>(term.mode)];
  if (auto it = of_mode.find(term.text); it != of_mode.end()) return it->second;
  return of_mode[term.text];
}

// Normalises one term; reports terms that cannot be matched safely with the
// loader's own check (rules/term_check.h), so both speak with one voice. A
// term seen before is looked up; a bad one is checked again at each use
// (the message names the use) and reported once per place and message.
bool Compiler::TermSkeleton(const rules::Term& term, const char* what, std::string* skeleton) {
  TermFacts& facts = FactsOf(term);
  if (facts.skeleton) {
    *skeleton = *facts.skeleton;
    return true;
  }
  std::string computed;
  if (std::optional<std::string> problem =
          rules::internal::TermSkeletonProblem(term, what, &computed)) {
    // A bad entry of a shared list is one mistake at one place, however
    // many rules and slots name the list: reported once.
    const rules::SourceLocation& at = term.location;
    if (reported_terms_.emplace(at.file, at.line, at.column, *problem).second) {
      problems_->push_back({at, std::move(*problem)});
    }
    return false;
  }
  *skeleton = computed;
  facts.skeleton = std::move(computed);
  return true;
}

void Compiler::AddTerms(const rules::Rule& rule, uint32_t index, uint32_t component) {
  const text::LexiconGroup* lexicon = component_lexicons_[component];
  for (const rules::Term& term : rule.terms) {
    LiteralRef ref{LiteralKind::kTerm, index, component};
    if (lexicon != nullptr) {
      ref.term = static_cast<uint32_t>(impl_->lexicon_terms.size());
      impl_->lexicon_terms.push_back(LexiconTermFor(term, lexicon->own(), true));
      impl_->lexicon_term_origins.emplace_back(index, term);
    }
    AddLiteral(term, "term", ref, rule.split_words);
    ++impl_->report.terms;
  }
}

void Compiler::AddPairs(const rules::Rule& rule, uint32_t index, uint32_t component) {
  for (size_t p = 0; p < rule.pairs.size(); ++p) {
    const auto part = static_cast<uint16_t>(p);
    for (const rules::Term& term : rule.pairs[p].modifiers) {
      AddLiteral(
          term, "compound modifier",
          {LiteralKind::kPairModifier, index, component, match::Attachment::kSubstring, part});
    }
    for (const rules::Term& term : rule.pairs[p].heads) {
      AddLiteral(term, "compound head",
                 {LiteralKind::kPairHead, index, component, match::Attachment::kSubstring, part});
    }
    impl_->report.terms += rule.pairs[p].modifiers.size() + rule.pairs[p].heads.size();
    ++impl_->report.pairs;
  }
}

void Compiler::AddPhraseWords(const std::vector<rules::Term>& terms, const char* what,
                              uint16_t slot, LiteralKind kind, CompiledPhrase* phrase,
                              const text::LexiconGroup* lexicon) {
  for (const rules::Term& term : terms) {
    TermFacts& facts = FactsOf(term);
    if (!facts.phrase_literals) {
      std::string skeleton;
      if (!TermSkeleton(term, what, &skeleton)) continue;
      facts.phrase_literals = literals_.InternWithJoinedVariant(skeleton);
    }
    uint32_t lexicon_term = PhraseWord::kNoLexiconTerm;
    if (kind == LiteralKind::kPhraseSlot && lexicon != nullptr) {
      if (facts.phrase_lexicon_term == PhraseWord::kNoLexiconTerm) {
        facts.phrase_lexicon_term = AddPhraseLexiconTerm(term);
      }
      lexicon_term = facts.phrase_lexicon_term;
    }
    for (uint32_t id : *facts.phrase_literals) {
      phrase->words.push_back({id, slot, kind, AttachmentFor(term.mode), lexicon_term});
    }
  }
}

// Phrase words are checked against the lexicon as they are typed, with the
// word's own spaces and hyphens dropped, and also without umlauts
// (PhraseLexiconTerm). Productive suffixes are a compound-list matter: a
// phrase word is a word. Called once per mode and text (TermFacts): a word
// in a thousand phrases ("dich") is keyed once.
uint32_t Compiler::AddPhraseLexiconTerm(const rules::Term& term) {
  const auto joined = [](std::string key) {  // "ab stechen" is typed "abstechen"
    std::erase_if(key, [](char c) { return c == ' ' || c == '-'; });
    return key;
  };
  PhraseLexiconTerm out;
  out.term.mode = LexiconMode(term.mode);
  out.term.mild = joined(text::MildKey(term.text));
  if (std::string plain = joined(text::MildKeyWithoutUmlauts(term.text)); plain != out.term.mild) {
    out.without_umlauts = std::move(plain);
  }
  impl_->phrase_lexicon_terms.push_back(std::move(out));
  return static_cast<uint32_t>(impl_->phrase_lexicon_terms.size() - 1);
}

void Compiler::AddPhrases(const rules::Rule& rule, CompiledRule* compiled) {
  for (const rules::Phrase& phrase : rule.phrases) {
    CompiledPhrase out;
    out.shape.slots = phrase.slots.size();
    out.shape.ordered = phrase.ordered;
    out.shape.within = phrase.within;
    for (size_t s = 0; s < phrase.slots.size(); ++s) {
      const rules::PhraseSlot& slot = phrase.slots[s];
      const auto slot_index = static_cast<uint16_t>(s);
      out.shape.optional.push_back(slot.optional);
      out.not_followed_by_digits.push_back(slot.not_followed_by_digits);
      out.not_preceded_by_digits.push_back(slot.not_preceded_by_digits);
      AddPhraseWords(slot.terms, "phrase word", slot_index, LiteralKind::kPhraseSlot, &out,
                     compiled->lexicon);
      AddPhraseWords(slot.not_followed_by, "not_followed_by word", slot_index,
                     LiteralKind::kNotFollowedBy, &out, nullptr);
      AddPhraseWords(slot.not_preceded_by, "not_preceded_by word", slot_index,
                     LiteralKind::kNotPrecededBy, &out, nullptr);
    }
    std::sort(out.words.begin(), out.words.end(),
              [](const PhraseWord& a, const PhraseWord& b) { return a.literal < b.literal; });
    std::vector<uint32_t> literals;
    for (const PhraseWord& w : out.words) literals.push_back(w.literal);
    out.filter = internal::LiteralFilter::Of(std::move(literals));
    compiled->phrases.push_back(std::move(out));
    ++impl_->report.phrases;
  }
}

namespace {

// The literals of each required slot but the anchor as runs, the slots
// with the fewest literals first; none for a phrase of more than 64 slots
// (see CompiledPhrase).
std::vector<std::vector<internal::LiteralRun>> RequiredSlotRuns(const CompiledPhrase& phrase) {
  const size_t slots = phrase.shape.slots;
  if (slots > 64) return {};
  std::vector<std::vector<uint32_t>> per_slot(slots);
  for (const PhraseWord& w : phrase.words) {
    if (w.kind == LiteralKind::kPhraseSlot) per_slot[w.slot].push_back(w.literal);
  }
  std::vector<std::pair<size_t, std::vector<internal::LiteralRun>>> required;  // (literals, runs)
  for (size_t s = 0; s < slots; ++s) {
    const bool optional = s < phrase.shape.optional.size() && phrase.shape.optional[s];
    if (optional || s == phrase.anchor_slot) continue;
    required.emplace_back(per_slot[s].size(), internal::LiteralRunsOf(std::move(per_slot[s])));
  }
  std::stable_sort(required.begin(), required.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::vector<internal::LiteralRun>> out;
  for (auto& [literals, runs] : required) out.push_back(std::move(runs));
  return out;
}

}  // namespace

// Anchors each phrase on the required slot that is cheapest to trigger on:
// whose literals the fewest phrases use and which holds no function word
// (AnchorWeight), and gives only the anchor's literals refs (see
// CompiledPhrase).
void Compiler::ChooseAnchors() {
  impl_->phrase_literal.assign(literals_.literals().size(), false);
  std::vector<uint32_t> users(literals_.literals().size(), 0);
  for (const CompiledRule& rule : impl_->rules) {
    for (const CompiledPhrase& phrase : rule.phrases) {
      for (const PhraseWord& w : phrase.words) {
        impl_->phrase_literal[w.literal] = true;
        if (w.kind == LiteralKind::kPhraseSlot) ++users[w.literal];
      }
    }
  }
  for (uint32_t r = 0; r < impl_->rules.size(); ++r) {
    CompiledRule& rule = impl_->rules[r];
    for (size_t p = 0; p < rule.phrases.size(); ++p) {
      CompiledPhrase& phrase = rule.phrases[p];
      std::vector<uint64_t> cost(phrase.shape.slots, 0);
      for (const PhraseWord& w : phrase.words) {
        if (w.kind != LiteralKind::kPhraseSlot) continue;
        cost[w.slot] += users[w.literal] +
                        internal::AnchorWeight(literals_.literals()[w.literal], w.attachment);
      }
      uint64_t best = UINT64_MAX;
      for (size_t s = 0; s < phrase.shape.slots; ++s) {
        if (phrase.shape.optional[s] || cost[s] >= best) continue;
        best = cost[s];
        phrase.anchor_slot = static_cast<uint16_t>(s);
      }
      for (const PhraseWord& w : phrase.words) {
        if (w.kind != LiteralKind::kPhraseSlot || w.slot != phrase.anchor_slot) continue;
        literals_.refs()[w.literal].push_back({LiteralKind::kPhraseAnchor, r, rule.component,
                                               w.attachment, static_cast<uint16_t>(p),
                                               phrase.anchor_slot});
      }
      phrase.required_slot_runs = RequiredSlotRuns(phrase);
    }
  }
}

uint32_t Compiler::AddVetoLexiconTerm(const rules::Term& term, const text::LexiconGroup& lexicon) {
  text::LexiconTerm info = LexiconTermFor(term, lexicon.own(), false);
  const auto [it, inserted] = veto_lexicon_index_.try_emplace(
      absl::StrCat(static_cast<int>(info.mode), info.productive ? "p:" : ":", info.mild),
      static_cast<uint32_t>(impl_->veto_lexicon_terms.size()));
  if (inserted) impl_->veto_lexicon_terms.push_back(std::move(info));
  return it->second;
}

void Compiler::AddUnless(const rules::Rule& rule, uint32_t index, uint32_t component,
                         CompiledRule* compiled) {
  const rules::Unless& unless = rule.unless;
  const text::LexiconGroup* lexicon = component_lexicons_[component];
  // Report words are veto words that stop at the hit's sentence.
  for (const auto& [terms, kind, what] :
       {std::tuple{&unless.terms, LiteralKind::kUnless, "unless word"},
        std::tuple{&unless.reports, LiteralKind::kUnlessReport, "unless report word"}}) {
    for (const rules::Term& term : *terms) {
      LiteralRef ref{kind, index, component};
      if (lexicon != nullptr) ref.term = AddVetoLexiconTerm(term, *lexicon);
      AddLiteral(term, what, ref);
    }
  }
  for (const rules::Term& term : unless.negation) {
    AddLiteral(term, "unless negation", {LiteralKind::kUnlessNegation, index, component});
  }
  if (unless.regex) {
    AddContextRegex(*unless.regex, {index}, unless.regex_location, &unless_regexes_,
                    &impl_->unless_regex_rules);
  }
  compiled->has_unless = !unless.terms.empty() || !unless.reports.empty() ||
                         !unless.negation.empty() || unless.regex.has_value();
  compiled->has_unless_regex = unless.regex.has_value();
  for (size_t k = 0; k < rule.near.size(); ++k) {
    const rules::NearContext& context = rule.near[k];
    const auto part = static_cast<uint16_t>(k);
    for (const rules::Term& term : context.terms) {
      AddLiteral(term, "near word",
                 {LiteralKind::kNear, index, component, match::Attachment::kCompound, part});
    }
    if (context.regex) {
      AddContextRegex(*context.regex, {index, part}, context.regex_location, &near_regexes_,
                      &impl_->near_regex_uses);
      compiled->has_near_regex = true;
    }
  }
  compiled->has_near = !rule.near.empty();
  impl_->any_near |= compiled->has_near;
}

// Each top-level alternative is a regex of its own in its database (the
// unless or the near one), shared with every rule that uses it
// (regex_alternatives.h): a rule adding a veto beside {@quoted_report} does
// not search the field for it again.
void Compiler::AddContextRegex(const std::string& regex, ContextRegexUse use,
                               const rules::SourceLocation& location, ContextRegexes* regexes,
                               std::vector<std::vector<ContextRegexUse>>* uses_of_id) {
  for (std::string& part : match::SplitTopLevelAlternatives(regex)) {
    const auto [id, inserted] = regexes->ids.try_emplace(part, regexes->patterns.size());
    if (inserted) {
      regexes->patterns.push_back(std::move(part));
      regexes->origins.push_back({use.rule, location});
      uses_of_id->emplace_back();
    }
    std::vector<ContextRegexUse>& uses = (*uses_of_id)[id->second];
    if (uses.empty() || !(uses.back() == use)) uses.push_back(use);
  }
}

std::vector<Compiler::RegexOrigin> Compiler::RuleRegexOrigins(
    const std::vector<uint32_t>& rule_of) const {
  std::vector<RegexOrigin> origins;
  origins.reserve(rule_of.size());
  for (const uint32_t rule : rule_of) {
    origins.push_back({rule, impl_->rules[rule].rule.regex_location});
  }
  return origins;
}

absl::Status Compiler::BuildRegexes(std::vector<std::string> patterns,
                                    const std::vector<RegexOrigin>& origin_of,
                                    std::unique_ptr<const match::RegexDatabase>* out) {
  if (patterns.empty()) return absl::OkStatus();
  match::RegexDatabase::Options regex_options;
  regex_options.force_re2 = options_.force_re2;
  auto db = match::RegexDatabase::Compile(patterns, regex_options, cache_);
  if (!db.ok()) return db.status();
  for (const match::RegexFallback& fallback : (*db)->fallbacks()) {
    const RegexOrigin& origin = origin_of[fallback.id];
    const rules::Rule& rule = impl_->rules[origin.rule].rule;
    impl_->report.warnings.push_back(
        {origin.location, absl::StrCat("rule '", rule.id, "': Hyperscan rejected the regex (",
                                       fallback.reason, "); RE2 runs it instead")});
  }
  impl_->report.regexes += patterns.size();
  impl_->report.regexes_on_re2 += (*db)->fallbacks().size();
  if ((*db)->build_info().from_cache) impl_->report.regexes_from_cache += patterns.size();
  impl_->report.regex_seconds += (*db)->build_info().seconds;
  impl_->report.database_bytes += (*db)->build_info().bytes;
  *out = std::move(*db);
  return absl::OkStatus();
}

absl::Status Compiler::BuildSplitLiterals() {
  // Allow entries alone would only cost a scan: nothing could be split.
  if (!options_.split_words || !split_terms_) return absl::OkStatus();
  auto db = match::LiteralDatabase::Compile(split_literals_.literals(), cache_);
  if (!db.ok()) return db.status();
  impl_->report.literal_seconds += (*db)->build_info().seconds;
  impl_->report.database_bytes += (*db)->build_info().bytes;
  impl_->split_literals = std::move(*db);
  impl_->split_refs = std::move(split_literals_.refs());
  return absl::OkStatus();
}

namespace {

// Whether a literal's refs are all phrase anchors taking it as a whole word:
// FieldScanner::AddShortPhraseWord triggers those phrases itself. (A
// literal with any other use, such as a term, an unless word or a compound
// part, stays in the scan, whose report order those uses follow.)
bool OnlyWholeWordAnchors(const std::vector<LiteralRef>& refs) {
  return std::all_of(refs.begin(), refs.end(), [](const LiteralRef& ref) {
    return ref.kind == LiteralKind::kPhraseAnchor && ref.attachment == match::Attachment::kWord;
  });
}

}  // namespace

// Short phrase words only phrases take as whole words leave the Hyperscan
// scan for a lookup of the field's words (CompileOptions::
// short_phrase_word_lookup), anchors included: "de" (a spelling of "du")
// was reported inside every "der", "den" and "jeder", 13 times per 1 KiB
// post, each report a callback. Their ids stay; the database gets a
// stand-in that no skeleton holds (the skeleton has no control characters),
// so every other literal keeps its id and the database its layout.
std::vector<std::string> Compiler::LiteralsToScan() {
  std::vector<std::string> literals = literals_.literals();
  if (!options_.short_phrase_word_lookup) return literals;
  std::vector<bool> whole_word_only(literals.size(), true);
  for (const CompiledRule& rule : impl_->rules) {
    for (const CompiledPhrase& phrase : rule.phrases) {
      for (const PhraseWord& w : phrase.words) {
        const bool whole = w.attachment == match::Attachment::kWord ||
                           (w.attachment == match::Attachment::kInflected &&
                            literals[w.literal].size() < match::kMinInflectedLetters);
        if (!whole) whole_word_only[w.literal] = false;
      }
    }
  }
  for (uint32_t id = 0; id < literals.size(); ++id) {
    std::string& literal = literals[id];
    if (!impl_->phrase_literal[id] || !whole_word_only[id] ||
        !OnlyWholeWordAnchors(literals_.refs()[id]) || literal.size() > kShortPhraseWordLetters ||
        literal.find(' ') != std::string::npos) {
      continue;
    }
    impl_->short_phrase_words.Add(literal, id);
    literal.insert(0, "\x01\x01");
  }
  return literals;
}

absl::Status Compiler::BuildDatabases() {
  ChooseAnchors();
  impl_->scanned_literals = LiteralsToScan();
  auto literal_db = match::LiteralDatabase::Compile(impl_->scanned_literals, cache_);
  if (!literal_db.ok()) return literal_db.status();
  impl_->report.literals = literals_.literals().size();
  impl_->report.literals_from_cache = (*literal_db)->build_info().from_cache;
  impl_->report.literal_seconds = (*literal_db)->build_info().seconds;
  impl_->report.database_bytes += (*literal_db)->build_info().bytes;
  impl_->literals = std::move(*literal_db);
  impl_->literal_refs = std::move(literals_.refs());
  if (absl::Status s = BuildSplitLiterals(); !s.ok()) return s;
  if (absl::Status s = BuildRegexes(folded_patterns_, RuleRegexOrigins(impl_->folded_regex_rule),
                                    &impl_->folded_regexes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          BuildRegexes(unless_regexes_.patterns, unless_regexes_.origins, &impl_->unless_regexes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          BuildRegexes(near_regexes_.patterns, near_regexes_.origins, &impl_->near_regexes);
      !s.ok()) {
    return s;
  }
  impl_->near_gate_reads_windows =
      std::none_of(near_regexes_.patterns.begin(), near_regexes_.patterns.end(),
                   [](const std::string& p) { return HasNotWordBoundary(p); });
  if (absl::Status s =
          BuildRegexes(raw_patterns_, RuleRegexOrigins(impl_->raw_regex_rule), &impl_->raw_regexes);
      !s.ok()) {
    return s;
  }
  return absl::OkStatus();
}

void Compiler::SetIdentity() {
  moderation::SetIdentity(impl_->components, &impl_->id, &impl_->version, &impl_->content_hash);
}

}  // namespace

uint32_t FieldBit(std::string_view field_name) {
  if (field_name == "title") return kFieldTitle;
  if (field_name == "author_display_name") return kFieldDisplayName;
  return kFieldBody;
}

std::vector<const hs_database_t*> CompiledRuleSet::Impl::HyperscanDatabases() const {
  std::vector<const hs_database_t*> dbs;
  for (const hs_database_t* db :
       {literals ? literals->db() : nullptr, split_literals ? split_literals->db() : nullptr,
        folded_regexes ? folded_regexes->db() : nullptr,
        unless_regexes ? unless_regexes->db() : nullptr,
        near_regexes ? near_regexes->db() : nullptr, raw_regexes ? raw_regexes->db() : nullptr}) {
    if (db != nullptr) dbs.push_back(db);
  }
  return dbs;
}

absl::StatusOr<std::unique_ptr<CompiledRuleSet::Impl>> CompileRuleSetImpl(
    std::vector<rules::RuleSetSource> sources, const CompileOptions& options,
    rules::Diagnostics* problems) {
  Compiler compiler(options, problems);
  return compiler.Run(std::move(sources));
}

absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> CompiledRuleSet::Compile(
    std::vector<rules::RuleSetSource> sources, const CompileOptions& given,
    rules::Diagnostics* problems) {
  if (sources.empty()) return absl::InvalidArgumentError("no rule sets to compile");
  // The parts of one compile share one copy of each dictionary.
  CompileOptions options = given;
  if (options.lexicons == nullptr) options.lexicons = std::make_shared<text::LexiconCache>();
  std::vector<std::shared_ptr<const Impl>> parts;
  absl::Status first_error;
  for (rules::RuleSetSource& source : sources) {
    std::vector<rules::RuleSetSource> one;
    one.push_back(std::move(source));
    auto impl = CompileRuleSetImpl(std::move(one), options, problems);
    if (impl.ok()) {
      parts.push_back(std::move(*impl));
    } else if (first_error.ok()) {
      first_error = impl.status();
    }
  }
  if (!first_error.ok()) return first_error;
  auto layout = CombineParts(std::move(parts), options, problems);
  if (!layout.ok()) return layout.status();
  return Publish(*layout);
}

absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> CompiledRuleSet::Publish(
    std::shared_ptr<const Layout> layout) {
  auto scratch = match::ScratchPrototype::Create(layout->HyperscanDatabases());
  if (!scratch.ok()) return scratch.status();
  return FromLayout(std::move(layout),
                    std::make_shared<const match::ScratchPrototype>(std::move(*scratch)));
}

std::shared_ptr<const CompiledRuleSet> CompiledRuleSet::FromLayout(
    std::shared_ptr<const Layout> layout, std::shared_ptr<const match::ScratchPrototype> scratch) {
  return std::shared_ptr<const CompiledRuleSet>(
      new CompiledRuleSet(std::move(layout), std::move(scratch)));
}

absl::StatusOr<std::shared_ptr<const CompiledRuleSet::Layout>> CombineParts(
    std::vector<std::shared_ptr<const CompiledRuleSet::Impl>> parts, const CompileOptions& options,
    rules::Diagnostics* problems) {
  if (parts.empty()) return absl::InvalidArgumentError("no rule sets to combine");
  const size_t problems_before = problems->size();
  absl::flat_hash_map<std::string_view, const rules::Rule*> first_of_id;
  for (const auto& part : parts) {
    for (const CompiledRule& compiled : part->rules) {
      const rules::Rule& rule = compiled.rule;
      auto [first, inserted] = first_of_id.try_emplace(rule.id, &rule);
      if (inserted) continue;
      problems->push_back(
          {rule.location,
           absl::StrFormat("duplicate rule id '%s' (first defined at %s:%d)", rule.id,
                           first->second->location.file, first->second->location.line)});
    }
  }
  if (problems->size() > problems_before) return rules::DiagnosticsToStatus(*problems);
  std::shared_ptr<CompiledRuleSet::Layout> layout = CompiledRuleSet::Layout::Of(std::move(parts));
  if (layout->parts.size() > 1) {
    // One literal scan of a field for all parts: Hyperscan reads the text
    // once per database, and four scans of the default combination cost
    // 70 % more time than one (BENCHMARKS.md, "One copy of each rule set").
    // The literal lists are the parts' own, ids offset per part.
    std::vector<std::string> literals;
    for (const auto& part : layout->parts) {
      layout->literal_base.push_back(static_cast<uint32_t>(literals.size()));
      literals.insert(literals.end(), part->scanned_literals.begin(), part->scanned_literals.end());
    }
    layout->literal_base.push_back(static_cast<uint32_t>(literals.size()));
    auto db = match::LiteralDatabase::Compile(literals, match::DbCache(options.cache_dir));
    if (!db.ok()) return db.status();
    layout->report.database_bytes += (*db)->build_info().bytes;
    layout->literals = std::move(*db);
  }
  return std::shared_ptr<const CompiledRuleSet::Layout>(std::move(layout));
}

std::vector<const hs_database_t*> CompiledRuleSet::Layout::HyperscanDatabases() const {
  std::vector<const hs_database_t*> dbs;
  for (const auto& part : parts) {
    for (const hs_database_t* db : part->HyperscanDatabases()) dbs.push_back(db);
  }
  if (literals != nullptr && literals->db() != nullptr) dbs.push_back(literals->db());
  return dbs;
}

namespace {

// The part whose numbers start at bases[p]: bases is sorted, starts at 0 and
// ends with the total; few parts, so a short linear search.
size_t PartAt(const std::vector<uint32_t>& bases, uint32_t number) {
  size_t p = 0;
  while (p + 2 < bases.size() && bases[p + 1] <= number) ++p;
  return p;
}

}  // namespace

size_t CompiledRuleSet::Layout::PartOfLiteral(uint32_t literal) const {
  return PartAt(literal_base, literal);
}

std::shared_ptr<CompiledRuleSet::Layout> CompiledRuleSet::Layout::Of(
    std::vector<std::shared_ptr<const Impl>> parts) {
  auto layout = std::make_shared<Layout>();
  layout->report.literals_from_cache = true;  // when every part's was
  uint32_t rules = 0;
  for (const auto& part : parts) {
    layout->rule_base.push_back(rules);
    layout->component_base.push_back(static_cast<uint32_t>(layout->components.size()));
    rules += static_cast<uint32_t>(part->rules.size());
    layout->components.insert(layout->components.end(), part->components.begin(),
                              part->components.end());
    layout->thresholds.insert(layout->thresholds.end(), part->thresholds.begin(),
                              part->thresholds.end());
    layout->any_condition = layout->any_condition || part->any_condition;
    layout->max_spans_per_rule = part->max_spans_per_rule;
    AddUp(part->report, &layout->report);
  }
  layout->rule_base.push_back(rules);
  if (parts.size() == 1) {
    layout->id = parts[0]->id;
    layout->version = parts[0]->version;
    layout->content_hash = parts[0]->content_hash;
  } else {
    SetIdentity(layout->components, &layout->id, &layout->version, &layout->content_hash);
  }
  layout->parts = std::move(parts);
  return layout;
}

size_t CompiledRuleSet::Layout::PartOf(uint32_t rule) const { return PartAt(rule_base, rule); }

const CompiledRule& CompiledRuleSet::Layout::Rule(uint32_t rule) const {
  const size_t p = PartOf(rule);
  return parts[p]->rules[rule - rule_base[p]];
}

uint32_t CompiledRuleSet::Layout::ComponentOf(uint32_t rule) const {
  const size_t p = PartOf(rule);
  return component_base[p] + parts[p]->rules[rule - rule_base[p]].component;
}

std::shared_ptr<const CompiledRuleSet> CompiledRuleSet::FromImpl(
    std::unique_ptr<const Impl> impl, std::shared_ptr<const match::ScratchPrototype> scratch) {
  std::vector<std::shared_ptr<const Impl>> parts;
  parts.push_back(std::move(impl));
  return std::shared_ptr<const CompiledRuleSet>(
      new CompiledRuleSet(Layout::Of(std::move(parts)), std::move(scratch)));
}

std::shared_ptr<const CompiledRuleSet> CompiledRuleSet::WithScratch(
    std::shared_ptr<const match::ScratchPrototype> scratch) const {
  return std::shared_ptr<const CompiledRuleSet>(new CompiledRuleSet(layout_, std::move(scratch)));
}

CompiledRuleSet::CompiledRuleSet(std::shared_ptr<const Layout> layout,
                                 std::shared_ptr<const match::ScratchPrototype> scratch)
    : layout_(std::move(layout)), scratch_(std::move(scratch)) {}
CompiledRuleSet::~CompiledRuleSet() = default;

const std::vector<std::shared_ptr<const CompiledRuleSet::Impl>>& CompiledRuleSet::parts() const {
  return layout_->parts;
}
const std::string& CompiledRuleSet::id() const { return layout_->id; }
const std::string& CompiledRuleSet::version() const { return layout_->version; }
const std::string& CompiledRuleSet::content_hash() const { return layout_->content_hash; }
const std::vector<RuleSetRef>& CompiledRuleSet::components() const { return layout_->components; }
const CompileReport& CompiledRuleSet::report() const { return layout_->report; }
size_t CompiledRuleSet::rule_count() const { return layout_->rule_base.back(); }
const rules::Rule& CompiledRuleSet::rule(size_t index) const {
  return layout_->Rule(static_cast<uint32_t>(index)).rule;
}

}  // namespace moderation
