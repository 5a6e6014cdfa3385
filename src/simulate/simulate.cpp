#include "gprkit/simulate/simulate.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"
#include "soil.h"

namespace gprkit {

double ricker(double t_ns, double f_mhz) {
  const double a = std::numbers::pi * f_mhz * 1e-3 * t_ns;
  const double a2 = a * a;
  return (1.0 - 2.0 * a2) * std::exp(-a2);
}

namespace {

void validate(const SimulateOptions& o) {
  constexpr const char* w = "simulate";
  if (o.n_samples < 1 || o.n_samples > (1 << 24))
    check::fail(w, "n_samples", static_cast<double>(o.n_samples), "1..2^24");
  if (o.n_traces < 1 || o.n_traces > (1 << 24))
    check::fail(w, "n_traces", static_cast<double>(o.n_traces), "1..2^24");
  check::positive(w, "dt_ns", o.dt_ns);
  check::finite(w, "t0_ns", o.t0_ns);
  check::non_negative(w, "dx_m", o.dx_m);
  check::finite(w, "x0_m", o.x0_m);
  check::positive(w, "velocity_m_per_ns", o.velocity_m_per_ns);
  check::non_negative(w, "antenna_offset_m", o.antenna_offset_m);
  check::non_negative(w, "antenna_height_m", o.antenna_height_m);
  check::non_negative(w, "height_variation_m", o.height_variation_m);
  if (o.height_variation_m > o.antenna_height_m && o.height_variation_m > 0)
    check::fail(w, "height_variation_m", o.height_variation_m,
                "a value <= antenna_height_m (the antenna stays above ground)");
  check::positive(w, "height_variation_period_m", o.height_variation_period_m);
  check::positive(w, "centre_frequency_mhz", o.centre_frequency_mhz);
  for (double a :
       {o.direct_wave_amplitude, o.ground_bounce_amplitude, o.ringing_amplitude, o.wow_amplitude})
    check::finite(w, "amplitude", a);
  check::non_negative(w, "ringing_period_ns", o.ringing_period_ns);
  check::positive(w, "ringing_decay_ns", o.ringing_decay_ns);
  check::positive(w, "wow_time_ns", o.wow_time_ns);
  check::non_negative(w, "noise_std", o.noise_std);
  check::in_range(w, "surface_rms_m", o.surface_rms_m, 0.0, 100.0);
  check::in_range(w, "surface_correlation_m", o.surface_correlation_m, 1e-6, 1e4);
  check::in_range(w, "permittivity_std", o.permittivity_std, 0.0, 1.0);
  check::in_range(w, "permittivity_correlation_m", o.permittivity_correlation_m, 1e-6, 1e4);
  check::in_range(w, "scatterer_density_per_m2", o.scatterer_density_per_m2, 0.0, 1e6);
  check::non_negative(w, "scatterer_amplitude", o.scatterer_amplitude);
  if (o.scatterer_density_per_m2 > 0)
    check::in_range(w, "scatterer_max_depth_m", o.scatterer_max_depth_m, 0.02, 1e3);
  else
    check::positive(w, "scatterer_max_depth_m", o.scatterer_max_depth_m);
  bool physical = o.permittivity_std > 0;
  for (const auto& d : o.diffractors) {
    check::finite(w, "diffractor.x_m", d.x_m);
    check::positive(w, "diffractor.depth_m", d.depth_m);
    check::finite(w, "diffractor.amplitude", d.amplitude);
    if (d.permittivity != 0.0)
      check::in_range(w, "diffractor.permittivity", d.permittivity, 1.0, 1e6);
    check::in_range(w, "diffractor.width_m", d.width_m, 0.0, 1e3);
    check::in_range(w, "diffractor.height_m", d.height_m, 0.0, 1e3);
    check::in_range(w, "diffractor.metal_ringing", d.metal_ringing, 0.0, 100.0);
    check::in_range(w, "diffractor.metal_ringing_decay_ns", d.metal_ringing_decay_ns, 1e-3, 1e3);
    if (d.permittivity > 0 || d.metal) {
      physical = true;
      check::non_negative(w,
                          "diffractor.amplitude (the strength scale of an object with a "
                          "permittivity or metal)",
                          d.amplitude);
    }
  }
  if (physical && !(o.velocity_m_per_ns < c_air_m_per_ns * (1.0 - 1e-6)))
    check::fail(w, "velocity_m_per_ns", o.velocity_m_per_ns,
                "a value < c_air_m_per_ns (soil eps_r > 1) when permittivity_std > 0 or a "
                "diffractor has a permittivity or metal (R_g_mean must be non-zero)");
  for (const auto& l : o.layers) {
    check::finite(w, "layer.depth_m", l.depth_m);
    check::in_range(w, "layer.dip_deg", l.dip_deg, -80.0, 80.0);
    check::finite(w, "layer.x0_m", l.x0_m);
    check::finite(w, "layer.amplitude", l.amplitude);
    if (!(l.x_min_m <= l.x_max_m)) check::fail(w, "layer.x_max_m", l.x_max_m, ">= layer.x_min_m");
  }
}

// Adds amp * ricker(t - te) to a trace, over the samples where the wavelet is not negligible.
void add_wavelet(float* trace, std::ptrdiff_t n, double t0, double dt, double te, double amp,
                 double f_mhz) {
  const double half = 2.0e3 / f_mhz;  // 2 periods: exp(-(2 pi)^2) ~ 7e-18
  const auto [i0, i1] = check::index_span((te - half - t0) / dt, (te + half - t0) / dt, n);
  for (std::ptrdiff_t i = i0; i <= i1; ++i)
    trace[i] += static_cast<float>(amp * ricker(t0 + static_cast<double>(i) * dt - te, f_mhz));
}

// Two-way time of the specular reflection from a dipping plane (image-source method),
// for a ground-coupled antenna pair at xt, xr.
double plane_time_ns(const Layer& l, double xt, double xr, double v) {
  const double th = l.dip_deg * std::numbers::pi / 180.0;
  const double nx = -std::sin(th);
  const double nz = std::cos(th);
  const double dist = (l.depth_m + std::tan(th) * (xt - l.x0_m)) * nz;  // signed distance of Tx
  const double ix = xt + 2.0 * dist * nx;                               // image of the transmitter
  const double iz = 2.0 * dist * nz;
  return std::hypot(xr - ix, iz) / v;
}

// One reflecting point as the trace loop sees it: a plain diffractor, one point of an extended
// top, a bottom reflection (extra delay through the object) or a soil scatterer.
struct Source {
  double x_m;
  double depth_m;         // below the mean surface
  double amplitude;       // signed, before spreading
  double delay_ns = 0.0;  // added after the top's two-way time (bottom reflections)
  double ring = 0.0;      // metal ringing: relative amplitude of the first cycle (0 = none)
  double ring_decay_ns = 1.0;
};

int sign_of(double v) { return (v > 0) - (v < 0); }

// One-way time (ns) from an antenna at xa, `top` above the mean surface, to a point (x, depth
// below the mean surface) under a rough surface (elevation profile `surface` on the trace
// grid): solved over a flat ground at elevation s0 (the trace's), then again over a flat ground
// at the elevation of the refraction point found, so the ray enters the ground where the surface
// is (one fixed-point step). Where the ground would rise above the antenna it touches it; a
// point the ground has left exposed is reached through air.
double rough_leg_ns(double xa, double top, double s0, double x, double depth, double v,
                    const std::vector<double>& surface, double x0, double dx) {
  auto solve = [&](double s, double* p) {
    s = std::min(s, top);
    double h = top - s, z = depth + s;
    if (z < 0) {
      h += z;
      z = 0;
    }
    return refracted_one_way_time_ns(x - xa, h, z, v, p);
  };
  double p = 0.0;
  solve(s0, &p);
  const double xp = xa + (x >= xa ? p : -p);
  return solve(soil::profile_at(surface, x0, dx, xp), &p);
}

// Expands the diffractors (and scatterers) into sources; fills truth.
void expand(const SimulateOptions& o, const std::vector<double>& eps_trace, double eps_mean,
            std::vector<Source>& src, std::vector<TargetTruth>& truth) {
  const double c = c_air_m_per_ns;
  const double n_mean = std::sqrt(eps_mean);
  const double rg_mean = soil::fresnel(1.0, n_mean);
  // A negative ground_bounce_amplitude is a radar of inverted polarity: physical objects
  // follow it, so their sign relative to the ground bounce stays physical.
  const double sgn = o.ground_bounce_amplitude < 0 ? -1.0 : 1.0;
  for (const auto& d : o.diffractors) {
    TargetTruth t;
    t.x_m = d.x_m;
    t.depth_m = d.depth_m;
    t.kind = d.kind;
    t.permittivity = d.permittivity;
    t.metal = d.metal;
    t.width_m = d.width_m;
    t.height_m = d.height_m;
    const bool phys = d.metal || d.permittivity > 0;
    const double eps_s =
        o.permittivity_std > 0 ? soil::profile_at(eps_trace, o.x0_m, o.dx_m, d.x_m) : eps_mean;
    const double n_s = std::sqrt(eps_s);
    const double n_o = d.metal ? 0.0 : std::sqrt(d.permittivity);
    double top = d.amplitude;
    if (phys) {
      t.reflection = d.metal ? -1.0 : soil::fresnel(n_s, n_o);
      top = sgn * d.amplitude * t.reflection / rg_mean;
      t.polarity = sign_of(t.reflection / rg_mean);
    } else {
      t.polarity = sign_of(d.amplitude) * sign_of(o.ground_bounce_amplitude);
    }
    t.amplitude = top;
    truth.push_back(t);
    // The row of points over the top.
    std::ptrdiff_t n = 1;
    double spacing = 0.0, weight = 1.0;
    if (d.width_m > 0) {
      n = check::count("simulate", "diffractor.width_m", d.width_m, 0.01, "points",
                       std::ptrdiff_t{1} << 20, check::Round::up) +
          1;
      spacing = d.width_m / static_cast<double>(n - 1);
      const double v_s = c / n_s;
      const double lambda = v_s * 1e3 / o.centre_frequency_mhz;
      const double fresnel_zone = 2.0 * std::sqrt(lambda * std::max(d.depth_m, 0.01) / 2.0);
      weight = spacing / std::min(static_cast<double>(n) * spacing, fresnel_zone);
    }
    const bool bottom = d.height_m > 0 && d.permittivity > 0 && !d.metal;
    const double r_t = t.reflection;
    const double bottom_amp =
        bottom ? sgn * d.amplitude * (-r_t) * (1.0 - r_t * r_t) / rg_mean : 0.0;
    const double bottom_delay = bottom ? 2.0 * d.height_m * n_o / c : 0.0;
    for (std::ptrdiff_t k = 0; k < n; ++k) {
      const double x = n == 1 ? d.x_m : d.x_m - d.width_m / 2 + static_cast<double>(k) * spacing;
      Source s{x, d.depth_m, top * weight};
      if (d.metal) {
        s.ring = d.metal_ringing;
        s.ring_decay_ns = d.metal_ringing_decay_ns;
      }
      src.push_back(s);
      if (bottom) src.push_back({x, d.depth_m, bottom_amp * weight, bottom_delay});
    }
  }
}

std::vector<TargetTruth> draw_scatterers(const SimulateOptions& o) {
  std::vector<TargetTruth> out;
  if (!(o.scatterer_density_per_m2 > 0) || !(o.dx_m > 0)) return out;
  const double length = static_cast<double>(o.n_traces) * o.dx_m;
  const double zmin = 0.02;
  const double expected = o.scatterer_density_per_m2 * length * (o.scatterer_max_depth_m - zmin);
  if (!(expected <= 1e6))
    check::fail("simulate", "scatterer_density_per_m2", o.scatterer_density_per_m2,
                "a density giving at most 1e6 scatterers over the line");
  const auto count = static_cast<std::size_t>(std::llround(expected));
  std::mt19937_64 rng(soil::stream_seed(o.seed, 3));
  std::uniform_real_distribution<double> ux(o.x0_m - 0.5 * o.dx_m, o.x0_m - 0.5 * o.dx_m + length);
  std::uniform_real_distribution<double> uz(zmin, o.scatterer_max_depth_m);
  std::normal_distribution<double> ua(0.0, 1.0);
  for (std::size_t k = 0; k < count; ++k) {
    TargetTruth t;
    t.x_m = ux(rng);
    t.depth_m = uz(rng);
    t.amplitude = o.scatterer_amplitude * ua(rng);
    t.kind = -1;
    t.polarity = sign_of(t.amplitude) * sign_of(o.ground_bounce_amplitude);
    out.push_back(t);
  }
  return out;
}

}  // namespace

Simulation simulate(const SimulateOptions& o) {
  validate(o);
  Header h;
  h.dt_ns = o.dt_ns;
  h.t0_ns = o.t0_ns;
  h.dx_m = o.dx_m;
  h.antenna_separation_m = o.antenna_offset_m;
  h.antenna_height_m = o.antenna_height_m;
  h.centre_frequency_mhz = o.centre_frequency_mhz;
  h.x_m.resize(static_cast<std::size_t>(o.n_traces));
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j)
    h.x_m[static_cast<std::size_t>(j)] = o.x0_m + static_cast<double>(j) * o.dx_m;
  Simulation sim{Bscan(o.n_samples, o.n_traces, h), {}, {}, {}, {}, {}};
  const auto nt = static_cast<std::size_t>(o.n_traces);
  sim.ground_time_ns.assign(nt, 0.0);

