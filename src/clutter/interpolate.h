// Internal: Keys cubic interpolation with zeros outside the samples, shared by the surface
// tracker and the rough-ground removal (both read a trace at fractional surface times).
#pragma once
#include <cmath>
#include <cstddef>

namespace gprkit::clutter_detail {

/// Keys cubic (a = -0.5) interpolation of x[0..m) at fractional index pos; 0 outside.
inline double cubic_zero(const float* x, std::ptrdiff_t m, double pos) {
  const double fl = std::floor(pos);
  if (!(fl > -3.0 && fl < static_cast<double>(m) + 2.0)) return 0.0;
  const auto i = static_cast<std::ptrdiff_t>(fl);
  const double t = pos - fl;
  auto at = [&](std::ptrdiff_t k) { return k >= 0 && k < m ? static_cast<double>(x[k]) : 0.0; };
  const double p0 = at(i - 1), p1 = at(i), p2 = at(i + 1), p3 = at(i + 2);
  return p1 + 0.5 * t *
                  (p2 - p0 +
                   t * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + t * (3.0 * (p1 - p2) + p3 - p0)));
}

}  // namespace gprkit::clutter_detail
