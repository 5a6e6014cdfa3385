// Internal: the largest value of a stretch of one trace, in lanes of partial maxima so that it
// vectorises (a serial std::max chain waits on each comparison). A maximum is exact in any
// order, so this is the serial loop's value.
#pragma once

#include <algorithm>
#include <cstddef>

#include "gprkit/core/view.h"

namespace gprkit::detail {

/// max(0, f(v(i, j)) for i in [i0, n_samples)); f maps a sample to the value compared (no NaN).
template <class F>
float trace_max(ConstView v, std::ptrdiff_t j, std::ptrdiff_t i0, F f) {
  float best = 0.0f;
  std::ptrdiff_t i = i0;
  const std::ptrdiff_t m = v.n_samples;
  if (v.traces_contiguous()) {
    constexpr int kLanes = 16;
    const float* x = v.trace(j);
    float lane[kLanes] = {};
    for (; i + kLanes <= m; i += kLanes)
      for (int l = 0; l < kLanes; ++l) lane[l] = std::max(lane[l], f(x[i + l]));
    for (float b : lane) best = std::max(best, b);
  }
  for (; i < m; ++i) best = std::max(best, f(v(i, j)));
  return best;
}

}  // namespace gprkit::detail
