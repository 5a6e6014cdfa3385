// Internal: a sorted window of floats with insertion, deletion and median, for moving-median
// backgrounds (offline and streaming share it, so both give the same median).
#pragma once
#include <algorithm>
#include <cstddef>

namespace gprkit::clutter_detail {

/// Inserts v into the sorted w[0..n) (w holds n + 1).
inline void sorted_insert(float* w, std::ptrdiff_t n, float v) {
  std::ptrdiff_t pos = n;
  while (pos > 0 && w[pos - 1] > v) {
    w[pos] = w[pos - 1];
    --pos;
  }
  w[pos] = v;
}

/// Removes one element equal to v from the sorted w[0..n) (v must be present).
inline void sorted_erase(float* w, std::ptrdiff_t n, float v) {
  std::ptrdiff_t pos = std::lower_bound(w, w + n, v) - w;
  for (; pos + 1 < n; ++pos) w[pos] = w[pos + 1];
}

/// Median of the sorted w[0..n), n >= 1: the mean of the middle two for an even n.
inline float sorted_median(const float* w, std::ptrdiff_t n) {
  return n % 2 == 1 ? w[n / 2] : 0.5f * (w[n / 2 - 1] + w[n / 2]);
}

}  // namespace gprkit::clutter_detail
