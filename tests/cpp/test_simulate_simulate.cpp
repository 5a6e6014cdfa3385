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
