// The scan behind multi-posting counts (multi_posting.h): how many of a
// community's recent fingerprints are near-duplicates of a new post's
// within the window, and how many of those are its author's.
//
// Why: every post scans its community's last 512 fingerprints (issue 12's
// ≤ 1 µs per post). One entry costs a popcount and three comparisons; done
// eight at a time with AVX2 (popcount by nibble table) or AVX-512 (VPOPCNTQ),
// and sixteen passed over with one test while none of them is near (most
// posts copy nothing), the scan is several times cheaper than one entry at
// a time. The variant
// is chosen once by what the CPU has; all give the same counts as
// CountNearScalar (near_scan_test.cc compares them on random tables).
//
//   NearScan s{fingerprints, authors, seconds, size, fingerprint, author, oldest};
//   NearCounts c = CountNear(s);
//
// Thread-safety: pure functions over the caller's arrays.
#ifndef MODERATION_SERVER_PULSE_NEAR_SCAN_H_
#define MODERATION_SERVER_PULSE_NEAR_SCAN_H_

#include <cstdint>

namespace moderation::server::pulse {

struct NearScan {
  const uint64_t* fingerprints;
  const uint32_t* authors;
  const uint32_t* seconds;
  uint32_t size;
  uint64_t fingerprint;
  uint32_t author;  // 0: nobody's
  uint32_t oldest;  // entries with seconds >= oldest are in the window
};

struct NearCounts {
  int copies = 0;  // entries in the window within kNearDuplicateBits
  int own = 0;     // of them, the author's (never for author 0)
};

// The best variant this CPU runs.
NearCounts CountNear(const NearScan& s);

// The variants, for tests and benchmarks. The AVX ones may only be called
// when Has*() says the CPU has the instructions.
NearCounts CountNearScalar(const NearScan& s);
NearCounts CountNearAvx2(const NearScan& s);
NearCounts CountNearAvx512(const NearScan& s);
bool HasAvx2();
bool HasAvx512Popcount();

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_NEAR_SCAN_H_
