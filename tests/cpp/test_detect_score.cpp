#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "gprkit/core/error.h"
#include "gprkit/detect/score.h"
#include "gprkit/simulate/simulate.h"
#include "test_util.h"

using namespace gprkit;

namespace {

using Vec4 = std::array<double, 4>;
using Mat4 = std::array<std::array<double, 4>, 4>;

// x^T A^-1 x by Gauss-Jordan elimination with partial pivoting (an independent solver).
double quad_inv(Mat4 a, Vec4 x) {
  Vec4 y = x;
  for (int c = 0; c < 4; ++c) {
    int p = c;
    for (int r = c + 1; r < 4; ++r)
      if (std::abs(a[r][c]) > std::abs(a[p][c])) p = r;
    std::swap(a[c], a[p]);
    std::swap(y[c], y[p]);
    for (int r = 0; r < 4; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      for (int k = 0; k < 4; ++k) a[r][k] -= f * a[c][k];
      y[r] -= f * y[c];
    }
  }
  double q = 0;
  for (int k = 0; k < 4; ++k) q += x[k] * y[k] / a[k][k];
  return q;
}

// Weak compact targets in noise, ground-coupled antenna, no clutter.
Simulation clutter_free(std::uint64_t seed = 3) {
  SimulateOptions o;
  o.n_samples = 256;
  o.n_traces = 400;
  o.dt_ns = 0.025;
  o.dx_m = 0.01;
  o.centre_frequency_mhz = 1000;
  o.noise_std = 0.02;
  o.seed = seed;
  o.diffractors = {
      {0.6, 0.05, 0.3, 0}, {1.5, 0.09, 0.3, 0}, {2.4, 0.12, 0.3, 0}, {3.3, 0.15, 0.3, 0}};
  return simulate(o);
}

// Max score near each target (+-3 traces, +-0.5 ns around the apex) and the 99.9th
// percentile of the score over cells further than 0.4 m from every target.
std::pair<std::vector<float>, float> target_vs_background(const Simulation& sim, const Bscan& s) {
  const Header& h = sim.bscan.header();
  std::vector<float> at;
  for (const auto& t : sim.truth) {
    const auto j0 = static_cast<std::ptrdiff_t>(std::llround(t.x_m / h.dx_m));
    const auto i0 = static_cast<std::ptrdiff_t>(std::llround(t.apex_time_ns / h.dt_ns));
    float best = -std::numeric_limits<float>::infinity();
    for (std::ptrdiff_t j = j0 - 3; j <= j0 + 3; ++j)
      for (std::ptrdiff_t i = i0 - 20; i <= i0 + 20; ++i) best = std::max(best, s(i, j));
    at.push_back(best);
  }
  std::vector<float> bg;
  for (std::ptrdiff_t j = 0; j < s.n_traces(); ++j) {
    bool far = true;
    for (const auto& t : sim.truth) far &= std::abs(h.trace_x_m(j) - t.x_m) > 0.4;
    if (!far) continue;
    for (std::ptrdiff_t i = 0; i < s.n_samples(); ++i) bg.push_back(s(i, j));
  }
  std::sort(bg.begin(), bg.end());
  return {at, bg[static_cast<std::size_t>(0.999 * static_cast<double>(bg.size()))]};
}

}  // namespace

TEST_CASE("score: every scorer ranks weak targets above the clutter-free background", "[detect]") {
  const auto sim = clutter_free();
  for (auto method : {ScoreMethod::energy, ScoreMethod::rx, ScoreMethod::hyperbola}) {
    ScoreOptions o;
    o.method = method;
    const Bscan s = score(sim.bscan, o);
    const auto [at, bg] = target_vs_background(sim, s);
    INFO("method " << static_cast<int>(method) << " background 99.9% " << bg);
    for (float v : at) CHECK(v > bg);
  }
}

