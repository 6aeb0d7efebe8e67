// The rule model: what a moderator's YAML rule file means, after loading.
//
// Why: the loader (YAML -> RuleSetSource), the compiler (RuleSetSource ->
// Hyperscan/RE2 databases) and the policy (hits -> decision) all speak this
// one model, so a rule means the same thing in modctl, tests and the server.
// Every element keeps its SourceLocation so later stages (pattern compile
// errors, failing examples) can still point at file:line:col.
//
// Thread-safety: plain values; treat as immutable once loaded.
#ifndef MODERATION_ENGINE_RULES_RULE_H_
#define MODERATION_ENGINE_RULES_RULE_H_

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "engine/post/post.h"
#include "engine/rules/diagnostic.h"

namespace moderation::rules {

// How a word-list term may attach to other letters (matched on the skeleton).
enum class MatchMode {
  kWord,       // whole word only
  kPrefix,     // the word and anything appended: Blödmann -> Blödmanns ("term*")
  kSuffix,     // the word at the end of a longer word ("*term")
  kCompound,   // alone, or as the head of a compound whose first part has >= 3
               // letters; optionally followed by a German inflection ending
  kSubstring,  // anywhere, even inside other words ("*term*"): dangerous
  kInflected,  // the whole word, or (with >= 4 letters) the word with an inflection
               // ending (bring -> bringt, günstig -> günstige)
};

const char* MatchModeName(MatchMode m);

// What an enforcing rule does when it fires.
enum class Action {
  kScore,  // adds `score` to the set's total; thresholds decide
  kFlag,   // hold for human review
  kBlock,  // reject
};

const char* ActionName(Action a);

enum class RuleMode {
  kEnforce,  // changes the decision
  kShadow,   // reported separately, never changes the decision
};

// Which view a regex scans.
enum class RegexView {
  kFolded,  // default: NFKC, case-folded, invisible characters removed
  kRaw,     // the original bytes (case-insensitive matching still applies)
};

// One word-list term after @list expansion and wildcard parsing.
struct Term {
  std::string text;  // as written, without the '*' wildcards
  MatchMode mode = MatchMode::kCompound;
  SourceLocation location;
  // Added by the file's `spellings:` beside the term at `location`
  // (spellings.h), not written in the file.
  bool spelling = false;
};

// Conditions a rule may require; all set conditions must hold (AND).
// A condition on an author value the platform did not send never holds.
struct Condition {
  std::optional<int> author_account_age_days_below;
  std::optional<int> author_account_age_days_at_least;
  std::optional<int> author_trust_level_below;
  std::optional<int> author_trust_level_at_least;
  std::optional<int> author_prior_violations_at_least;
  std::optional<int> links_at_least;
  std::optional<int> mentions_at_least;
  // Share of upper-case letters, 0..1. Only texts with at least
  // caps_min_letters letters qualify, so "OK" is not shouting.
  std::optional<double> caps_ratio_at_least;
  int caps_min_letters = 12;
  std::optional<int> length_at_least;  // code points, all fields together
  std::optional<int> length_below;
  std::optional<int> repeated_chars_at_least;  // longest run of one character
  // Multi-posting (Activity in post.h; counted by the server's pulse, this
  // post included): near-duplicates in the community, near-duplicates by
  // the same author, and the author's posts in the last minute.
  std::optional<int> duplicates_recent_at_least;
  std::optional<int> author_duplicates_recent_at_least;
  std::optional<int> author_posts_last_minute_at_least;
  SourceLocation location;

