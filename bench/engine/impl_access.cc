// See impl_access.h: why the benchmark reads a private member, and how.
#include "bench/engine/impl_access.h"

#include <memory>

namespace moderation::bench {
namespace {

struct ImplMember {
  using Type = std::unique_ptr<const CompiledRuleSet::Impl> CompiledRuleSet::*;
  friend Type Pointer(ImplMember);
};

// Instantiated once, explicitly, with the private member's address; the
// friend function it defines hands that address out.
template <typename Tag, typename Tag::Type kMember>
struct Expose {
  friend typename Tag::Type Pointer(Tag) { return kMember; }
};
template struct Expose<ImplMember, &CompiledRuleSet::impl_>;

}  // namespace

const CompiledRuleSet::Impl& ImplOf(const CompiledRuleSet& set) {
  return *(set.*Pointer(ImplMember{}));
}

}  // namespace moderation::bench
