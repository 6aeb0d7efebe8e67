#include "engine/text/lexicon.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"

namespace moderation::text {
namespace {

constexpr std::array<std::string_view, 11> kGermanEndings = {"",  "e", "en", "er", "ern",  "es",
                                                             "s", "n", "in", "em", "innen"};
// English: plural, possessive and verb forms. Not -er: "butter" is no form
// of "butt", "dicker" none of "dick".
constexpr std::array<std::string_view, 7> kEnglishEndings = {"",   "s",  "es", "ed",
                                                             "'s", "s'", "ing"};
constexpr size_t kMinModifierLetters = 4;

std::string Reversed(std::string_view s) { return std::string(s.rbegin(), s.rend()); }

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

}  // namespace

std::string UmlautPluralStem(std::string_view term) {
  size_t end = term.size();
  while (end > 0 && !IsVowel(term[end - 1])) --end;
  if (end == 0) return "";
  size_t begin = end - 1;
  while (begin > 0 && IsVowel(term[begin - 1])) --begin;
  const std::string_view group = term.substr(begin, end - begin);
  std::string umlauted;
  if (group == "a" || group == "o" || group == "u") {
    umlauted = std::string(group) + "e";
  } else if (group == "au") {
    umlauted = "aeu";
  } else {
    return "";  // -ei-, -ie-, -e-, or a vowel already umlauted: no plural umlaut
  }
  std::string stem(term.substr(0, begin));
  stem += umlauted;
  stem += term.substr(end);
  return stem;
}

namespace {

// MildKey, with umlauts spelled out (ae) or their dots dropped (a).
std::string Key(std::string_view word, bool spell_out_umlauts) {
  const char* const umlaut_tail = spell_out_umlauts ? "e" : "";
  std::string out;
  out.reserve(word.size() + 2);
  for (size_t i = 0; i < word.size(); ++i) {
    const auto c = static_cast<unsigned char>(word[i]);
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c + 32);
      continue;
    }
    if (c == 0xC3 && i + 1 < word.size()) {
      const auto d = static_cast<unsigned char>(word[i + 1]);
      ++i;
      switch (d) {
        case 0x84:
        case 0xA4:
          (out += 'a') += umlaut_tail;
          continue;  // Ä ä
        case 0x96:
        case 0xB6:
          (out += 'o') += umlaut_tail;
          continue;  // Ö ö
        case 0x9C:
        case 0xBC:
          (out += 'u') += umlaut_tail;
          continue;  // Ü ü
        case 0x9F:
          out += "ss";
          continue;  // ß
        default:
          out += static_cast<char>(c);
          // Latin-1 capitals À..Þ (not ×) to their small letters.
          out += static_cast<char>(d >= 0x80 && d <= 0x9E && d != 0x97 ? d + 0x20 : d);
          continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

std::string MildKey(std::string_view word) { return Key(word, true); }

std::string MildKeyWithoutUmlauts(std::string_view word) { return Key(word, false); }

Lexicon::Lexicon(std::string arena, std::vector<WordSpan> spans, std::string language)
    : arena_(std::move(arena)), language_(std::move(language)) {
  // Views into arena_, which no longer changes; no per-word allocation, so
  // loading leaves no heap of freed small strings behind.
  const auto view = [&](const WordSpan& w) {
    return std::string_view(arena_).substr(w.first, w.second);
  };
  std::sort(spans.begin(), spans.end(),
            [&](const WordSpan& a, const WordSpan& b) { return view(a) < view(b); });
  spans.erase(std::unique(spans.begin(), spans.end(),
                          [&](const WordSpan& a, const WordSpan& b) { return view(a) == view(b); }),
              spans.end());
  reversed_arena_.assign(arena_.size(), '\0');
  words_.reserve(spans.size());
  sorted_.reserve(spans.size());
  reversed_.reserve(spans.size());
  for (const WordSpan& w : spans) {
    const std::string_view word = view(w);
    std::reverse_copy(word.begin(), word.end(), reversed_arena_.begin() + w.first);
    sorted_.push_back(word);
    words_.insert(absl::string_view(word.data(), word.size()));
    reversed_.push_back(std::string_view(reversed_arena_).substr(w.first, w.second));
  }
  std::sort(reversed_.begin(), reversed_.end());
}

namespace {

void AppendKey(std::string_view word, std::string* arena, std::vector<Lexicon::WordSpan>* spans) {
  const std::string key = MildKey(word);
  spans->emplace_back(static_cast<uint32_t>(arena->size()), static_cast<uint32_t>(key.size()));
  *arena += key;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Lexicon>> Lexicon::Load(const std::string& path,
                                                             std::string language) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read dictionary ", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string arena;
  arena.reserve(text.size() + text.size() / 8);  // umlauts spelled out grow a little
  std::vector<WordSpan> spans;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) AppendKey(line, &arena, &spans);
    begin = end + 1;
  }
  if (spans.empty())
    return absl::InvalidArgumentError(absl::StrCat("dictionary ", path, " is empty"));
  return std::shared_ptr<const Lexicon>(
      new Lexicon(std::move(arena), std::move(spans), std::move(language)));
}

std::shared_ptr<const Lexicon> Lexicon::FromWords(const std::vector<std::string>& words,
                                                  std::string language) {
  std::string arena;
  std::vector<WordSpan> spans;
  for (const std::string& word : words) AppendKey(word, &arena, &spans);
  return std::shared_ptr<const Lexicon>(
      new Lexicon(std::move(arena), std::move(spans), std::move(language)));
}

std::span<const std::string_view> Lexicon::Endings() const {
  if (language_ == "en") return kEnglishEndings;
  return kGermanEndings;
}

bool Lexicon::IsEnding(std::string_view ending) const {
  const std::span<const std::string_view> endings = Endings();
  return std::find(endings.begin(), endings.end(), ending) != endings.end();
}

bool Lexicon::IsTermWithEnding(std::string_view word, std::string_view term) const {
  if (!word.starts_with(term)) {
    // German plurals and feminines umlaut the last vowel (Arschloch -> Arschlöcher,
    // Blödmann -> Blödmänner, Sau -> Säue): still the term, not a lucky hit.
    if (language_ != "de") return false;
    const std::string umlauted = UmlautPluralStem(term);
    return !umlauted.empty() && word.starts_with(umlauted) &&
           IsEnding(word.substr(umlauted.size()));
  }
  const std::string_view ending = word.substr(term.size());
  // English -es follows a sibilant or an o (bitches, boxes, heroes); "spices"
  // is no plural of "spic".
  if (language_ == "en" && ending.starts_with("es") && !term.empty()) {
    const char last = term.back();
    if (last != 's' && last != 'x' && last != 'z' && last != 'h' && last != 'o') return false;
  }
  return IsEnding(ending);
}

bool Lexicon::StartsWithUmlautedStem(std::string_view word, std::string_view term) const {
  if (language_ != "de") return false;
  const std::string stem = UmlautPluralStem(term);
  return !stem.empty() && word.starts_with(stem);
}

bool Lexicon::ContainsUmlautedStem(std::string_view word, std::string_view term) const {
  if (language_ != "de") return false;
  const std::string stem = UmlautPluralStem(term);
  return !stem.empty() && word.find(stem) != std::string_view::npos;
}

bool Lexicon::IsModifierWord(std::string_view modifier) const {
  if (modifier.size() >= kMinModifierLetters && Contains(modifier)) return true;
  for (std::string_view link : kCompoundLinks) {
    if (modifier.size() >= link.size() + kMinModifierLetters && modifier.ends_with(link) &&
        Contains(modifier.substr(0, modifier.size() - link.size()))) {
      return true;
    }
  }
  return false;
}

bool Lexicon::LongerWordEnds(std::string_view stem, size_t term_size) const {
  for (size_t k = 1; k + term_size < stem.size(); ++k) {
    if (Contains(stem.substr(k))) return true;
  }
  return false;
}

bool Lexicon::PlausibleCompound(std::string_view word, std::string_view term) const {
  if (PlausibleCompoundOf(word, term)) return true;
  if (language_ != "de") return false;
  const std::string umlauted = UmlautPluralStem(term);  // Dreck|säue, Schweine|hünde
  return !umlauted.empty() && PlausibleCompoundOf(word, umlauted);
}

bool Lexicon::PlausibleCompoundOf(std::string_view word, std::string_view head) const {
  const std::span<const std::string_view> endings = Endings();
  for (std::string_view ending : endings) {
    if (!word.ends_with(ending)) continue;
    const std::string_view stem = word.substr(0, word.size() - ending.size());
    if (stem.size() <= head.size() || !stem.ends_with(head)) continue;
    const std::string_view modifier = stem.substr(0, stem.size() - head.size());
    if (IsModifierWord(modifier) && !LongerWordEnds(stem, head.size())) return true;
  }
  return false;
}

template <typename Fn>
void Lexicon::ForEachWordEndingWith(std::string_view tail, Fn fn) const {
  const std::string key = Reversed(tail);
  for (auto it = std::lower_bound(reversed_.begin(), reversed_.end(), std::string_view(key));
       it != reversed_.end() && it->starts_with(key); ++it) {
    fn(Reversed(*it));
  }
}

bool Lexicon::Productive(std::string_view term) const {
  size_t words = 0, not_splits = 0;
  const std::span<const std::string_view> endings = Endings();
  for (std::string_view ending : endings) {
    ForEachWordEndingWith(std::string(term) + std::string(ending), [&](const std::string& word) {
      if (word.size() <= term.size() + ending.size()) return;  // the term itself
      ++words;
      if (!PlausibleCompound(word, term)) ++not_splits;
    });
  }
  return words >= kProductiveMinimum && not_splits * 10 >= words;
}

bool Lexicon::CommonHead(std::string_view term) const {
  if (language_ != "de" || !Contains(term)) return false;
  size_t compounds = 0;
  ForEachWordEndingWith(term, [&](const std::string& word) {
    if (word.size() > term.size() && PlausibleCompoundOf(word, term)) ++compounds;
  });
  return compounds >= kCommonHeadMinimum;
}

bool Lexicon::ProtectsHeld(std::string_view word, const LexiconTerm& term) const {
  switch (term.mode) {
    case TermMode::kSubstring:
      return word.find(term.mild) == std::string_view::npos &&
             !ContainsUmlautedStem(word, term.mild);
    case TermMode::kPrefix:
      // German comparatives and plurals umlaut the stem: dumm* -> dümmste.
      return !word.starts_with(term.mild) && !StartsWithUmlautedStem(word, term.mild);
    case TermMode::kWord:
      return !IsTermWithEnding(word, term.mild);
    case TermMode::kSuffix:
    case TermMode::kCompound:
      if (IsTermWithEnding(word, term.mild)) return false;
      // English dictionary compounds are lexicalised words of their own
      // (stopcock, ironmonger, scuttlebutt, Montenegro): a moderator lists
      // the rare insulting one (jackass) as a term.
      if (language_ == "en") return true;
      return term.productive || !PlausibleCompound(word, term.mild);
  }
  return false;
}

LexiconGroup::LexiconGroup(std::vector<std::shared_ptr<const Lexicon>> lexicons)
    : lexicons_(std::move(lexicons)) {}

bool LexiconGroup::Holds(const Lexicon* lexicon) const {
  return std::any_of(lexicons_.begin(), lexicons_.end(),
                     [&](const auto& held) { return held.get() == lexicon; });
}

std::string LexiconGroup::languages() const {
  std::string out;
  for (const auto& lexicon : lexicons_) {
    if (!out.empty()) out += '+';
    out += lexicon->language();
  }
  return out;
}

bool LexiconGroup::Protects(std::string_view word, const LexiconTerm& term) const {
  bool held = false;
  for (const auto& lexicon : lexicons_) {
    if (!lexicon->Contains(word)) continue;
    if (!lexicon->ProtectsHeld(word, term)) return false;  // this language reads it as the term
    held = true;
  }
  return held;
}

absl::StatusOr<std::shared_ptr<const Lexicon>> LexiconCache::Get(const std::string& path,
                                                                 const std::string& language) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string key = absl::StrCat(language, ":", path);
  if (auto it = loaded_.find(key); it != loaded_.end()) return it->second;
  auto lexicon = Lexicon::Load(path, language);
  if (!lexicon.ok()) return lexicon.status();
  loaded_[key] = *lexicon;
  return *lexicon;
}

}  // namespace moderation::text
