#include "engine/moderator.h"

namespace moderation {

absl::StatusOr<Decision> Moderate(const RuleCatalog& catalog, const Post& post) {
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set = catalog.ForCommunity(post.community);
  if (!set.ok()) return set.status();
  // `set` keeps the compiled rules alive for this call even if the catalog
  // that produced it is replaced meanwhile.
  return (*set)->Evaluate(post);
}

}  // namespace moderation
