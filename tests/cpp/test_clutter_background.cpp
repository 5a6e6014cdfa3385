#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "gprkit/clutter/background.h"
#include "gprkit/core/error.h"
#include "gprkit/core/threads.h"
#include "gprkit/simulate/simulate.h"

using namespace gprkit;

namespace {

/// A line with a strong ground bounce (delay wandering with the antenna height when
/// height_variation_m > 0), horizontal ringing, weak point targets and a little noise.
SimulateOptions clutter_scene(double height_variation_m, bool targets = true) {
  SimulateOptions o;
  o.n_samples = 256;
  o.n_traces = 300;
  o.dt_ns = 0.025;
  o.dx_m = 0.01;
  o.antenna_height_m = 0.05;
  o.height_variation_m = height_variation_m;
  o.height_variation_period_m = 1.5;
  o.ground_bounce_amplitude = 1.0;
  o.ringing_amplitude = 0.3;
  o.ringing_decay_ns = 3.0;
  o.noise_std = 0.002;
  if (targets) o.diffractors = {{0.6, 0.08, 0.3, 0}, {1.5, 0.12, 0.3, 0}, {2.4, 0.06, 0.3, 0}};
  return o;
}

/// The same scene without clutter or noise: the truth the SCR window comes from.
Simulation targets_only(SimulateOptions o) {
  o.ground_bounce_amplitude = 0.0;
  o.ringing_amplitude = 0.0;
  o.noise_std = 0.0;
  return simulate(o);
}

/// Signal-to-clutter ratio (dB): mean power inside the target window (where the clean
/// target image exceeds 5% of its peak, widened by 6 samples) over the mean power elsewhere.
double scr_db(const Bscan& x, const Bscan& clean) {
  float peak = 0.0f;
  for (std::ptrdiff_t j = 0; j < clean.n_traces(); ++j)
    for (std::ptrdiff_t i = 0; i < clean.n_samples(); ++i)
      peak = std::max(peak, std::abs(clean(i, j)));
  double e_in = 0, e_out = 0;
  long n_in = 0, n_out = 0;
  for (std::ptrdiff_t j = 0; j < x.n_traces(); ++j)
    for (std::ptrdiff_t i = 0; i < x.n_samples(); ++i) {
      bool in = false;
      for (std::ptrdiff_t k = std::max<std::ptrdiff_t>(0, i - 6);
           k <= std::min(x.n_samples() - 1, i + 6) && !in; ++k)
        in = std::abs(clean(k, j)) > 0.05f * peak;
      const double e = static_cast<double>(x(i, j)) * x(i, j);
      (in ? e_in : e_out) += e;
      ++(in ? n_in : n_out);
    }
  return 10.0 * std::log10((e_in / n_in) / (e_out / n_out));
}

/// Peak |amplitude| within +-8 samples of each target's apex, after / in the clean image.
std::vector<double> apex_ratios(const Bscan& x, const Simulation& clean) {
  std::vector<double> r;
  const double dt = clean.bscan.header().dt_ns;
  for (const auto& t : clean.truth) {
    const auto j = static_cast<std::ptrdiff_t>(std::lround(t.x_m / clean.bscan.header().dx_m));
    const auto i = static_cast<std::ptrdiff_t>(std::lround(t.apex_time_ns / dt));
    double a = 0, b = 0;
    for (std::ptrdiff_t k = i - 8; k <= i + 8; ++k) {
      a = std::max(a, static_cast<double>(std::abs(x(k, j))));
      b = std::max(b, static_cast<double>(std::abs(clean.bscan(k, j))));
    }
    r.push_back(a / b);
  }
  return r;
}

double energy(const Bscan& x) {
  double e = 0;
  for (std::ptrdiff_t j = 0; j < x.n_traces(); ++j)
    for (std::ptrdiff_t i = 0; i < x.n_samples(); ++i) e += static_cast<double>(x(i, j)) * x(i, j);
  return e;
}

BackgroundOptions with(BackgroundMethod m) {
  BackgroundOptions o;
  o.method = m;
  return o;
}

Bscan random_section(std::ptrdiff_t m, std::ptrdiff_t n, unsigned seed) {
  Bscan b(m, n);
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  for (std::ptrdiff_t j = 0; j < n; ++j)
    for (std::ptrdiff_t i = 0; i < m; ++i) b(i, j) = g(rng);
  return b;
}

const BackgroundMethod kAll[] = {BackgroundMethod::mean,         BackgroundMethod::median,
                                 BackgroundMethod::moving_mean,  BackgroundMethod::moving_median,
                                 BackgroundMethod::svd,          BackgroundMethod::rpca,
                                 BackgroundMethod::ground_bounce};

}  // namespace

