// The statistical tests behind the pulse's alerts and mood.
//
// Why: a community's "normal" differs (a football forum on match day is
// louder and rougher than a knitting forum), so every test compares the
// recent window with the community's own baseline, and asks how unlikely the
// observation is under that baseline, not whether a fixed number is passed.
//
//   BinomialZ(k, n, p0): k hostile posts out of n when the baseline share
//     is p0; z = (k - n p0) / sqrt(n p0 (1 - p0)). p0 is floored at
//     kMinShare so a community that has never seen a hostile post does not
//     alert on its first one.
//   PoissonZ(n, lambda): n posts where lambda are expected;
//     z = (n - lambda) / sqrt(lambda), lambda floored at 1.
//   TwoProportionZ(k1, n1, k2, n2): whether the share k1/n1 is above
//     k2/n2, both measured: z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2))
//     with the pooled share p = (k1 + k2) / (n1 + n2); 0 when either n is
//     0 or p is 0 or 1 (nothing to tell apart). Unlike BinomialZ against
//     an estimate, the second share's own noise counts: a small rest of a
//     community does not make a big thread look extreme.
//   Ewma: exponentially weighted moving average; the first sample sets it.
//
// Both z-scores are normal approximations; the detectors only use them
// together with a minimum volume (DetectorOptions), where the approximation
// is fair.
//
// Thread-safety: pure functions and a plain value.
#ifndef MODERATION_SERVER_PULSE_STATS_H_
#define MODERATION_SERVER_PULSE_STATS_H_

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace moderation::server::pulse {

inline constexpr double kMinShare = 0.01;

inline double BinomialZ(double k, double n, double p0) {
  if (n <= 0) return 0;
  p0 = std::clamp(p0, kMinShare, 1 - kMinShare);
  return (k - n * p0) / std::sqrt(n * p0 * (1 - p0));
}

inline double PoissonZ(double n, double lambda) {
  lambda = std::max(lambda, 1.0);
  return (n - lambda) / std::sqrt(lambda);
}

inline double TwoProportionZ(double k1, double n1, double k2, double n2) {
  if (n1 <= 0 || n2 <= 0) return 0;
  const double p = (k1 + k2) / (n1 + n2);
  if (p <= 0 || p >= 1) return 0;
  return (k1 / n1 - k2 / n2) / std::sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
}

struct Ewma {
  float value = 0;
  uint32_t samples = 0;
  void Add(double x, double alpha) {
    value =
        samples == 0 ? static_cast<float>(x) : static_cast<float>(alpha * x + (1 - alpha) * value);
    ++samples;
  }
};

}  // namespace moderation::server::pulse

#endif  // MODERATION_SERVER_PULSE_STATS_H_