TEST_CASE("score: the hyperbola semblance peaks at the apex (air gap honoured)", "[detect]") {
  SimulateOptions o;
  o.n_samples = 300;
  o.n_traces = 121;
  o.dt_ns = 0.025;
  o.centre_frequency_mhz = 1000;
  o.antenna_height_m = 0.05;
  o.antenna_offset_m = 0.04;
  o.noise_std = 0.01;
  o.diffractors = {{0.6, 0.1, 0.5, 0}};
  const auto sim = simulate(o);
  ScoreOptions so;
  so.method = ScoreMethod::hyperbola;
  const Bscan s = score(sim.bscan, so);
  std::ptrdiff_t bi = 0, bj = 0;
  for (std::ptrdiff_t j = 0; j < s.n_traces(); ++j)
    for (std::ptrdiff_t i = 0; i < s.n_samples(); ++i)
      if (s(i, j) > s(bi, bj)) bi = i, bj = j;
  CHECK(std::abs(bj - 60) <= 1);
  CHECK(std::abs(static_cast<double>(bi) * o.dt_ns - sim.truth[0].apex_time_ns) <=
        0.15);  // semblance: wavelet-wide plateau
  CHECK(s(bi, bj) > 0.7f);
  CHECK(s(bi, bj) <= 1.0f);
}

TEST_CASE("score: energy and rx equal a direct computation of their definition", "[detect]") {
  const auto sim = clutter_free(5);
  const Bscan& b = sim.bscan;
  const std::ptrdiff_t m = b.n_samples(), n = b.n_traces();
  ScoreOptions o;
  const ScoreWindows w = score_windows(b.view(), b.header(), o);
  REQUIRE(w.window_samples == 20);  // one period of 1 GHz at 25 ps: +-0.5 ns
  REQUIRE(w.window_traces == 1);
  REQUIRE(w.guard_traces == 15);
  REQUIRE(w.reference_traces == 50);
  auto box = [&](std::ptrdiff_t i, std::ptrdiff_t j) {  // mean energy in the window
    double e = 0;
    std::ptrdiff_t cnt = 0;
    for (std::ptrdiff_t jj = std::max<std::ptrdiff_t>(0, j - 1); jj <= std::min(n - 1, j + 1);
         ++jj) {
      double t = 0;
      const std::ptrdiff_t a = std::max<std::ptrdiff_t>(0, i - 20), c = std::min(m - 1, i + 20);
      for (std::ptrdiff_t ii = a; ii <= c; ++ii) t += double(b(ii, jj)) * b(ii, jj);
      e += t / static_cast<double>(c - a + 1);
      ++cnt;
    }
    return e / static_cast<double>(cnt);
  };
  const Bscan se = score(b, o);
  o.method = ScoreMethod::rx;
  const Bscan sr = score(b, o);
  for (auto [i, j] : {std::pair<std::ptrdiff_t, std::ptrdiff_t>{100, 150},
                      {40, 5},
                      {200, 399},
                      {120, 60},
                      {10, 330}}) {
    std::vector<std::ptrdiff_t> ref;
    for (std::ptrdiff_t jj = j - 65; jj <= j + 65; ++jj)
      if (jj >= 0 && jj < n && std::abs(jj - j) > 15) ref.push_back(jj);
    // energy z-score
    double s1 = 0, s2 = 0;
    for (auto jj : ref) {
      const double e = box(i, jj);
      s1 += e;
      s2 += e * e;
    }
    const double mu = s1 / static_cast<double>(ref.size());
    const double var = s2 / static_cast<double>(ref.size()) - mu * mu;
    const double z = (box(i, j) - mu) / std::sqrt(var + 0.01 * mu * mu);
    CHECK(se(i, j) == Approx(z).epsilon(1e-3).margin(1e-3));
    // rx with d = 4 features at offsets -2s, -s, 0, s (clamped)
    const std::ptrdiff_t st = w.feature_step;
    auto feat = [&](std::ptrdiff_t ii, std::ptrdiff_t jj) {
      Vec4 f;
      for (int k = 0; k < 4; ++k)
        f[k] = b(std::clamp<std::ptrdiff_t>(ii + (k - 2) * st, 0, m - 1), jj);
      return f;
    };
    Vec4 mean{};
    for (auto jj : ref) {
      const Vec4 f = feat(i, jj);
      for (int k = 0; k < 4; ++k) mean[k] += f[k] / static_cast<double>(ref.size());
    }
    Mat4 c{};
    for (auto jj : ref) {
      const Vec4 f = feat(i, jj);
      for (int k = 0; k < 4; ++k)
        for (int l = 0; l < 4; ++l)
          c[k][l] += (f[k] - mean[k]) * (f[l] - mean[l]) / static_cast<double>(ref.size());
    }
    double gvar = 0;
    for (std::ptrdiff_t k = 0; k < m * n; ++k) gvar += double(b.data()[k]) * b.data()[k];
    gvar /= static_cast<double>(m * n);
    const double load = 0.01 * (c[0][0] + c[1][1] + c[2][2] + c[3][3]) / 4 + 1e-6 * gvar + 1e-30;
    for (int k = 0; k < 4; ++k) c[k][k] += load;
    Vec4 dl = feat(i, j);
    for (int k = 0; k < 4; ++k) dl[k] -= mean[k];
    const double rx = quad_inv(c, dl);
    CHECK(sr(i, j) == Approx(rx).epsilon(1e-3));
  }
}

