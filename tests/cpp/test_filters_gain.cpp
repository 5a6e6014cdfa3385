#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "gprkit/core/error.h"
#include "gprkit/filters/gain.h"
#include "test_util.h"

using namespace gprkit;

TEST_CASE("gain: tpow, exp and sec follow their formulas, clamped at max_gain", "[filters][gain]") {
  const double dt = 0.1, t0 = -1.0;
  const auto in = test::make_section(
      300, 3, dt, [](double t, std::ptrdiff_t j) { return std::cos(t + j); }, t0);
  GainOptions o;
  o.kind = GainKind::tpow;
  o.power = 2.0;
  o.max_gain = 500.0;
  auto out = gain(in, o);
  for (std::ptrdiff_t i = 0; i < 300; i += 7) {
    const double t = t0 + i * dt;
    const double g = std::min(500.0, t > 0 ? t * t : 0.0);
    REQUIRE(out(i, 1) == Approx(in(i, 1) * g).margin(1e-4));
  }
  o.kind = GainKind::exp;
  o.db_per_ns = 3.0;
  out = gain(in, o);
  for (std::ptrdiff_t i = 0; i < 300; i += 7) {
    const double t = std::max(0.0, t0 + i * dt);
    REQUIRE(out(i, 2) == Approx(in(i, 2) * std::min(500.0, std::pow(10.0, 3.0 * t / 20.0)))
                             .epsilon(1e-5)
                             .margin(1e-6));
  }
  o.kind = GainKind::sec;
  o.power = 1.0;
  o.db_per_ns = 1.0;
  out = gain(in, o);
  const double t = t0 + 200 * dt;
  CHECK(out(200, 0) ==
        Approx(in(200, 0) * std::min(500.0, t * std::pow(10.0, t / 20.0))).epsilon(1e-5));
  CHECK(gain_at(1e6, o) == 500.0);
}

TEST_CASE("gain: AGC brings any amplitude to unit RMS, the clamp holds in near-silence",
          "[filters][gain]") {
  const double dt = 0.05;
  const auto in = test::make_section(2000, 3, dt, [](double t, std::ptrdiff_t j) {
    const double amp = j == 0 ? 100.0 : (j == 1 ? 0.01 : 1e-7);
    return amp * std::exp(-t / 30.0) * std::sin(2 * std::numbers::pi * 0.9 * t);
  });
  GainOptions o;
  o.kind = GainKind::agc;
  o.window_ns = 10.0;
  o.max_gain = 1e5;
  const auto out = gain(in, o);
  CHECK(test::rms(out, 0, 400, 1600) == Approx(1.0).epsilon(0.03));
  CHECK(test::rms(out, 1, 400, 1600) == Approx(1.0).epsilon(0.03));
  // Trace 2 needs gains ~1e7: clamped at 1e5 exactly.
  for (std::ptrdiff_t i = 100; i < 2000; i += 97)
    REQUIRE(out(i, 2) == Approx(in(i, 2) * 1e5).epsilon(1e-5));
  auto [a, b] = test::with_1_and_2_threads([&] {
    Bscan big = test::make_section(
        512, 200, dt, [](double t, std::ptrdiff_t j) { return std::sin(t * (1 + j)); });
    return gain(big, o);
  });
  CHECK(test::identical(a, b));
  // In place (whole groups of eight traces and a partial one): each row is written only
  // after the windows that read it.
  Bscan c = test::make_section(512, 200, dt,
                               [](double t, std::ptrdiff_t j) { return std::sin(t * (1 + j)); });
  gain(c.view(), c.view(), dt, 0.0, o);
  CHECK(test::identical(a, c));
}

TEST_CASE("gain: bad options are refused", "[filters][gain]") {
  Bscan b(16, 2);
  GainOptions o;
  o.max_gain = 0;
  CHECK_THROWS_WITH(gain(b, o), Catch::Contains("max_gain"));
  o = {};
  o.kind = GainKind::agc;
  o.window_ns = -1;
  CHECK_THROWS_WITH(gain(b, o), Catch::Contains("window_ns"));
  o = {};
  o.power = std::nan("");
  CHECK_THROWS_WITH(gain(b, o), Catch::Contains("power"));
}

TEST_CASE("gain: AGC matches a direct windowed RMS in double, trace by trace", "[filters][gain]") {
  const double dt = 0.1;
  const std::ptrdiff_t n = 257, nt = 11;  // a group of eight and a partial group
  const auto b = test::make_section(n, nt, dt, [](double t, std::ptrdiff_t j) {
    return (j + 1) * std::sin(2.1 * t + j) * std::exp(-0.02 * t) + (j == 4 ? 0.0 : 0.3);
  });
  GainOptions o;
  o.kind = GainKind::agc;
  o.window_ns = 3.02;  // h = round(3.02 / 0.2) = 15 samples
  o.max_gain = 50.0;
  const std::ptrdiff_t h = 15;
  const auto out = gain(b, o);
  double worst = 0;
  for (std::ptrdiff_t j = 0; j < nt; ++j)
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const std::ptrdiff_t a = std::max<std::ptrdiff_t>(0, i - h);
      const std::ptrdiff_t e = std::min(n - 1, i + h);
      double ss = 0;
      for (std::ptrdiff_t k = a; k <= e; ++k) ss += double(b(k, j)) * b(k, j);
      const double want = b(i, j) / std::max(std::sqrt(ss / double(e - a + 1)), 1.0 / 50.0);
      worst = std::max(worst, std::abs(out(i, j) - want) / (1.0 + std::abs(want)));
    }
  CHECK(worst < 1e-5);
}

TEST_CASE("gain: an AGC window of 1e20 ns is an error, not an overflowing cast",
          "[filters][gain]") {
  Bscan b(64, 2);
  b.header().dt_ns = 0.05;
  GainOptions o;
  o.kind = GainKind::agc;
  o.window_ns = 1e20;
  CHECK_THROWS_WITH(gain(b, o),
                    Catch::Contains("gain: window_ns = 1e+20; expected a finite value"));
}