  const double c = c_air_m_per_ns;
  const double v = o.velocity_m_per_ns;
  const double f = o.centre_frequency_mhz;
  const double a = o.antenna_offset_m;
  const double ring_period = o.ringing_period_ns > 0 ? o.ringing_period_ns : 1e3 / f;
  const double t_direct = a / c;
  const double eps_mean = (c / v) * (c / v);

  // The random ground, drawn serially (independent of the thread count).
  std::vector<double> height(nt), vel(nt, v), ground_amp(nt, o.ground_bounce_amplitude);
  sim.surface_elevation_m.assign(nt, 0.0);
  sim.soil_permittivity.assign(nt, eps_mean);
  std::vector<double> surface;  // raw profile (unclamped), for the truth apex times
  if (o.surface_rms_m > 0) {
    surface = soil::gaussian_profile(o.n_traces, o.dx_m, o.surface_correlation_m,
                                     soil::stream_seed(o.seed, 1), "surface_correlation_m");
    for (double& s : surface) s *= o.surface_rms_m;
  }
  if (o.permittivity_std > 0) {
    const auto u =
        soil::gaussian_profile(o.n_traces, o.dx_m, o.permittivity_correlation_m,
                               soil::stream_seed(o.seed, 2), "permittivity_correlation_m");
    const double rg_mean = soil::fresnel(1.0, std::sqrt(eps_mean));
    for (std::size_t j = 0; j < nt; ++j) {
      const double e = std::max(1.5, eps_mean * (1.0 + o.permittivity_std * u[j]));
      sim.soil_permittivity[j] = e;
      vel[j] = c / std::sqrt(e);
      ground_amp[j] = o.ground_bounce_amplitude * soil::fresnel(1.0, std::sqrt(e)) / rg_mean;
    }
  }
  for (std::size_t j = 0; j < nt; ++j) {
    const double x = o.x0_m + static_cast<double>(j) * o.dx_m;
    const double wander =
        o.antenna_height_m +
        o.height_variation_m * std::sin(2.0 * std::numbers::pi * x / o.height_variation_period_m);
    // The ground never rises above the antenna: clamp the elevation at the antenna height.
    const double s = surface.empty() ? 0.0 : std::min(surface[j], wander);
    sim.surface_elevation_m[j] = s;
    height[j] = wander - s;
  }

