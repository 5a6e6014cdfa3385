#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gprkit/core/error.h"
#include "gprkit/filters/topographic_correction.h"

using namespace gprkit;

TEST_CASE("topographic_correction: delays of 2 (datum - z) / v, whole samples move exactly",
          "[filters][topographic_correction]") {
  Bscan in(64, 3);
  in.header().dt_ns = 0.5;
  for (std::ptrdiff_t j = 0; j < 3; ++j) in(10, j) = 1.0f;
  in.header().z_m = {1.0, 0.9, 0.8};  // 0.1 m steps at 0.1 m/ns: 2 ns = 4 samples
  const Bscan out = topographic_correction(in, {.velocity_m_per_ns = 0.1});
  REQUIRE(out.n_samples() == 64 + 8);
  for (std::ptrdiff_t j = 0; j < 3; ++j)
    for (std::ptrdiff_t i = 0; i < out.n_samples(); ++i)
      CHECK(out(i, j) == Approx(i == 10 + 4 * j ? 1.0 : 0.0).margin(1e-5));
  const auto d = topographic_delays(in.header().z_m, 3, 0.5, {.velocity_m_per_ns = 0.1});
  CHECK(d.samples[2] == Approx(8.0));
  CHECK_THROWS_WITH(topographic_delays({}, 3, 0.5, {}), Catch::Contains("no surface elevations"));
  CHECK_THROWS_WITH(topographic_delays({1, NAN, 1}, 3, 0.5, {}), Catch::Contains("z_m[1]"));
  CHECK_THROWS_AS(topographic_delays({1, 1, 1}, 3, 0.5, {.velocity_m_per_ns = 0}), InvalidArgument);
}
