#include "gprkit/detect/air_gap.h"

#include <algorithm>
#include <cmath>

#include "../core/trace_max.h"
#include "gprkit/core/physics.h"
#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"
#include "gprkit/detect/score.h"

namespace gprkit {

namespace {

struct Apex {
  std::ptrdiff_t trace, sample;
  float amplitude;
};

// Linear interpolation of trace j at fractional sample u (0 outside).
double at(ConstView in, std::ptrdiff_t j, double u) {
  const double f = std::floor(u);
  const auto i = static_cast<std::ptrdiff_t>(f);
  if (i < 0 || i + 1 >= in.n_samples) return 0.0;
  const double w = u - f;
  return (1 - w) * in(i, j) + w * in(i + 1, j);
}

}  // namespace

AirGapEstimate estimate_air_gap(ConstView in, const Header& h, double v, const AirGapOptions& o) {
  constexpr const char* w = "estimate_air_gap";
  check::finite_data(w, "input", in);
  check::positive(w, "dt_ns", h.dt_ns);
  check::positive(w, "velocity_m_per_ns", v);
  if (o.heights_m.empty()) check::fail(w, "heights_m", 0.0, "at least one height");
  for (double x : o.heights_m) check::in_range(w, "heights_m", x, 0.0, 10.0);
  if (o.max_apexes < 1) check::fail(w, "max_apexes", o.max_apexes, ">= 1");
  check::non_negative(w, "apex_separation_m", o.apex_separation_m);
  check::positive(w, "aperture_m", o.aperture_m);
  check::non_negative(w, "min_snr", o.min_snr);
  check::finite(w, "min_gain", o.min_gain);
  AirGapEstimate r;
  r.semblance.assign(o.heights_m.size(), 0.0);
  const std::ptrdiff_t m = in.n_samples, n = in.n_traces;
  if (m < 4 || n < 3) return r;
  // Robust noise level: the median |x| over a sparse grid of cells, / 0.6745.
  std::vector<float> grid;
  for (std::ptrdiff_t j = 0; j < n; j += std::max<std::ptrdiff_t>(1, n / 256))
    for (std::ptrdiff_t i = 0; i < m; i += std::max<std::ptrdiff_t>(1, m / 256))
      grid.push_back(std::abs(in(i, j)));
  std::nth_element(grid.begin(), grid.begin() + static_cast<std::ptrdiff_t>(grid.size() / 2),
                   grid.end());
  const double noise = grid[grid.size() / 2] / 0.6745;
  // The strongest |x| per trace below the time limit, then greedy apexes by amplitude.
  const auto i_first = static_cast<std::ptrdiff_t>(
      std::ceil(std::clamp((o.min_time_after_ns - h.t0_ns) / h.dt_ns, 0.0, double(m - 1))));
  std::vector<Apex> best(static_cast<std::size_t>(n));
  const int nt = threads_for(static_cast<std::size_t>(m * n));
#pragma omp parallel for num_threads(nt) schedule(static)
  for (std::ptrdiff_t j = 0; j < n; ++j) {
    // The largest |x|, then its first sample.
    const float top = detail::trace_max(in, j, i_first, [](float x) { return std::abs(x); });
    Apex a{j, i_first, 0.0f};
    if (top > 0.0f) {
      std::ptrdiff_t i = i_first;
      while (std::abs(in(i, j)) != top) ++i;
      a = {j, i, top};
    }
    best[static_cast<std::size_t>(j)] = a;
  }
  // Apexes are lateral maxima: no trace within the aperture is stronger (a hyperbola's tail
  // is weaker than the trace nearer its apex).
  std::vector<Apex> order;
  for (std::ptrdiff_t j = 0; j < n; ++j) {
    bool top = true;
    for (std::ptrdiff_t k = j - 1; k >= 0 && top; --k) {
      if (std::abs(h.trace_x_m(k) - h.trace_x_m(j)) > o.aperture_m) break;
      if (best[static_cast<std::size_t>(k)].amplitude > best[static_cast<std::size_t>(j)].amplitude)
        top = false;
    }
    for (std::ptrdiff_t k = j + 1; k < n && top; ++k) {
      if (std::abs(h.trace_x_m(k) - h.trace_x_m(j)) > o.aperture_m) break;
      if (best[static_cast<std::size_t>(k)].amplitude >=
          best[static_cast<std::size_t>(j)].amplitude)
        top = false;
    }
    if (top) order.push_back(best[static_cast<std::size_t>(j)]);
  }
  std::sort(order.begin(), order.end(), [](const Apex& a, const Apex& b) {
    return a.amplitude != b.amplitude ? a.amplitude > b.amplitude : a.trace < b.trace;
  });
  std::vector<Apex> apexes;
  for (const Apex& a : order) {
    if (static_cast<int>(apexes.size()) >= o.max_apexes) break;
    if (!(a.amplitude > o.min_snr * noise)) break;
    if (!apexes.empty() && !(a.amplitude >= o.min_relative_amplitude * apexes[0].amplitude)) break;
    bool far = true;
    for (const Apex& b : apexes)
      if (std::abs(h.trace_x_m(a.trace) - h.trace_x_m(b.trace)) < o.apex_separation_m) far = false;
    if (far) apexes.push_back(a);
  }
  r.n_apexes = static_cast<std::ptrdiff_t>(apexes.size());
  if (apexes.empty()) return r;
  const double period = h.centre_frequency_mhz > 0 ? 1e3 / h.centre_frequency_mhz : 10 * h.dt_ns;
  const auto half = std::max<std::ptrdiff_t>(1, std::lround(0.25 * period / h.dt_ns));
  const double a = std::max(0.0, h.antenna_separation_m);
  for (std::size_t q = 0; q < o.heights_m.size(); ++q) {
    Header hq = h;
    hq.antenna_height_m = o.heights_m[q];
    double total = 0.0;
    for (const Apex& ap : apexes) {
      const double x0 = h.trace_x_m(ap.trace);
      const double z = depth_from_time_m(h.time_ns(static_cast<double>(ap.sample)), hq, v);
      if (!(z > 0)) continue;
      std::vector<std::ptrdiff_t> js;
      std::vector<double> us;
      for (std::ptrdiff_t j = 0; j < n; ++j) {
        const double x = h.trace_x_m(j);
        if (std::abs(x - x0) > o.aperture_m) continue;
        const double t = two_way_time_ns(x - a / 2, x + a / 2, hq.antenna_height_m, x0, z, v);
        js.push_back(j);
        us.push_back((t - h.t0_ns) / h.dt_ns);
      }
      double num = 0.0, den = 0.0;
      for (std::ptrdiff_t k = -half; k <= half; ++k) {
        double s = 0.0, s2 = 0.0;
        for (std::size_t p = 0; p < js.size(); ++p) {
          const double x = at(in, js[p], us[p] + static_cast<double>(k));
          s += x;
          s2 += x * x;
        }
        num += s * s;
        den += s2;
      }
      if (den > 0) total += num / (static_cast<double>(js.size()) * den);
    }
    r.semblance[q] = total / static_cast<double>(apexes.size());
  }
  std::size_t b = 0;
  for (std::size_t q = 1; q < r.semblance.size(); ++q)
    if (r.semblance[q] > r.semblance[b]) b = q;
  double ground_coupled = r.semblance[0];
  for (std::size_t q = 0; q < o.heights_m.size(); ++q)
    if (o.heights_m[q] == 0.0) ground_coupled = r.semblance[q];
  r.resolved = true;
  r.height_m = r.semblance[b] >= ground_coupled + o.min_gain ? o.heights_m[b] : 0.0;
  return r;
}

}  // namespace gprkit