  std::vector<Source> src;
  expand(o, sim.soil_permittivity, eps_mean, src, sim.truth);
  sim.scatterers = draw_scatterers(o);
  for (const auto& t : sim.scatterers) src.push_back({t.x_m, t.depth_m, t.amplitude});
  auto apex = [&](TargetTruth& t) {
    const double vt =
        o.permittivity_std > 0
            ? c / std::sqrt(soil::profile_at(sim.soil_permittivity, o.x0_m, o.dx_m, t.x_m))
            : v;
    if (surface.empty()) {
      t.apex_time_ns =
          two_way_time_ns(t.x_m - a / 2, t.x_m + a / 2, o.antenna_height_m, t.x_m, t.depth_m, vt);
      return;
    }
    const double s = soil::profile_at(surface, o.x0_m, o.dx_m, t.x_m);
    t.apex_time_ns = rough_leg_ns(t.x_m - a / 2, o.antenna_height_m, s, t.x_m, t.depth_m, vt,
                                  surface, o.x0_m, o.dx_m) +
                     rough_leg_ns(t.x_m + a / 2, o.antenna_height_m, s, t.x_m, t.depth_m, vt,
                                  surface, o.x0_m, o.dx_m);
  };
  for (auto& t : sim.truth) apex(t);
  for (auto& t : sim.scatterers) apex(t);