  bool empty() const;
};

// An embedded example: a text the rule must (or must not) fire on, optionally
// with the author context the rule's conditions look at.
struct Example {
  std::string text;
  Author author;
  Activity activity;
  SourceLocation location;
};

// One position of a phrase: any of its terms, matched on the skeleton word
// stream with the same normalisation and match modes as `words:`.
struct PhraseSlot {
  std::vector<Term> terms;
  bool optional = false;  // the phrase may match without this slot
  // The word right after (before) the slot's word must not be one of these;
  // `digits` = a number there vetoes too ("um 8").
  std::vector<Term> not_followed_by;
  std::vector<Term> not_preceded_by;
  bool not_followed_by_digits = false;
  bool not_preceded_by_digits = false;
  SourceLocation location;
};

// A word sequence, after Lucene's span-near: every required slot matches a
// distinct word, and at most `within` other words lie between the first and
// the last matched word.
struct Phrase {
  std::vector<PhraseSlot> slots;
  bool ordered = false;  // slots in the written order, or any order
  int within = 3;        // other words allowed in between, in total
  SourceLocation location;
};

// A two-list compound: any modifier term joined to any head term, with an
// optional German linking element (s, es, n, en, er, e, ens, ern) or a
// hyphen between them and an inflection ending after: "@groups+@pejoratives".
struct CompoundPair {
  std::vector<Term> modifiers;
  std::vector<Term> heads;
  SourceLocation location;
};

// A veto: the rule's hit does not count when one of these is near it (quotes,
// reports, "ich würde nie sagen ...") or the condition holds.
struct Unless {
  std::vector<Term> terms;           // within `within` words of the hit
  std::optional<std::string> regex;  // on the folded view, within `within` words
  SourceLocation regex_location;
  int within = 8;
  // Negation words ("nicht", "kein*", "never") veto only within
  // `negation_within` words of the hit: a negation denies what stands next
  // to it ("stirbt nicht"), while a "nicht" twelve words away belongs to
  // another clause ("... liegt denen im Blut. Braucht man nicht schönreden").
  std::vector<Term> negation;
  int negation_within = 2;
  // Report words ("Polizeibericht", "angeklagt*") veto within `within`
  // words too, but only in the hit's sentence and not as a label before a
  // colon, or anywhere near a hit in quotation marks: a report frames the
  // words it reports ("Der Angeklagte schrieb: ..."), while a report word
  // appended as a sentence of its own ("Juden ins Gas. Polizeibericht") or
  // set before it as a label ("Polizeibericht: Juden ins Gas") is the
  // cheapest way around a veto.
  // `terms` keep their reach across sentences, for words that say what the
  // hit means ("Ist dein Auto noch heil? Ab in die Werkstatt").
  std::vector<Term> reports;
  Condition condition;  // empty: no condition veto
  SourceLocation location;

