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

const std::vector<std::string_view> kSignalKeys = {"window", "top", "threshold", "weights"};

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

// One "word weight" entry; nullopt (reported) when it is not one.
std::optional<SignalWeight> ParseWeight(YamlReader* reader, const LocatedString& item,
                                        double threshold) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(item.text, ' ', absl::SkipWhitespace());
  double weight = 0;
  if (parts.size() != 2 || !absl::SimpleAtod(parts[1], &weight)) {
    reader->Error(item.location, absl::StrCat("signal weight '", item.text,
                                              "' must be a word and a number: \"pack 2.4\""));
    return std::nullopt;
  }
  std::string folded;
  if (!text::FoldTerm(std::string_view(parts[0].data(), parts[0].size()), &folded).ok() ||
      !text::IsOneSignalWord(folded)) {
    reader->Error(item.location,
                  absl::StrCat("signal word '", parts[0], "' must be one word of at least ",
                               text::kSignalMinLetters,
                               " letters (a-z and Latin letters such as ä or é; no digits, "
                               "hyphens or apostrophes)"));
    return std::nullopt;
  }
  if (!std::isfinite(weight) || weight <= 0 || (threshold > 0 && weight >= threshold)) {
    reader->Error(item.location, absl::StrCat("signal weight of '", parts[0],
                                              "' must be greater than 0 and below the threshold (",
                                              threshold, "): no single word may hold a post"));
    return std::nullopt;
  }
  return SignalWeight{std::move(folded), weight, item.location};
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
    std::optional<SignalWeight> weight = ParseWeight(reader, item, signal->threshold);
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

}  // namespace

std::optional<Signal> ParseSignal(YamlReader* reader, const Entry& entry) {
  MapReader map(reader, *entry.value, "signal", kSignalKeys);
  if (!map.is_map()) return std::nullopt;
  Signal signal;
  signal.location = entry.key_location;
  signal.window = BoundedInt(reader, &map, "window", 1, kMaxSignalWindow, signal.window);
  signal.top = BoundedInt(reader, &map, "top", 2, kMaxSignalTop, signal.top);
  if (const std::optional<double> threshold = map.Number("threshold", kRequired)) {
    if (!std::isfinite(*threshold) || *threshold <= 0) {
      reader->Error(map.Find("threshold")->value_location, "'threshold' must be greater than 0");
    } else {
      signal.threshold = *threshold;
    }
  }
  if (const Entry* weights = map.Get("weights", kRequired)) ParseWeights(reader, *weights, &signal);
  return signal;
}

}  // namespace moderation::rules::internal
