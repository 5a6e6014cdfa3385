#include "gprkit/core/physics.h"

#include <algorithm>
#include <cmath>

namespace gprkit {

double refracted_one_way_time_ns(double rho, double h, double z, double v, double* warm) {
  constexpr double c = c_air_m_per_ns;
  rho = std::abs(rho);
  if (h <= 0) return std::hypot(rho, z) / v;
  if (z <= 0) return std::hypot(rho, h) / c;
  // T(p) is convex in the refraction point p on [0, rho]: Newton on T'(p) = 0, falling
  // back to bisection whenever a step leaves the bracket.
  double lo = 0, hi = rho;
  double p = warm ? std::clamp(*warm, lo, hi) : rho * (h / c) / (h / c + z / v);
  for (int it = 0; it < 100 && hi - lo > 1e-13; ++it) {
    const double ra = std::hypot(p, h);
    const double rg = std::hypot(rho - p, z);
    const double g = p / (ra * c) - (rho - p) / (rg * v);
    const double gp = h * h / (ra * ra * ra * c) + z * z / (rg * rg * rg * v);
    if (g > 0)
      hi = p;
    else
      lo = p;
    double next = p - g / gp;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const bool done = std::abs(next - p) < 1e-13;
    p = next;
    if (done) break;
  }
  if (warm) *warm = p;
  return std::hypot(p, h) / c + std::hypot(rho - p, z) / v;
}

double one_way_time_ns(double xa_m, double height_m, double x_m, double depth_m, double v) {
  return refracted_one_way_time_ns(x_m - xa_m, height_m, depth_m, v);
}

double two_way_time_ns(double xt_m, double xr_m, double height_m, double x_m, double depth_m,
                       double v) {
  return one_way_time_ns(xt_m, height_m, x_m, depth_m, v) +
         one_way_time_ns(xr_m, height_m, x_m, depth_m, v);
}

}  // namespace gprkit
