// A set of literal ids as sorted, disjoint runs of consecutive ids, and the
// test "does any of a field's literals fall in it?".
//
// Why: most phrases a post triggers miss a required slot (on the default
// rules, 7 of 8 of the 1 KiB posts' triggers), and finding that out is most
// of what phrase resolution costs. A required slot is often an @list of
// hundreds of words (verbs, group words), too many to look up one by one in
// the field's occurrences, so such phrases used to be joined word by word
// with the field before the missing slot showed. But the literal ids of an
// @list are interned together and so mostly consecutive: the default rules'
// slots of over 256 literals are 13 runs on average (median 272 literals per
// run). Against the field's literals, sorted once per field, a slot is then
// a binary search per run, exact, whatever the slot's size.
//
//   std::vector<LiteralRun> slot = LiteralRunsOf({7, 3, 4, 5, 9});  // [3,5] [7,7] [9,9]
//   AnyLiteralInRuns(slot, field_literals_sorted);
//
// Thread-safety: pure functions on values.
#ifndef MODERATION_ENGINE_LITERAL_RUNS_H_
#define MODERATION_ENGINE_LITERAL_RUNS_H_

#include <cstdint>
#include <span>
#include <vector>

namespace moderation::internal {

// Literal ids first..last, both included.
struct LiteralRun {
  uint32_t first = 0;
  uint32_t last = 0;
  bool operator==(const LiteralRun&) const = default;
};

// The runs of `literals` (any order, repeats allowed), ascending.
std::vector<LiteralRun> LiteralRunsOf(std::vector<uint32_t> literals);

// Whether some id of `sorted_literals` (ascending) lies in one of `runs`
// (ascending, as LiteralRunsOf gives them).
bool AnyLiteralInRuns(std::span<const LiteralRun> runs, std::span<const uint32_t> sorted_literals);

}  // namespace moderation::internal

#endif  // MODERATION_ENGINE_LITERAL_RUNS_H_
