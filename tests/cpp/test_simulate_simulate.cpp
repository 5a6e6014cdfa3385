#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/core/error.h"
#include "gprkit/simulate/simulate.h"

using namespace gprkit;

TEST_CASE("simulate: a diffractor's hyperbola follows the bistatic travel time", "[simulate]") {
  SimulateOptions o;
  o.n_samples = 600;
  o.n_traces = 101;
  o.dt_ns = 0.02;
  o.dx_m = 0.01;
  o.velocity_m_per_ns = 0.1;
  o.antenna_offset_m = 0.04;
  o.geometric_spreading = false;
  o.diffractors = {{0.5, 0.2, 1.0, 0}};
  const auto sim = simulate(o);
  REQUIRE(sim.truth.size() == 1);
  // Apex time: 2 * sqrt(0.02^2 + 0.2^2) / 0.1
  CHECK(sim.truth[0].apex_time_ns == Approx(2.0 * std::hypot(0.02, 0.2) / 0.1).epsilon(1e-12));
  for (int j : {10, 50, 90}) {
    const double x = 0.01 * j;
    const double t = (std::hypot(x - 0.02 - 0.5, 0.2) + std::hypot(x + 0.02 - 0.5, 0.2)) / 0.1;
    std::ptrdiff_t best = 0;
    for (std::ptrdiff_t i = 0; i < o.n_samples; ++i)
      if (sim.bscan(i, j) > sim.bscan(best, j)) best = i;
    CHECK(std::abs(static_cast<double>(best) * o.dt_ns - t) <= o.dt_ns * 0.51);
  }
}

TEST_CASE("simulate: refraction through an air gap obeys Snell's law", "[simulate]") {
  const double h = 0.05, d = 0.1, v = 0.1, c = c_air_m_per_ns;
  const double xa = 0.0, x = 0.3;
  const double t = one_way_time_ns(xa, h, x, d, v);
  // Brute-force minimum over surface crossing points.
  double best = 1e9;
  for (int k = 0; k <= 300000; ++k) {
    const double p = x * k / 300000.0;
    best = std::min(best, std::hypot(p - xa, h) / c + std::hypot(x - p, d) / v);
  }
  CHECK(t == Approx(best).epsilon(1e-9));
  CHECK(one_way_time_ns(0.0, 0.0, 0.3, 0.4, 0.1) == Approx(5.0));
}

TEST_CASE("simulate: rejects bad options with a named argument", "[simulate]") {
  SimulateOptions o;
  o.dt_ns = 0.0;
  CHECK_THROWS_WITH(simulate(o), Catch::Contains("dt_ns"));
  o = {};
  o.velocity_m_per_ns = std::nan("");
  CHECK_THROWS_AS(simulate(o), InvalidArgument);
  o = {};
  o.n_traces = 0;
  CHECK_THROWS_WITH(simulate(o), Catch::Contains("n_traces"));
}

TEST_CASE("simulate: noise is reproducible and independent of threads", "[simulate]") {
  SimulateOptions o;
  o.n_samples = 512;
  o.n_traces = 300;
  o.noise_std = 1.0;
  o.seed = 7;
  const auto a = simulate(o);
  const auto b = simulate(o);
  double sum2 = 0;
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j)
    for (std::ptrdiff_t i = 0; i < o.n_samples; ++i) {
      REQUIRE(a.bscan(i, j) == b.bscan(i, j));
      sum2 += a.bscan(i, j) * a.bscan(i, j);
    }
  CHECK(std::sqrt(sum2 / (512.0 * 300.0)) == Approx(1.0).epsilon(0.01));
}

TEST_CASE("simulate: a diffractor far below the section adds nothing (no overflowing index)",
          "[simulate]") {
  SimulateOptions o;
  o.noise_std = 0;
  const Simulation none = simulate(o);
  o.diffractors.push_back({1.0, 1e30, 1.0, 0});
  const Simulation deep = simulate(o);
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j)
    for (std::ptrdiff_t i = 0; i < o.n_samples; ++i) REQUIRE(deep.bscan(i, j) == none.bscan(i, j));
}

// ---- heterogeneous ground and physical inclusions ----------------------------------------

#include <algorithm>
#include <numbers>
#include <random>
#include <vector>

#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

