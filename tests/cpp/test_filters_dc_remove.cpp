#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/core/error.h"
#include "gprkit/filters/dc_remove.h"
#include "test_util.h"

using namespace gprkit;

TEST_CASE("dc_remove: mean and median levels over a window", "[filters][dc]") {
  // Level 3 + j, a wavelet after 5 ns, and an outlier spike in the early window.
  const auto in = test::make_section(200, 4, 0.05, [](double t, std::ptrdiff_t j) {
    double v = 3.0 + static_cast<double>(j) + (t > 5.0 ? std::sin(7 * t) : 0.0);
    if (std::abs(t - 1.0) < 0.03) v += 50.0;
    return v;
  });
  DcRemoveOptions o;
  o.end_ns = 4.0;  // level measured before the wavelet
  o.method = DcMethod::median;
  const auto med = dc_remove(in, o);
  for (std::ptrdiff_t j = 0; j < 4; ++j) {
    CHECK(med(0, j) == Approx(0.0).margin(1e-6));  // the spike does not move the median
    CHECK(med(150, j) == Approx(in(150, j) - 3.0 - j).margin(1e-5));
  }
  o.method = DcMethod::mean;
  const auto mean = dc_remove(in, o);
  double s = 0;
  for (std::ptrdiff_t i = 0; i <= 80; ++i) s += mean(i, 2);
  CHECK(s == Approx(0.0).margin(1e-3));  // zero mean over the window
  const auto whole = dc_remove(in);
  double w = 0;
  for (std::ptrdiff_t i = 0; i < 200; ++i) w += whole(i, 1);
  CHECK(w == Approx(0.0).margin(1e-3));
  o.start_ns = 50;
  o.end_ns = 60;
  CHECK_THROWS_WITH(dc_remove(in, o), Catch::Contains("window"));
}
