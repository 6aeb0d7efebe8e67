// `signal:` rules (signal.h): the window search on its own, then end to end
// (YAML -> compile -> post), where a signal's hit is explained by the words
// that weighed and goes through unless, fields and examples like any rule.
#include "engine/signal.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/testing/test_rules.h"
#include "engine/text/normalizer.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using internal::CompiledSignal;
using internal::CompileSignal;
using internal::FindSignal;
using testing::CompileYaml;
using testing::FiredRules;
using testing::Judge;
using testing::SpanTexts;

rules::Signal MakeSignal(int window, int top, double threshold,
                         const std::vector<std::pair<std::string, double>>& weights) {
  rules::Signal signal;
  signal.window = window;
  signal.top = top;
  signal.threshold = threshold;
  for (const auto& [word, weight] : weights) signal.weights.push_back({word, weight, {}});
  return signal;
}

rules::Signal MakeLogistic(double bias, double threshold,
                           const std::vector<std::pair<std::string, double>>& weights) {
  rules::Signal signal;
  signal.score = rules::SignalScore::kLogistic;
  signal.bias = bias;
  signal.threshold = threshold;
  for (const auto& [word, weight] : weights) signal.weights.push_back({word, weight, {}});
  return signal;
}

// The words of the best window if the text is a hit, else nullopt.
std::optional<std::vector<std::string>> Found(const CompiledSignal& signal,
                                              const std::string& text) {
  text::View folded;
  EXPECT_TRUE(text::FoldView(text, &folded).ok());
  internal::SignalBuffers buffers;
  std::vector<text::ByteRange> spans;
  if (!FindSignal(signal, folded, text, &buffers, &spans)) return std::nullopt;
  std::vector<std::string> found;
  for (const text::ByteRange& s : spans)
    found.push_back(folded.text.substr(s.begin, s.end - s.begin));
  return found;
}

struct SignalCase {
  const char* text;
  std::optional<std::vector<std::string>> found;
};

// Three weights of 2.5 and threshold 7: it takes all three, or two and a
// heavier one; a word counts once however often it is repeated.
TEST(SignalTest, AWindowHoldsThePostWhenItsTopWeightsReachTheThreshold) {
  const CompiledSignal signal = CompileSignal(
      MakeSignal(4, 3, 7, {{"pack", 2.5}, {"abschaum", 2.5}, {"raus", 2.5}, {"gesindel", 4.5}}), 0);
  const SignalCase cases[] = {
      {"Pack und Abschaum, raus!", std::vector<std::string>{"pack", "abschaum", "raus"}},
      {"Pack Pack Pack Pack", std::nullopt},  // one word, once
      {"Pack und Abschaum", std::nullopt},    // 5 < 7
      {"Gesindel und Abschaum", std::vector<std::string>{"gesindel", "abschaum"}},  // 7
      {"Abschaum eins zwei drei vier raus Pack", std::nullopt},  // raus is 5 words on
      {"Abschaum eins zwei drei raus Pack", std::nullopt},       // pack is 5 words on
      {"Abschaum eins zwei drei raus Pack Pack", std::nullopt},
      {"Abschaum eins zwei raus Pack", std::vector<std::string>{"abschaum", "raus", "pack"}},
      {"Abschaum du da ja raus Pack",
       std::vector<std::string>{"abschaum", "raus", "pack"}},  // short words take no place
      {"PACK, ABSCHAUM, RAUS", std::vector<std::string>{"pack", "abschaum", "raus"}},  // folded
      {"Packung Abschaumig rausgehen", std::nullopt},  // whole words only
      {"", std::nullopt},
  };
  for (const SignalCase& c : cases) EXPECT_EQ(Found(signal, c.text), c.found) << c.text;
}

// Only the `top` highest weights of a window count, so a pile of light words
// does not add up to a heavy one.
TEST(SignalTest, OnlyTheTopWeightsOfAWindowCount) {
  const CompiledSignal signal =
      CompileSignal(MakeSignal(10, 2, 5, {{"aaa", 2}, {"bbb", 2}, {"ccc", 2}, {"ddd", 3}}), 0);
  EXPECT_EQ(Found(signal, "aaa bbb ccc"), std::nullopt);  // 2 + 2 of three words
  EXPECT_EQ(Found(signal, "aaa bbb ccc ddd"), (std::vector<std::string>{"aaa", "ddd"}));
}

