#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/core/error.h"
#include "gprkit/filters/time_zero.h"
#include "gprkit/simulate/simulate.h"
#include "test_util.h"

using namespace gprkit;

namespace {
// Known per-trace delays (samples), fractional ones included.
const std::vector<double> kShift = {0.0, 0.3, -1.7, 2.25, 5.5, -0.45, 7.81, 0.999, -3.33, 12.6};
const double dt = 0.05;
Bscan shifted_direct_wave() {
  return test::make_section(
      600, static_cast<std::ptrdiff_t>(kShift.size()), dt, [](double t, std::ptrdiff_t j) {
        const double t0 = 6.0 + kShift[static_cast<std::size_t>(j)] * dt;
        return -0.8 * ricker(t - t0, 1000.0) +
               0.2 * ricker(t - t0 - 8.0, 1000.0);  // direct wave + a reflection
      });
}
}  // namespace

TEST_CASE("time_zero: first-peak picks recover known fractional shifts to < 0.1 sample",
          "[filters][time_zero]") {
  const Bscan b = shifted_direct_wave();
  const auto picks = pick_time_zero(b.view(), dt, 0.0, {});
  for (std::size_t j = 0; j < kShift.size(); ++j) {
    INFO("trace " << j);
    CHECK(std::abs((picks[j] - picks[0]) - (kShift[j] - kShift[0])) < 0.1);
    CHECK(std::abs(picks[j] - (120.0 + kShift[j])) < 0.1);  // absolute: the wavelet peak
  }
  TimeZeroOptions th;
  th.method = TimeZeroPick::threshold;
  th.threshold = 0.3;
  const auto tp = pick_time_zero(b.view(), dt, 0.0, th);
  for (std::size_t j = 0; j < kShift.size(); ++j)
    CHECK(std::abs((tp[j] - tp[0]) - kShift[j]) < 0.1);
}

TEST_CASE("time_zero: aligns all traces to the target and sets t0_ns", "[filters][time_zero]") {
  Bscan b = shifted_direct_wave();
  b.header().dt_ns = dt;
  TimeZeroResult res;
  TimeZeroOptions o;
  o.target_sample = 100.0;
  const Bscan out = time_zero(b, o, &res);
  CHECK(res.target_sample == 100.0);
  CHECK(out.header().t0_ns == Approx(-100.0 * dt));
  const auto again = pick_time_zero(out.view(), dt, 0.0, {});
  for (double p : again) CHECK(std::abs(p - 100.0) < 0.1);
  // The shifted data are the analytic wavelet at the new time (band-limited shift is exact).
  for (std::ptrdiff_t j = 0; j < out.n_traces(); ++j)
    for (std::ptrdiff_t i = 60; i < 400; ++i) {
      const double t = (static_cast<double>(i) - 100.0) * dt;
      REQUIRE(out(i, j) ==
              Approx(-0.8 * ricker(t, 1000.0) + 0.2 * ricker(t - 8.0, 1000.0)).margin(0.01));
    }
  // Median target keeps the length and the median trace unchanged.
  const Bscan med = time_zero(b);
  CHECK(med.n_samples() == b.n_samples());
  CHECK(med.header().t0_ns < 0);
}

TEST_CASE("time_zero: search window, thread invariance and bad options", "[filters][time_zero]") {
  Bscan b = shifted_direct_wave();
  TimeZeroOptions o;
  o.search_start_ns = 10.0;  // skip the direct wave: the reflection 8 ns later is picked
  const auto p = pick_time_zero(b.view(), dt, 0.0, o);
  CHECK(std::abs(p[0] - 280.0) < 0.1);
  SimulateOptions so;
  so.n_samples = 512;
  so.n_traces = 400;
  so.direct_wave_amplitude = 1;
  so.t0_ns = -2.0;
  so.noise_std = 0.01;
  const Bscan sim = simulate(so).bscan;
  auto [a, c] = test::with_1_and_2_threads([&] { return time_zero(sim); });
  CHECK(test::identical(a, c));
  o = {};
  o.threshold = 0.0;
  CHECK_THROWS_WITH(pick_time_zero(b.view(), dt, 0.0, o), Catch::Contains("threshold"));
  o = {};
  o.search_start_ns = 100.0;
  o.search_end_ns = 200.0;
  CHECK_THROWS_WITH(pick_time_zero(b.view(), dt, 0.0, o), Catch::Contains("search window"));
  CHECK_THROWS_WITH(shift_traces(b.view(), b.view(), {1.0}),
                    Catch::Contains("one shift per trace"));
}
