// Cheap features of a post's text that rule conditions test: links, mentions,
// the share of capital letters (SHOUTING), length and repeated characters.
//
// Why: spam and shouting rules need numbers, not patterns ("a new account
// posting >= 2 links"). They are computed once per post, on the raw text.
//
//   TextFeatures f;
//   AccumulateFeatures("Check https://a.example and www.b.example", &f);
//   // f.links == 2
//
// Thread-safety: pure functions on values.
#ifndef MODERATION_ENGINE_TEXT_FEATURES_H_
#define MODERATION_ENGINE_TEXT_FEATURES_H_

#include <cstdint>
#include <string_view>

namespace moderation::text {

struct TextFeatures {
  // Number of URLs: http:// or https:// prefixes, "www." at a word start, and
  // bare domains such as "example.com/path" with a common TLD.
  int links = 0;
  // Number of @mentions: '@' at a word start followed by a name character.
  int mentions = 0;
  // Letters (any script) and how many of them are upper case.
  int letters = 0;
  int uppercase_letters = 0;
  // Length in code points.
  int code_points = 0;
  // The longest run of one identical code point, ignoring whitespace
  // ("!!!!!!" -> 6, "Haaaallo" -> 4).
  int longest_repeat = 0;

  // uppercase_letters / letters, or 0 when there are no letters.
  double CapsRatio() const;
};

// Adds the features of text (valid UTF-8) to *f, so that several fields of a
// post (title, body) can be accumulated into one value. longest_repeat takes
// the maximum over fields.
void AccumulateFeatures(std::string_view text, TextFeatures* f);

}  // namespace moderation::text

#endif  // MODERATION_ENGINE_TEXT_FEATURES_H_
