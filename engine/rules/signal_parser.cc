#include "engine/rules/signal_parser.h"

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/text/normalizer.h"
#include "engine/text/signal_words.h"

namespace moderation::rules::internal {
namespace {

const std::vector<std::string_view> kSignalKeys = {"score",     "window", "top",
                                                   "threshold", "bias",   "weights"};

// An int key within [low, high], or `fallback` when absent.
int BoundedInt(YamlReader* reader, MapReader* map, const char* key, int low, int high,
               int fallback) {
  const std::optional<int> value = map->Int(key, kOptional);
  if (!value) return fallback;
  if (*value < low || *value > high) {
    reader->Error(map->Find(key)->value_location,
                  absl::StrCat("'", key, "' must be between ", low, " and ", high));
    return fallback;
  }
  return *value;
}

// The folded words of a weight entry's text (one, or two for a logistic
// signal's word pair), joined by one space; nullopt (reported) otherwise.
std::optional<std::string> FoldedWords(YamlReader* reader, const LocatedString& item,
                                       const std::vector<absl::string_view>& words,
                                       const Signal& signal) {
  const bool logistic = signal.score == SignalScore::kLogistic;
  const size_t min_letters = logistic ? 1 : text::kSignalMinLetters;
  std::string joined;
  for (absl::string_view word : words) {
    std::string folded;
    if (!text::FoldTerm(std::string_view(word.data(), word.size()), &folded).ok() ||
        !text::IsOneSignalWord(folded, min_letters)) {
      reader->Error(item.location,
                    absl::StrCat("signal word '", word, "' must be one word of at least ",
                                 min_letters, min_letters == 1 ? " letter" : " letters",
                                 " (a-z and Latin letters such as ä or é; no digits, "
                                 "hyphens or apostrophes)"));
      return std::nullopt;
    }
    if (!joined.empty()) joined += ' ';
    joined += folded;
  }
  return joined;
}

// Whether a weight fits its signal; reported if not. A window signal's
// weights are positive and below the threshold; a logistic signal's are not
// zero, and a positive one plus the bias stays below the threshold's
// log-odds. Either way no single word holds a post.
bool WeightFits(YamlReader* reader, const LocatedString& item, const std::string& word,
                double weight, const Signal& signal) {
  if (signal.score == SignalScore::kLogistic) {
    if (!std::isfinite(weight) || weight == 0) {
      reader->Error(item.location,
                    absl::StrCat("signal weight of '", word, "' must be a number other than 0"));
      return false;
    }
    const double limit = LogOdds(signal.threshold) - signal.bias;
    if (signal.threshold > 0 && weight >= limit) {
      reader->Error(item.location,
                    absl::StrCat("signal weight of '", word, "' must be below ", limit,
                                 " (the threshold's log-odds minus the bias): no single word "
                                 "may hold a post"));
      return false;
    }
    return true;
  }
  if (!std::isfinite(weight) || weight <= 0 ||
      (signal.threshold > 0 && weight >= signal.threshold)) {
    reader->Error(item.location,
                  absl::StrCat("signal weight of '", word,
                               "' must be greater than 0 and below the threshold (",
                               signal.threshold, "): no single word may hold a post"));
    return false;
  }
  return true;
}

// One "word weight" entry (or "word word weight" in a logistic signal);
// nullopt (reported) when it is not one.
std::optional<SignalWeight> ParseWeight(YamlReader* reader, const LocatedString& item,
                                        const Signal& signal) {
  std::vector<absl::string_view> parts = absl::StrSplit(item.text, ' ', absl::SkipWhitespace());
  const size_t max_words = signal.score == SignalScore::kLogistic ? 2 : 1;
  double weight = 0;
  if (parts.size() < 2 || parts.size() > max_words + 1 ||
      !absl::SimpleAtod(parts.back(), &weight)) {
    reader->Error(item.location,
                  absl::StrCat("signal weight '", item.text,
                               max_words == 1 ? "' must be a word and a number: \"pack 2.4\""
                                              : "' must be one or two words and a number: "
                                                "\"pack 0.8\", \"ich dich 1.2\""));
    return std::nullopt;
  }
  parts.pop_back();
  std::optional<std::string> word = FoldedWords(reader, item, parts, signal);
  if (!word || !WeightFits(reader, item, *word, weight, signal)) return std::nullopt;
  return SignalWeight{std::move(*word), weight, item.location};
}

void ParseWeights(YamlReader* reader, const Entry& entry, Signal* signal) {
  const std::vector<LocatedString> items = StringList(reader, entry);
  if (items.empty()) {
    reader->Error(entry.value_location, "'weights' must list at least one \"word weight\"");
    return;
  }
  if (!reader->ChargeTerms(items.size(), entry.value_location)) return;
  absl::flat_hash_map<std::string, SourceLocation> seen;
  signal->weights.reserve(items.size());
  for (const LocatedString& item : items) {
    std::optional<SignalWeight> weight = ParseWeight(reader, item, *signal);
    if (!weight) continue;
    auto [it, inserted] = seen.try_emplace(weight->word, item.location);
    if (!inserted) {
      reader->Error(item.location,
                    absl::StrCat("signal word '", weight->word,
                                 "' is weighted twice (first at line ", it->second.line, ")"));
      continue;
    }
    signal->weights.push_back(std::move(*weight));
  }
}

// `window`, `top` and the threshold (a sum) of a window signal.
void ParseWindowHead(YamlReader* reader, MapReader* map, Signal* signal) {
  if (const Entry* bias = map->Find("bias")) {
    reader->Error(bias->key_location, "'bias' belongs to 'score: logistic'");
  }
  signal->window = BoundedInt(reader, map, "window", 1, kMaxSignalWindow, signal->window);
  signal->top = BoundedInt(reader, map, "top", 2, kMaxSignalTop, signal->top);
  if (const std::optional<double> threshold = map->Number("threshold", kRequired)) {
    if (!std::isfinite(*threshold) || *threshold <= 0) {
      reader->Error(map->Find("threshold")->value_location, "'threshold' must be greater than 0");
    } else {
      signal->threshold = *threshold;
    }
  }
}

// The bias and the threshold (a probability) of a logistic signal, which has
// no window: it weighs the whole field.
void ParseLogisticHead(YamlReader* reader, MapReader* map, Signal* signal) {
  for (const char* key : {"window", "top"}) {
    if (const Entry* entry = map->Find(key)) {
      reader->Error(entry->key_location,
                    absl::StrCat("'", key,
                                 "' belongs to 'score: window'; a logistic signal "
                                 "weighs the whole field"));
    }
  }
  if (const std::optional<double> bias = map->Number("bias", kRequired)) {
    if (!std::isfinite(*bias)) {
      reader->Error(map->Find("bias")->value_location, "'bias' must be a finite number");
    } else {
      signal->bias = *bias;
    }
  }
  if (const std::optional<double> threshold = map->Number("threshold", kRequired)) {
    if (!(*threshold > 0 && *threshold < 1)) {
      reader->Error(map->Find("threshold")->value_location,
                    "'threshold' of a logistic signal is a probability: above 0 and below 1");
    } else if (signal->bias >= LogOdds(*threshold)) {
      reader->Error(map->Find("bias")->value_location,
                    absl::StrCat("'bias' must be below the threshold's log-odds (",
                                 LogOdds(*threshold), "): a field without words would be held"));
    } else {
      signal->threshold = *threshold;
    }
  }
}

}  // namespace

std::optional<Signal> ParseSignal(YamlReader* reader, const Entry& entry) {
  MapReader map(reader, *entry.value, "signal", kSignalKeys);
  if (!map.is_map()) return std::nullopt;
  Signal signal;
  signal.location = entry.key_location;
  if (const std::optional<std::string> score = map.String("score", kOptional)) {
    if (*score == "logistic") {
      signal.score = SignalScore::kLogistic;
    } else if (*score != "window") {
      reader->Error(map.Find("score")->value_location, "'score' must be 'window' or 'logistic'");
    }
  }
  if (signal.score == SignalScore::kLogistic) {
    ParseLogisticHead(reader, &map, &signal);
  } else {
    ParseWindowHead(reader, &map, &signal);
  }
  if (const Entry* weights = map.Get("weights", kRequired)) ParseWeights(reader, *weights, &signal);
  return signal;
}

}  // namespace moderation::rules::internal