TEST_CASE("background: every method raises the SCR by >= 10 dB on flat ground", "[clutter]") {
  const auto o = clutter_scene(0.0);
  const auto sim = simulate(o);
  const auto clean = targets_only(o);
  const double before = scr_db(sim.bscan, clean.bscan);
  CHECK(before < 0.0);  // the clutter dominates the raw line
  for (auto m : kAll) {
    CAPTURE(static_cast<int>(m));
    const Bscan out = remove_background(sim.bscan, with(m));
    CHECK(scr_db(out, clean.bscan) >= before + 10.0);
  }
}

TEST_CASE("background: ground_bounce and rpca beat mean by >= 6 dB when the ground wanders",
          "[clutter]") {
  const auto o = clutter_scene(0.02);
  const auto sim = simulate(o);
  const auto clean = targets_only(o);
  const double mean_db =
      scr_db(remove_background(sim.bscan, with(BackgroundMethod::mean)), clean.bscan);
  const double gb_db =
      scr_db(remove_background(sim.bscan, with(BackgroundMethod::ground_bounce)), clean.bscan);
  const double rpca_db =
      scr_db(remove_background(sim.bscan, with(BackgroundMethod::rpca)), clean.bscan);
  CHECK(gb_db >= mean_db + 6.0);
  CHECK(rpca_db >= mean_db + 6.0);
  // The picks follow the true ground time: within half a sample on their own, within 1.5
  // samples when the ringing overlaps the ground reflection and pulls its peak.
  for (double ring : {0.0, 0.3}) {
    auto so = o;
    so.ringing_amplitude = ring;
    const auto s2 = simulate(so);
    BackgroundReport rep;
    remove_background(s2.bscan, with(BackgroundMethod::ground_bounce), &rep);
    REQUIRE(rep.ground_pick_samples.size() == 300u);
    const double tol = (ring == 0.0 ? 0.5 : 1.5) * o.dt_ns;
    for (std::size_t j = 0; j < 300; ++j)
      REQUIRE(std::abs(rep.ground_pick_samples[j] * o.dt_ns - s2.ground_time_ns[j]) <= tol);
  }
}

TEST_CASE("background: target apexes survive", "[clutter]") {
  const auto o = clutter_scene(0.02);
  const auto sim = simulate(o);
  const auto clean = targets_only(o);
  struct Case {
    BackgroundMethod m;
    double lo, hi;
  };
  // Moving windows (31 traces) and the ground-bounce local mean take part of the flat apex.
  for (auto c :
       {Case{BackgroundMethod::mean, 0.9, 1.1}, Case{BackgroundMethod::median, 0.9, 1.1},
        Case{BackgroundMethod::moving_median, 0.85, 1.15}, Case{BackgroundMethod::svd, 0.85, 1.15},
        Case{BackgroundMethod::moving_mean, 0.65, 1.0},
        Case{BackgroundMethod::ground_bounce, 0.65, 1.0}}) {
    CAPTURE(static_cast<int>(c.m));
    for (double r : apex_ratios(remove_background(sim.bscan, with(c.m)), clean)) {
      CHECK(r >= c.lo);
      CHECK(r <= c.hi);
    }
  }
}

