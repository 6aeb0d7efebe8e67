#include "bench/synthetic_rules.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace moderation::bench {
namespace {

constexpr const char* kSyllables[] = {
    "ka", "lo", "mer", "tisch", "bro", "dü", "fen", "gra", "hu", "jä", "kel", "lin", "mon",
    "nö", "pra", "quo", "rü", "sta", "tor", "ul", "vak", "wes", "zun", "bal", "dor", "fi",
    "gel", "hö", "ink", "jor", "kur", "lat", "mi", "nab", "opt", "pel", "rad", "sen", "tum"};

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
    if (entry.is_regular_file() && entry.path().extension().empty()) files.insert(entry.path());
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
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if (c >= 'a' && c <= 'z') out += c;
  }
  return out;
}

}  // namespace

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
  const std::vector<std::string> terms = SyntheticTerms(spec.terms + spec.regexes, spec.seed);
  for (size_t i = 0; i < spec.terms; ++i) {
    out << "  - id: t" << i << "\n    category: insult\n    words: [\"" << terms[i]
        << "\"]\n    match: compound\n    score: 3\n";
  }
  for (size_t i = 0; i < spec.regexes; ++i) {
    // Two words of a phrase with flexible whitespace and an inflection tail,
    // the typical shape of threat and harassment regexes.
    std::string a = AsciiLower(terms[spec.terms + i]), b = a.substr(a.size() / 2);
    a.resize(a.size() / 2);
    out << "  - id: r" << i << "\n    category: threat\n    regex: '" << a << "\\w*\\s+(dich|euch)\\s+"
        << b << "(en|t)?\\b'\n    action: flag\n";
  }
  return out.str();
}

std::string GermanPost(size_t bytes, uint64_t seed) {
  static const std::vector<std::string> fortunes = FortuneSentences();
  std::mt19937_64 rng(seed);
  std::string post;
  while (post.size() < bytes) {
    const std::string& s =
        fortunes.empty() ? std::string(kFallbackSentences[rng() % std::size(kFallbackSentences)])
                         : fortunes[rng() % fortunes.size()];
    if (!post.empty()) post += ' ';
    post += s;
  }
  // Cut at a character boundary near the target size.
  size_t cut = bytes;
  while (cut > 0 && (static_cast<unsigned char>(post[cut]) & 0xC0) == 0x80) --cut;
  post.resize(cut);
  return post;
}

}  // namespace moderation::bench
