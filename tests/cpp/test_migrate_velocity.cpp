// estimate_velocity under an air gap: simulated point diffractions with the antenna 0, 2 and
// 5 cm above ground, offsets 0 and 5 cm, two soils, direct wave and ground bounce present, a
// header time-zero that is not the true one, and noise.
#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/core/error.h"
#include "gprkit/migrate/migrate.h"
#include "gprkit/simulate/simulate.h"

using namespace gprkit;

namespace {

struct Case {
  double height_m, offset_m, eps, f_mhz, depth_m;
};

// A 320 x 200 section (8 ns, 2 m) with one diffractor in the middle. The simulator's
// time-zero is at t0_ns = -1 (sample 40); the header says `header_t0_ns` instead.
Simulation scene(const Case& c, double header_t0_ns, double noise, std::uint64_t seed) {
  SimulateOptions o;
  o.n_samples = 320;
  o.n_traces = 200;
  o.dt_ns = 0.025;
  o.t0_ns = -1.0;
  o.dx_m = 0.01;
  o.velocity_m_per_ns = c_air_m_per_ns / std::sqrt(c.eps);
  o.antenna_height_m = c.height_m;
  o.antenna_offset_m = c.offset_m;
  o.centre_frequency_mhz = c.f_mhz;
  o.direct_wave_amplitude = 2.0;
  o.ground_bounce_amplitude = -1.5;
  o.noise_std = noise;
  o.seed = seed;
  o.diffractors = {{1.0, c.depth_m, 1.0, 0}};
  Simulation s = simulate(o);
  s.bscan.header().t0_ns = header_t0_ns;
  return s;
}

}  // namespace

TEST_CASE("estimate_velocity: within 10 % at antenna heights 0, 2, 5 cm", "[migrate][velocity]") {
  // eps 6 at 1.5 GHz (v = 0.122 m/ns) and eps 12 at 1 GHz (0.0865 m/ns); the header's t0 is
  // 0.25 ns late or 0.2 ns early; noise 2 % of the direct wave (about 10 % of the apex).
  const Case cases[] = {
      {0.00, 0.00, 6, 1500, 0.10}, {0.00, 0.05, 12, 1000, 0.15}, {0.02, 0.00, 12, 1000, 0.10},
      {0.02, 0.05, 6, 1500, 0.10}, {0.05, 0.00, 6, 1500, 0.15},  {0.05, 0.05, 12, 1000, 0.10},
      {0.02, 0.04, 6, 1500, 0.06}, {0.05, 0.05, 6, 1500, 0.20},
  };
  int k = 0;
  for (const Case& c : cases) {
    const double t0_err = (k % 2 == 0) ? 0.25 : -0.2;
    const Simulation s = scene(c, -1.0 + t0_err, 0.04, static_cast<std::uint64_t>(11 + k));
    ++k;
    const double v = c_air_m_per_ns / std::sqrt(c.eps);
    const VelocityEstimate e = estimate_velocity(s.bscan);
    INFO("h " << c.height_m << " a " << c.offset_m << " eps " << c.eps << " depth " << c.depth_m
              << ": " << e.velocity_m_per_ns << " m/ns against " << v << " (method "
              << static_cast<int>(e.method) << ", time-zero shift " << e.time_zero_shift_ns
              << " ns)");
    CHECK(std::abs(e.velocity_m_per_ns / v - 1) <= 0.10);
    // Time-zero was re-referenced on the direct wave / ground bounce: the header was off by
    // t0_err, so the fits used t0 - shift = -1 (the simulator's).
    CHECK(e.time_zero_calibrated);
    CHECK(std::abs(e.time_zero_shift_ns - t0_err) <= 0.03);
  }
}

TEST_CASE("estimate_velocity: the header's time-zero is kept without a direct wave",
          "[migrate][velocity]") {
  SimulateOptions o;
  o.n_samples = 256;
  o.n_traces = 160;
  o.dt_ns = 0.025;
  o.velocity_m_per_ns = 0.1;
  o.antenna_height_m = 0.03;
  o.antenna_offset_m = 0.04;
  o.centre_frequency_mhz = 1500;
  o.diffractors = {{0.8, 0.1, 1.0, 0}};
  const Simulation s = simulate(o);
  const VelocityEstimate e = estimate_velocity(s.bscan);
  CHECK_FALSE(e.time_zero_calibrated);
  CHECK(e.time_zero_shift_ns == 0.0);
  CHECK(std::abs(e.velocity_m_per_ns / 0.1 - 1) <= 0.03);
  // fit_hyperbola alone: exact refracted times, the apex at its true depth.
  const auto& t = s.truth[0];
  const HyperbolaFit f =
      fit_hyperbola(s.bscan, 80, static_cast<std::ptrdiff_t>(std::lround(t.apex_time_ns / 0.025)));
  CHECK(std::abs(f.velocity_m_per_ns / 0.1 - 1) <= 0.03);
  CHECK(std::abs(f.apex_depth_m - 0.1) <= 0.005);
  CHECK(std::abs(f.x_m - 0.8) <= 0.01);
  HyperbolaFitOptions bad;
  bad.target_radius_m = -0.01;
  CHECK_THROWS_AS(fit_hyperbola(s.bscan, 80, 100, bad), InvalidArgument);
}