  bool empty() const {
    return terms.empty() && reports.empty() && negation.empty() && !regex && condition.empty();
  }
};

// A context the hit needs, the positive twin of `unless`: with `near:`, a
// hit counts only when one of the rule's contexts is found within its
// `within` words (on its `side`, or overlapping the hit). For words that
// break the rules only when aimed at someone: "du Idiot" or "der Schiri ist
// ein Idiot", not "Computer sind die intelligentesten Idioten" or "jeder
// Idiot kann das".
struct NearContext {
  // kOverlap: the context must overlap the hit (a regex that spans it).
  enum class Side { kEither, kBefore, kAfter, kOverlap };
  std::vector<Term> terms;           // whole words by default
  std::optional<std::string> regex;  // on the folded view
  SourceLocation regex_location;
  int within = 8;
  Side side = Side::kEither;  // where the context must lie, seen from the hit
  SourceLocation location;
};

// `signal:`, a learned word-weight signal (engine/signal.h). For the abuse
// that no hand-written pattern foresaw: weights learned from labelled posts
// (scripts/train_signal.py, scripts/train_logistic_signal.py), held for
// review and never decided by one word. Two ways to score a post field:
//   * kWindow: a hit when some window of `window` words holds distinct words
//     whose `top` highest weights add up to `threshold` or more; each weight
//     is positive and below the threshold;
//   * kLogistic: a logistic model over the whole field: `bias` plus the
//     weights of its distinct words and word pairs (bigrams, "ich dich"),
//     negative ones included, is a hit when the probability it gives reaches
//     `threshold` (0..1); no entry alone, with the bias, reaches it.
enum class SignalScore { kWindow, kLogistic };

// The log-odds of a probability in (0, 1): what a logistic signal's bias and
// weights add up to, compared with its threshold's.
inline double LogOdds(double probability) { return std::log(probability / (1 - probability)); }
struct SignalWeight {
  // Folded signal words (text/signal_words.h): one word, or with kLogistic
  // also two joined by one space (a word pair, adjacent in the text).
  std::string word;
  double weight = 0;
  SourceLocation location;
};
struct Signal {
  SignalScore score = SignalScore::kWindow;
  int window = 10;                    // kWindow: words after the first one of the window
  int top = 3;                        // kWindow: weights summed per window
  double threshold = 0;               // kWindow: a sum; kLogistic: a probability in (0, 1)
  double bias = 0;                    // kLogistic: the log-odds of a field with no weighted word
  std::vector<SignalWeight> weights;  // distinct words
  SourceLocation location;
};

// The post fields a rule may be scoped to.
inline constexpr const char* kFieldNames[] = {"title", "body", "author_display_name"};

struct Rule {
  std::string id;
  SourceLocation location;
  std::string category;  // from the vocabulary in categories.h
  SourceLocation category_location;
  std::vector<Term> terms;
  std::optional<std::string> regex;  // RE2 syntax
  SourceLocation regex_location;
  RegexView regex_view = RegexView::kFolded;
  std::vector<CompoundPair> pairs;  // from "@a+@b" entries of `words:`
  std::vector<Phrase> phrases;      // `phrase:` / `phrases:`
  std::optional<Signal> signal;     // `signal:`; a rule with it has no other pattern
  // `split_words:` (default true): the terms also match typed as chunks with
  // spaces between ("Arsch loch"; match/split_word.h). false for lists whose
  // terms are often two innocent words in a row (English slurs: "wet back").
  bool split_words = true;
  // `fields:`; empty = every field. Names from kFieldNames.
  std::vector<std::string> fields;
  Unless unless;
  std::vector<NearContext> near;  // `near:`; empty: the hits need no context
  Condition condition;
  Action action = Action::kScore;
  double score = 0;  // used when action == kScore
  RuleMode mode = RuleMode::kEnforce;
  std::string reason;        // shown to the author
  std::string note;          // for moderators only
  std::string legal_ground;  // e.g. "StGB §241 Bedrohung"
  // From the `dsa:` header by category or the rule's own `dsa_category:`
  // (dsa_mapping.h). A statement of reasons uses legal_ground when set
  // (illegal content), else dsa_terms_ground (incompatible with the terms).
  std::string dsa_category;  // STATEMENT_CATEGORY_* (dsa_schema.h)
  std::string dsa_terms_ground;
  std::vector<std::string> dsa_territorial_scope;  // EU/EEA country codes
  std::vector<Example> match_examples;
  std::vector<Example> no_match_examples;
};

struct Thresholds {
  double flag = 5;
  double block = 10;
};

// One rule file.
struct RuleSetSource {
  std::string id;       // `ruleset:`; communities select sets by id
  std::string version;  // `version:` free text
  SourceLocation location;
  Thresholds thresholds;
  std::vector<Term> allow;  // allow-list entries (mode unused)
  std::vector<Rule> rules;
  // `lexicon: de` or `lexicon: [de, en]`: dictionary words this set's word
  // terms hit only by a lossy step or an unlikely compound split are not hits
  // (lexicon.h). The first names the set's own language; the others are
  // languages its posts mix in (LexiconGroup). Empty: no protection.
  std::vector<std::string> lexicons;
  std::vector<SourceLocation> lexicon_locations;  // parallel to lexicons
  std::string content_hash;                       // "sha256:<hex>" of the file's bytes
  std::vector<std::string> extra_categories;      // `categories:` beyond the built-in ones
};

}  // namespace moderation::rules

#endif  // MODERATION_ENGINE_RULES_RULE_H_
