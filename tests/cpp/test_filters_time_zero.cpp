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

TEST_CASE("time_zero: picks that jump to the other lobe of the direct wave are re-picked",
          "[filters][time_zero]") {
  // A two-lobe direct wave: a positive lobe of amplitude a_j, then a negative one of -1 half a
  // period later. Where a_j = 0.45 the first lobe is under the 0.5 threshold and the per-trace
  // pick lands on the second lobe (as on GSSI files where a deep reflection sets the trace's
  // maximum); a run of such traces longer than a short window must not win.
  const std::ptrdiff_t nt = 1000;
  const double lobe_ns = 0.5, t_first = 6.0;
  auto jitter = [](std::ptrdiff_t j) { return 0.3 * std::sin(0.05 * static_cast<double>(j)); };
  auto weak = [](std::ptrdiff_t j) { return (j >= 300 && j < 600) || j % 7 == 0; };
  const Bscan b = test::make_section(600, nt, dt, [&](double t, std::ptrdiff_t j) {
    const double s = t - t_first - jitter(j) * dt;
    auto g = [](double u) { return std::exp(-u * u / (2.0 * 0.12 * 0.12)); };
    return (weak(j) ? 0.45 : 0.55) * g(s) - g(s - lobe_ns);
  });
  TimeZeroOptions per_trace;
  per_trace.lobe_window_traces = 0;
  const auto jumped = pick_time_zero(b.view(), dt, 0.0, per_trace);
  const auto picks = pick_time_zero(b.view(), dt, 0.0, {});  // automatic: 1001-trace window
  const double first = t_first / dt, second = (t_first + lobe_ns) / dt;
  int n_jumped = 0;
  for (std::ptrdiff_t j = 0; j < nt; ++j) {
    const auto js = static_cast<std::size_t>(j);
    INFO("trace " << j);
    if (weak(j)) {
      n_jumped += std::abs(jumped[js] - (second + jitter(j))) < 0.2;
    }
    REQUIRE(std::abs(picks[js] - (first + jitter(j))) < 0.1);
    if (!weak(j)) CHECK(picks[js] == jumped[js]);  // a trace on the right lobe keeps its pick
  }
  CHECK(n_jumped > 300);  // the per-trace picks did jump
  // A fixed target keeps per-trace picks (what a stream, one trace at a time, computes).
  TimeZeroOptions fixed;
  fixed.target_sample = 100.0;
  CHECK(pick_time_zero(b.view(), dt, 0.0, fixed) == jumped);
  auto [a, c] = test::with_1_and_2_threads([&] { return time_zero(b); });
  CHECK(test::identical(a, c));
  TimeZeroOptions bad;
  bad.lobe_window_traces = -2;
  CHECK_THROWS_WITH(pick_time_zero(b.view(), dt, 0.0, bad), Catch::Contains("lobe_window_traces"));
}
