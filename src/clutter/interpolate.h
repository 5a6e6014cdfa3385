// Internal: Keys cubic interpolation with zeros outside the samples, shared by the surface
// tracker and the rough-ground removal (both read a trace at fractional surface times).
#pragma once
#include <cmath>
#include <cstddef>

namespace gprkit::clutter_detail {

/// floor(pos) for |pos| < 2^62: what std::floor gives, without the libm call a baseline
/// x86-64 build (no SSE4.1 round instruction) makes for it.
inline std::ptrdiff_t floor_index(double pos) {
  const auto i = static_cast<std::ptrdiff_t>(pos);  // truncation toward zero
  return static_cast<double>(i) > pos ? i - 1 : i;
}

/// The Keys cubic (a = -0.5) through p0..p3 at t in [0, 1) past p1.
inline double keys_cubic(double p0, double p1, double p2, double p3, double t) {
  return p1 + 0.5 * t *
                  (p2 - p0 +
                   t * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + t * (3.0 * (p1 - p2) + p3 - p0)));
}

/// Keys cubic interpolation of x[0..m) at fractional index pos; 0 outside.
inline double cubic_zero(const float* x, std::ptrdiff_t m, double pos) {
  if (!(pos >= -2.0 && pos < static_cast<double>(m) + 2.0)) return 0.0;  // -3 < floor < m + 2
  const std::ptrdiff_t i = floor_index(pos);
  const double t = pos - static_cast<double>(i);
  if (i >= 1 && i + 2 < m)  // all four taps inside: no bound checks
    return keys_cubic(x[i - 1], x[i], x[i + 1], x[i + 2], t);
  auto at = [&](std::ptrdiff_t k) { return k >= 0 && k < m ? static_cast<double>(x[k]) : 0.0; };
  return keys_cubic(at(i - 1), at(i), at(i + 1), at(i + 2), t);
}

/// cubic_zero(x, m, pos) - cubic_zero(y, m, pos), the position resolved once.
inline double cubic_zero_difference(const float* x, const float* y, std::ptrdiff_t m, double pos) {
  if (!(pos >= -2.0 && pos < static_cast<double>(m) + 2.0)) return 0.0;  // -3 < floor < m + 2
  const std::ptrdiff_t i = floor_index(pos);
  const double t = pos - static_cast<double>(i);
  if (i >= 1 && i + 2 < m)
    return keys_cubic(x[i - 1], x[i], x[i + 1], x[i + 2], t) -
           keys_cubic(y[i - 1], y[i], y[i + 1], y[i + 2], t);
  return cubic_zero(x, m, pos) - cubic_zero(y, m, pos);
}

/// out[k] = cubic_zero_difference(x, y, m, base + (k0 + k)) for k in [0, count), bit for bit
/// (interpolate.cpp: vectorised where every tap lies inside the trace).
void cubic_zero_difference_row(const float* x, const float* y, std::ptrdiff_t m, double base,
                               std::ptrdiff_t k0, std::ptrdiff_t count, double* out);

}  // namespace gprkit::clutter_detail