namespace {

// A verbatim copy of the simulator's trace loop before the heterogeneous ground existed: with
// the new options at their defaults the output must stay bit-identical to it.
std::vector<float> legacy_section(const SimulateOptions& o) {
  auto add_wavelet = [](float* trace, std::ptrdiff_t n, double t0, double dt, double te, double amp,
                        double f_mhz) {
    const double half = 2.0e3 / f_mhz;
    const auto [i0, i1] = check::index_span((te - half - t0) / dt, (te + half - t0) / dt, n);
    for (std::ptrdiff_t i = i0; i <= i1; ++i)
      trace[i] += static_cast<float>(amp * ricker(t0 + static_cast<double>(i) * dt - te, f_mhz));
  };
  auto plane_time_ns = [](const Layer& l, double xt, double xr, double v) {
    const double th = l.dip_deg * std::numbers::pi / 180.0;
    const double nx = -std::sin(th);
    const double nz = std::cos(th);
    const double dist = (l.depth_m + std::tan(th) * (xt - l.x0_m)) * nz;
    const double ix = xt + 2.0 * dist * nx;
    const double iz = 2.0 * dist * nz;
    return std::hypot(xr - ix, iz) / v;
  };
  std::vector<float> out(static_cast<std::size_t>(o.n_samples * o.n_traces), 0.0f);
  const double c = c_air_m_per_ns;
  const double v = o.velocity_m_per_ns;
  const double f = o.centre_frequency_mhz;
  const double a = o.antenna_offset_m;
  const double ring_period = o.ringing_period_ns > 0 ? o.ringing_period_ns : 1e3 / f;
  const double t_direct = a / c;
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j) {
    float* tr = out.data() + j * o.n_samples;
    const double x = o.x0_m + static_cast<double>(j) * o.dx_m;
    const double hj =
        o.antenna_height_m +
        o.height_variation_m * std::sin(2.0 * std::numbers::pi * x / o.height_variation_period_m);
    const double xt = x - a / 2;
    const double xr = x + a / 2;
    if (o.direct_wave_amplitude != 0.0)
      add_wavelet(tr, o.n_samples, o.t0_ns, o.dt_ns, t_direct, o.direct_wave_amplitude, f);
    const double t_ground = 2.0 * std::hypot(hj, a / 2) / c;
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
  return out;
}

// Every legacy feature switched on (what the other stages' tests and demos use).
SimulateOptions legacy_scene() {
  SimulateOptions o;
  o.n_samples = 300;
  o.n_traces = 240;
  o.dt_ns = 0.025;
  o.t0_ns = -1.0;
  o.velocity_m_per_ns = 0.1;
  o.antenna_offset_m = 0.05;
  o.antenna_height_m = 0.03;
  o.height_variation_m = 0.01;
  o.height_variation_period_m = 1.7;
  o.centre_frequency_mhz = 1000;
  o.direct_wave_amplitude = 2.0;
  o.ground_bounce_amplitude = -1.5;
  o.ringing_amplitude = 0.05;
  o.wow_amplitude = 0.4;
  o.noise_std = 0.01;
  o.seed = 7;
  o.diffractors = {{0.5, 0.05, 0.25, 0}, {1.2, 0.12, -0.4, 1}, {2.0, 0.03, 0.9, 1}};
  Layer root;
  root.depth_m = 0.04;
  root.dip_deg = 12.0;
  root.x0_m = 2.1;
  root.amplitude = 0.15;
  root.x_min_m = 2.1;
  root.x_max_m = 2.25;
  o.layers = {root, Layer{}};
  return o;
}

// A 1.5 GHz air-launched line over flat soil of permittivity eps_s.
SimulateOptions flat_line(double eps_s) {
  SimulateOptions o;
  o.n_samples = 360;
  o.n_traces = 121;
  o.dt_ns = 0.025;
  o.t0_ns = -1.0;
  o.velocity_m_per_ns = c_air_m_per_ns / std::sqrt(eps_s);
  o.antenna_offset_m = 0.05;
  o.antenna_height_m = 0.05;
  o.centre_frequency_mhz = 1500;
  o.ground_bounce_amplitude = 1.0;
  return o;
}

double sample_time(const SimulateOptions& o, std::ptrdiff_t i) {
  return o.t0_ns + static_cast<double>(i) * o.dt_ns;
}

// Least-squares amplitude of the wavelet w (sampled around its own centre, half-width
// `half` samples) in trace j of sim at time t: the sign says the polarity.
double wavelet_amplitude(const Simulation& sim, const SimulateOptions& o, std::ptrdiff_t j,
                         double t, const std::vector<double>& w, std::ptrdiff_t half) {
  const auto centre = static_cast<std::ptrdiff_t>(std::lround((t - o.t0_ns) / o.dt_ns));
  double num = 0, den = 0;
  for (std::ptrdiff_t k = -half; k <= half; ++k) {
    const std::ptrdiff_t i = centre + k;
    if (i < 0 || i >= o.n_samples) continue;
    num += sim.bscan(i, j) * w[static_cast<std::size_t>(k + half)];
    den += w[static_cast<std::size_t>(k + half)] * w[static_cast<std::size_t>(k + half)];
  }
  return num / den;
}

// The ground-bounce wavelet cut out of an object-free trace of the simulation itself.
std::vector<double> ground_wavelet(const Simulation& sim, const SimulateOptions& o,
                                   std::ptrdiff_t j, std::ptrdiff_t half) {
  const auto centre =
      static_cast<std::ptrdiff_t>(std::lround((sim.ground_time_ns[j] - o.t0_ns) / o.dt_ns));
  std::vector<double> w;
  for (std::ptrdiff_t k = -half; k <= half; ++k) w.push_back(sim.bscan(centre + k, j));
  return w;
}

}  // namespace

