// Velocity analysis: focus search over Stolt images, and a semblance hyperbola fit.
#include <algorithm>
#include <cmath>
#include <string>

#include "detail.h"
#include "gprkit/core/validate.h"
#include "gprkit/migrate/migrate.h"

namespace gprkit {
using namespace migrate_detail;

namespace {

constexpr double kGolden = 0.6180339887498949;

// Golden-section maximization of f on [lo, hi].
template <class F>
double golden_max(F&& f, double lo, double hi, int iters) {
  double a = hi - kGolden * (hi - lo), b = lo + kGolden * (hi - lo);
  double fa = f(a), fb = f(b);
  for (int it = 0; it < iters; ++it) {
    if (fa < fb) {
      lo = a;
      a = b;
      fa = fb;
      b = lo + kGolden * (hi - lo);
      fb = f(b);
    } else {
      hi = b;
      b = a;
      fb = fa;
      a = hi - kGolden * (hi - lo);
      fa = f(a);
    }
  }
  return fa > fb ? a : b;
}

void check_velocity_range(const char* w, double lo, double hi) {
  check::positive(w, "min_velocity_m_per_ns", lo);
  check::positive(w, "max_velocity_m_per_ns", hi);
  if (!(hi > lo)) check::fail(w, "max_velocity_m_per_ns", hi, "> min_velocity_m_per_ns");
}

}  // namespace

VelocityEstimate estimate_velocity(const Bscan& in, const VelocityOptions& o) {
  constexpr const char* w = "estimate_velocity";
  check::finite_data(w, "input", in.view());
  check_velocity_range(w, o.min_velocity_m_per_ns, o.max_velocity_m_per_ns);
  if (o.n_velocities < 3 || o.n_velocities > 10000)
    check::fail(w, "n_velocities", o.n_velocities, "3..10000");
  if (o.first_trace < 0 || o.first_trace >= in.n_traces())
    check::fail(w, "first_trace", static_cast<double>(o.first_trace),
                "0.." + std::to_string(in.n_traces() - 1));
  const std::ptrdiff_t nt = o.n_traces < 0 ? in.n_traces() - o.first_trace : o.n_traces;
  if (nt < 2 || o.first_trace + nt > in.n_traces())
    check::fail(w, "n_traces", static_cast<double>(o.n_traces),
                "-1 or 2.." + std::to_string(in.n_traces() - o.first_trace));
  if (std::isnan(o.t_min_ns) || std::isnan(o.t_max_ns) || !(o.t_max_ns > o.t_min_ns))
    check::fail(w, "t_max_ns", o.t_max_ns, "> t_min_ns");
  check::finite(w, "antenna_offset_m", o.antenna_offset_m);
  check::finite(w, "antenna_height_m", o.antenna_height_m);

  Header hd = in.header();
  Bscan part(in.view().traces(o.first_trace, nt), hd);
  if (!hd.x_m.empty())
    part.header().x_m.assign(hd.x_m.begin() + o.first_trace, hd.x_m.begin() + o.first_trace + nt);
  const std::ptrdiff_t ns = in.n_samples();
  std::ptrdiff_t i0 = 0, i1 = ns;
  while (i0 < ns && hd.time_ns(static_cast<double>(i0)) < o.t_min_ns) ++i0;
  while (i1 > i0 && hd.time_ns(static_cast<double>(i1 - 1)) > o.t_max_ns) --i1;
  if (i1 <= i0) check::fail(w, "t_min_ns", o.t_min_ns, "a time window that contains samples");

  const double height = o.antenna_height_m >= 0 ? o.antenna_height_m : hd.antenna_height_m;
  VelocityMethod method = o.method;
  if (method == VelocityMethod::automatic)
    method = height > 0 ? VelocityMethod::semblance : VelocityMethod::focus;
  if (method == VelocityMethod::semblance) {
    if (o.max_apexes < 1 || o.max_apexes > 100)
      check::fail(w, "max_apexes", o.max_apexes, "1..100");
    // Energy over one period and 3 traces; the strongest points, apart by >= 10 traces.
    const double period =
        hd.centre_frequency_mhz > 0 ? 1e3 / hd.centre_frequency_mhz : 10 * hd.dt_ns;
    const std::ptrdiff_t hw = std::max<std::ptrdiff_t>(
        1, check::count(w, "period_ns", period, 2 * hd.dt_ns, "samples per half window"));
    std::vector<double> e(static_cast<std::size_t>(ns * nt), 0.0);
    for (std::ptrdiff_t j = 0; j < nt; ++j)
      for (std::ptrdiff_t i = i0; i < i1; ++i) {
        double sum = 0;
        for (std::ptrdiff_t jj = std::max<std::ptrdiff_t>(0, j - 1); jj <= std::min(nt - 1, j + 1);
             ++jj)
          for (std::ptrdiff_t ii = std::max<std::ptrdiff_t>(0, i - hw);
               ii <= std::min(ns - 1, i + hw); ++ii)
            sum += static_cast<double>(part(ii, jj)) * part(ii, jj);
        e[static_cast<std::size_t>(i + j * ns)] = sum;
      }
    HyperbolaFitOptions fo;
    fo.min_velocity_m_per_ns = o.min_velocity_m_per_ns;
    fo.max_velocity_m_per_ns = o.max_velocity_m_per_ns;
    fo.antenna_offset_m = o.antenna_offset_m;
    fo.antenna_height_m = o.antenna_height_m;
    fo.search_samples = hw / 2;
    VelocityEstimate r;
    r.method = VelocityMethod::semblance;
    double emax0 = -1, wsum = 0, vsum = 0, qsum = 0;
    for (int k = 0; k < o.max_apexes; ++k) {
      const auto it = std::max_element(e.begin(), e.end());
      if (*it <= 0 || (emax0 > 0 && *it < 0.25 * emax0)) break;
      if (emax0 < 0) emax0 = *it;
      const auto idx = static_cast<std::ptrdiff_t>(it - e.begin());
      const std::ptrdiff_t ia = idx % ns, ja = idx / ns;
      const std::ptrdiff_t excl = fo.half_width_traces;
      for (std::ptrdiff_t j = std::max<std::ptrdiff_t>(0, ja - excl);
           j <= std::min(nt - 1, ja + excl); ++j)
        std::fill(e.begin() + j * ns, e.begin() + (j + 1) * ns, 0.0);
      HyperbolaFit f{};
      try {
        f = fit_hyperbola(part, ja, ia, fo);
      } catch (const InvalidArgument&) {
        continue;  // no hyperbola fits below this point (e.g. at the section's edge)
      }
      r.velocities_m_per_ns.push_back(f.velocity_m_per_ns);
      r.focus.push_back(f.quality);
    }
    // Fits much poorer than the best (a flank, clutter) are left out.
    const double qbest = r.focus.empty() ? 0.0 : *std::max_element(r.focus.begin(), r.focus.end());
    std::size_t used = 0;
    for (std::size_t k = 0; k < r.focus.size(); ++k)
      if (r.focus[k] >= 0.75 * qbest && r.focus[k] > 0) {
        wsum += r.focus[k];
        vsum += r.focus[k] * r.velocities_m_per_ns[k];
        qsum += r.focus[k];
        ++used;
      }
    if (wsum <= 0)
      check::fail(w, "input", "no diffraction hyperbola",
                  "a section with at least one apex in the window");
    r.velocity_m_per_ns = vsum / wsum;
    r.quality = qsum / static_cast<double>(used);
    return r;
  }

  MigrateOptions mo;
  mo.method = MigrationMethod::stolt;
  mo.antenna_offset_m = o.antenna_offset_m;
  mo.antenna_height_m = o.antenna_height_m;
  Bscan img(ns, nt, hd);
  auto focus = [&](double v) {
    mo.velocity_m_per_ns = v;
    migrate(part.view(), part.header(), img.view(), mo);
    double s2 = 0, s4 = 0;
    for (std::ptrdiff_t j = 0; j < nt; ++j)
      for (std::ptrdiff_t i = i0; i < i1; ++i) {
        const double x = img(i, j);
        s2 += x * x;
        s4 += x * x * x * x;
      }
    return s2 > 0 ? s4 / (s2 * s2) * static_cast<double>(nt * (i1 - i0)) : 0.0;
  };
  VelocityEstimate r;
  const int n = o.n_velocities;
  for (int k = 0; k < n; ++k) {
    const double v =
        o.min_velocity_m_per_ns + (o.max_velocity_m_per_ns - o.min_velocity_m_per_ns) * k / (n - 1);
    r.velocities_m_per_ns.push_back(v);
    r.focus.push_back(focus(v));
  }
  const auto best =
      static_cast<int>(std::max_element(r.focus.begin(), r.focus.end()) - r.focus.begin());
  const double lo = r.velocities_m_per_ns[static_cast<std::size_t>(std::max(0, best - 1))];
  const double hi = r.velocities_m_per_ns[static_cast<std::size_t>(std::min(n - 1, best + 1))];
  r.velocity_m_per_ns = golden_max(focus, lo, hi, 14);
  const double fbest =
      std::max(focus(r.velocity_m_per_ns), r.focus[static_cast<std::size_t>(best)]);
  std::vector<double> sorted = r.focus;
  std::nth_element(sorted.begin(), sorted.begin() + n / 2, sorted.end());
  r.quality =
      fbest > 0 ? std::clamp(1.0 - sorted[static_cast<std::size_t>(n / 2)] / fbest, 0.0, 1.0) : 0.0;
  return r;
}

HyperbolaFit fit_hyperbola(const Bscan& in, std::ptrdiff_t trace, std::ptrdiff_t sample,
                           const HyperbolaFitOptions& o) {
  constexpr const char* w = "fit_hyperbola";
  check::finite_data(w, "input", in.view());
  const Header& hd = in.header();
  check::positive(w, "header.dt_ns", hd.dt_ns);
  const std::ptrdiff_t ns = in.n_samples(), nx = in.n_traces();
  if (trace < 0 || trace >= nx)
    check::fail(w, "trace", static_cast<double>(trace), "0.." + std::to_string(nx - 1));
  if (sample < 0 || sample >= ns)
    check::fail(w, "sample", static_cast<double>(sample), "0.." + std::to_string(ns - 1));
  check_velocity_range(w, o.min_velocity_m_per_ns, o.max_velocity_m_per_ns);
  if (o.half_width_traces < 2)
    check::fail(w, "half_width_traces", static_cast<double>(o.half_width_traces), ">= 2");
  if (o.search_samples < 0)
    check::fail(w, "search_samples", static_cast<double>(o.search_samples), ">= 0");
  if (o.search_traces < 0)
    check::fail(w, "search_traces", static_cast<double>(o.search_traces), ">= 0");
  if (o.window_ns != -1) check::positive(w, "window_ns", o.window_ns);
  check::finite(w, "antenna_offset_m", o.antenna_offset_m);
  check::finite(w, "antenna_height_m", o.antenna_height_m);
  const double a = o.antenna_offset_m >= 0 ? o.antenna_offset_m : hd.antenna_separation_m;
  const double h = o.antenna_height_m >= 0 ? o.antenna_height_m : hd.antenna_height_m;
  check::non_negative(w, "antenna offset (m)", a);
  check::non_negative(w, "antenna height (m)", h);
  const std::vector<double> x = trace_positions(w, hd, nx);
  const double win = o.window_ns > 0               ? o.window_ns
                     : hd.centre_frequency_mhz > 0 ? 1e3 / hd.centre_frequency_mhz
                                                   : 10 * hd.dt_ns;
  const std::ptrdiff_t hw = std::max<std::ptrdiff_t>(
      1, check::count(w, "window_ns", win, 2 * hd.dt_ns, "samples per half window"));

  auto semblance = [&](double ta, std::ptrdiff_t jc, double v, double* peak_shift = nullptr) {
    const double z = apex_depth_m(a, h, ta, v);
    if (!(z > 0)) return 0.0;
    const double x0 = x[static_cast<std::size_t>(jc)];
    const std::ptrdiff_t j0 = std::max<std::ptrdiff_t>(0, jc - o.half_width_traces);
    const std::ptrdiff_t j1 = std::min(nx, jc + o.half_width_traces + 1);
    std::vector<double> stack(static_cast<std::size_t>(2 * hw + 1), 0.0);
    double energy = 0;
    std::ptrdiff_t count = 0;
    for (std::ptrdiff_t j = j0; j < j1; ++j) {
      double p1 = 0, p2 = 0;
      const double t =
          one_way_refracted_ns(x[static_cast<std::size_t>(j)] - 0.5 * a - x0, h, z, v, p1) +
          one_way_refracted_ns(x[static_cast<std::size_t>(j)] + 0.5 * a - x0, h, z, v, p2);
      const double s = (t - hd.t0_ns) / hd.dt_ns;
      // Negated so a NaN time is skipped too (it must never reach the cast below).
      if (!(s - static_cast<double>(hw) >= 0 &&
            s + static_cast<double>(hw) < static_cast<double>(ns - 1)))
        continue;
      ++count;
      for (std::ptrdiff_t q = -hw; q <= hw; ++q) {
        const double sq = s + static_cast<double>(q);
        const auto m = static_cast<std::ptrdiff_t>(sq);
        const double f = sq - static_cast<double>(m);
        const double d = in(m, j) + f * (in(m + 1, j) - in(m, j));
        stack[static_cast<std::size_t>(q + hw)] += d;
        energy += d * d;
      }
    }
    if (count < 3 || energy <= 0) return 0.0;
    double num = 0;
    for (double s : stack) num += s * s;
    if (peak_shift) {  // sub-sample position of the stack's largest magnitude
      std::size_t q = 0;
      for (std::size_t k = 1; k < stack.size(); ++k)
        if (std::abs(stack[k]) > std::abs(stack[q])) q = k;
      double frac = 0;
      if (q > 0 && q + 1 < stack.size()) {
        const double y0 = std::abs(stack[q - 1]), y1 = std::abs(stack[q]),
                     y2 = std::abs(stack[q + 1]);
        const double den = y0 - 2 * y1 + y2;
        if (den < 0) frac = 0.5 * (y0 - y2) / den;
      }
      *peak_shift = (static_cast<double>(q) - static_cast<double>(hw) + frac) * hd.dt_ns;
    }
    return num / (static_cast<double>(count) * energy);
  };

  HyperbolaFit best{0, 0, 0, 0, -1};
  const int nv = 41;
  std::ptrdiff_t best_j = trace;
  for (std::ptrdiff_t jc = std::max<std::ptrdiff_t>(0, trace - o.search_traces);
       jc <= std::min(nx - 1, trace + o.search_traces); ++jc)
    for (std::ptrdiff_t ds = -o.search_samples; ds <= o.search_samples; ++ds) {
      const std::ptrdiff_t i = sample + ds;
      if (i < 0 || i >= ns) continue;
      const double ta = hd.time_ns(static_cast<double>(i));
      for (int k = 0; k < nv; ++k) {
        const double v = o.min_velocity_m_per_ns +
                         (o.max_velocity_m_per_ns - o.min_velocity_m_per_ns) * k / (nv - 1);
        const double s = semblance(ta, jc, v);
        if (s > best.quality) {
          best = {v, 0, ta, x[static_cast<std::size_t>(jc)], s};
          best_j = jc;
        }
      }
    }
  if (best.quality <= 0)
    check::fail(w, "sample", static_cast<double>(sample),
                "an apex with a hyperbola below it inside the section (no trace fits)");
  const double dv = (o.max_velocity_m_per_ns - o.min_velocity_m_per_ns) / (nv - 1);
  // Semblance barely depends on a constant time shift of the curve, so the apex time is
  // set by the peak of the stack along the curve, then the velocity refit; three passes.
  for (int pass = 0; pass < 3; ++pass) {
    double shift = 0;
    semblance(best.apex_time_ns, best_j, best.velocity_m_per_ns, &shift);
    best.apex_time_ns +=
        std::clamp(shift, -2.0 * hd.dt_ns * static_cast<double>(o.search_samples + 1),
                   2.0 * hd.dt_ns * static_cast<double>(o.search_samples + 1));
    best.velocity_m_per_ns =
        golden_max([&](double v) { return semblance(best.apex_time_ns, best_j, v); },
                   std::max(o.min_velocity_m_per_ns, best.velocity_m_per_ns - 2 * dv),
                   std::min(o.max_velocity_m_per_ns, best.velocity_m_per_ns + 2 * dv), 18);
  }
  best.quality = semblance(best.apex_time_ns, best_j, best.velocity_m_per_ns);
  best.apex_depth_m = apex_depth_m(a, h, best.apex_time_ns, best.velocity_m_per_ns);
  return best;
}

}  // namespace gprkit
