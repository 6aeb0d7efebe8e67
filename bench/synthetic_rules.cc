#include "bench/synthetic_rules.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace moderation::bench {
namespace {

constexpr const char* kSyllables[] = {
    "ka",  "lo",  "mer", "tisch", "bro", "dü",  "fen", "gra", "hu",  "jä",  "kel", "lin", "mon",
    "nö",  "pra", "quo", "rü",    "sta", "tor", "ul",  "vak", "wes", "zun", "bal", "dor", "fi",
    "gel", "hö",  "ink", "jor",   "kur", "lat", "mi",  "nab", "opt", "pel", "rad", "sen", "tum"};

constexpr const char* kFallbackSentences[] = {
    "Die Regierung hat in dieser Frage leider versagt, und das sollte man offen sagen.",
    "Ich finde den Vorschlag des Stadtrats gut, aber die Finanzierung ist noch unklar.",
    "Gestern war ich mit meinen Kindern im Zoo, die Giraffen waren das Highlight.",
    "Der Artikel ist gut recherchiert, nur die Zahlen im dritten Absatz stimmen nicht.",
    "Wer am Samstag zum Spiel fährt, sollte früh losfahren, die Autobahn ist voll.",
};

std::vector<std::string> FortuneSentences() {
  std::vector<std::string> out;
  const std::filesystem::path dir = "/usr/share/games/fortunes/de";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::set<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    // Plain names are the UTF-8 files (.u8 are links to them); ASCII art is
    // not prose.
    if (entry.is_regular_file() && entry.path().extension().empty() &&
        entry.path().filename() != "asciiart") {
      files.insert(entry.path());
    }
  }
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line, entry;
    while (std::getline(in, line)) {
      if (line == "%") {
        if (entry.size() > 20 && entry.size() < 400) out.push_back(entry);
        entry.clear();
      } else {
        if (!entry.empty()) entry += ' ';
        entry += line;
      }
    }
  }
  return out;
}

// Regexes are written for the folded (lower-case) view; keep them ASCII so
// cutting a word in half never splits a UTF-8 sequence.
std::string AsciiLower(const std::string& word) {
  std::string out;
  for (char c : word) {
    if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if (c >= 'a' && c <= 'z')
      out += c;
  }
  return out;
}

const std::vector<std::string>& Fortunes() {
  static const std::vector<std::string> fortunes = FortuneSentences();
  return fortunes;
}

template <typename Rng>
std::string Sentence(Rng& rng) {
  const std::vector<std::string>& fortunes = Fortunes();
  return fortunes.empty() ? std::string(kFallbackSentences[rng() % std::size(kFallbackSentences)])
                          : fortunes[rng() % fortunes.size()];
}

// Cuts at a character boundary at or before `bytes`.
void CutAt(size_t bytes, std::string* post) {
  if (post->size() <= bytes) return;
  size_t cut = bytes;
  while (cut > 0 && (static_cast<unsigned char>((*post)[cut]) & 0xC0) == 0x80) --cut;
  post->resize(cut);
}

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Insults as moderators see them; {} is the term.
constexpr const char* kInsultFrames[][2] = {{"Du ", "!"},
                                            {"Was für ein ", "."},
                                            {"Halt die Klappe, du ", "!"},
                                            {"Ihr seid alle ", "."},
                                            {"", "!!!"}};

}  // namespace

bool HaveFortunes() { return !Fortunes().empty(); }

std::string DisguiseTerm(const std::string& term, Disguise how) {
  std::string out;
  switch (how) {
    case Disguise::kPlain:
      return term;
    case Disguise::kUpper:
      for (char c : term) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      return out;
    case Disguise::kLeet:
      for (char c : term) {
        switch (c) {
          case 'a':
            out += '4';
            break;
          case 'e':
            out += '3';
            break;
          case 'i':
            out += '1';
            break;
          case 'o':
            out += '0';
            break;
          case 's':
            out += '$';
            break;
          default:
            out += c;
        }
      }
      return out;
    case Disguise::kSpaced:
      for (size_t i = 0; i < term.size(); ++i) {
        if (i > 0 && !IsContinuation(term[i])) out += ' ';
        out += term[i];
      }
      return out;
    case Disguise::kStretched: {
      const size_t vowel = term.find_first_of("aeiou");
      if (vowel == std::string::npos) return term + term.back() + term.back();
      out = term;
      out.insert(vowel, 3, term[vowel]);
      return out;
    }
  }
  return term;
}