TEST_CASE("simulate: new options at their defaults keep the output bit-identical", "[simulate]") {
  const SimulateOptions o = legacy_scene();
  const Simulation sim = simulate(o);
  const std::vector<float> ref = legacy_section(o);
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j)
    for (std::ptrdiff_t i = 0; i < o.n_samples; ++i)
      REQUIRE(sim.bscan(i, j) == ref[static_cast<std::size_t>(j * o.n_samples + i)]);
  // And against the formula for one trace (no wander at x = 0, no noise, no ringing/wow).
  SimulateOptions p = o;
  p.height_variation_m = 0;
  p.noise_std = 0;
  p.ringing_amplitude = 0;
  p.wow_amplitude = 0;
  p.layers.clear();
  const Simulation s = simulate(p);
  const double a = p.antenna_offset_m, c = c_air_m_per_ns, f = p.centre_frequency_mhz;
  for (std::ptrdiff_t i = 0; i < p.n_samples; ++i) {
    const double t = sample_time(p, i);
    double e = 2.0 * ricker(t - a / c, f) - 1.5 * ricker(t - 2.0 * std::hypot(0.03, a / 2) / c, f);
    for (const auto& d : p.diffractors) {
      const double td = two_way_time_ns(-a / 2, a / 2, 0.03, d.x_m, d.depth_m, 0.1);
      e += d.amplitude * 0.1 / std::hypot(d.x_m, d.depth_m) * ricker(t - td, f);
    }
    REQUIRE(s.bscan(i, 0) == Approx(e).margin(1e-5));
  }
  CHECK(s.surface_elevation_m == std::vector<double>(p.n_traces, 0.0));
  CHECK(s.soil_permittivity[0] == Approx(std::pow(c / 0.1, 2)));
  CHECK(s.scatterers.empty());
  CHECK(s.truth[1].polarity == 1);  // amplitude -0.4 against a ground bounce of -1.5
  CHECK(s.truth[0].polarity == -1);
}

TEST_CASE("simulate: the rough surface has the requested rms and correlation length",
          "[simulate]") {
  SimulateOptions o;
  o.n_samples = 8;
  o.n_traces = 40000;        // 400 m of line, 8000 correlation lengths
  o.antenna_height_m = 1.0;  // never clamped
  o.surface_rms_m = 0.02;
  o.surface_correlation_m = 0.05;
  o.seed = 11;
  const Simulation sim = simulate(o);
  const auto& s = sim.surface_elevation_m;
  double mean = 0, var = 0;
  for (double v : s) mean += v;
  mean /= static_cast<double>(s.size());
  for (double v : s) var += (v - mean) * (v - mean);
  var /= static_cast<double>(s.size());
  CHECK(std::sqrt(var) == Approx(0.02).epsilon(0.04));
  auto rho = [&](std::size_t lag) {
    double acc = 0;
    for (std::size_t j = 0; j + lag < s.size(); ++j) acc += (s[j] - mean) * (s[j + lag] - mean);
    return acc / static_cast<double>(s.size() - lag) / var;
  };
  CHECK(rho(5) == Approx(std::exp(-1.0)).margin(0.04));   // lag = correlation length
  CHECK(rho(10) == Approx(std::exp(-4.0)).margin(0.04));  // lag = 2 lengths
  CHECK(rho(2) == Approx(std::exp(-0.16)).margin(0.04));
  // Reproducible from the seed, different for another seed.
  CHECK(simulate(o).surface_elevation_m == s);
  o.seed = 12;
  CHECK(simulate(o).surface_elevation_m != s);
}

