#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "gprkit/core/error.h"
#include "gprkit/filters/envelope.h"
#include "test_util.h"

using namespace gprkit;

TEST_CASE("envelope: Gaussian-modulated tone gives its Gaussian within 1%", "[filters][envelope]") {
  const double dt = 0.02, tc = 10.0, sigma = 1.5, f = 1.0;  // ns, GHz
  auto gauss = [&](double t) { return std::exp(-(t - tc) * (t - tc) / (2 * sigma * sigma)); };
  const auto in = test::make_section(1000, 2, dt, [&](double t, std::ptrdiff_t j) {
    return gauss(t) * std::cos(2 * std::numbers::pi * f * (t - tc) + 0.7 * static_cast<double>(j));
  });
  const auto env = envelope(in);
  double worst = 0;
  for (std::ptrdiff_t j = 0; j < 2; ++j)
    for (std::ptrdiff_t i = 0; i < 1000; ++i)
      worst = std::max(worst, std::abs(env(i, j) - gauss(i * dt)));
  CHECK(worst < 0.01);
}

TEST_CASE("envelope: of a pure tone is flat, identical with 1 and 2 threads",
          "[filters][envelope]") {
  const auto in = test::make_section(512, 200, 0.05, [](double t, std::ptrdiff_t j) {
    return 2.0 * std::sin(2 * std::numbers::pi * (0.5 + 0.001 * static_cast<double>(j)) * t);
  });
  auto [a, b] = test::with_1_and_2_threads([&] { return envelope(in); });
  CHECK(test::identical(a, b));
  for (std::ptrdiff_t i = 128; i < 384; i += 11) CHECK(a(i, 7) == Approx(2.0).epsilon(0.02));
  Bscan bad = in;
  bad(3, 3) = INFINITY;
  CHECK_THROWS_WITH(envelope(bad), Catch::Contains("Inf at sample 3, trace 3"));
}
