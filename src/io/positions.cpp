#include "gprkit/io/positions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "gprkit/core/error.h"
#include "gps.h"

namespace gprkit::io {

namespace {
constexpr double kA = 6378137.0;          // WGS 84 semi-major axis (m)
constexpr double kE2 = 6.69437999014e-3;  // first eccentricity squared
constexpr double kDeg = 3.14159265358979323846 / 180.0;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Meridian (north) and prime-vertical (east, times cos lat) metres per radian at a latitude.
double meridian_m(double lat) {
  const double s = std::sin(lat * kDeg);
  return kA * (1 - kE2) / std::pow(1 - kE2 * s * s, 1.5);
}
double parallel_m(double lat) {
  const double s = std::sin(lat * kDeg);
  return kA / std::sqrt(1 - kE2 * s * s) * std::cos(lat * kDeg);
}
}  // namespace

bool has_gps(const Header& h) { return !detail::load_gps(h).trace.empty(); }

TracePositions trace_positions(const Header& h, std::ptrdiff_t n_traces) {
  const detail::GpsTrack g = detail::load_gps(h);
  if (g.trace.empty())
    throw InvalidArgument(
        "trace_positions: the line has no GPS fixes (no .DZG, .GPS or .cor companion was read, "
        "or its fixes are unusable)");
  if (n_traces < 0) throw InvalidArgument("trace_positions: n_traces < 0");
  // Fixes in trace order; a repeated trace keeps its first fix.
  std::vector<std::size_t> order(g.trace.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return g.trace[a] < g.trace[b]; });
  std::vector<double> t;
  std::vector<detail::GpsFix> f;
  for (std::size_t k : order) {
    if (!t.empty() && g.trace[k] == t.back()) continue;
    t.push_back(g.trace[k]);
    f.push_back(g.fixes[k]);
  }
  TracePositions p;
  p.n_fixes = t.size();
  const auto n = static_cast<std::size_t>(n_traces);
  p.longitude_deg.assign(n, kNaN);
  p.latitude_deg.assign(n, kNaN);
  p.altitude_m.assign(n, kNaN);
  std::size_t k = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const auto x = static_cast<double>(j);
    if (x < t.front() || x > t.back()) continue;
    while (k + 1 < t.size() && t[k + 1] <= x) ++k;
    double w = 0.0;
    std::size_t k1 = k;
    if (k + 1 < t.size() && x > t[k]) {
      k1 = k + 1;
      w = (x - t[k]) / (t[k1] - t[k]);
    }
    p.latitude_deg[j] = (1 - w) * f[k].lat_deg + w * f[k1].lat_deg;
    p.longitude_deg[j] = (1 - w) * f[k].lon_deg + w * f[k1].lon_deg;
    p.altitude_m[j] = (1 - w) * f[k].alt_m + w * f[k1].alt_m;
    if (p.first_trace < 0) p.first_trace = static_cast<std::ptrdiff_t>(j);
    p.last_trace = static_cast<std::ptrdiff_t>(j);
  }
  if (p.first_trace < 0)
    throw InvalidArgument("trace_positions: the GPS fixes are at traces " +
                          std::to_string(t.front()) + " to " + std::to_string(t.back()) +
                          ", beyond the line's " + std::to_string(n_traces) + " traces");
  p.east_m.assign(n, kNaN);
  p.north_m.assign(n, kNaN);
  p.distance_m.assign(n, kNaN);
  const auto j0 = static_cast<std::size_t>(p.first_trace);
  const double lat0 = p.latitude_deg[j0], lon0 = p.longitude_deg[j0];
  double dist = 0.0;
  for (auto j = j0; j <= static_cast<std::size_t>(p.last_trace); ++j) {
    const double la = p.latitude_deg[j], lo = p.longitude_deg[j];
    p.north_m[j] = (la - lat0) * kDeg * meridian_m(0.5 * (la + lat0));
    p.east_m[j] = (lo - lon0) * kDeg * parallel_m(la);
    if (j > j0) {
      const double mid = 0.5 * (la + p.latitude_deg[j - 1]);
      dist += std::hypot((la - p.latitude_deg[j - 1]) * kDeg * meridian_m(mid),
                         (lo - p.longitude_deg[j - 1]) * kDeg * parallel_m(mid));
    }
    p.distance_m[j] = dist;
  }
  return p;
}

}  // namespace gprkit::io
