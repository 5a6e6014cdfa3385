#include "gprkit/simulate/simulate.h"

#include <cmath>
#include <numbers>
#include <random>

#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

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
  for (const auto& d : o.diffractors) {
    check::finite(w, "diffractor.x_m", d.x_m);
    check::positive(w, "diffractor.depth_m", d.depth_m);
    check::finite(w, "diffractor.amplitude", d.amplitude);
  }
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
  Simulation sim{Bscan(o.n_samples, o.n_traces, h), {}, {}};
  sim.ground_time_ns.assign(static_cast<std::size_t>(o.n_traces), 0.0);

  const double c = c_air_m_per_ns;
  const double v = o.velocity_m_per_ns;
  const double f = o.centre_frequency_mhz;
  const double a = o.antenna_offset_m;
  const double ring_period = o.ringing_period_ns > 0 ? o.ringing_period_ns : 1e3 / f;
  const double t_direct = a / c;

  for (const auto& d : o.diffractors) {
    TargetTruth t;
    t.x_m = d.x_m;
    t.depth_m = d.depth_m;
    t.amplitude = d.amplitude;
    t.kind = d.kind;
    t.apex_time_ns =
        two_way_time_ns(d.x_m - a / 2, d.x_m + a / 2, o.antenna_height_m, d.x_m, d.depth_m, v);
    sim.truth.push_back(t);
  }

  MutView out = sim.bscan.view();
  const int nthreads = threads_for(static_cast<std::size_t>(out.size()));
#pragma omp parallel for num_threads(nthreads) schedule(static)
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j) {
    float* tr = out.trace(j);
    const double x = o.x0_m + static_cast<double>(j) * o.dx_m;
    const double hj =
        o.antenna_height_m +
        o.height_variation_m * std::sin(2.0 * std::numbers::pi * x / o.height_variation_period_m);
    const double xt = x - a / 2;
    const double xr = x + a / 2;
    if (o.direct_wave_amplitude != 0.0)
      add_wavelet(tr, o.n_samples, o.t0_ns, o.dt_ns, t_direct, o.direct_wave_amplitude, f);
    const double t_ground = 2.0 * std::hypot(hj, a / 2) / c;
    sim.ground_time_ns[static_cast<std::size_t>(j)] = hj > 0 ? t_ground : 0.0;
    if (o.ground_bounce_amplitude != 0.0)
      add_wavelet(tr, o.n_samples, o.t0_ns, o.dt_ns, t_ground, o.ground_bounce_amplitude, f);
    for (const auto& d : o.diffractors) {
      const double t = two_way_time_ns(xt, xr, hj, d.x_m, d.depth_m, v);
      double amp = d.amplitude;
      if (o.geometric_spreading) amp *= 0.1 / std::max(0.01, std::hypot(x - d.x_m, d.depth_m));
      add_wavelet(tr, o.n_samples, o.t0_ns, o.dt_ns, t, amp, f);
    }
    for (const auto& l : o.layers) {
      if (x < l.x_min_m || x > l.x_max_m) continue;
      // Air gap: add the vertical two-way air time (exact for a flat, level layer).
      const double t = 2.0 * hj / c + plane_time_ns(l, xt, xr, v);
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