std::vector<std::string> GermanPosts(const PostPoolSpec& spec) {
  std::mt19937_64 rng(spec.seed);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::vector<std::string> posts;
  posts.reserve(spec.count);
  while (posts.size() < spec.count) {
    std::string post;
    while (post.size() < spec.bytes) {
      if (!post.empty()) post += ' ';
      if (!spec.terms.empty() && coin(rng) < spec.abusive_rate) {
        const auto& frame = kInsultFrames[rng() % std::size(kInsultFrames)];
        const auto how = static_cast<Disguise>(rng() % 5);
        post +=
            frame[0] + DisguiseTerm(spec.terms[rng() % spec.terms.size()], how) + frame[1] + " ";
      }
      post += Sentence(rng);
    }
    CutAt(spec.bytes, &post);
    posts.push_back(std::move(post));
  }
  return posts;
}

std::vector<std::string> SyntheticTerms(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> syllable(0, std::size(kSyllables) - 1);
  std::uniform_int_distribution<int> parts(3, 4);
  std::set<std::string> seen;
  std::vector<std::string> terms;
  while (terms.size() < count) {
    std::string term;
    for (int i = parts(rng); i > 0; --i) term += kSyllables[syllable(rng)];
    term[0] = static_cast<char>(term[0] - 'a' + 'A');
    if (seen.insert(term).second) terms.push_back(term);
  }
  return terms;
}

std::string SyntheticRuleYaml(const SyntheticSpec& spec) {
  std::ostringstream out;
  out << "ruleset: synthetic\nversion: \"seed-" << spec.seed << "\"\nrules:\n";
  const size_t fresh = spec.terms + spec.regexes;
  const std::vector<std::string> terms =
      SyntheticTerms(fresh + spec.phrases + 2 * spec.pair_list, spec.seed);
  for (size_t i = 0; i < spec.terms; ++i) {
    out << "  - id: t" << i << "\n    category: insult\n    words: [\"" << terms[i]
        << "\"]\n    match: compound\n    score: 3\n";
  }
  for (size_t i = 0; i < spec.regexes; ++i) {
    // Two words of a phrase with flexible whitespace and an inflection tail,
    // the typical shape of threat and harassment regexes.
    std::string a = AsciiLower(terms[spec.terms + i]), b = a.substr(a.size() / 2);
    a.resize(a.size() / 2);
    out << "  - id: r" << i << "\n    category: threat\n    regex: '" << a
        << "\\w*\\s+(dich|euch)\\s+" << b << "(en|t)?\\b'\n    action: flag\n";
  }
  for (size_t i = 0; i < spec.phrases; ++i) {
    const std::string& term = terms[i < 20 ? i : fresh + i];
    out << "  - id: p" << i << "\n    category: threat\n    phrase: [\"" << term
        << "*\", \"dich|euch|ihn|sie\", \"um|ab|kalt\"]\n    action: flag\n";
  }
  if (spec.pair_list > 0) {
    out << "  - id: pair\n    category: hate\n    words: [\"@a+@b\"]\n    action: flag\n";
  }
  if (spec.condition_rules) {
    out << "  - id: c.links.new_account\n    category: spam\n"
           "    condition: { links_at_least: 2, author_account_age_days_below: 3 }\n    action: "
           "flag\n"
           "  - id: c.mentions.mass\n    category: spam\n"
           "    condition: { mentions_at_least: 6 }\n    score: 5\n"
           "  - id: c.shouting\n    category: shouting\n"
           "    condition: { caps_ratio_at_least: 0.7 }\n    score: 5\n";
  }
  if (spec.pair_list > 0) {
    out << "lists:\n  a: [";
    for (size_t i = 0; i < spec.pair_list; ++i) out << (i ? ", \"" : "\"") << terms[i] << "\"";
    out << "]\n  b: [";
    for (size_t i = 0; i < spec.pair_list; ++i) {
      out << (i ? ", \"" : "\"") << terms[fresh + spec.phrases + spec.pair_list + i] << "\"";
    }
    out << "]\n";
  }
  return out.str();
}

std::string GermanPost(size_t bytes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string post;
  while (post.size() < bytes) {
    if (!post.empty()) post += ' ';
    post += Sentence(rng);
  }
  CutAt(bytes, &post);
  return post;
}

}  // namespace moderation::bench