TEST_CASE("simulate: the ground bounce follows the local antenna height over a rough surface",
          "[simulate]") {
  SimulateOptions o = flat_line(6.0);
  o.n_traces = 300;
  o.dx_m = 0.01;
  o.antenna_height_m = 0.06;
  o.surface_rms_m = 0.015;
  o.surface_correlation_m = 0.08;
  o.seed = 5;
  const Simulation sim = simulate(o);
  const double a = o.antenna_offset_m, c = c_air_m_per_ns;
  double lo = 1e9, hi = -1e9;
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j) {
    const double s = sim.surface_elevation_m[static_cast<std::size_t>(j)];
    lo = std::min(lo, s);
    hi = std::max(hi, s);
    const double hj = o.antenna_height_m - s;
    const double t = 2.0 * std::sqrt(hj * hj + a * a / 4) / c;
    REQUIRE(sim.ground_time_ns[static_cast<std::size_t>(j)] == Approx(t).epsilon(1e-12));
    // The bounce's peak in the data sits there too (no direct wave in this line).
    std::ptrdiff_t best = 0;
    for (std::ptrdiff_t i = 0; i < o.n_samples; ++i)
      if (sim.bscan(i, j) > sim.bscan(best, j)) best = i;
    REQUIRE(std::abs(sample_time(o, best) - t) <= 0.51 * o.dt_ns);
  }
  CHECK(hi - lo > 0.03);  // the bounce really wanders (+-1 rms at least)
}

TEST_CASE("simulate: a target keeps its depth below the mean surface", "[simulate]") {
  SimulateOptions o = flat_line(9.0);
  o.surface_rms_m = 0.01;
  o.surface_correlation_m = 0.1;
  o.seed = 3;
  o.diffractors = {{0.6, 0.1, 0.5, 0}};
  const Simulation sim = simulate(o);
  const std::size_t j = 60;  // the trace above the target (x = 0.6)
  const double s = sim.surface_elevation_m[j];
  REQUIRE(std::abs(s) > 1e-3);
  const double a = o.antenna_offset_m, v = o.velocity_m_per_ns;
  // Apex: about the flat-ground time at the local elevation (rays enter within a/2 of x).
  const double t =
      two_way_time_ns(0.6 - a / 2, 0.6 + a / 2, o.antenna_height_m - s, 0.6, 0.1 + s, v);
  CHECK(sim.truth[0].apex_time_ns == Approx(t).margin(0.01));
  // Higher ground: less air, more soil, so a later apex than over the flat mean surface.
  const double flat = two_way_time_ns(0.6 - a / 2, 0.6 + a / 2, o.antenna_height_m, 0.6, 0.1, v);
  CHECK((t - flat) * s > 0);
  CHECK(std::abs(t - flat) > 0.03);
}