TEST_CASE("background: a pure-clutter line goes to near zero", "[clutter]") {
  auto flat = clutter_scene(0.0, false);
  flat.noise_std = 0.0;
  const auto f = simulate(flat);
  for (auto m : kAll) {
    CAPTURE(static_cast<int>(m));
    CHECK(energy(remove_background(f.bscan, with(m))) <= 1e-6 * energy(f.bscan));
  }
  auto wander = clutter_scene(0.02, false);
  wander.noise_std = 0.0;
  const auto w = simulate(wander);
  CHECK(energy(remove_background(w.bscan, with(BackgroundMethod::ground_bounce))) <=
        2e-3 * energy(w.bscan));
  CHECK(energy(remove_background(w.bscan, with(BackgroundMethod::svd))) <= 1e-3 * energy(w.bscan));
  // A mean trace cannot follow the wandering ground: the check above can fail.
  CHECK(energy(remove_background(w.bscan, with(BackgroundMethod::mean))) > 0.1 * energy(w.bscan));
}

TEST_CASE("background: mean/median/moving match brute force with range, mask, strides",
          "[clutter]") {
  const std::ptrdiff_t m = 37, n = 60;
  const Bscan a = random_section(m, n, 3);
  BackgroundOptions o;
  o.first_trace = 5;
  o.n_traces = 50;
  o.trace_mask.assign(n, 1);
  for (int j : {7, 8, 20, 33}) o.trace_mask[static_cast<std::size_t>(j)] = 0;
  std::vector<std::ptrdiff_t> sel;
  for (std::ptrdiff_t j = 5; j < 55; ++j)
    if (o.trace_mask[static_cast<std::size_t>(j)]) sel.push_back(j);
  const auto ns = static_cast<std::ptrdiff_t>(sel.size());
  auto median_of = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t k = v.size();
    return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
  };
  for (auto method : {BackgroundMethod::mean, BackgroundMethod::median,
                      BackgroundMethod::moving_mean, BackgroundMethod::moving_median}) {
    CAPTURE(static_cast<int>(method));
    o.method = method;
    o.window_traces = 7;
    BackgroundReport rep;
    const Bscan out = remove_background(a, o, &rep);
    CHECK(rep.traces_used == ns);
    for (std::ptrdiff_t j = 0; j < n; ++j) {
      // window of 7 selected traces centred on j, clipped to the selection (shorter there)
      const auto p = std::lower_bound(sel.begin(), sel.end(), j) - sel.begin();
      const auto st = std::max<std::ptrdiff_t>(p - 3, 0);
      const auto en = std::min<std::ptrdiff_t>(p + 4, ns);
      for (std::ptrdiff_t i = 0; i < m; ++i) {
        std::vector<double> v;
        const bool moving =
            method == BackgroundMethod::moving_mean || method == BackgroundMethod::moving_median;
        for (std::ptrdiff_t q = moving ? st : 0; q < (moving ? en : ns); ++q)
          v.push_back(a(i, sel[static_cast<std::size_t>(q)]));
        double bg = 0;
        if (method == BackgroundMethod::mean || method == BackgroundMethod::moving_mean) {
          for (double x : v) bg += x;
          bg /= static_cast<double>(v.size());
        } else {
          bg = median_of(v);
        }
        REQUIRE(out(i, j) == Approx(a(i, j) - bg).margin(1e-5));
      }
    }
    // Strided (row-major) input and output give the same answer; so does in-place.
    std::vector<float> rm(static_cast<std::size_t>(m * n)), rm_out(rm.size());
    for (std::ptrdiff_t j = 0; j < n; ++j)
      for (std::ptrdiff_t i = 0; i < m; ++i) rm[static_cast<std::size_t>(i * n + j)] = a(i, j);
    remove_background(ConstView(rm.data(), m, n, n, 1), MutView(rm_out.data(), m, n, n, 1), o);
    Bscan in_place = a;
    remove_background(in_place.cview(), in_place.view(), o);
    for (std::ptrdiff_t j = 0; j < n; ++j)
      for (std::ptrdiff_t i = 0; i < m; ++i) {
        REQUIRE(rm_out[static_cast<std::size_t>(i * n + j)] == out(i, j));
        REQUIRE(in_place(i, j) == out(i, j));
      }
  }
  o.method = BackgroundMethod::mean;
  BackgroundReport rep;
  o.report_removed = true;
  const Bscan out = remove_background(a, o, &rep);
  REQUIRE(rep.background_trace.size() == static_cast<std::size_t>(m));
  REQUIRE(rep.removed.n_traces() == n);
  CHECK(rep.removed(4, 9) == Approx(a(4, 9) - out(4, 9)));
  CHECK(rep.removed(4, 9) == Approx(rep.background_trace[4]));
}

