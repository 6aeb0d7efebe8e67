// Holds a regex's first-byte set (engine/match/first_bytes.h) to RE2 on one
// text: every non-empty match RE2 finds, anchored at any position, must
// begin with a byte the set allows at that position.
//
// Why: the unit test (random texts) and the default rules' test (the
// shipped regexes on the realistic posts) check the same property.
//
//   size_t matches = testing::ExpectMatchesBeginInSet(re, *first, text, pattern);
//
// Thread-safety: test-only; holds no state.
#ifndef MODERATION_ENGINE_TESTING_FIRST_BYTES_CHECK_H_
#define MODERATION_ENGINE_TESTING_FIRST_BYTES_CHECK_H_

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <string_view>

#include "engine/match/first_bytes.h"

namespace moderation::testing {

// The number of matches found; a gtest failure, naming `label`, for the
// first one that begins outside `first` (the search then stops).
inline size_t ExpectMatchesBeginInSet(const RE2& re, const match::FirstBytes& first,
                                      const std::string& text, std::string_view label) {
  const re2::StringPiece whole(text);
  re2::StringPiece m;
  size_t matches = 0;
  for (size_t p = 0; p < text.size(); ++p) {
    if (!re.Match(whole, p, text.size(), RE2::ANCHOR_START, &m, 1) || m.empty()) continue;
    ++matches;
    if (!first.MayStartAt(text, p)) {
      ADD_FAILURE() << label << ": a match begins at " << p << " of '" << text << "'";
      break;
    }
  }
  return matches;
}

}  // namespace moderation::testing

#endif  // MODERATION_ENGINE_TESTING_FIRST_BYTES_CHECK_H_