TEST_CASE("simulate: rays enter a rough ground where its surface is (Fermat over the profile)",
          "[simulate]") {
  SimulateOptions o = flat_line(9.0);
  o.n_traces = 121;
  o.antenna_height_m = 0.05;
  o.surface_rms_m = 0.01;
  o.surface_correlation_m = 0.06;
  o.seed = 21;
  const Simulation sim = simulate(o);
  const auto& s = sim.surface_elevation_m;
  const double c = c_air_m_per_ns, v = o.velocity_m_per_ns, a = o.antenna_offset_m;
  const double xs = 0.6, d = 0.1, top = o.antenna_height_m;
  auto elev = [&](double x) {  // linear interpolation of the profile, x on [0, 1.2]
    const double f = std::clamp(x / o.dx_m, 0.0, 120.0);
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(f), 119);
    return s[i] + (s[i + 1] - s[i]) * (f - static_cast<double>(i));
  };
  // Brute-force Fermat: straight rays in air and soil through an entry point on the profile.
  auto fermat_leg = [&](double xa) {
    double best = 1e9;
    for (int k = 0; k <= 4000; ++k) {
      const double p = xa + (xs - xa) * k / 4000.0;
      const double sp = elev(p);
      best = std::min(best, std::hypot(p - xa, top - sp) / c + std::hypot(xs - p, d + sp) / v);
    }
    return best;
  };
  SimulateOptions one = o;
  one.ground_bounce_amplitude = 0;
  one.geometric_spreading = false;
  one.diffractors = {{xs, d, 1.0, 0}};
  const Simulation sd = simulate(one);
  double err_ours = 0, err_local = 0;
  int n = 0;
  for (std::ptrdiff_t j = 20; j <= 100; j += 5) {
    if (std::abs(j - 60) < 10) continue;  // the flanks (10-40 cm offset)
    const double x = o.dx_m * static_cast<double>(j);
    const double ref = fermat_leg(x - a / 2) + fermat_leg(x + a / 2);
    // The simulated time: the peak of the (noise-free, positive) reflection in the trace.
    std::ptrdiff_t best = 0;
    for (std::ptrdiff_t i = 0; i < o.n_samples; ++i)
      if (sd.bscan(i, j) > sd.bscan(best, j)) best = i;
    const double t_sim = sample_time(o, best);
    const double sj = s[static_cast<std::size_t>(j)];
    const double t_local = two_way_time_ns(x - a / 2, x + a / 2, top - sj, xs, d + sj, v);
    err_ours += std::abs(t_sim - ref);
    err_local += std::abs(t_local - ref);
    ++n;
    CHECK(std::abs(t_sim - ref) < 0.04);  // a sample and a half
  }
  // Better than the antenna-local flat ground on the flanks.
  CAPTURE(err_ours / n, err_local / n);
  CHECK(err_ours < 0.5 * err_local);
}

TEST_CASE("simulate: permittivity fluctuations set the local velocity and ground-bounce strength",
          "[simulate]") {
  SimulateOptions o = flat_line(9.0);
  o.n_traces = 400;
  o.permittivity_std = 0.2;
  o.permittivity_correlation_m = 0.2;
  o.diffractors = {{2.0, 0.15, 0.5, 0}};
  const Simulation sim = simulate(o);
  const double n_mean = c_air_m_per_ns / o.velocity_m_per_ns;
  double lo = 1e9, hi = 0;
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j) {
    const double e = sim.soil_permittivity[static_cast<std::size_t>(j)];
    REQUIRE(e >= 1.5);
    lo = std::min(lo, e);
    hi = std::max(hi, e);
    // Ground-bounce amplitude (peak at the bounce) = R_g(local) / R_g(mean).
    const double n = std::sqrt(e);
    const double expected = ((1 - n) / (1 + n)) / ((1 - n_mean) / (1 + n_mean));
    const auto i = static_cast<std::ptrdiff_t>(
        std::lround((sim.ground_time_ns[static_cast<std::size_t>(j)] - o.t0_ns) / o.dt_ns));
    double peak = 0;
    for (std::ptrdiff_t k = i - 1; k <= i + 1; ++k)
      peak = std::max(peak, static_cast<double>(sim.bscan(k, j)));
    REQUIRE(peak == Approx(expected).epsilon(0.01));
  }
  CHECK(hi - lo > 2.0);  // +-20% of 9 really varies
  // The target's apex time uses the soil at its x.
  const double e = sim.soil_permittivity[200];
  const double a = o.antenna_offset_m;
  CHECK(sim.truth[0].apex_time_ns == Approx(two_way_time_ns(2.0 - a / 2, 2.0 + a / 2, 0.05, 2.0,
                                                            0.15, c_air_m_per_ns / std::sqrt(e)))
                                         .epsilon(1e-9));
}