// The search against the plainest statement of the definition (every
// window, its distinct words sorted by weight, the top ones summed) on
// random texts over a small vocabulary, so windows, repeats and ties abound.
double ReferenceScore(const std::vector<std::pair<std::string, double>>& weights,
                      const std::vector<std::string>& words, int window, int top) {
  std::vector<std::pair<size_t, double>> hits;  // position, weight
  std::vector<std::string> hit_words;
  for (size_t p = 0; p < words.size(); ++p) {
    for (const auto& [word, weight] : weights) {
      if (word == words[p]) {
        hits.push_back({p, weight});
        hit_words.push_back(word);
      }
    }
  }
  double best = 0;
  for (size_t first = 0; first < hits.size(); ++first) {
    std::vector<std::pair<std::string, double>> distinct;
    for (size_t k = first; k < hits.size() && hits[k].first <= hits[first].first + window; ++k) {
      bool seen = false;
      for (const auto& d : distinct) seen = seen || d.first == hit_words[k];
      if (!seen) distinct.push_back({hit_words[k], hits[k].second});
    }
    std::stable_sort(distinct.begin(), distinct.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    double sum = 0;
    for (size_t i = 0; i < distinct.size() && i < static_cast<size_t>(top); ++i) {
      sum += distinct[i].second;
    }
    best = std::max(best, sum);
  }
  return best;
}

TEST(SignalTest, FindsWhatTheDefinitionFindsOnRandomTexts) {
  const std::vector<std::pair<std::string, double>> weights = {
      {"aaa", 1.5}, {"bbb", 2.5}, {"ccc", 2.5}, {"ddd", 3.0}, {"eee", 0.5}, {"fff", 2.0}};
  const std::vector<std::string> vocabulary = {"aaa", "bbb", "ccc", "ddd", "eee",
                                               "fff", "und", "der", "xyz"};
  std::mt19937 random(7);
  for (int round = 0; round < 3000; ++round) {
    const int window = 1 + static_cast<int>(random() % 6);
    const int top = 2 + static_cast<int>(random() % 3);
    const double threshold = 3.0 + static_cast<double>(random() % 50) / 10;
    const CompiledSignal signal = CompileSignal(MakeSignal(window, top, threshold, weights), 0);
    std::vector<std::string> words;
    std::string text;
    for (size_t n = random() % 25; n > 0; --n) {
      words.push_back(vocabulary[random() % vocabulary.size()]);
      text += words.back() + " ";
    }
    const bool expected = ReferenceScore(weights, words, window, top) >= threshold - 1e-9;
    EXPECT_EQ(Found(signal, text).has_value(), expected)
        << text << " window " << window << " top " << top << " threshold " << threshold;
  }
}

// Weights have two decimals; in binary floating point 1.9 + 1.9 + 1.9 is
// a hair below 5.7, and the trainer (exact hundredths) says it reaches 5.7.
TEST(SignalTest, DecimalWeightsThatAddUpToTheThresholdReachIt) {
  ASSERT_LT(1.9 + 1.9 + 1.9, 5.7);
  const CompiledSignal signal =
      CompileSignal(MakeSignal(10, 3, 5.7, {{"aaa", 1.9}, {"bbb", 1.9}, {"ccc", 1.9}}), 0);
  EXPECT_EQ(Found(signal, "aaa bbb ccc"), (std::vector<std::string>{"aaa", "bbb", "ccc"}));
  const CompiledSignal higher =
      CompileSignal(MakeSignal(10, 3, 5.71, {{"aaa", 1.9}, {"bbb", 1.9}, {"ccc", 1.9}}), 0);
  EXPECT_EQ(Found(higher, "aaa bbb ccc"), std::nullopt);
}

TEST(SignalTest, EndToEndTheHitNamesTheWordsThatWeighedInTheOriginalText) {
  auto set = CompileYaml(
      "ruleset: t\nversion: \"1\"\nrules:\n"
      "  - id: s\n    category: insult\n    action: flag\n"
      "    signal:\n      threshold: 7\n"
      "      weights: ['pack 2.5', 'abschaum 2.5', 'raus 2.5', 'straße 2.5']\n"
      "    unless: { words: [Zitat], within: 20 }\n"
      "    fields: [body]\n"
      "    examples:\n      match: ['Pack, Abschaum: raus']\n      no_match: ['Pack raus']\n");
  ASSERT_NE(set, nullptr);
  Decision d = Judge(*set, "Das P\u200Back ist Abschaum, RAUS damit");
  EXPECT_EQ(FiredRules(d), std::vector<std::string>{"s"});
  EXPECT_EQ(d.verdict, Verdict::kFlag);
  EXPECT_EQ(SpanTexts(d), (std::vector<std::string>{"P\u200Back", "Abschaum", "RAUS"}));
  EXPECT_EQ(FiredRules(Judge(*set, "Pack von der Straße, raus")), std::vector<std::string>{"s"});
  EXPECT_TRUE(FiredRules(Judge(*set, "Zitat: \"Pack, Abschaum, raus\"")).empty());  // unless
}

std::optional<std::vector<std::string>> Lower(std::optional<std::vector<std::string>> words) {
  if (!words) return words;
  for (std::string& w : *words) {
    std::transform(w.begin(), w.end(), w.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
  }
  return words;
}

// A logistic signal: bias -1.5, threshold 0.5 (log-odds 0). Words and pairs
// of adjacent words add their weights once each, negative ones subtract,
// short words count, and the spans are the heaviest positive entries
// (a pair and a word inside it merged into one span).
TEST(LogisticSignalTest, TheFieldIsAHitWhenBiasAndWeightsReachTheThresholdsLogOdds) {
  const CompiledSignal signal = CompileSignal(MakeLogistic(-1.5, 0.5,
                                                           {{"du", 0.5},
                                                            {"wirst", 0.5},
                                                            {"bluten", 1.5},
                                                            {"ich dich", 1.0},
                                                            {"finde", 0.6},
                                                            {"gericht", -2.0},
                                                            {"dich", 0.2}}),
                                              0);
  const SignalCase cases[] = {
      {"Du wirst bluten", std::vector<std::string>{"du", "wirst", "bluten"}},  // 0.5+0.5+1.5
      {"Du Du Du wirst", std::nullopt},                                        // once: -0.5
      {"ich finde dich", std::nullopt},  // 0.6 + 0.2, no pair: "finde" is between
      {"finde ich dich!", std::vector<std::string>{"finde", "ich dich"}},    // 0.6 + 1.0 + 0.2
      {"Ich, dich? finde", std::vector<std::string>{"Ich, dich", "finde"}},  // a pair across ", "
      {"Vor Gericht: du wirst bluten", std::nullopt},  // -2 takes it back below 0
      {"Blutende Wirstschaft", std::nullopt},          // whole words only
      {"", std::nullopt},
      // A sentence whose entries all weigh against adds nothing: an
      // appended "Gericht." does not talk the threat down; in the threat's
      // own sentence it does.
      {"Du wirst bluten. Gericht.", std::vector<std::string>{"du", "wirst", "bluten"}},
      {"Gericht!\nDu wirst bluten", std::vector<std::string>{"du", "wirst", "bluten"}},
      {"Du wirst bluten, sagt das Gericht", std::nullopt},
      {"Du wirst bluten. Gericht, dich", std::nullopt},  // 0.2 holds the sentence in
      {"Du wirst bluten.gericht.de", std::nullopt},      // "." before a lower-case letter
      // Six words are a tag; seven a sentence that counts.
      {"Du wirst bluten. Eins zwei drei vier fünf Gericht.",
       std::vector<std::string>{"du", "wirst", "bluten"}},
      {"Du wirst bluten. Eins zwei drei vier fünf sechs Gericht.", std::nullopt},
      {"Eins zwei drei vier fünf sechs Gericht! Du wirst bluten", std::nullopt},
  };
  // Found() reads the folded view: compare in lower case.
  for (const SignalCase& c : cases) EXPECT_EQ(Found(signal, c.text), Lower(c.found)) << c.text;
}

// At most kLogisticSpans reasons, the heaviest, in text order.
TEST(LogisticSignalTest, TheSpansAreTheHeaviestPositiveEntriesInTextOrder) {
  std::vector<std::pair<std::string, double>> weights;
  const std::vector<std::string> words = {"aa", "bb", "cc", "dd", "ee", "ff", "gg"};
  for (size_t i = 0; i < words.size(); ++i) weights.push_back({words[i], 0.1 * (i + 1)});
  const CompiledSignal signal = CompileSignal(MakeLogistic(-1, 0.5, weights), 0);
  ASSERT_EQ(internal::kLogisticSpans, 5u);
  EXPECT_EQ(Found(signal, "gg aa ff bb ee cc dd"),
            (std::vector<std::string>{"gg", "ff", "ee", "cc", "dd"}));
}

// The search against the definition (bias plus each distinct word and
// adjacent pair once, at its first occurrence, summed by sentence; a pair
// belongs to its second word's sentence; sentences of at most
// kLeftOutSentenceWords words whose entries are all negative left out) on
// random texts over a small vocabulary.
TEST(LogisticSignalTest, FindsWhatTheDefinitionFindsOnRandomTexts) {
  const std::vector<std::pair<std::string, double>> weights = {
      {"aa", 0.7},     {"bb", -0.4},   {"cc", 0.3}, {"aa bb", 0.9},
      {"cc aa", -0.6}, {"dd dd", 0.5}, {"xyz", 1.1}};
  const std::vector<std::string> vocabulary = {"aa", "bb", "cc", "dd", "xyz", "und", "der"};
  std::mt19937 random(11);
  for (int round = 0; round < 3000; ++round) {
    const double bias = -static_cast<double>(random() % 30) / 10;
    const double threshold = 0.1 + static_cast<double>(random() % 80) / 100;
    const CompiledSignal signal = CompileSignal(MakeLogistic(bias, threshold, weights), 0);
    std::vector<std::string> text_words;
    std::vector<int> sentence_of;  // per word
    std::string text;
    int sentence = 0;
    for (size_t n = random() % 12; n > 0; --n) {
      text_words.push_back(vocabulary[random() % vocabulary.size()]);
      sentence_of.push_back(sentence);
      const int separator = static_cast<int>(random() % 6);
      text += text_words.back() + (separator == 0 ? ", " : separator == 1 ? ". " : " ");
      if (separator == 1) ++sentence;
    }
    std::map<std::string, int> first_sentence;  // each entry at its first occurrence
    auto add = [&](const std::string& feature, int at) { first_sentence.try_emplace(feature, at); };
    for (size_t i = 0; i < text_words.size(); ++i) {
      if (i > 0) add(text_words[i - 1] + " " + text_words[i], sentence_of[i]);
      add(text_words[i], sentence_of[i]);
    }
    std::map<int, int> words_in;  // per sentence
    for (int at : sentence_of) ++words_in[at];
    std::map<int, std::pair<double, bool>> by_sentence;  // sum, any positive
    for (const auto& [feature, at] : first_sentence) {
      for (const auto& [word, weight] : weights) {
        if (word != feature) continue;
        by_sentence[at].first += weight;
        by_sentence[at].second = by_sentence[at].second || weight > 0;
      }
    }
    double log_odds = bias;
    for (const auto& [at, sum] : by_sentence) {
      if (sum.second || words_in[at] > static_cast<int>(internal::kLeftOutSentenceWords)) {
        log_odds += sum.first;
      }
    }
    const bool expected = log_odds >= rules::LogOdds(threshold) - 1e-9;
    EXPECT_EQ(Found(signal, text).has_value(), expected)
        << text << " bias " << bias << " threshold " << threshold;
  }
}

TEST(LogisticSignalTest, EndToEndFromYamlTheHitIsAFlagExplainedByItsWords) {
  auto set = CompileYaml(
      "ruleset: t\nversion: \"1\"\nrules:\n"
      "  - id: s\n    category: threat\n    action: flag\n"
      "    signal:\n      score: logistic\n      bias: -2\n      threshold: 0.5\n"
      "      weights: ['wirst 0.9', 'bluten 1.5', 'du wirst 0.4', 'gericht -3']\n"
      "    examples:\n      match: ['Du wirst bluten']\n      no_match: ['Du wirst lachen']\n");
  ASSERT_NE(set, nullptr);
  Decision d = Judge(*set, "Glaub mir, DU WIRST bluten.");
  EXPECT_EQ(FiredRules(d), std::vector<std::string>{"s"});
  EXPECT_EQ(d.verdict, Verdict::kFlag);
  EXPECT_EQ(SpanTexts(d), (std::vector<std::string>{"DU WIRST", "bluten"}));
  EXPECT_TRUE(FiredRules(Judge(*set, "Vor Gericht sagte er: du wirst bluten")).empty());
}

}  // namespace
}  // namespace moderation
