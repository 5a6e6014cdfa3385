#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gprkit/core/error.h"
#include "gprkit/filters/normalize_distance.h"

using namespace gprkit;

namespace {
// Trace value at sample i of a trace at position x: linear in x, so that linear
// interpolation in position is exact.
float value(std::ptrdiff_t i, double x) { return static_cast<float>(0.5 * i + 10.0 * x); }
}  // namespace

TEST_CASE("normalize_distance: uneven and stationary positions onto the regular grid",
          "[filters][normalize_distance]") {
  const std::vector<double> x = {0.0, 0.013, 0.02, 0.02, 0.02, 0.031, 0.05, 0.058, 0.07};
  Bscan in(4, static_cast<std::ptrdiff_t>(x.size()));
  for (std::ptrdiff_t j = 0; j < in.n_traces(); ++j)
    for (std::ptrdiff_t i = 0; i < 4; ++i) in(i, j) = value(i, x[static_cast<std::size_t>(j)]);
  in.header().x_m = x;
  in.header().z_m = std::vector<double>(x.size(), 3.0);
  in.header().raw["trace_marks"] = "1,2,3";
  const Bscan out = normalize_distance(in, {.spacing_m = 0.01});
  REQUIRE(out.n_traces() == 8);
  CHECK(out.header().dx_m == 0.01);
  CHECK(out.header().raw.count("trace_marks") == 0);
  for (std::ptrdiff_t k = 0; k < out.n_traces(); ++k) {
    CHECK(out.header().x_m[static_cast<std::size_t>(k)] == Approx(0.01 * k));
    CHECK(out.header().z_m[static_cast<std::size_t>(k)] == Approx(3.0));
    for (std::ptrdiff_t i = 0; i < 4; ++i)
      CHECK(out(i, k) == Approx(value(i, 0.01 * k)).margin(1e-5));
  }
  const DistanceGrid g = distance_grid(x);
  CHECK(g.station_x_m.size() == 7);  // the three traces at 2 cm are one station
}

TEST_CASE("normalize_distance: bad positions are refused with the trace named",
          "[filters][normalize_distance]") {
  CHECK_THROWS_WITH(distance_grid({}), Catch::Contains("no per-trace positions"));
  CHECK_THROWS_WITH(distance_grid({0, 0.1, NAN}), Catch::Contains("x_m[2]"));
  CHECK_THROWS_WITH(distance_grid({0, 0.1, 0.2, 0.05, 0.3}),
                    Catch::Contains("turn back at trace 3"));
  CHECK_THROWS_WITH(distance_grid({0, 1}, {.spacing_m = 1e-12}), Catch::Contains("traces"));
  const DistanceGrid back = distance_grid({1.0, 0.5, 0.0});
  CHECK(back.reversed);
  CHECK(back.n_traces() == 3);
}
