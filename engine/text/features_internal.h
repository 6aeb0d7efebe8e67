// Internal to engine_text: the parts of AccumulateFeatures that have a
// faster implementation than their definition, exposed so that tests can
// compare the two (features_equivalence_test.cc).
//
// Thread-safety: pure functions.
#ifndef MODERATION_ENGINE_TEXT_FEATURES_INTERNAL_H_
#define MODERATION_ENGINE_TEXT_FEATURES_INTERNAL_H_

#include <string_view>

namespace moderation::text::internal {

// Host names with a disguised dot ("shop[.]de", "shop(.)de", "shop[dot]de",
// "shop (dot) de", "bit . ly/x"): each counts as a link. Defined as one
// std::string_view::find loop per form (non-overlapping, leftmost first),
// with a host label before the form and a common top-level domain after it.
int CountDisguisedLinks(std::string_view text);

}  // namespace moderation::text::internal

#endif  // MODERATION_ENGINE_TEXT_FEATURES_INTERNAL_H_