TEST_CASE("background: svd removes exactly the leading components", "[clutter]") {
  // rank-2 clutter (two time functions times two trace profiles) + small noise
  const std::ptrdiff_t m = 200, n = 500;
  Bscan a = random_section(m, n, 5);
  std::vector<float> u1(m), u2(m);
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    u1[i] = static_cast<float>(std::sin(0.1 * i));
    u2[i] = static_cast<float>(std::exp(-0.02 * i));
  }
  for (std::ptrdiff_t j = 0; j < n; ++j)
    for (std::ptrdiff_t i = 0; i < m; ++i)
      a(i, j) = 1e-3f * a(i, j) + 3.0f * u1[i] * static_cast<float>(1 + 0.3 * std::cos(0.01 * j)) +
                2.0f * u2[i] * static_cast<float>(std::sin(0.02 * j));
  BackgroundOptions o;
  o.method = BackgroundMethod::svd;
  BackgroundReport rep;
  const Bscan out = remove_background(a, o, &rep);  // automatic k: the gap after s_2
  CHECK(rep.components == 2);
  REQUIRE(rep.singular_values.size() >= 3);
  CHECK(rep.singular_values[1] > 100.0 * rep.singular_values[2]);
  // What is left is the noise: 1e-3 rms per sample.
  CHECK(std::sqrt(energy(out) / static_cast<double>(m * n)) == Approx(1e-3).epsilon(0.05));
  o.svd_components = 1;
  const Bscan one = remove_background(a, o, &rep);
  CHECK(rep.components == 1);
  CHECK(energy(one) > 1e3 * energy(out));
}

TEST_CASE("background: results do not depend on the thread count", "[clutter]") {
  auto so = clutter_scene(0.02);
  so.n_traces = 600;
  const auto sim = simulate(so);
  for (auto m : kAll) {
    CAPTURE(static_cast<int>(m));
    BackgroundOptions o = with(m);
    o.rpca_max_iterations = 8;
    set_num_threads(1);
    const Bscan a = remove_background(sim.bscan, o);
    set_num_threads(2);
    const Bscan b = remove_background(sim.bscan, o);
    set_num_threads(0);
    bool same = true;
    for (std::ptrdiff_t j = 0; j < a.n_traces(); ++j)
      for (std::ptrdiff_t i = 0; i < a.n_samples(); ++i) same = same && a(i, j) == b(i, j);
    CHECK(same);
  }
}

