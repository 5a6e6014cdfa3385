#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/clutter/background.h"
#include "gprkit/core/error.h"
#include "gprkit/detect.h"
#include "gprkit/simulate/simulate.h"

using namespace gprkit;

namespace {

// Diffractions only (what clutter removal leaves), the antenna `height` above ground.
Simulation diffractions(double height, double offset) {
  SimulateOptions o;
  o.n_samples = 256;
  o.n_traces = 400;
  o.dt_ns = 0.025;
  o.dx_m = 0.01;
  o.velocity_m_per_ns = 0.1;
  o.antenna_height_m = height;
  o.antenna_offset_m = offset;
  o.centre_frequency_mhz = 1000;
  o.noise_std = 0.005;
  o.diffractors = {{0.8, 0.06, 0.3, 0}, {1.9, 0.10, 0.3, 0}, {3.0, 0.15, 0.3, 0}};
  return simulate(o);
}

}  // namespace

TEST_CASE("air gap: the hyperbolas' moveout gives the antenna height", "[detect][air_gap]") {
  for (double offset : {0.0, 0.05}) {
    for (double height : {0.0, 0.03, 0.05, 0.10}) {
      INFO("height " << height << " offset " << offset);
      const auto sim = diffractions(height, offset);
      Header h = sim.bscan.header();
      h.antenna_height_m = 0;  // what a file without the height says
      const AirGapEstimate e = estimate_air_gap(sim.bscan.view(), h, 0.1);
      CHECK(e.resolved);
      CHECK(e.n_apexes >= 3);
      CHECK(e.height_m == Approx(height).margin(0.011));
    }
  }
}

TEST_CASE("air gap: no apexes, no estimate, bad options are refused", "[detect][air_gap]") {
  SimulateOptions o;
  o.n_samples = 128;
  o.n_traces = 100;
  o.noise_std = 0.01;
  const auto sim = simulate(o);
  const AirGapEstimate e = estimate_air_gap(sim.bscan.view(), sim.bscan.header(), 0.1);
  CHECK_FALSE(e.resolved);
  CHECK(e.height_m == 0);
  AirGapOptions bad;
  bad.heights_m = {};
  CHECK_THROWS_WITH(estimate_air_gap(sim.bscan.view(), sim.bscan.header(), 0.1, bad),
                    Catch::Contains("heights_m"));
  CHECK_THROWS_WITH(estimate_air_gap(sim.bscan.view(), sim.bscan.header(), 0.0),
                    Catch::Contains("velocity_m_per_ns"));
}