TEST_CASE("simulate: low- and high-permittivity inclusions reflect with opposite signs",
          "[simulate]") {
  for (double eps_s : {4.0, 9.0, 25.0}) {
    for (double eps_o : {1.0, 2.7, 1.6 * eps_s, 80.0}) {
      CAPTURE(eps_s, eps_o);
      SimulateOptions o = flat_line(eps_s);
      o.diffractors = {
          Diffractor{.x_m = 0.9, .depth_m = 0.1, .amplitude = 0.5, .permittivity = eps_o}};
      const Simulation sim = simulate(o);
      const auto w = ground_wavelet(sim, o, 0, 16);  // trace 0: 0.9 m from the object
      const double amp = wavelet_amplitude(sim, o, 90, sim.truth[0].apex_time_ns, w, 16);
      const int expected = eps_o > eps_s ? 1 : -1;
      CHECK((amp > 0 ? 1 : -1) == expected);
      CHECK(sim.truth[0].polarity == expected);
      // Its size: the Fresnel ratio (spreading 0.1 / depth = 1 at the apex).
      const double ns = std::sqrt(eps_s), no = std::sqrt(eps_o);
      CHECK(amp == Approx(0.5 * ((ns - no) / (ns + no)) / ((1 - ns) / (1 + ns))).epsilon(0.05));
    }
  }
}

TEST_CASE("simulate: physical objects follow an inverted ground bounce", "[simulate]") {
  for (double gb : {1.0, -1.0}) {
    CAPTURE(gb);
    SimulateOptions o = flat_line(9.0);
    o.ground_bounce_amplitude = gb;
    o.diffractors = {Diffractor{.x_m = 0.3, .depth_m = 0.1, .amplitude = 0.5, .permittivity = 3.0},
                     Diffractor{.x_m = 0.9, .depth_m = 0.1, .amplitude = 0.5, .metal = true}};
    const Simulation sim = simulate(o);
    const auto w = ground_wavelet(sim, o, 60, 12);  // 0.3 m from both objects
    CHECK(wavelet_amplitude(sim, o, 30, sim.truth[0].apex_time_ns, w, 12) < 0);
    CHECK(wavelet_amplitude(sim, o, 90, sim.truth[1].apex_time_ns, w, 12) > 0);
    CHECK(sim.truth[0].polarity == -1);
    CHECK(sim.truth[1].polarity == 1);
    CHECK(sim.truth[1].amplitude * gb > 0);
  }
}

TEST_CASE("simulate: metal reflects like the ground bounce, stronger than a stone, and rings",
          "[simulate]") {
  SimulateOptions o = flat_line(6.0);
  Diffractor metal{.x_m = 0.3, .depth_m = 0.08, .amplitude = 0.5, .metal = true};
  Diffractor stone{.x_m = 0.9, .depth_m = 0.08, .amplitude = 0.5, .permittivity = 15.0};
  o.diffractors = {metal, stone};
  const Simulation sim = simulate(o);
  const auto w = ground_wavelet(sim, o, 120, 12);
  const double am = wavelet_amplitude(sim, o, 30, sim.truth[0].apex_time_ns, w, 12);
  const double as = wavelet_amplitude(sim, o, 90, sim.truth[1].apex_time_ns, w, 12);
  CHECK(am > 0);
  CHECK(as > 0);
  CHECK(am > 3 * as);
  CHECK(sim.truth[0].polarity == 1);
  CHECK(sim.truth[0].reflection == -1.0);
  // Ringing: energy 1.5-4 periods after the apex, relative to the apex peak.
  auto late_rms = [&](std::ptrdiff_t j, double t0) {
    const double period = 1e3 / o.centre_frequency_mhz;
    double acc = 0;
    int n = 0;
    for (std::ptrdiff_t i = 0; i < o.n_samples; ++i) {
      const double t = sample_time(o, i) - t0;
      if (t > 1.5 * period && t < 4 * period) {
        acc += sim.bscan(i, j) * sim.bscan(i, j);
        ++n;
      }
    }
    return std::sqrt(acc / n);
  };
  CHECK(late_rms(30, sim.truth[0].apex_time_ns) > 0.05 * am);
  CHECK(late_rms(90, sim.truth[1].apex_time_ns) < 0.01 * as);
}