  // Latest arrival that can still touch the section (add_wavelet's half-width, with margin).
  const double t_last = o.t0_ns + static_cast<double>(o.n_samples) * o.dt_ns + 2.5e3 / f;
  MutView out = sim.bscan.view();
  const int nthreads = threads_for(static_cast<std::size_t>(out.size()));
#pragma omp parallel for num_threads(nthreads) schedule(static)
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    float* tr = out.trace(j);
    const double x = o.x0_m + static_cast<double>(j) * o.dx_m;
    const double hj = height[ju];
    const double sj = sim.surface_elevation_m[ju];
    const double vj = vel[ju];
    const double xt = x - a / 2;
    const double xr = x + a / 2;
    if (o.direct_wave_amplitude != 0.0)
      add_wavelet(tr, o.n_samples, o.t0_ns, o.dt_ns, t_direct, o.direct_wave_amplitude, f);
    const double t_ground = 2.0 * std::hypot(hj, a / 2) / c;
    sim.ground_time_ns[ju] = hj > 0 ? t_ground : 0.0;
    if (ground_amp[ju] != 0.0)
      add_wavelet(tr, o.n_samples, o.t0_ns, o.dt_ns, t_ground, ground_amp[ju], f);
    for (const auto& d : src) {
      // Depth below the local surface; an object the ground has left exposed is in air.
      const double z = d.depth_m + sj;
      // Skip (exactly: it would add nothing) a source whose straight-ray lower bound on the
      // two-way time lies past the end of the trace (plus the wavelet's half-width).
      const double vertical = hj + z;  // antenna to source, vertically (> 0)
      const double t_min =
          (std::hypot(d.x_m - xt, vertical) + std::hypot(d.x_m - xr, vertical)) / std::max(c, vj);
      if (t_min + d.delay_ns > t_last) continue;
      const double t =
          (surface.empty()
               ? two_way_time_ns(xt, xr, hj, d.x_m, z, vj)
               : rough_leg_ns(xt, hj + sj, sj, d.x_m, d.depth_m, vj, surface, o.x0_m, o.dx_m) +
                     rough_leg_ns(xr, hj + sj, sj, d.x_m, d.depth_m, vj, surface, o.x0_m, o.dx_m)) +
          d.delay_ns;
      double amp = d.amplitude;
      if (o.geometric_spreading) amp *= 0.1 / std::max(0.01, std::hypot(x - d.x_m, z));
      add_wavelet(tr, o.n_samples, o.t0_ns, o.dt_ns, t, amp, f);
      if (d.ring > 0) {
        const double period = 1e3 / f;
        const int cycles =
            std::min(64, static_cast<int>(std::ceil(5.0 * d.ring_decay_ns / period)) + 1);
        for (int k = 1; k <= cycles; ++k)
          add_wavelet(tr, o.n_samples, o.t0_ns, o.dt_ns, t + k * period,
                      amp * d.ring * std::exp(-(k - 1) * period / d.ring_decay_ns), f);
      }
    }
    for (const auto& l0 : o.layers) {
      if (x < l0.x_min_m || x > l0.x_max_m) continue;
      Layer l = l0;
      l.depth_m += sj;  // depth below the mean surface: the soil path grows where ground is high
      // Air gap: add the vertical two-way air time (exact for a flat, level layer).
      const double t = 2.0 * hj / c + plane_time_ns(l, xt, xr, vj);
      add_wavelet(tr, o.n_samples, o.t0_ns, o.dt_ns, t, l.amplitude, f);
    }
    if (o.ringing_amplitude != 0.0 || o.wow_amplitude != 0.0) {
      for (std::ptrdiff_t i = 0; i < o.n_samples; ++i) {
        const double t = o.t0_ns + static_cast<double>(i) * o.dt_ns;
        double s = 0.0;
        const double tr0 = t - t_direct;
        if (tr0 > 0)
          s += o.ringing_amplitude * std::sin(2.0 * std::numbers::pi * tr0 / ring_period) *
               std::exp(-tr0 / o.ringing_decay_ns);
        if (t > 0) s += o.wow_amplitude * (1.0 - std::exp(-t / o.wow_time_ns));
        tr[i] += static_cast<float>(s);
      }
    }
    if (o.noise_std > 0.0) {
      std::mt19937_64 rng(o.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(j));
      std::normal_distribution<double> noise(0.0, o.noise_std);
      for (std::ptrdiff_t i = 0; i < o.n_samples; ++i) tr[i] += static_cast<float>(noise(rng));
    }
  }
  return sim;
}

}  // namespace gprkit
