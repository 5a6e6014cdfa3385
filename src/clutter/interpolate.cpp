#include "interpolate.h"

#include <algorithm>

#include "../core/simd.h"

namespace gprkit::clutter_detail {

// Positions base + q for integers q: the sum rounds once, so floor(position) is q + floor(base)
// or one more. Where every tap of both candidates lies inside the trace, the taps come from five
// contiguous streams and a select (no gather, no bound check), and the loop vectorises at each
// clone's width; elsewhere the scalar cubic_zero_difference.
GPRKIT_SIMD_CLONES void cubic_zero_difference_row(const float* x, const float* y, std::ptrdiff_t m,
                                                  double base, std::ptrdiff_t k0,
                                                  std::ptrdiff_t count, double* out) {
  std::ptrdiff_t a = count, b = count, fb = 0;  // [a, b): k with every tap inside
  if (std::abs(base) < 1e9 && m < (std::ptrdiff_t{1} << 30)) {
    fb = floor_index(base);
    a = std::clamp<std::ptrdiff_t>(1 - fb - k0, 0, count);
    b = std::clamp<std::ptrdiff_t>(m - 3 - fb - k0, a, count);
  }
  for (std::ptrdiff_t k = 0; k < a; ++k)
    out[k] = cubic_zero_difference(x, y, m, base + static_cast<double>(k0 + k));
  for (std::ptrdiff_t k = a; k < b; ++k) {
    const std::ptrdiff_t q = k0 + k;
    const double pos = base + static_cast<double>(q);
    const int i = static_cast<int>(pos);  // pos in [1, m - 3]: truncation is the floor
    const double t = pos - static_cast<double>(i);
    const bool up = i != static_cast<int>(q + fb);  // i == q + fb + 1
    const float* u = x + (q + fb - 1);
    const float* v = y + (q + fb - 1);
    const double u0 = u[0], u1 = u[1], u2 = u[2], u3 = u[3], u4 = u[4];
    const double v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3], v4 = v[4];
    out[k] = keys_cubic(up ? u1 : u0, up ? u2 : u1, up ? u3 : u2, up ? u4 : u3, t) -
             keys_cubic(up ? v1 : v0, up ? v2 : v1, up ? v3 : v2, up ? v4 : v3, t);
  }
  for (std::ptrdiff_t k = b; k < count; ++k)
    out[k] = cubic_zero_difference(x, y, m, base + static_cast<double>(k0 + k));
}

}  // namespace gprkit::clutter_detail
