#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "gprkit/core/error.h"
#include "gprkit/filters/dewow.h"
#include "gprkit/simulate/simulate.h"
#include "test_util.h"

using namespace gprkit;
using gprkit::test::make_section;

namespace {
constexpr double pi = std::numbers::pi;
// Slow drift: a ramp plus a 40 ns sinusoid (the "wow").
double drift(double t) { return 0.3 + 0.05 * t + 1.0 * std::sin(2 * pi * t / 40.0 + 0.4); }
}  // namespace

TEST_CASE("dewow: removes a ramp + slow sinusoid to < 1% and passes a 1 GHz wavelet within 1%",
          "[filters][dewow]") {
  const double dt = 0.02;
  const std::ptrdiff_t n = 2048;  // 41 ns
  const auto d = make_section(n, 3, dt, [](double t, std::ptrdiff_t) { return drift(t); });
  const auto out = dewow(d, {2.0});
  double drift_ss = 0, res_ss = 0, res_max = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    drift_ss += drift(i * dt) * drift(i * dt);
    res_ss += out(i, 1) * out(i, 1);
    res_max = std::max(res_max, static_cast<double>(std::abs(out(i, 1))));
  }
  CHECK(std::sqrt(res_ss / drift_ss) < 0.01);
  CHECK(res_max < 0.02);  // also at the ends: the shrinking window has no one-sided bias

  const auto w =
      make_section(n, 2, dt, [](double t, std::ptrdiff_t) { return ricker(t - 20.0, 1000.0); });
  const auto wo = dewow(w, {2.0});
  const std::ptrdiff_t ipk = static_cast<std::ptrdiff_t>(std::lround(20.0 / dt));
  CHECK(wo(ipk, 0) == Approx(1.0).epsilon(0.01));
  // The whole wavelet, not only its peak: a running mean of a zero-mean pulse still
  // leaves a small low-frequency tail on its flanks, so the RMS is kept within 3%.
  CHECK(test::rms(wo, 0, 0, n) == Approx(test::rms(w, 0, 0, n)).epsilon(0.03));

  // Both at once, on a strided (row-major) input, in place on a copy.
  auto both = make_section(
      n, 4, dt, [](double t, std::ptrdiff_t) { return drift(t) + ricker(t - 20.0, 1000.0); });
  dewow(both.view(), both.view(), dt, {2.0});
  CHECK(both(ipk, 3) == Approx(1.0).epsilon(0.02));
}

TEST_CASE("dewow: identical with 1 and 2 threads, strided input gives the same result",
          "[filters][dewow]") {
  SimulateOptions o;
  o.n_samples = 512;
  o.n_traces = 300;
  o.wow_amplitude = 0.5;
  o.noise_std = 0.1;
  o.direct_wave_amplitude = 1;
  const Bscan b = simulate(o).bscan;
  auto [a, c] = test::with_1_and_2_threads([&] { return dewow(b, {1.5}); });
  CHECK(test::identical(a, c));
  Bscan in_place = b;  // whole groups of eight traces and a partial one, in place
  dewow(in_place.view(), in_place.view(), b.header().dt_ns, {1.5});
  CHECK(test::identical(a, in_place));
  std::vector<float> rm(static_cast<std::size_t>(b.n_samples() * b.n_traces()));
  for (std::ptrdiff_t i = 0; i < b.n_samples(); ++i)
    for (std::ptrdiff_t j = 0; j < b.n_traces(); ++j)
      rm[static_cast<std::size_t>(i * b.n_traces() + j)] = b(i, j);
  Bscan s(b.n_samples(), b.n_traces());
  dewow(ConstView(rm.data(), b.n_samples(), b.n_traces(), b.n_traces(), 1), s.view(),
        b.header().dt_ns, {1.5});
  CHECK(test::identical(a, s));
}

TEST_CASE(
    "dewow: matches a direct windowed mean in double, and a trace's bits do not depend "
    "on the traces processed beside it",
    "[filters][dewow]") {
  // 13 traces = one full group of eight plus a partial one; a large offset tests the sums.
  const double dt = 0.1;
  const std::ptrdiff_t n = 301, nt = 13;
  const auto b = make_section(n, nt, dt, [](double t, std::ptrdiff_t j) {
    return 100.0 + 10.0 * j + std::sin(3.7 * t + j) + 0.01 * t * t;
  });
  const double window_ns = 2.42;  // h = round(2.42 / 0.2) = 12 samples
  const std::ptrdiff_t h = 12;
  const auto out = dewow(b, {window_ns});
  double worst = 0;
  for (std::ptrdiff_t j = 0; j < nt; ++j)
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const std::ptrdiff_t r = std::min({h, i, n - 1 - i});
      double s = 0;
      for (std::ptrdiff_t k = i - r; k <= i + r; ++k) s += b(k, j);
      worst = std::max(worst, std::abs(out(i, j) - (b(i, j) - s / double(2 * r + 1))));
    }
  CHECK(worst < 2e-5);  // float rounding of values near 200
  for (std::ptrdiff_t j : {0, 7, 8, 12}) {
    Bscan one(n, 1, b.header());
    for (std::ptrdiff_t i = 0; i < n; ++i) one(i, 0) = b(i, j);
    const auto o1 = dewow(one, {window_ns});
    bool same = true;
    for (std::ptrdiff_t i = 0; i < n; ++i) same = same && o1(i, 0) == out(i, j);
    CHECK(same);
  }
}

TEST_CASE("dewow: bad input is refused with a clear message", "[filters][dewow]") {
  Bscan b(64, 4);
  // 0 is the automatic window: three periods of the centre frequency, else max(2 ns, 20 dt).
  CHECK(DewowOptions{}.resolve(b.header()).window_ns ==
        Approx(b.header().centre_frequency_mhz > 0 ? 3e3 / b.header().centre_frequency_mhz
                                                   : std::max(2.0, 20 * b.header().dt_ns)));
  CHECK_THROWS_WITH(dewow(b, {-1.0}), Catch::Contains("window_ns"));
  CHECK_THROWS_WITH(dewow(Bscan(0, 3), {1.0}), Catch::Contains("empty"));
  b(5, 2) = std::nanf("");
  CHECK_THROWS_WITH(dewow(b, {1.0}), Catch::Contains("NaN at sample 5, trace 2"));
  Bscan small(32, 4);
  CHECK_THROWS_WITH(dewow(b.view(), small.view(), 0.1, {1.0}), Catch::Contains("output shape"));
  CHECK_THROWS_AS(dewow(small.view(), small.view(), 0.0, {1.0}), InvalidArgument);
}