TEST_CASE("simulate: a thick plastic object gives a bottom reflection of opposite sign",
          "[simulate]") {
  const double eps_s = 9.0, eps_o = 3.0, height = 0.08;
  SimulateOptions o = flat_line(eps_s);
  o.diffractors = {Diffractor{.x_m = 0.6,
                              .depth_m = 0.06,
                              .amplitude = 0.5,
                              .permittivity = eps_o,
                              .width_m = 0.1,
                              .height_m = height}};
  const Simulation sim = simulate(o);
  const auto w = ground_wavelet(sim, o, 0, 12);
  const double t_top = sim.truth[0].apex_time_ns;
  const double delay = 2 * height * std::sqrt(eps_o) / c_air_m_per_ns;
  const double top = wavelet_amplitude(sim, o, 60, t_top, w, 12);
  const double bottom = wavelet_amplitude(sim, o, 60, t_top + delay, w, 12);
  CHECK(top < 0);  // lighter than the soil: opposite to the ground bounce
  CHECK(bottom > 0);
  // Bottom / top = R_b (1 - R_t^2) / R_t = -(1 - R_t^2) (the bottom spreads like the top).
  const double rt = (3.0 - std::sqrt(3.0)) / (3.0 + std::sqrt(3.0));
  CHECK(bottom / top == Approx(-(1 - rt * rt)).epsilon(0.05));
  // The bottom sits at that delay: the fit is best there (within a sample) among nearby delays.
  double best = 0, best_t = 0;
  for (int k = -10; k <= 10; ++k) {
    const double t = t_top + delay + k * o.dt_ns;
    const double v = wavelet_amplitude(sim, o, 60, t, w, 12);
    if (v > best) best = v, best_t = t;
  }
  CHECK(std::abs(best_t - (t_top + delay)) <= 1.01 * o.dt_ns);
}

TEST_CASE("simulate: a wide object has a flat top about as strong as a point", "[simulate]") {
  SimulateOptions o = flat_line(6.0);
  o.diffractors = {
      Diffractor{.x_m = 0.3, .depth_m = 0.1, .amplitude = 0.5, .permittivity = 20.0},
      Diffractor{
          .x_m = 0.9, .depth_m = 0.1, .amplitude = 0.5, .permittivity = 20.0, .width_m = 0.3}};
  const Simulation sim = simulate(o);
  const auto w = ground_wavelet(sim, o, 0, 12);
  const double point = wavelet_amplitude(sim, o, 30, sim.truth[0].apex_time_ns, w, 12);
  const double wide = wavelet_amplitude(sim, o, 90, sim.truth[1].apex_time_ns, w, 12);
  CHECK(wide / point > 0.5);
  CHECK(wide / point < 1.6);
  // Flat top: over the middle 20 cm the reflection keeps the apex time and most of the strength
  // (a point's hyperbola at 8 cm offset is 0.1 ns later and weaker).
  for (std::ptrdiff_t j = 82; j <= 98; j += 4) {
    CAPTURE(j);
    CHECK(wavelet_amplitude(sim, o, j, sim.truth[1].apex_time_ns, w, 12) > 0.7 * wide);
  }
  CHECK(wavelet_amplitude(sim, o, 38, sim.truth[0].apex_time_ns, w, 12) < 0.5 * point);
}

TEST_CASE("simulate: soil scatterers are drawn as documented", "[simulate]") {
  SimulateOptions o = flat_line(6.0);
  o.n_traces = 200;
  o.scatterer_density_per_m2 = 100;
  o.scatterer_amplitude = 0.03;
  o.scatterer_max_depth_m = 0.3;
  const Simulation sim = simulate(o);
  CHECK(sim.scatterers.size() == static_cast<std::size_t>(std::lround(100 * 2.0 * 0.28)));
  double sum2 = 0;
  for (const auto& s : sim.scatterers) {
    CHECK(s.kind == -1);
    CHECK(s.depth_m >= 0.02);
    CHECK(s.depth_m <= 0.3);
    CHECK(s.x_m >= -0.005);
    CHECK(s.x_m <= 1.995);
    sum2 += s.amplitude * s.amplitude;
  }
  CHECK(std::sqrt(sum2 / static_cast<double>(sim.scatterers.size())) == Approx(0.03).epsilon(0.25));
  CHECK(sim.truth.empty());
}