TEST_CASE("background: ground_bounce runs in place, its in-place moving mean is moving_mean's",
          "[clutter]") {
  auto so = clutter_scene(0.02);
  so.n_traces = 600;  // several 256-trace chunks, where the running sums restart
  const auto sim = simulate(so);
  BackgroundOptions mm;
  mm.method = BackgroundMethod::moving_mean;
  mm.window_traces = 41;
  mm.trace_mask.assign(600, 1);
  for (std::ptrdiff_t j = 100; j < 180; ++j) mm.trace_mask[static_cast<std::size_t>(j)] = 0;
  // Flat picks, no horizontal term, one pass: ground_bounce reduces to the moving mean.
  BackgroundOptions gb = mm;
  gb.method = BackgroundMethod::ground_bounce;
  gb.ground_pick_samples.assign(600, 40.0);
  gb.ground_remove_horizontal = false;
  gb.ground_iterations = 1;
  for (int threads : {1, 3}) {
    set_num_threads(threads);
    const Bscan a = remove_background(sim.bscan, mm);
    const Bscan b = remove_background(sim.bscan, gb);
    CHECK(std::equal(a.data(), a.data() + a.n_samples() * a.n_traces(), b.data()));
    // In place (no copy of the input any more) gives the same bits as out of place.
    const Bscan c = remove_background(sim.bscan, with(BackgroundMethod::ground_bounce));
    Bscan d = sim.bscan;
    remove_background(d.cview(), d.view(), with(BackgroundMethod::ground_bounce));
    CHECK(std::equal(c.data(), c.data() + c.n_samples() * c.n_traces(), d.data()));
  }
  set_num_threads(0);
}

TEST_CASE("background: bad input gets a clear error", "[clutter]") {
  const Bscan a = random_section(64, 40, 9);
  auto throws_with = [&](BackgroundOptions o, const char* what) {
    CHECK_THROWS_AS(remove_background(a, o), InvalidArgument);
    CHECK_THROWS_WITH(remove_background(a, o), Catch::Contains(what));
  };
  BackgroundOptions o;
  o.method = BackgroundMethod::svd;
  o.svd_components = 41;  // more than min(64, 40)
  throws_with(o, "svd_components");
  o.svd_components = 0;
  throws_with(o, "svd_components");
  {
    Bscan r2(64, 40);  // exactly rank 2
    for (std::ptrdiff_t j = 0; j < 40; ++j)
      for (std::ptrdiff_t i = 0; i < 64; ++i)
        r2(i, j) = static_cast<float>(std::sin(0.3 * i) * (j + 1) + std::cos(0.2 * i) * (j % 3));
    o.svd_components = 3;
    CHECK_THROWS_WITH(remove_background(r2, o), Catch::Contains("numerical rank"));
    o.svd_components = 2;
    CHECK_NOTHROW(remove_background(r2, o));
  }
  o = {};
  o.method = BackgroundMethod::moving_mean;
  o.window_traces = 41;  // longer than the 40-trace line
  throws_with(o, "window_traces");
  o.window_traces = 8;  // even
  throws_with(o, "window_traces");
  o.window_traces = 31;
  o.first_trace = 20;  // only 20 traces used
  throws_with(o, "window_traces");
  o = {};
  o.trace_mask.assign(39, 1);  // wrong shape
  throws_with(o, "trace_mask");
  o.trace_mask.assign(40, 0);  // nothing selected
  throws_with(o, "trace_mask");
  o = {};
  o.first_trace = 40;
  throws_with(o, "first_trace");
  o = {};
  o.n_traces = 41;
  throws_with(o, "n_traces");
  o = {};
  o.method = BackgroundMethod::rpca;
  o.rpca_rho = 1.0;
  throws_with(o, "rho");
  o = {};
  o.method = BackgroundMethod::ground_bounce;
  o.ground_pick_samples.assign(12, 3.0);
  throws_with(o, "ground_pick_samples");
  o.ground_pick_samples.assign(40, 64.0);  // beyond the last sample
  throws_with(o, "ground_pick_samples");
  o = {};
  o.method = BackgroundMethod::ground_bounce;
  o.ground_first_sample = 64;
  throws_with(o, "ground_first_sample");
  Bscan nan = a;
  nan(3, 3) = std::nanf("");
  CHECK_THROWS_AS(remove_background(nan, {}), InvalidArgument);
  Bscan small(64, 39);
  CHECK_THROWS_AS(remove_background(a.cview(), small.view(), {}), InvalidArgument);
  Bscan big = random_section(64, 41, 1);
  CHECK_THROWS_AS(remove_background(big.cview().traces(0, 40), big.view().traces(1, 40), {}),
                  InvalidArgument);
}
