// Fuzz target: Moderate() on the default rules (rules/) with arbitrary posts
// and author context.
//
// Input layout (missing bytes read as 0, so every input is valid):
//   byte 0      community: index into the catalog's communities (sorted; ""
//               is the default) plus one community that is not configured
//   byte 1      which author fields are set: 1 account_age_days,
//               2 trust_level, 4 prior_violations, 8 id
//   bytes 2..7  account_age_days, trust_level, prior_violations: int16
//               little-endian each; 0x7fff means INT_MAX, 0x8000 INT_MIN
//   bytes 8..   content, split at the first two 0x00 bytes into the fields
//               title, body and author_display_name (no 0x00: body only;
//               one: title and body); later 0x00 bytes stay in the text
// tests/fuzz/make_seeds.py writes seeds in this layout.
//
// Invariants: a field that is not UTF-8 is InvalidArgument naming it (and
// nothing else fails); otherwise decision_checks.h holds, and judging the
// same post again gives the same decision.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "engine/moderator.h"
#include "engine/text/utf8.h"
#include "tests/fuzz/decision_checks.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_rules.h"

namespace moderation::fuzz {
namespace {

constexpr size_t kHeaderBytes = 8;

int DecodeInt16(const uint8_t* p) {
  const auto raw = static_cast<int16_t>(static_cast<uint16_t>(p[0] | (p[1] << 8)));
  if (raw == INT16_MAX) return INT_MAX;
  if (raw == INT16_MIN) return INT_MIN;
  return raw;
}

Post DecodePost(const uint8_t* data, size_t size, const RuleCatalog& catalog) {
  uint8_t header[kHeaderBytes] = {};
  std::copy(data, data + std::min(size, kHeaderBytes), header);
  Post post;
  post.id = "fuzz";
  const auto& communities = catalog.communities();
  const size_t pick = header[0] % (communities.size() + 1);
  post.community =
      pick < communities.size() ? std::next(communities.begin(), pick)->first : "no-such-community";
  if (header[1] & 1) post.author.account_age_days = DecodeInt16(header + 2);
  if (header[1] & 2) post.author.trust_level = DecodeInt16(header + 4);
  if (header[1] & 4) post.author.prior_violations = DecodeInt16(header + 6);
  if (header[1] & 8) post.author.id = "fuzz-author";

  std::string_view content;
  if (size > kHeaderBytes) {
    content =
        std::string_view(reinterpret_cast<const char*>(data + kHeaderBytes), size - kHeaderBytes);
  }
  const size_t first = content.find('\0');
  if (first == std::string_view::npos) {
    post.fields.push_back({"body", std::string(content)});
    return post;
  }
  post.fields.push_back({"title", std::string(content.substr(0, first))});
  const size_t second = content.find('\0', first + 1);
  if (second == std::string_view::npos) {
    post.fields.push_back({"body", std::string(content.substr(first + 1))});
    return post;
  }
  post.fields.push_back({"body", std::string(content.substr(first + 1, second - first - 1))});
  post.fields.push_back({"author_display_name", std::string(content.substr(second + 1))});
  return post;
}

// The first field that is not UTF-8, or null.
const Field* FirstInvalidField(const Post& post) {
  for (const Field& f : post.fields) {
    if (!text::ValidateUtf8(f.text).ok()) return &f;
  }
  return nullptr;
}

}  // namespace
}  // namespace moderation::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  moderation::fuzz::DefaultCatalog();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moderation;
  using namespace moderation::fuzz;
  const RuleCatalog& catalog = DefaultCatalog();
  const Post post = DecodePost(data, size, catalog);
  const absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set =
      catalog.ForCommunity(post.community);
  FUZZ_CHECK(set.ok()) << "the default rules have a default set, yet '" << post.community
                       << "' has none: " << set.status();

  const absl::StatusOr<Decision> first = Moderate(catalog, post);
  if (const Field* bad = FirstInvalidField(post)) {
    FUZZ_CHECK(!first.ok() && first.status().code() == absl::StatusCode::kInvalidArgument)
        << "field '" << bad->name << "' is not UTF-8, yet: " << first.status();
    FUZZ_CHECK(first.status().message().find(bad->name) != std::string_view::npos)
        << "the error does not name field '" << bad->name << "': " << first.status();
    return 0;
  }
  FUZZ_CHECK(first.ok()) << "a valid post failed: " << first.status();
  CheckDecision(post, *first, **set);

  const absl::StatusOr<Decision> second = Moderate(catalog, post);
  FUZZ_CHECK(second.ok()) << "the second judgement failed: " << second.status();
  CheckSameDecision(*first, *second);
  return 0;
}
