#include "interpolate.h"

#include "../core/simd.h"

namespace gprkit::clutter_detail {

// Inside keys_streams' range the taps come from contiguous streams (keys_stream_at), so the
// loops vectorise at each clone's width; outside it, the scalar functions with their edges.
GPRKIT_SIMD_CLONES void cubic_zero_difference_row(const float* x, const float* y, std::ptrdiff_t m,
                                                  double base, std::ptrdiff_t k0,
                                                  std::ptrdiff_t count, double* out) {
  const KeysStreams s = keys_streams(m, base, k0, k0 + count);
  for (std::ptrdiff_t q = k0; q < s.lo; ++q)
    out[q - k0] = cubic_zero_difference(x, y, m, base + static_cast<double>(q));
  for (std::ptrdiff_t q = s.lo; q < s.hi; ++q)
    out[q - k0] = keys_stream_at(x, base, q, s.fb) - keys_stream_at(y, base, q, s.fb);
  for (std::ptrdiff_t q = s.hi; q < k0 + count; ++q)
    out[q - k0] = cubic_zero_difference(x, y, m, base + static_cast<double>(q));
}

GPRKIT_SIMD_CLONES void cubic_clamped_row(const float* x, std::ptrdiff_t m, double shift,
                                          float* y) {
  const KeysStreams s = keys_streams(m, shift, 0, m);
  for (std::ptrdiff_t i = 0; i < s.lo; ++i)
    y[i] = static_cast<float>(cubic_clamped(x, m, static_cast<double>(i) + shift));
  for (std::ptrdiff_t i = s.lo; i < s.hi; ++i)
    y[i] = static_cast<float>(keys_stream_at(x, shift, i, s.fb));
  for (std::ptrdiff_t i = s.hi; i < m; ++i)
    y[i] = static_cast<float>(cubic_clamped(x, m, static_cast<double>(i) + shift));
}

}  // namespace gprkit::clutter_detail