TEST_CASE("simulate: a rough heterogeneous scene does not depend on the thread count",
          "[simulate]") {
  SimulateOptions o = flat_line(6.0);
  o.n_samples = 256;
  o.n_traces = 400;
  o.surface_rms_m = 0.01;
  o.permittivity_std = 0.1;
  o.scatterer_density_per_m2 = 50;
  o.noise_std = 0.01;
  o.direct_wave_amplitude = 1.0;
  o.diffractors = {
      Diffractor{.x_m = 1.0,
                 .depth_m = 0.05,
                 .amplitude = 0.5,
                 .permittivity = 3.0,
                 .width_m = 0.2,
                 .height_m = 0.06},
      Diffractor{.x_m = 2.5, .depth_m = 0.03, .amplitude = 0.5, .metal = true, .width_m = 0.02}};
  set_num_threads(1);
  const Simulation a = simulate(o);
  set_num_threads(2);
  const Simulation b = simulate(o);
  set_num_threads(0);
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j)
    for (std::ptrdiff_t i = 0; i < o.n_samples; ++i) REQUIRE(a.bscan(i, j) == b.bscan(i, j));
  CHECK(a.surface_elevation_m == b.surface_elevation_m);
  CHECK(a.soil_permittivity == b.soil_permittivity);
}

TEST_CASE("simulate: bad heterogeneous-ground options name the option", "[simulate]") {
  auto throws = [](auto edit, const char* name) {
    SimulateOptions o = flat_line(6.0);
    o.diffractors = {Diffractor{}};
    edit(o);
    CAPTURE(name);
    CHECK_THROWS_AS(simulate(o), InvalidArgument);
    CHECK_THROWS_WITH(simulate(o), Catch::Contains(name));
  };
  throws([](SimulateOptions& o) { o.surface_rms_m = -0.01; }, "surface_rms_m");
  throws([](SimulateOptions& o) { o.surface_rms_m = std::nan(""); }, "surface_rms_m");
  throws([](SimulateOptions& o) { o.surface_correlation_m = 0; }, "surface_correlation_m");
  throws([](SimulateOptions& o) { o.permittivity_std = 1.5; }, "permittivity_std");
  throws([](SimulateOptions& o) { o.permittivity_correlation_m = -1; },
         "permittivity_correlation_m");
  throws([](SimulateOptions& o) { o.scatterer_density_per_m2 = -1; }, "scatterer_density_per_m2");
  throws([](SimulateOptions& o) { o.scatterer_amplitude = INFINITY; }, "scatterer_amplitude");
  throws(
      [](SimulateOptions& o) {
        o.scatterer_density_per_m2 = 10;
        o.scatterer_max_depth_m = 0.01;
      },
      "scatterer_max_depth_m");
  throws([](SimulateOptions& o) { o.diffractors[0].permittivity = 0.5; },
         "diffractor.permittivity");
  throws([](SimulateOptions& o) { o.diffractors[0].width_m = -0.1; }, "diffractor.width_m");
  throws([](SimulateOptions& o) { o.diffractors[0].height_m = std::nan(""); },
         "diffractor.height_m");
  throws([](SimulateOptions& o) { o.diffractors[0].metal_ringing_decay_ns = 0; },
         "diffractor.metal_ringing_decay_ns");
  throws(
      [](SimulateOptions& o) {
        o.diffractors[0].metal = true;
        o.diffractors[0].amplitude = -1;
      },
      "diffractor.amplitude");
  throws(
      [](SimulateOptions& o) {
        o.permittivity_std = 0.1;
        o.velocity_m_per_ns = 0.3;
      },
      "velocity_m_per_ns");
}

TEST_CASE("simulate: where the ground would rise above the antenna it is clamped to touch it",
          "[simulate]") {
  SimulateOptions o = flat_line(6.0);
  o.n_traces = 400;
  o.antenna_height_m = 0.01;
  o.surface_rms_m = 0.02;  // often above the antenna, often below a 1 cm deep object
  o.diffractors = {{1.0, 0.01, 0.5, 0}, {3.0, 0.01, 0.5, 0}};
  const Simulation sim = simulate(o);
  int clamped = 0;
  for (std::ptrdiff_t j = 0; j < o.n_traces; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    REQUIRE(sim.surface_elevation_m[ju] <= o.antenna_height_m);
    if (sim.surface_elevation_m[ju] == o.antenna_height_m) {
      ++clamped;
      REQUIRE(sim.ground_time_ns[ju] == 0.0);  // no air gap: no separate ground bounce
    }
    for (std::ptrdiff_t i = 0; i < o.n_samples; ++i) REQUIRE(std::isfinite(sim.bscan(i, j)));
  }
  CHECK(clamped > 10);
  CHECK(*std::min_element(sim.surface_elevation_m.begin(), sim.surface_elevation_m.end()) < -0.01);
}