TEST_CASE("score: identical for 1 and 2 threads and for strided input", "[detect]") {
  const auto sim = clutter_free(7);
  for (auto method : {ScoreMethod::energy, ScoreMethod::rx, ScoreMethod::hyperbola}) {
    ScoreOptions o;
    o.method = method;
    auto [a, b] = test::with_1_and_2_threads([&] { return score(sim.bscan, o); });
    CHECK(test::identical(a, b));
    // The same section stored sample-major (strided traces).
    const Bscan& in = sim.bscan;
    std::vector<float> t(static_cast<std::size_t>(in.n_samples() * in.n_traces()));
    for (std::ptrdiff_t j = 0; j < in.n_traces(); ++j)
      for (std::ptrdiff_t i = 0; i < in.n_samples(); ++i)
        t[static_cast<std::size_t>(i * in.n_traces() + j)] = in(i, j);
    ConstView sv{t.data(), in.n_samples(), in.n_traces(), in.n_traces(), 1};
    std::vector<float> ot(t.size());
    MutView ov{ot.data(), in.n_samples(), in.n_traces(), in.n_traces(), 1};
    score(sv, ov, in.header(), o);
    bool same = true;
    for (std::ptrdiff_t j = 0; j < in.n_traces(); ++j)
      for (std::ptrdiff_t i = 0; i < in.n_samples(); ++i) same &= ov(i, j) == a(i, j);
    CHECK(same);
  }
}

TEST_CASE("score: per-trace maximum, depth from time and dominant frequency", "[detect]") {
  Bscan s(4, 3);
  s(2, 0) = 5;
  s(0, 1) = -1;
  s(1, 1) = -2;
  s(2, 1) = -3;
  s(3, 1) = -4;
  s(3, 2) = 7;
  CHECK(trace_score(s.view()) == std::vector<float>{5, -1, 7});
  CHECK(trace_score(s.view(), 1, 2) == std::vector<float>{5, -2, 0});
  CHECK_THROWS_AS(trace_score(s.view(), 3, 2), InvalidArgument);

  Header h;
  h.antenna_height_m = 0.05;
  h.antenna_separation_m = 0.04;
  for (double z : {0.01, 0.05, 0.2, 0.5}) {
    const double t = two_way_time_ns(-0.02, 0.02, 0.05, 0.0, z, 0.12);
    CHECK(depth_from_time_m(t, h, 0.12) == Approx(z).margin(1e-6));
  }
  CHECK(depth_from_time_m(0.0, h, 0.1) < 0);

  SimulateOptions o;
  o.n_samples = 512;
  o.n_traces = 8;
  o.dt_ns = 0.02;
  o.centre_frequency_mhz = 800;
  o.diffractors = {{0.04, 0.2, 1.0, 0}};
  const auto sim = simulate(o);
  CHECK(dominant_frequency_mhz(sim.bscan.view(), o.dt_ns) == Approx(800).epsilon(0.1));
}

TEST_CASE("score: bad input names the argument", "[detect]") {
  const auto sim = clutter_free();
  ScoreOptions o;
  o.rx_features = 0;
  o.method = ScoreMethod::rx;
  CHECK_THROWS_WITH(score(sim.bscan, o), Catch::Contains("rx_features"));
  o = {};
  o.velocity_m_per_ns = -1;
  CHECK_THROWS_WITH(score(sim.bscan, o), Catch::Contains("velocity_m_per_ns"));
  Bscan bad = sim.bscan;
  bad(3, 4) = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_AS(score(bad, ScoreOptions{}), InvalidArgument);
  Bscan out(3, 3);
  CHECK_THROWS_AS(score(sim.bscan.view(), out.view(), sim.bscan.header(), {}), InvalidArgument);
  Bscan same = sim.bscan;
  CHECK_THROWS_AS(score(same.view(), same.view(), same.header(), {}), InvalidArgument);
}
